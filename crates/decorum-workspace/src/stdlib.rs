//! The standard library: the `.decorum` files of `policies/std/`, embedded in the binary
//! at build time (see `build.rs`) and imported as `std/...`.
//!
//! Import paths have no extension (`std/healthcare/privacy`); a folder path
//! (`std/healthcare`) stands for every file below it. People see the files as
//! `std/healthcare/privacy.decorum` ([`display_path`]).

/// One embedded policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StdFile {
    /// The import path without extension, e.g. `std/healthcare/privacy`.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/std_files.rs"));

/// The policy that applies when `decorum.toml` names none (or there is no configuration).
pub const DEFAULT_POLICY: &str = "std/healthcare";

/// The extension of policy files, the standard library's and every other.
pub const EXTENSION: &str = ".decorum";

/// Every embedded file, sorted by import path.
pub fn files() -> &'static [StdFile] {
    STD_FILES
}

/// The text of the file with this import path (`std/healthcare/privacy`, with or without
/// `.decorum`), if it exists.
pub fn get(path: &str) -> Option<&'static str> {
    find(STD_FILES, path).map(|file| file.text)
}

/// The files directly or transitively inside the folder `path` (e.g. `std/healthcare`),
/// sorted by import path; empty when there is no such folder.
pub fn folder(path: &str) -> Vec<&'static StdFile> {
    folder_in(STD_FILES, path)
}

/// How to show a standard-library file to a person: `std/healthcare/privacy` becomes
/// `std/healthcare/privacy.decorum`.
pub fn display_path(import_path: &str) -> String {
    if import_path.ends_with(EXTENSION) {
        import_path.to_owned()
    } else {
        format!("{import_path}{EXTENSION}")
    }
}

/// True when an import or `policies` entry names the standard library (`std` or `std/...`).
pub fn is_std_path(spec: &str) -> bool {
    spec == "std" || spec.starts_with("std/")
}

/// [`get`] over any table, so tests can supply their own library.
pub(crate) fn find<'t>(table: &'t [StdFile], path: &str) -> Option<&'t StdFile> {
    let path = path.strip_suffix(EXTENSION).unwrap_or(path);
    table.iter().find(|file| file.path == path)
}

/// [`folder`] over any table.
pub(crate) fn folder_in<'t>(table: &'t [StdFile], path: &str) -> Vec<&'t StdFile> {
    let prefix = path.trim_end_matches('/');
    table
        .iter()
        .filter(|file| {
            file.path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect()
}

/// Every import path a table can answer: its files and every folder above them, sorted.
pub(crate) fn all_import_paths(table: &[StdFile]) -> Vec<String> {
    let mut paths = std::collections::BTreeSet::new();
    for file in table {
        paths.insert(file.path.to_owned());
        let mut folder = file.path;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            paths.insert(parent.to_owned());
            folder = parent;
        }
    }
    paths.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[StdFile] = &[
        StdFile {
            path: "std/healthcare/privacy",
            text: "a",
        },
        StdFile {
            path: "std/healthcare/tone/venting",
            text: "b",
        },
        StdFile {
            path: "std/healthcareful",
            text: "c",
        },
    ];

    #[test]
    fn lookups_over_a_table() {
        assert_eq!(
            find(TABLE, "std/healthcare/privacy").map(|f| f.text),
            Some("a")
        );
        assert_eq!(
            find(TABLE, "std/healthcare/privacy.decorum").map(|f| f.text),
            Some("a")
        );
        assert_eq!(find(TABLE, "std/healthcare"), None);
        let paths: Vec<&str> = folder_in(TABLE, "std/healthcare")
            .iter()
            .map(|f| f.path)
            .collect();
        // `std/healthcareful` shares the prefix but is not inside the folder.
        assert_eq!(
            paths,
            ["std/healthcare/privacy", "std/healthcare/tone/venting"]
        );
        assert_eq!(folder_in(TABLE, "std/healthcare/").len(), 2);
        assert_eq!(folder_in(TABLE, "std").len(), 3);
        assert!(folder_in(TABLE, "std/nothing").is_empty());
        assert_eq!(
            all_import_paths(TABLE),
            [
                "std",
                "std/healthcare",
                "std/healthcare/privacy",
                "std/healthcare/tone",
                "std/healthcare/tone/venting",
                "std/healthcareful"
            ]
        );
    }

    #[test]
    fn display_paths_gain_the_extension_once() {
        assert_eq!(
            display_path("std/healthcare/privacy"),
            "std/healthcare/privacy.decorum"
        );
        assert_eq!(display_path("std/a.decorum"), "std/a.decorum");
    }

    #[test]
    fn embedded_table_is_sorted_and_well_formed() {
        let files = files();
        assert!(files.windows(2).all(|w| w[0].path < w[1].path));
        for file in files {
            assert!(file.path.starts_with("std/"), "{}", file.path);
            assert!(!file.path.ends_with(EXTENSION), "{}", file.path);
            assert_eq!(get(file.path), Some(file.text));
        }
        assert!(is_std_path(DEFAULT_POLICY));
    }
}
