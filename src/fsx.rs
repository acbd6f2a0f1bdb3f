//! File-system helpers shared by the state ledger and the catalog: the one atomic-write routine
//! and text/byte reads that classify "not found" apart from other failures.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The step of an atomic write that failed; callers map each to their own diagnostic text.
#[derive(Debug)]
pub enum AtomicWriteError {
    Create(io::Error),
    Write(io::Error),
    Sync(io::Error),
    Rename(io::Error),
}

/// Write `bytes` to `target` atomically: create `temp` exclusively in the same directory, write,
/// fsync, rename over `target`, then fsync the directory so the rename itself survives a power
/// loss. On any failure after creation the temp file is removed, so nothing half-written stays
/// behind.
pub fn atomic_write(temp: &Path, target: &Path, bytes: &[u8]) -> Result<(), AtomicWriteError> {
    // A signal arriving mid-write waits for the publish to finish or fail cleanly.
    let _critical = crate::signals::critical_section();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(AtomicWriteError::Create)?;
    let written = file
        .write_all(bytes)
        .map_err(AtomicWriteError::Write)
        .and_then(|()| file.sync_all().map_err(AtomicWriteError::Sync));
    drop(file);
    if let Err(err) = written {
        let _ = std::fs::remove_file(temp);
        return Err(err);
    }
    if let Err(err) = std::fs::rename(temp, target) {
        let _ = std::fs::remove_file(temp);
        return Err(AtomicWriteError::Rename(err));
    }
    sync_parent_dir(target);
    Ok(())
}

/// Best-effort fsync of the directory holding `path`. The data is already renamed into place;
/// a failure here only weakens durability on power loss, so it is not reported.
pub fn sync_parent_dir(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// Outcome of reading a file that may legitimately be absent.
pub enum Read<T> {
    Found(T),
    NotFound,
    Failed(io::Error),
}

fn classify<T>(result: io::Result<T>) -> Read<T> {
    match result {
        Ok(value) => Read::Found(value),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Read::NotFound,
        Err(err) => Read::Failed(err),
    }
}

/// Read raw bytes, telling "not found" apart from other failures.
pub fn read_bytes(path: &Path) -> Read<Vec<u8>> {
    classify(std::fs::read(path))
}

/// Read UTF-8 text, telling "not found" apart from other failures (invalid UTF-8 is a failure
/// whose text is `stream did not contain valid UTF-8`).
pub fn read_text(path: &Path) -> Read<String> {
    classify(std::fs::read_to_string(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("f");
        let temp = dir.path().join("f.tmp.1");
        std::fs::write(&target, b"old").expect("seed");
        atomic_write(&temp, &target, b"new").expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert!(!temp.exists());
    }

    #[test]
    fn atomic_write_refuses_existing_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("f");
        let temp = dir.path().join("f.tmp.1");
        std::fs::write(&temp, b"someone else").expect("seed");
        assert!(matches!(
            atomic_write(&temp, &target, b"new"),
            Err(AtomicWriteError::Create(_))
        ));
        assert!(!target.exists());
        assert_eq!(std::fs::read(&temp).expect("read"), b"someone else");
    }

    #[test]
    fn read_text_classifies() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            read_text(&dir.path().join("nope")),
            Read::NotFound
        ));
        assert!(matches!(read_text(dir.path()), Read::Failed(_)));
        let bad = dir.path().join("bad");
        std::fs::write(&bad, [0xffu8, 0xfe]).expect("seed");
        match read_text(&bad) {
            Read::Failed(err) => assert_eq!(err.to_string(), "stream did not contain valid UTF-8"),
            _ => panic!("expected failure"),
        }
    }
}
