//! `--config FILE`: one TOML file whose every key is a flag's long name
//! (`listen = "0.0.0.0:8080"`, `behind-proxy = ["127.0.0.1/32"]`).
//!
//! The file never gets a parser of its own: each key becomes the default value of the clap
//! argument of that name before the command line is parsed, so a flag still beats its
//! environment variable, which beats the file, which beats the built-in default, and every
//! flag added later is a key of the file without a line of code here. Each value is run
//! through its flag's own value parser first, so a wrong one is reported with the file's
//! line rather than as if it had been typed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::builder::{ArgAction, Command};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use toml::{Spanned, Value};

/// The flag that names the file; it cannot be a key of the file itself.
pub const CONFIG_FLAG: &str = "config";

/// Why the file cannot be used, with the file and line to look at.
#[derive(Debug)]
pub struct ConfigFileError {
    file: PathBuf,
    /// 1-based; none when the file could not be read at all.
    line: Option<usize>,
    message: String,
}

impl fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigFileError {}

/// Reads `file` and makes each of its keys the default value of the argument with that
/// long name, in `command` and in each of its subcommands that also has `--config` (the
/// same flags under `serve`, say).
pub fn apply(command: Command, file: &Path) -> Result<Command, ConfigFileError> {
    let text = std::fs::read_to_string(file).map_err(|error| ConfigFileError {
        file: file.to_owned(),
        line: None,
        message: error.to_string(),
    })?;
    let defaults = defaults(&command, file, &text)?;
    Ok(with_defaults(command, &defaults))
}

/// One key's values, as its flag's value parser accepted them.
type Defaults = Vec<(clap::Id, Vec<String>)>;

fn defaults(command: &Command, file: &Path, text: &str) -> Result<Defaults, ConfigFileError> {
    let at = |span: std::ops::Range<usize>, message: String| ConfigFileError {
        file: file.to_owned(),
        line: Some(line_of(text, span.start)),
        message,
    };
    let table: BTreeMap<Spanned<String>, Spanned<Value>> = toml::from_str(text)
        .map_err(|error| at(error.span().unwrap_or(0..0), error.message().trim_end().to_owned()))?;
    let mut command = command.clone();
    command.build();
    let mut defaults = Vec::new();
    for (key, value) in table {
        let span = key.span();
        let key = key.into_inner();
        let Some(arg) = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(key.as_str()) && key != CONFIG_FLAG)
        else {
            let section =
                if value.get_ref().is_table() { " (keys go without sections)" } else { "" };
            return Err(at(span, format!("{key}: not a flag of {}{section}", command.get_name())));
        };
        let values = strings(arg, value.get_ref())
            .map_err(|reason| at(span.clone(), format!("{key}: {reason}")))?;
        validate(arg, &values).map_err(|reason| at(span, format!("{key}: {reason}")))?;
        defaults.push((arg.get_id().clone(), values));
    }
    Ok(defaults)
}

/// The value as the command line would spell it: one string per value.
fn strings(arg: &clap::Arg, value: &Value) -> Result<Vec<String>, String> {
    let is_switch = matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse);
    let takes_many = arg.get_num_args().is_some_and(|range| range.max_values() > 1)
        || matches!(arg.get_action(), ArgAction::Append);
    let scalar = |value: &Value| match value {
        Value::String(s) => Ok(s.clone()),
        Value::Integer(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(f.to_string()),
        Value::Boolean(b) => Ok(b.to_string()),
        Value::Datetime(d) => Ok(d.to_string()),
        Value::Array(_) | Value::Table(_) => Err("a list or table where one value goes"),
    };
    match value {
        Value::Boolean(_) if is_switch => Ok(vec![scalar(value)?]),
        _ if is_switch => Err("true or false".to_owned()),
        Value::Array(items) if takes_many => {
            items.iter().map(|item| scalar(item).map_err(str::to_owned)).collect()
        }
        Value::Array(_) => Err("takes one value, not a list".to_owned()),
        Value::Table(_) => Err("not a table: keys are flags, without sections".to_owned()),
        // A delimited flag (`--behind-proxy a,b`) reads the same string the same way.
        _ => {
            let one = scalar(value)?;
            Ok(match arg.get_value_delimiter() {
                Some(delimiter) if takes_many => one.split(delimiter).map(str::to_owned).collect(),
                _ => vec![one],
            })
        }
    }
}

