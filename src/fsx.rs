//! File-system helpers shared by the state ledger and the catalog: the one atomic-write routine
//! and text/byte reads that classify "not found" apart from other failures.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Held for the duration of every write that must not be cut in half.
static CRITICAL: Mutex<()> = Mutex::new(());

/// Enter a section a signal must not interrupt (a publish of state, a lock or a blob): the
/// signal watcher takes the same mutex before it cleans up and exits.
pub fn critical_section() -> MutexGuard<'static, ()> {
    CRITICAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Input size bounds: a config folder is small text; anything beyond these is a mistake or an
/// attack, and is reported as a read error instead of exhausting memory.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;
/// Schema, query and policy sources, and the catalog blobs copied from them.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;
pub const MAX_STATE_BYTES: u64 = 256 << 20;
pub const MAX_LOCK_BYTES: u64 = 1 << 20;

/// Read a whole file, refusing files larger than `limit` bytes (checked while reading, so a file
/// that grows underneath us is caught too).
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    refuse_special_file(path)?;
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("file is larger than the {} MiB limit", limit >> 20),
        ));
    }
    Ok(bytes)
}

/// Opening a FIFO blocks until a writer appears, and devices never end: refuse anything that is
/// not a regular file or a directory (a directory still fails with the usual `Is a directory`
/// text when read).
fn refuse_special_file(path: &Path) -> io::Result<()> {
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_file() || kind.is_dir() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ))
    }
}

/// `read_bounded` as UTF-8 text, with std's error text for invalid UTF-8.
pub fn read_text_bounded(path: &Path, limit: u64) -> io::Result<String> {
    utf8(read_bounded(path, limit)?)
}

/// Bytes as UTF-8 text, failing with std's own text for invalid UTF-8 (what
/// `read_to_string` says), so every "read as text" reports the same words.
pub fn utf8(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

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
/// behind. `what` names the kind of file for fault injection (`state`, `blob`).
pub fn atomic_write(
    what: &str,
    temp: &Path,
    target: &Path,
    bytes: &[u8],
) -> Result<(), AtomicWriteError> {
    // A signal arriving mid-write waits for the publish to finish or fail cleanly.
    let _critical = critical_section();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(AtomicWriteError::Create)?;
    let written = crate::faults::io_point(what, "write")
        .and_then(|()| file.write_all(bytes))
        .map_err(AtomicWriteError::Write)
        .and_then(|()| {
            crate::faults::io_point(what, "sync")
                .and_then(|()| file.sync_all())
                .map_err(AtomicWriteError::Sync)
        });
    drop(file);
    if let Err(err) = written {
        let _ = std::fs::remove_file(temp);
        return Err(err);
    }
    crate::faults::crash_point(what, "before-rename");
    if let Err(err) =
        crate::faults::io_point(what, "rename").and_then(|()| std::fs::rename(temp, target))
    {
        let _ = std::fs::remove_file(temp);
        return Err(AtomicWriteError::Rename(err));
    }
    sync_parent_dir(target);
    crate::faults::crash_point(what, "after-rename");
    Ok(())
}

/// Hold an exclusive advisory lock (`flock`) on directory `dir` until the returned handle is
/// dropped. It makes "check the CAS, then rename" one step for every process of this tool, so
/// two writers can never both pass the check (a real compare-and-swap even with
/// `state.lock: false`). It creates no file, so the folder stays byte-compatible. Best effort:
/// `None` where the file system cannot lock, which leaves the reference's plain check.
pub fn lock_dir(dir: &Path) -> Option<File> {
    let handle = File::open(dir).ok()?;
    handle.lock().ok()?;
    Some(handle)
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

/// Outcome of reading something that may legitimately be absent.
#[derive(Debug)]
pub enum Fetch<T> {
    Found(T),
    NotFound,
    Failed(io::Error),
}

fn classify<T>(result: io::Result<T>) -> Fetch<T> {
    match result {
        Ok(value) => Fetch::Found(value),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Fetch::NotFound,
        Err(err) => Fetch::Failed(err),
    }
}

/// Read raw bytes (at most `limit`), telling "not found" apart from other failures.
pub fn read_bytes(path: &Path, limit: u64) -> Fetch<Vec<u8>> {
    classify(read_bounded(path, limit))
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
        atomic_write("test", &temp, &target, b"new").expect("write");
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
            atomic_write("test", &temp, &target, b"new"),
            Err(AtomicWriteError::Create(_))
        ));
        assert!(!target.exists());
        assert_eq!(std::fs::read(&temp).expect("read"), b"someone else");
    }

    #[test]
    fn reads_classify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let limit = MAX_SOURCE_BYTES;
        assert!(matches!(
            read_bytes(&dir.path().join("nope"), limit),
            Fetch::NotFound
        ));
        match read_bytes(dir.path(), limit) {
            Fetch::Failed(err) => assert_eq!(err.to_string(), "Is a directory (os error 21)"),
            _ => panic!("expected failure"),
        }
        let bad = dir.path().join("bad");
        std::fs::write(&bad, [0xffu8, 0xfe]).expect("seed");
        let err = read_text_bounded(&bad, limit).expect_err("invalid UTF-8");
        assert_eq!(err.to_string(), "stream did not contain valid UTF-8");
    }

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = read_bounded(&fifo, 1024).expect_err("fifo");
            assert_eq!(err.to_string(), "not a regular file");
        }
        let err = read_bounded(Path::new("/dev/zero"), 1024).expect_err("device");
        assert_eq!(err.to_string(), "not a regular file");
    }

    #[test]
    fn oversized_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; (2 << 20) + 1]).expect("seed");
        let err = read_bounded(&big, 2 << 20).expect_err("too big");
        assert_eq!(err.to_string(), "file is larger than the 2 MiB limit");
        assert_eq!(
            read_bounded(&big, 3 << 20).expect("fits").len(),
            (2 << 20) + 1
        );
    }
}
