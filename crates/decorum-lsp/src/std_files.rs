//! The embedded standard library as read-only files on disk, so that go-to-definition,
//! find-references and workspace symbols can point editors into it.
//!
//! The std files live inside the binary; editors can only open files (a custom URI
//! scheme would need a client extension in every editor). So the first time a location
//! in the standard library is needed, every std file is written under
//!
//! 1. `$XDG_CACHE_HOME/decorum/std/<version>/` (when `XDG_CACHE_HOME` is absolute), else
//! 2. `$HOME/.cache/decorum/std/<version>/`, else
//! 3. `<temp>/decorum/std/<version>/`, else
//! 4. `<temp>/decorum-<process id>/std/<version>/`,
//!
//! taking the first folder where every file ends up with exactly the embedded text. A
//! file is written with the project's atomic write (a temporary file beside it, renamed
//! into place: a reader never sees half a file, and two servers writing at once agree)
//! and made read-only; a file that already holds the right text is left alone.
//! `std/healthcare/privacy.decorum` becomes `<folder>/healthcare/privacy.decorum`. Each
//! file's text is compared with the embedded one the first time this process hands out
//! a location in it, and its size every later time, so a deleted or edited cache is
//! repaired rather than trusted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use decorum_workspace::stdlib;

use crate::log::Level;

/// The folder the standard library was written to (`None` when no folder worked).
static BASE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// The files whose text this process compared with the embedded one.
static VERIFIED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The file on disk that holds the std file shown as `display_path`
/// (`std/healthcare/privacy.decorum`), written there if needed; `None` for a path that
/// is not an embedded file, or when no folder could be written.
pub fn std_file(display_path: &str) -> Option<PathBuf> {
    let text = stdlib::get(display_path)?;
    let base = base()?;
    let target = target(base, display_path)?;
    // Compared in full once per process; afterwards a file of the right size is trusted
    // (a workspace symbol search hands out hundreds of locations).
    let mut verified = VERIFIED.lock().unwrap_or_else(|e| e.into_inner());
    let size_ok = std::fs::metadata(&target).is_ok_and(|m| m.len() == text.len() as u64);
    if size_ok && verified.contains(&target) {
        return Some(target);
    }
    match ensure(&target, text) {
        Ok(()) => {
            verified.insert(target.clone());
            Some(target)
        }
        Err(err) => {
            crate::log!(
                Level::Warn,
                "std cache: cannot write a file: {}",
                err.kind()
            );
            None
        }
    }
}

/// The std file (`std/healthcare/privacy.decorum`) that a file of the cache is, for
/// documents the editor opened from a std location.
pub fn display_path_of(path: &Path) -> Option<String> {
    // Every cache folder has a `std` component: most paths are ruled out without a
    // system call.
    if !path.components().any(|c| c.as_os_str() == "std") {
        return None;
    }
    // Without writing anything: a document can come from an earlier server's cache.
    let bases: Vec<PathBuf> = match BASE.get() {
        Some(Some(base)) => vec![base.clone()],
        _ => candidates(),
    };
    bases.iter().find_map(|base| display_path_under(base, path))
}

/// [`display_path_of`] for one cache folder.
fn display_path_under(base: &Path, path: &Path) -> Option<String> {
    // Loaded files have canonical paths; documents have the spelling we handed out.
    let relative: PathBuf = match path.strip_prefix(base) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => {
            let base = std::fs::canonicalize(base).ok()?;
            path.strip_prefix(&base).ok()?.to_path_buf()
        }
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let display = format!("std/{}", parts.join("/"));
    stdlib::get(&display).is_some().then_some(display)
}

/// The folder every std file was written to, chosen on first use.
fn base() -> Option<&'static Path> {
    BASE.get_or_init(|| {
        let found = candidates()
            .into_iter()
            .find(|folder| materialise(folder).is_ok());
        match &found {
            Some(_) => crate::log!(Level::Info, "std cache ready"),
            None => crate::log!(Level::Warn, "std cache: no folder could be written"),
        }
        found
    })
    .as_deref()
}

/// Where the cache may go, in order of preference.
fn candidates() -> Vec<PathBuf> {
    let version = env!("CARGO_PKG_VERSION");
    let mut out = Vec::new();
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from) {
        if xdg.is_absolute() {
            out.push(xdg.join("decorum").join("std").join(version));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if home.is_absolute() {
            out.push(
                home.join(".cache")
                    .join("decorum")
                    .join("std")
                    .join(version),
            );
        }
    }
    let temp = std::env::temp_dir();
    out.push(temp.join("decorum").join("std").join(version));
    out.push(
        temp.join(format!("decorum-{}", std::process::id()))
            .join("std")
            .join(version),
    );
    out
}

/// Writes every std file under `base`.
fn materialise(base: &Path) -> std::io::Result<()> {
    for file in stdlib::files() {
        let display = stdlib::display_path(file.path);
        let target = target(base, &display).ok_or(std::io::ErrorKind::InvalidInput)?;
        ensure(&target, file.text)?;
    }
    Ok(())
}

/// `<base>/healthcare/privacy.decorum` for `std/healthcare/privacy.decorum`.
fn target(base: &Path, display_path: &str) -> Option<PathBuf> {
    let relative = display_path.strip_prefix("std/")?;
    let mut path = base.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// Makes `path` a read-only file holding exactly `text`: left alone when it does,
/// replaced atomically otherwise ([`decorum_workspace::atomic_replace_own_file`]: the
/// file being replaced is read-only); checked afterwards.
fn ensure(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|bytes| bytes == text.as_bytes()) {
        return make_read_only(path);
    }
    let folder = path.parent().ok_or(std::io::ErrorKind::InvalidInput)?;
    std::fs::create_dir_all(folder)?;
    decorum_workspace::atomic_replace_own_file(path, text)?;
    make_read_only(path)?;
    if std::fs::read(path)?.as_slice() != text.as_bytes() {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    Ok(())
}

/// Takes every write permission away from `path`.
fn make_read_only(path: &Path) -> std::io::Result<()> {
    let mut permissions = std::fs::metadata(path)?.permissions();
    if !permissions.readonly() {
        permissions.set_readonly(true);
        std::fs::set_permissions(path, permissions)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_stay_inside_the_base() {
        let base = Path::new("/cache/std/1");
        assert_eq!(
            target(base, "std/healthcare/privacy.decorum"),
            Some(base.join("healthcare").join("privacy.decorum"))
        );
        assert_eq!(target(base, "std/../etc/passwd"), None);
        assert_eq!(target(base, "other/x.decorum"), None);
        assert_eq!(target(base, "std//x"), None);
    }

    #[test]
    fn files_are_written_read_only_and_repaired() {
        let dir = std::env::temp_dir().join(format!("decorum-std-test-{}", std::process::id()));
        let path = dir.join("a").join("b.decorum");
        ensure(&path, "decorum 1\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "decorum 1\n");
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        // Identical: left alone. Different: replaced, still read-only.
        ensure(&path, "decorum 1\n").unwrap();
        ensure(&path, "decorum 1\npolicy x\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "decorum 1\npolicy x\n"
        );
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&path, permissions).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