/// Runs the values through the argument's own value parser, on a command that has
/// nothing else (so neither another flag's environment variable nor this one's can make
/// the file's value look right or wrong).
fn validate(arg: &clap::Arg, values: &[String]) -> Result<(), String> {
    if matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
        return Ok(());
    }
    let long = arg.get_long().unwrap_or_default();
    let alone = Command::new("config").no_binary_name(true).arg(
        arg.clone()
            .env(None::<&str>)
            .required(false)
            .default_value(None::<&str>)
            .allow_hyphen_values(true),
    );
    let argv: Vec<String> = if matches!(arg.get_action(), ArgAction::Append) {
        values.iter().map(|value| format!("--{long}={value}")).collect()
    } else {
        std::iter::once(format!("--{long}")).chain(values.iter().cloned()).collect()
    };
    let error = match alone.try_get_matches_from(argv) {
        Ok(_) => return Ok(()),
        Err(error) => error,
    };
    // The one value refused, when clap says which.
    let value = match error.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(value)) => value.clone(),
        _ => values.join(","),
    };
    Err(match (error.kind(), std::error::Error::source(&error)) {
        (_, Some(reason)) => format!("{value:?}: {reason}"),
        (ErrorKind::InvalidValue, None) => {
            let valid: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|possible| possible.get_name().to_owned())
                .collect();
            format!("{value:?}: one of {}", valid.join(", "))
        }
        _ => {
            let rendered = error.to_string();
            let first = rendered.lines().next().unwrap_or_default();
            first.trim_start_matches("error: ").to_owned()
        }
    })
}

fn with_defaults(mut command: Command, defaults: &Defaults) -> Command {
    let has_config =
        |command: &Command| command.get_arguments().any(|arg| arg.get_long() == Some(CONFIG_FLAG));
    for (id, values) in defaults {
        if has_config(&command) {
            command = command.mut_arg(id, |arg| arg.default_values(values.clone()));
        }
        let names: Vec<String> = command
            .get_subcommands()
            .filter(|sub| has_config(sub))
            .map(|sub| sub.get_name().to_owned())
            .collect();
        for name in names {
            command = command.mut_subcommand(name, |sub| {
                sub.mut_arg(id, |arg| arg.default_values(values.clone()))
            });
        }
    }
    command
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, value_parser};

    fn command() -> Command {
        Command::new("adal-server")
            .arg(Arg::new("config").long("config"))
            .arg(
                Arg::new("listen")
                    .long("listen")
                    .default_value("127.0.0.1:8080")
                    .value_parser(value_parser!(std::net::SocketAddr)),
            )
            .arg(
                Arg::new("burst")
                    .long("burst")
                    .default_value("3")
                    .value_parser(value_parser!(u32).range(1..)),
            )
            .arg(Arg::new("proxies").long("proxies").num_args(1..).value_delimiter(','))
            .arg(Arg::new("quiet").long("quiet").action(ArgAction::SetTrue))
    }

    fn errors(text: &str) -> String {
        defaults(&command(), Path::new("adal.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn every_kind_of_value_becomes_the_defaults_of_its_flag() {
        let text = "listen = \"0.0.0.0:80\"\nburst = 5\nproxies = [\"a\", \"b\"]\nquiet = true\n";
        let defaults = defaults(&command(), Path::new("adal.toml"), text).unwrap();
        let matches = with_defaults(command(), &defaults).get_matches_from(["adal-server"]);
        assert_eq!(matches.get_one::<std::net::SocketAddr>("listen").unwrap().port(), 80);
        assert_eq!(matches.get_one::<u32>("burst"), Some(&5));
        let proxies: Vec<&String> = matches.get_many("proxies").unwrap().collect();
        assert_eq!(proxies, ["a", "b"]);
        assert!(matches.get_flag("quiet"));
    }

    #[test]
    fn a_delimited_string_is_read_as_the_command_line_reads_it() {
        let defaults = defaults(&command(), Path::new("f"), "proxies = \"a,b\"").unwrap();
        assert_eq!(defaults[0].1, ["a", "b"]);
    }

    #[test]
    fn a_wrong_key_or_value_names_its_line() {
        assert_eq!(errors("\n\nlisen = \"x\""), "adal.toml:3: lisen: not a flag of adal-server");
        assert_eq!(errors("config = \"x\""), "adal.toml:1: config: not a flag of adal-server");
        assert!(errors("burst = 0").starts_with("adal.toml:1: burst: \"0\": 0 is not in 1.."));
        assert_eq!(
            errors("\nlisten = [\"a\"]"),
            "adal.toml:2: listen: takes one value, not a list"
        );
        assert_eq!(errors("quiet = \"yes\""), "adal.toml:1: quiet: true or false");
        assert!(errors("# a comment\nlisten = ").starts_with("adal.toml:2: "));
    }
}
