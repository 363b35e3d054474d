//! One publishing run per site at a time: an OS file lock on `.wxpress/lock`
//! (released by the OS even when the process is killed).

use crate::ledger::DIR;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

pub const FILE: &str = "lock";
/// Files under `.wxpress/` that must not be committed (the ledger should be).
const GITIGNORE: &str = "# Local to this machine; commit ledger.jsonl.\nlock\ntoken*\n";

/// Held while publishing; dropping it releases the lock.
#[derive(Debug)]
pub struct SiteLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another wxpress run is publishing this site (lock {path} held for {waited:.0?}); wait for it to finish and run again")]
    Busy { path: String, waited: Duration },
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Takes the site's lock, waiting up to `wait` for another run to finish.
/// `on_wait` is called once if the lock is busy.
pub fn acquire(root: &Path, wait: Duration, on_wait: impl FnOnce()) -> Result<SiteLock, LockError> {
    let dir = root.join(DIR);
    let path = dir.join(FILE);
    let io = |source| LockError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, GITIGNORE).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    let started = Instant::now();
    let mut on_wait = Some(on_wait);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                if started.elapsed() >= wait {
                    return Err(LockError::Busy {
                        path: path.display().to_string(),
                        waited: started.elapsed(),
                    });
                }
                if let Some(f) = on_wait.take() {
                    f();
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    // Who holds it, for a person looking at the file.
    let _ = file.set_len(0);
    let _ = writeln!(file, "pid {}", std::process::id());
    Ok(SiteLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_then_gives_up_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), Duration::ZERO, || {}).unwrap();
        let mut waited = false;
        let e = acquire(dir.path(), Duration::from_millis(250), || waited = true).unwrap_err();
        assert!(waited);
        assert!(
            e.to_string()
                .contains("another wxpress run is publishing this site"),
            "{e}"
        );
        drop(held);
        acquire(dir.path(), Duration::ZERO, || {}).unwrap();
        let ignore = std::fs::read_to_string(dir.path().join(".wxpress/.gitignore")).unwrap();
        assert!(ignore.contains("lock"));
    }
}
