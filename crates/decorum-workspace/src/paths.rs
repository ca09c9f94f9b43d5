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
pub fn normalize(path: &Path) -> PathBuf {
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
pub fn canonical_or_absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

/// The canonical form of a file, or for a file not created yet (an editor's new buffer)
/// the canonical form of its folder joined with its name; `None` when the folder does not
/// exist either.
pub fn canonical_file(path: &Path) -> Option<PathBuf> {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return Some(canonical);
    }
    let name = path.file_name()?;
    let folder = std::fs::canonicalize(path.parent()?).ok()?;
    Some(folder.join(name))
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

/// A path written with `/` whatever the platform, as globs and people expect; an absolute
/// one keeps its one leading `/` (and a Windows drive before it). Only the platform's
/// separators are replaced: on Unix a `\` is part of a file name, and stays.
pub fn to_slash(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

/// `path` relative to `base`, climbing out of `base` with `..` as far as needed; both
/// absolute and lexically normal. `None` when they share no root (two Windows drives).
pub(crate) fn relative_with_parents(path: &Path, base: &Path) -> Option<PathBuf> {
    let rooted = |c: &Component<'_>| matches!(c, Component::Prefix(_) | Component::RootDir);
    let (mut to, mut from) = (path.components().peekable(), base.components().peekable());
    let mut shared_root = false;
    while let (Some(a), Some(b)) = (to.peek(), from.peek()) {
        if a != b {
            break;
        }
        shared_root |= rooted(a);
        to.next();
        from.next();
    }
    if !shared_root {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in from {
        out.push("..");
    }
    for part in to {
        out.push(part.as_os_str());
    }
    Some(out)
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
    fn absolute_paths_keep_one_leading_slash() {
        assert_eq!(to_slash(Path::new("/tmp/shared-lib")), "/tmp/shared-lib");
        assert_eq!(to_slash(Path::new("vendor/lib")), "vendor/lib");
    }

    #[test]
    fn relative_paths_climb_out_with_dot_dots() {
        let cases = [
            ("/w/repo/vendor/lib", "/w/repo", "vendor/lib"),
            ("/w/shared-lib", "/w/repo", "../shared-lib"),
            ("/x/y", "/w/repo/sub", "../../../x/y"),
            ("/w/repo", "/w/repo", ""),
        ];
        for (path, base, expected) in cases {
            let relative = relative_with_parents(Path::new(path), Path::new(base));
            assert_eq!(
                relative.map(|p| to_slash(&p)).as_deref(),
                Some(expected),
                "{path}"
            );
        }
        assert_eq!(
            relative_with_parents(Path::new("shared"), Path::new("/w")),
            None,
            "no shared root"
        );
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
