//! The one table: rows of every part (`target/bench/*.json`), printed and merged into
//! `target/bench/results.json`. The row schema is documented in `bench/README.md`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// One measure: ours against a baseline measured in the same run, and the goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub measure: String,
    pub ours: f64,
    pub baseline: Option<f64>,
    pub unit: String,
    /// `ours / baseline` when there is a baseline.
    pub ratio: Option<f64>,
    /// For people: "≥ 0.7× baseline", "≤ 100 ms", or "—" when the row only informs.
    pub goal: String,
    /// Whether the goal was met; `null` when the row has no goal.
    pub met: Option<bool>,
    #[serde(default)]
    pub notes: String,
}

/// What a row is held to.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    /// The row informs; nothing to meet.
    None,
    AtMost(f64),
    RatioAtLeast(f64),
    /// Both a ratio to the baseline and an absolute floor.
    RatioAndAtLeast(f64, f64),
}

impl Row {
    pub fn new(
        measure: &str,
        ours: f64,
        baseline: Option<f64>,
        unit: &str,
        goal: Goal,
        notes: String,
    ) -> Row {
        let ratio = baseline.filter(|b| *b > 0.0).map(|b| ours / b);
        let (goal_text, met) = match goal {
            Goal::None => ("—".to_owned(), None),
            Goal::AtMost(x) => (format!("≤ {} {unit}", number(x)), Some(ours <= x)),
            Goal::RatioAtLeast(r) => (format!("≥ {r}× baseline"), ratio.map(|q| q >= r)),
            Goal::RatioAndAtLeast(r, x) => (
                format!("≥ {r}× baseline, ≥ {} {unit}", number(x)),
                ratio.map(|q| q >= r && ours >= x),
            ),
        };
        Row {
            measure: measure.into(),
            ours,
            baseline,
            unit: unit.into(),
            ratio,
            goal: goal_text,
            met,
            notes,
        }
    }
}

/// Reads a part file: an array of rows, or an object with a `rows` array.
fn read_part(path: &Path) -> anyhow::Result<Vec<Row>> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Part {
        Rows(Vec<Row>),
        Object { rows: Vec<Row> },
    }
    let text = std::fs::read_to_string(path)?;
    let part: Part = serde_json::from_str(&text)
        .with_context(|| format!("{} does not hold bench rows", path.display()))?;
    Ok(match part {
        Part::Rows(rows) | Part::Object { rows } => rows,
    })
}

/// The merged results file.
#[derive(Debug, Serialize)]
struct Results<'a> {
    generated_at: String,
    parts: Vec<String>,
    rows: &'a [Row],
}

/// Merges every part in `dir` (in file-name order, `results.json` aside), prints the
/// table and writes `results.json`; returns how many goals were missed.
pub fn merge(dir: &Path) -> anyhow::Result<usize> {
    let mut parts: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "results.json"))
        .collect();
    parts.sort();
    let mut rows = Vec::new();
    for part in &parts {
        rows.extend(read_part(part)?);
    }
    print!("{}", table(&rows));
    let generated_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let names = parts
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let results = Results { generated_at, parts: names, rows: &rows };
    std::fs::write(dir.join("results.json"), serde_json::to_string_pretty(&results)?)?;
    Ok(rows.iter().filter(|r| r.met == Some(false)).count())
}

/// The table as Markdown, so that it pastes into the README as it is.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| measure | ours | baseline | ratio | goal | met? |\n|---|--:|--:|--:|---|:-:|\n",
    );
    for row in rows {
        let baseline = row.baseline.map(|b| format!("{} {}", number(b), row.unit));
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            out,
            "| {} | {} {} | {} | {} | {} | {} |",
            row.measure,
            number(row.ours),
            row.unit,
            baseline.as_deref().unwrap_or("—"),
            row.ratio.map(|r| format!("{r:.2}×")).as_deref().unwrap_or("—"),
            row.goal,
            met
        );
    }
    out
}

/// 12,345 · 123 · 12.3 · 1.23 · 0.123
pub fn number(x: f64) -> String {
    if x.abs() >= 1000.0 {
        let digits = format!("{:.0}", x.abs());
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if x < 0.0 { format!("-{grouped}") } else { grouped }
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_judged_and_written_for_people() {
        let row =
            Row::new("ingest", 900.0, Some(1000.0), "req/s", Goal::RatioAtLeast(0.7), "".into());
        assert_eq!(
            (row.ratio, row.met, row.goal.as_str()),
            (Some(0.9), Some(true), "≥ 0.7× baseline")
        );
        let row = Row::new("p95", 120.0, None, "ms", Goal::AtMost(100.0), "".into());
        assert_eq!((row.met, row.goal.as_str()), (Some(false), "≤ 100 ms"));
        let row = Row::new(
            "batch",
            15_000.0,
            Some(20_000.0),
            "records/s",
            Goal::RatioAndAtLeast(0.5, 20_000.0),
            "".into(),
        );
        assert_eq!(row.met, Some(false), "ratio met, floor missed");
        assert_eq!(Row::new("rss", 9.0, None, "MB", Goal::None, "".into()).met, None);
    }

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(number(12_345.6), "12,346");
        assert_eq!(number(1_234_567.0), "1,234,567");
        assert_eq!(number(123.4), "123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(1.234), "1.23");
        assert_eq!(number(0.1234), "0.123");
    }

    #[test]
    fn a_part_may_be_an_array_or_an_object_of_rows() {
        let dir = std::env::temp_dir().join(format!("adal-bench-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let row = Row::new("x", 1.0, None, "ms", Goal::AtMost(2.0), "n".into());
        std::fs::write(dir.join("a.json"), serde_json::to_string(&vec![row.clone()]).unwrap())
            .unwrap();
        let browser = r#"{"rows":[{"measure":"lcp","ours":900,"baseline":null,"unit":"ms",
            "ratio":null,"goal":"≤ 2500 ms","met":true}]}"#;
        std::fs::write(dir.join("b.json"), browser).unwrap();

        let missed = merge(&dir).unwrap();

        assert_eq!(missed, 0);
        let results: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap())
                .unwrap();
        assert_eq!(results["rows"].as_array().unwrap().len(), 2);
        assert_eq!(results["rows"][1]["measure"], "lcp");
        assert_eq!(results["parts"], serde_json::json!(["a.json", "b.json"]));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
