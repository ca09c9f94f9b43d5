//! Replacing a file without ever leaving it half-written: the formatter and
//! `decorum init` write through [`atomic_write`].

use std::io::{self, Write as _};
use std::path::Path;

/// Writes `contents` to `path` atomically: into a temporary file in the same folder,
/// flushed to disk, then renamed over `path`. A reader sees the old file or the new one,
/// never a mix. When `path` exists its permissions are kept; when it is a symbolic link
/// the file it points to is replaced and the link stays.
pub fn atomic_write(path: &Path, contents: &str) -> io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let permissions = std::fs::metadata(&target)
        .ok()
        .map(|meta| meta.permissions());

    let mut temp = tempfile::Builder::new()
        .prefix(".decorum-")
        .suffix(".tmp")
        .tempfile_in(&folder)?;
    temp.write_all(contents.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(&target).map_err(|err| err.error)?;
    sync_folder(&folder);
    Ok(())
}

/// Makes the rename itself durable. Best effort: not every platform can open a folder.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_files_and_replaces_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.decorum");
        atomic_write(&path, "decorum 1\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "decorum 1\n");
        atomic_write(&path, "decorum 1\npolicy a\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "decorum 1\npolicy a\n"
        );
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["policy.decorum"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("post.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&path, "new ✓").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new ✓");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);

        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        atomic_write(&link, "through the link").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "through the link");
    }
}
