//! File-system helpers shared by the state ledger and the catalog: the one atomic-write routine
//! and text/byte reads that classify "not found" apart from other failures.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Held for the duration of every write that must not be cut in half.
static CRITICAL: Mutex<()> = Mutex::new(());
/// Threads blocked in `critical_section`, waiting for the mutex.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Enter a section a signal must not interrupt (a publish of state, a lock or a blob): the
/// signal watcher takes the same mutex before it cleans up and exits.
pub fn critical_section() -> MutexGuard<'static, ()> {
    WAITING.fetch_add(1, Ordering::SeqCst);
    let guard = CRITICAL.lock().unwrap_or_else(PoisonError::into_inner);
    WAITING.fetch_sub(1, Ordering::SeqCst);
    guard
}

/// Called between two critical sections of one long publish (the chunks of a blob batch), with
/// no section held: if another thread is waiting for the mutex (the signal watcher), wait until
/// it has it. A mutex is not fair, so without this the publishing thread would take it again
/// at once and a signal could wait for the whole batch instead of one chunk. The watcher exits
/// the process once it holds the mutex; the wait is capped anyway, so this never hangs.
pub fn let_waiters_in() {
    let deadline = Instant::now() + Duration::from_secs(1);
    while WAITING.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(100));
    }
}

/// Input size bounds: a config folder is small text; anything beyond these is a mistake or an
/// attack, and is reported as a read error instead of exhausting memory.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;
/// Schema, query and policy sources, and the catalog blobs copied from them.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;
pub const MAX_STATE_BYTES: u64 = 256 << 20;
pub const MAX_LOCK_BYTES: u64 = 1 << 20;

/// Read a whole file, refusing files larger than `limit` bytes (checked while reading too, so a
/// file that grows underneath us is caught).
///
/// One path walk per file: the file is opened first and the open file is examined (`fstat`),
/// then read into a buffer sized from its length, so a small file takes one read plus the one
/// that finds its end. FIFOs, sockets and devices are refused with `not a regular file`, exactly
/// as a check of the path before opening would: the open is non-blocking (a FIFO without a
/// writer does not wait) and never takes a terminal as the controlling one, and when the open
/// itself fails the path is examined to report what that check would have reported.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = match open_for_reading(path) {
        Ok(file) => file,
        Err(err) => {
            // The path's own error, or a socket or a device without a driver (ENXIO), is reported
            // as the path check reports it; anything else is the open's error.
            refuse_special_file(path)?;
            return Err(err);
        }
    };
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !(kind.is_file() || kind.is_dir()) {
        return Err(not_a_regular_file());
    }
    let mut bytes = Vec::new();
    if kind.is_file() {
        if meta.len() > limit {
            return Err(too_large(limit));
        }
        // Room for the whole file and the read that finds its end; `len ≤ limit` bounds it.
        let room = usize::try_from(meta.len().saturating_add(1)).unwrap_or(usize::MAX);
        bytes.try_reserve_exact(room)?;
    }
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_for_reading(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> io::Result<File> {
    refuse_special_file(path)?;
    File::open(path)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("file is larger than the {} MiB limit", limit >> 20),
    )
}

fn not_a_regular_file() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

/// Opening a FIFO blocks until a writer appears, and devices never end: refuse anything that is
/// not a regular file or a directory (a directory still fails with the usual `Is a directory`
/// text when read).
fn refuse_special_file(path: &Path) -> io::Result<()> {
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_file() || kind.is_dir() {
        Ok(())
    } else {
        Err(not_a_regular_file())
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

/// The names in directory `dir` (one level, not recursive) that end with `suffix`, sorted by
/// their bytes. What each name is (a file, a link, a FIFO) is left to the bounded read of it.
/// The directory is opened with `O_DIRECTORY`, so a FIFO or device in its place fails at once
/// (`Not a directory`) instead of blocking; errors are the open's or the listing's.
pub fn list_names_ending(dir: &Path, suffix: &str) -> io::Result<Vec<OsString>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        if name.as_encoded_bytes().ends_with(suffix.as_bytes()) {
            names.push(name);
        }
    }
    names.sort_unstable();
    Ok(names)
}

/// The step of an atomic write that failed; callers map each to their own diagnostic text.
#[derive(Debug)]
pub enum AtomicWriteError {
    Create(io::Error),
    Write(io::Error),
    Sync(io::Error),
    Rename(io::Error),
}

impl From<AtomicWriteError> for io::Error {
    /// The underlying error, whichever step it came from.
    fn from(err: AtomicWriteError) -> Self {
        match err {
            AtomicWriteError::Create(e)
            | AtomicWriteError::Write(e)
            | AtomicWriteError::Sync(e)
            | AtomicWriteError::Rename(e) => e,
        }
    }
}

/// The UTF-8 names in directory `dir` (one level, in the order listed); a name that is not
/// UTF-8 is passed over (none the tool writes or looks for is).
pub fn utf8_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        if let Ok(name) = entry?.file_name().into_string() {
            names.push(name);
        }
    }
    Ok(names)
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
    sync_dir(parent);
}

