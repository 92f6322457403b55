//! The backup rows: `adal-server backup` and `restore` of a data directory with 100,000
//! submissions and a photo on every tenth (150 KiB of incompressible bytes, as a JPEG
//! is), against GNU tar writing and extracting the same directory in the same run (no
//! snapshot, no SHA-256, no checks: the floor of moving those bytes through one file).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, ensure};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::load::median;
use crate::report::{Goal, Row, number};

/// One photo in this many submissions.
const PHOTO_EVERY: u64 = 10;
const PHOTO_BYTES: usize = 150 * 1024;

/// Seeds (once; kept for the next run) `rows` submissions and their photos in `dir`.
pub fn seed_with_photos(dir: &Path, rows: u64, description: usize) -> anyhow::Result<u64> {
    crate::data::seed(dir, rows, description)?;
    let marker = dir.join(format!("photos-every-{PHOTO_EVERY}-{PHOTO_BYTES}"));
    let mut conn = Connection::open(dir.join(adal_server::db::FILE_NAME))?;
    if marker.is_file() {
        return Ok(conn.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0))?);
    }
    conn.pragma_update(None, "synchronous", "OFF")?;
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM submissions WHERE rowid % ?1 = 0")?
        .query_map([PHOTO_EVERY], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let tx = conn.transaction()?;
    for (n, submission) in ids.iter().enumerate() {
        // xorshift: bytes a compressor cannot shrink, like a JPEG's.
        let photo: Vec<u8> = (0..PHOTO_BYTES / 8)
            .flat_map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()
            })
            .collect();
        let id = uuid::Uuid::from_u64_pair(0xada1, n as u64).to_string();
        let path = dir.join("attachments/files").join(&id[..2]).join(&id);
        std::fs::create_dir_all(path.parent().context("a parent")?)?;
        std::fs::write(&path, &photo)?;
        let sha256 = hex::encode(Sha256::digest(&photo));
        tx.execute(
            "INSERT INTO attachments (id, sha256, size, content_type, completed_at) \
             VALUES (?1, ?2, ?3, 'image/jpeg', '2026-01-05T04:00:00Z')",
            rusqlite::params![id, sha256, photo.len() as i64],
        )?;
        tx.execute(
            "INSERT INTO submission_attachments (submission_id, attachment_id, position) \
             VALUES (?1, ?2, 0)",
            rusqlite::params![submission, id],
        )?;
    }
    tx.commit()?;
    std::fs::write(&marker, "")?;
    Ok(ids.len() as u64)
}

fn timed(command: &mut Command) -> anyhow::Result<f64> {
    let started = Instant::now();
    let output = command.output().with_context(|| format!("running {command:?}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    ensure!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(elapsed)
}

fn size_of(path: &Path) -> anyhow::Result<u64> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        total += size_of(&entry?.path())?;
    }
    Ok(total)
}

fn settle() {
    let _ = Command::new("sync").status();
}

/// Backup and restore of the seeded directory: medians of `reps` runs of each, ours and
/// tar's alternately.
pub fn rows(server: &Path, work: &Path, rows: u64, reps: usize) -> anyhow::Result<Vec<Row>> {
    let dir = work.join(format!("seed-backup-{rows}"));
    eprintln!("backup: seeding {rows} submissions with photos (once)");
    let photos = seed_with_photos(&dir, rows, 400)?;
    let data_bytes = size_of(&dir)?;
    let out: PathBuf = work.join("backup-runs");
    let (mut backup, mut tar_c, mut restore, mut tar_x) = (vec![], vec![], vec![], vec![]);
    let mut backup_bytes = 0;
    for rep in 0..reps {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out)?;
        let (ours, theirs) = (out.join("adal.backup"), out.join("plain.tar"));
        settle();
        backup.push(timed(
            Command::new(server).arg("backup").arg("--data").arg(&dir).arg("--to").arg(&ours),
        )?);
        settle();
        tar_c
            .push(timed(Command::new("tar").arg("-cf").arg(&theirs).arg("-C").arg(&dir).arg("."))?);
        backup_bytes = std::fs::metadata(&ours)?.len();
        settle();
        restore.push(timed(
            Command::new(server).arg("restore").arg(&ours).arg("--data").arg(out.join("restored")),
        )?);
        std::fs::create_dir_all(out.join("extracted"))?;
        settle();
        tar_x.push(timed(
            Command::new("tar").arg("-xf").arg(&theirs).arg("-C").arg(out.join("extracted")),
        )?);
        eprintln!(
            "  #{rep}: backup {:.2} s (tar {:.2} s), restore {:.2} s (tar {:.2} s), {:.0} MB",
            backup[rep],
            tar_c[rep],
            restore[rep],
            tar_x[rep],
            backup_bytes as f64 / 1e6
        );
    }
    let _ = std::fs::remove_dir_all(&out);
    let what = format!("{} submissions, {} photos", number(rows as f64), number(photos as f64));
    Ok(vec![
        Row::new(
            &format!("backup of {what}: time"),
            median(&backup),
            Some(median(&tar_c)),
            "s",
            Goal::None,
            format!(
                "adal-server backup (VACUUM INTO, every photo read and hashed, fsync) vs tar -cf \
                 of the same directory; median of {reps}"
            ),
        ),
        Row::new(
            &format!("backup of {what}: size"),
            backup_bytes as f64 / 1e6,
            Some(data_bytes as f64 / 1e6),
            "MB",
            Goal::None,
            "the backup file vs the data directory it was taken from".into(),
        ),
        Row::new(
            &format!("restore of {what}: time"),
            median(&restore),
            Some(median(&tar_x)),
            "s",
            Goal::None,
            format!(
                "adal-server restore (every part checked against the manifest, integrity_check, \
                 fsync) vs tar -xf; median of {reps}"
            ),
        ),
    ])
}
