//! Path arithmetic shared by config, policy loading and draft collection: absolute and
//! lexically normal forms, "is this inside that", and `/`-separated relative paths for
//! people and globs.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against `cwd` (when relative) and lexically normalised.
pub(crate) fn absolute_in(cwd: &Path, path: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

/// `path` made absolute against the process's current directory, lexically normalised;
/// as given when the current directory is unknown.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    match std::path::absolute(path) {
        Ok(abs) => normalize(&abs),
        Err(_) => normalize(path),
    }
}

/// Removes `.` and resolves `..` without touching the file system. `..` at the root stays
/// at the root, like the operating system does.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_root = matches!(
                    out.components().next_back(),
                    None | Some(Component::RootDir | Component::Prefix(_))
                );
                if !at_root {
                    out.pop();
                } else if !out.has_root() {
                    // A relative path that climbs above its start keeps its `..`.
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The canonical form of `path`, or its normalised absolute form when it does not exist.
pub(crate) fn canonical_or_absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

/// `path` relative to `base` when it is inside it, comparing normalised absolute forms
/// first and canonical forms (symlinks resolved) second.
pub(crate) fn relative_to(path: &Path, base: &Path, cwd: &Path) -> Option<PathBuf> {
    let path_abs = absolute_in(cwd, path);
    let base_abs = absolute_in(cwd, base);
    if let Ok(rel) = path_abs.strip_prefix(&base_abs) {
        return Some(rel.to_path_buf());
    }
    let path_canon = std::fs::canonicalize(&path_abs).ok()?;
    let base_canon = std::fs::canonicalize(&base_abs).ok()?;
    path_canon
        .strip_prefix(&base_canon)
        .ok()
        .map(Path::to_path_buf)
}

/// A relative path written with `/` whatever the platform, as globs and people expect.
pub(crate) fn to_slash(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_lexically() {
        let cases = [
            ("/a/b/../c/./d", "/a/c/d"),
            ("/a/../../../etc/passwd", "/etc/passwd"),
            ("a/../../b", "../b"),
            ("./a/", "a"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(Path::new(input)),
                PathBuf::from(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn relative_paths_use_slashes() {
        let cwd = Path::new("/w");
        assert_eq!(
            relative_to(Path::new("x/y.md"), Path::new("/w"), cwd).map(|p| to_slash(&p)),
            Some("x/y.md".to_owned())
        );
        assert_eq!(
            relative_to(Path::new("/elsewhere/y.md"), Path::new("/w"), cwd),
            None
        );
    }
}
