//! Replacing a file atomically: how the CLI writes `--output` and `--state`
//! (a textfile collector or a second run must never read half a file).

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes temporary names unique within the process (with the pid across
/// processes).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory (created exclusively), written and fsynced, then renamed over
/// `path`, so a reader sees the old content or the new, never a part. The
/// temporary file is removed on error. An existing file's permissions are
/// carried over; a symbolic link at `path` is replaced, not followed. The
/// directory is fsynced afterwards where the platform allows (errors there
/// are ignored: the rename has happened). The temporary name is
/// `.NAME.PID.N.tmp`: hidden, and not `*.prom`, so node_exporter's textfile
/// collector never reads it.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |w| w.write_all(bytes))
}

/// [`write()`] with the content streamed by `content` (through a
/// buffer) instead of held in memory first: a 10,000-certificate
/// Prometheus file is 20 MB.
pub fn write_with(
    path: &Path,
    content: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file path", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let pid = std::process::id();
    let mut attempts = 0u32;
    let (tmp, file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut name = std::ffi::OsString::from(".");
        name.push(file_name);
        name.push(format!(".{pid}.{n}.tmp"));
        let tmp = dir.join(name);
        attempts += 1;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            // A leftover of a crashed process with the same pid: next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => continue,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        let mut buffered = io::BufWriter::new(file);
        content(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_file() {
                // Best effort: the content matters more than the mode.
                let _ = file.set_permissions(meta.permissions());
            }
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.prom");
        write(&path, b"old\n").unwrap();
        write(&path, b"new content\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new content\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("metrics.prom")]);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.prom");
        std::fs::write(&path, b"x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, b"y").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn atomic_write_errors_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // The directory does not exist.
        let path = dir.path().join("missing").join("m.prom");
        assert!(write(&path, b"x").is_err());
        assert!(!dir.path().join("missing").exists());
        // The target is a directory: the rename fails, the temp file goes.
        let target = dir.path().join("adir");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), b"k").unwrap();
        assert!(write(&target, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("adir")]);
        // No file name at all.
        assert!(write(Path::new("/"), b"x").is_err());
    }

    #[test]
    fn streamed_content_and_a_failing_writer_keep_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt");
        write(&path, b"old").unwrap();
        write_with(&path, |w| {
            w.write_all(b"a")?;
            w.write_all(b"b")
        })
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"ab");
        let err = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("renderer failed"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "renderer failed");
        assert_eq!(std::fs::read(&path).unwrap(), b"ab");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("r.txt")]);
    }
}