/// Best-effort fsync of directory `dir`, for renames and new entries already made in it.
pub fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// `std::fs::create_dir_all`, step for step (same calls, same errors), that also notes each
/// directory it created in `created`: the caller makes those entries durable by syncing their
/// parents.
pub fn create_dir_all_noting(path: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    if path == Path::new("") {
        return Ok(());
    }
    match std::fs::create_dir(path) {
        Ok(()) => {
            created.push(path.to_path_buf());
            return Ok(());
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(_) if path.is_dir() => return Ok(()),
        Err(err) => return Err(err),
    }
    match path.parent() {
        Some(parent) => create_dir_all_noting(parent, created)?,
        None => return Err(io::Error::other("failed to create whole tree")),
    }
    match std::fs::create_dir(path) {
        Ok(()) => {
            created.push(path.to_path_buf());
            Ok(())
        }
        Err(_) if path.is_dir() => Ok(()),
        Err(err) => Err(err),
    }
}

/// Give the pages of freed allocations back to the system. glibc keeps freed memory for reuse,
/// so after a phase that built and dropped large temporaries (the raw config, the source texts)
/// the process would otherwise carry them until it exits. Elsewhere a no-op.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Outcome of reading something that may legitimately be absent.
#[derive(Debug)]
pub enum Fetch<T> {
    Found(T),
    NotFound,
    Failed(io::Error),
}

impl<T> Fetch<T> {
    /// The found value transformed by `f`; absence and failure pass through.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetch<U> {
        match self {
            Fetch::Found(value) => Fetch::Found(f(value)),
            Fetch::NotFound => Fetch::NotFound,
            Fetch::Failed(err) => Fetch::Failed(err),
        }
    }
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

    /// The open fails on a socket (ENXIO) and on a symlink loop; the text is what a check of the
    /// path reports, as when the path was checked before opening.
    #[cfg(unix)]
    #[test]
    fn sockets_and_symlink_loops_keep_their_texts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let err = read_bounded(&socket, 1024).expect_err("socket");
        assert_eq!(err.to_string(), "not a regular file");
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink(&looped, &looped).expect("symlink");
        let err = read_bounded(&looped, 1024).expect_err("loop");
        assert_eq!(
            err.to_string(),
            "Too many levels of symbolic links (os error 40)"
        );
        let link = dir.path().join("link");
        std::fs::write(dir.path().join("target"), b"through a link").expect("seed");
        std::os::unix::fs::symlink("target", &link).expect("symlink");
        assert_eq!(read_bounded(&link, 1024).expect("read"), b"through a link");
    }

    /// One level, names with the suffix only, sorted by bytes; a FIFO or a file where the
    /// directory should be fails at once instead of blocking.
    #[test]
    fn listing_names_one_level_deep() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.gq", "a.gq", "c.gq.bak", "B.gq", "sub/d.gq"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, b"").expect("seed");
        }
        let names = list_names_ending(dir.path(), ".gq").expect("list");
        assert_eq!(names, ["B.gq", "a.gq", "b.gq"]);
        let file = dir.path().join("a.gq");
        let err = list_names_ending(&file, ".gq").expect_err("a file");
        assert_eq!(err.to_string(), "Not a directory (os error 20)");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = list_names_ending(&fifo, ".gq").expect_err("a fifo");
            assert_eq!(err.to_string(), "Not a directory (os error 20)");
        }
    }

    #[test]
    fn reads_whole_files_of_any_size_up_to_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in [0usize, 1, 31, 32, 33, 8191, 8192, 8193, 100_000, 1 << 20] {
            let path = dir.path().join(format!("f{len}"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).expect("seed");
            assert_eq!(read_bounded(&path, 1 << 20).expect("read"), bytes, "{len}");
        }
    }

    /// Same directories created and same errors as `std::fs::create_dir_all`, and every directory
    /// it made is noted, outermost first.
    #[test]
    fn create_dir_all_notes_what_it_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let deep = dir.path().join("a").join("b").join("c");
        let mut created = Vec::new();
        create_dir_all_noting(&deep, &mut created).expect("create");
        assert!(deep.is_dir());
        assert_eq!(
            created,
            vec![
                dir.path().join("a"),
                dir.path().join("a").join("b"),
                deep.clone()
            ]
        );
        created.clear();
        create_dir_all_noting(&deep, &mut created).expect("exists");
        create_dir_all_noting(&deep.join("d"), &mut created).expect("one more");
        assert_eq!(created, vec![deep.join("d")]);
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").expect("seed");
        for blocked in [file.clone(), file.join("below")] {
            let ours = create_dir_all_noting(&blocked, &mut Vec::new()).expect_err("blocked");
            let std = std::fs::create_dir_all(&blocked).expect_err("blocked");
            assert_eq!(ours.to_string(), std.to_string());
        }
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
