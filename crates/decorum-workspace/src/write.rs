//! Replacing a file without ever leaving it half-written: the formatter and
//! `decorum init` write through [`atomic_write`].

use std::io::{self, Write as _};
use std::path::Path;

/// Writes `contents` to `path` atomically: into a temporary file in the same folder,
/// flushed to disk, then renamed over `path`. A reader sees the old file or the new one,
/// never a mix. When `path` exists its permissions and (on Unix) its owner and group are
/// kept; when it is a symbolic link the file it points to is replaced and the link stays.
///
/// Replacing by rename would overrule what writing in place respects, so an existing
/// file is refused, with an error saying why, when it cannot be opened for writing (a
/// read-only file), when it has other hard links (they would keep the old text), and
/// when its owner or group cannot be given to the new file.
pub fn atomic_write(path: &Path, contents: &str) -> io::Result<()> {
    write_through_temp(path, contents, true)
}

/// [`atomic_write`] without its refusals, for files the program itself keeps read-only
/// in a folder of its own (the language server's copy of the embedded library), which
/// it must be able to replace: the permissions are kept, the owner is not checked.
pub fn atomic_replace_own_file(path: &Path, contents: &str) -> io::Result<()> {
    write_through_temp(path, contents, false)
}

fn write_through_temp(path: &Path, contents: &str, guarded: bool) -> io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let existing = match std::fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = existing.as_ref().filter(|_| guarded) {
        may_replace(&target, meta)?;
    }

    let mut builder = tempfile::Builder::new();
    builder.prefix(".decorum-").suffix(".tmp");
    // A new file gets the permissions any new file gets (read and write for all, less
    // the umask: usually -rw-r--r--), not the temporary file's owner-only ones: a
    // decorum.toml or a policy written by `decorum init` is meant to be shared.
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&folder).map_err(|e| {
        explained(
            e,
            "cannot create a temporary file in its folder (the new text is written there, \
                 then renamed over the file); check that the folder is writable",
        )
    })?;
    temp.write_all(contents.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Some(meta) = &existing {
        temp.as_file().set_permissions(meta.permissions())?;
        if guarded {
            keep_owner(temp.as_file(), meta)?;
        }
    }
    temp.persist(&target).map_err(|err| err.error)?;
    sync_folder(&folder);
    Ok(())
}

/// An error of kind `e`'s, whose message says what happened and what to do.
fn explained(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what} ({e})"))
}

/// Refuses to replace a file that writing in place could not change, or whose other
/// names would keep the old text.
fn may_replace(target: &Path, meta: &std::fs::Metadata) -> io::Result<()> {
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(target) {
        return Err(explained(
            e,
            "the file is not writable; make it writable (chmod u+w) to replace it",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if meta.nlink() > 1 {
            return Err(io::Error::other(format!(
                "the file has {} hard links, and replacing it would leave the other names \
                 with the old text; format a copy, or break the links first",
                meta.nlink()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Ok(())
}

/// Gives the new file the old one's owner and group (only a change needs the right to
/// make it).
fn keep_owner(file: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let new = file.metadata()?;
        let uid = (new.uid() != old.uid()).then_some(old.uid());
        let gid = (new.gid() != old.gid()).then_some(old.gid());
        if uid.is_some() || gid.is_some() {
            std::os::unix::fs::fchown(file, uid, gid)
                .map_err(|e| explained(e, &owner_problem(uid, gid)))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, old);
    Ok(())
}

/// What stood in the way when the new file could not be given the old one's owner
/// (`uid`) or group (`gid`), each given only when it differs: the owner of a file may
/// give it only a group they belong to, so a group alone needs other advice.
#[cfg(unix)]
fn owner_problem(uid: Option<u32>, gid: Option<u32>) -> String {
    match (uid, gid) {
        (Some(uid), _) => format!(
            "cannot give the new file the old one's owner (user id {uid}), so replacing it \
             would change its owner; run decorum as the file's owner"
        ),
        (None, Some(gid)) => format!(
            "cannot give the new file the old one's group (group id {gid}), so replacing \
             it would change its group; run decorum as a member of that group, or give \
             the file a group you belong to (chgrp)"
        ),
        (None, None) => "cannot keep the file's owner and group".to_owned(),
    }
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

    /// A new file is as readable as any new file in its folder (the umask decides), not
    /// owner-only like the temporary file it was written to.
    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let written = dir.path().join("decorum.toml");
        atomic_write(&written, "policies = [\"std/healthcare\"]\n").unwrap();
        let created = dir.path().join("plain.toml");
        std::fs::File::create(&created).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            format!("{:o}", mode(&written)),
            format!("{:o}", mode(&created))
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_owner_problem_names_what_could_not_be_kept() {
        let group = owner_problem(None, Some(1234));
        assert!(group.contains("group id 1234"), "{group}");
        assert!(!group.contains("file's owner"), "{group}");
        let owner = owner_problem(Some(1000), Some(1234));
        assert!(owner.contains("run decorum as the file's owner"), "{owner}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_hard_linked_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.decorum");
        std::fs::write(&path, "old").unwrap();
        std::fs::hard_link(&path, dir.path().join("b.decorum")).unwrap();
        let err = atomic_write(&path, "new").unwrap_err();
        assert!(err.to_string().contains("2 hard links"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.decorum")).unwrap(),
            "old"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_files_it_cannot_open_for_writing() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro.decorum");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        // Root may write a read-only file in place, so for root fmt may too.
        let writable = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
        let result = atomic_write(&path, "new");
        if writable {
            assert!(result.is_ok());
        } else {
            let err = result.unwrap_err();
            assert!(err.to_string().contains("not writable"), "{err}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        }
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
