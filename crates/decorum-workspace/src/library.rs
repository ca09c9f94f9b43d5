//! Shared policy libraries: their manifests, their fingerprints and `decorum.lock`.
//!
//! A library is a folder (vendored, a git submodule, an unpacked archive) declared in
//! `decorum.toml` under `[libraries]`. Its root holds `decorum-library.toml`:
//!
//! ```toml
//! [library]
//! name = "dental-network"
//! version = "1.2.0"
//! description = "Social-media rules of the Example Dental Network."
//! license = "CC-BY-4.0"
//! language = 1                       # the policy-language version it needs
//! exports = ["privacy", "marketing"] # the policies importers may import
//! ```
//!
//! `decorum lock` writes `decorum.lock` beside `decorum.toml`: for every library its name,
//! version, path and a SHA-256 over its files (each file's hash is recorded too, so a
//! mismatch names the file). Decorum refuses a library whose files no longer match, and
//! a lock whose recorded version is not the manifest's.
//! Nothing is ever downloaded.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;

/// File name of a library's manifest.
pub const MANIFEST_FILE: &str = "decorum-library.toml";
/// File name of the lock file, beside `decorum.toml`.
pub const LOCK_FILE: &str = "decorum.lock";
/// Version of the lock file's format.
pub const LOCK_FORMAT: u32 = 1;

/// A library's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The library's name.
    pub name: String,
    /// Its version, as the publisher writes it (e.g. `1.2.0`).
    pub version: String,
    /// One line about it.
    #[serde(default)]
    pub description: String,
    /// Its license (an SPDX id).
    #[serde(default)]
    pub license: String,
    /// The policy-language version it needs.
    pub language: u32,
    /// The policies importers may import (file paths inside the library, without
    /// `.decorum`); files not listed are internal. Written with `.decorum` or a trailing
    /// `/` in the manifest, they are read without it, as an import path is.
    pub exports: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    library: Manifest,
}

/// A library as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The name it is declared under in `decorum.toml`.
    pub name: String,
    /// Its folder (absolute).
    pub root: PathBuf,
    /// Its folder as written in `decorum.toml`, for people and the lock file.
    pub shown_root: String,
    /// Its manifest.
    pub manifest: Manifest,
    /// Its fingerprint.
    pub fingerprint: Fingerprint,
    /// The 1-based line of the manifest each export is written on, by module (the first
    /// when one is written twice).
    export_lines: BTreeMap<String, usize>,
}

/// The exports of a manifest with their places, read beside [`ManifestFile`] (which
/// checks every field) for the lines warnings about an export point at.
#[derive(Deserialize)]
struct ExportPlaces {
    library: ExportPlacesInner,
}

#[derive(Deserialize)]
struct ExportPlacesInner {
    exports: Vec<toml::Spanned<String>>,
}

/// SHA-256 hashes of a library's files and of the whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// Hex SHA-256 over the sorted (path, file hash) pairs.
    pub sha256: String,
    /// Hex SHA-256 of each file, by path relative to the library root (`/` separators).
    pub files: BTreeMap<String, String>,
}

/// A problem with a library, its manifest or the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryError {
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl LibraryError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> LibraryError {
        LibraryError {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

/// The manifest's name, version and exports are names that `decorum lock`, `decorum
/// audit`, error messages and the language server print: a control or text-direction
/// character in one (`version = "1.0\u001b[2J"`) would reach a terminal or an editor, and
/// the library's author, not the workspace's, chose it. Such a manifest is refused.
fn unprintable_field(
    manifest: &Manifest,
    text: &str,
    shown_root: &str,
) -> Result<(), LibraryError> {
    // The characters the human report would print as code points: controls, and those
    // that show nothing (text-direction marks and controls, zero-width characters...).
    let unprintable = |c: char| c.is_control() || decorum_text::invisible::is_invisible(c);
    let fields = [("name", &manifest.name), ("version", &manifest.version)]
        .into_iter()
        .chain(manifest.exports.iter().map(|e| ("exports", e)));
    for (field, value) in fields {
        let Some(c) = value.chars().find(|&c| unprintable(c)) else {
            continue;
        };
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(field))
            .map(|l| format!(":{}", l + 1))
            .unwrap_or_default();
        return Err(LibraryError::new(
            format!(
                "{shown_root}/{MANIFEST_FILE}{line}: the library's `{field}` holds a character that cannot be printed (U+{:04X})",
                u32::from(c)
            ),
            "write it with letters, digits and punctuation only; ask the library's publisher for a corrected manifest",
        ));
    }
    Ok(())
}

/// Reads a library's manifest and fingerprints its files.
///
/// A manifest that is a symbolic link is refused before it is read: the fingerprint
/// pins a link by the path it points to, not by what that file holds, so a manifest
/// read through a link could change the library's exports without `decorum lock
/// --check` noticing, and the text of a file outside the library would reach error
/// messages.
pub fn read_library(name: &str, root: &Path, shown_root: &str) -> Result<Library, LibraryError> {
    let manifest_path = root.join(MANIFEST_FILE);
    let is_link = std::fs::symlink_metadata(&manifest_path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    if is_link {
        return Err(LibraryError::new(
            format!(
                "the manifest of library \"{name}\", {shown_root}/{MANIFEST_FILE}, is a symbolic link: decorum.lock pins the files inside a library's folder only, so its manifest is not read through a link"
            ),
            "copy the file into the library instead of linking it, then run `decorum lock`",
        ));
    }
    let text = std::fs::read_to_string(&manifest_path).map_err(|_| {
        LibraryError::new(
            format!("library \"{name}\" has no readable {MANIFEST_FILE} in `{shown_root}`"),
            format!("a library's folder starts with a {MANIFEST_FILE} naming it, its version, language version and exports (see docs/libraries.md)"),
        )
    })?;
    if let Some(error) = unknown_manifest_keys(&text, shown_root) {
        return Err(error);
    }
    let parsed: ManifestFile = toml::from_str(&text).map_err(|e| {
        let place = e
            .span()
            .map(|s| line_of(&text, s.start))
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        LibraryError::new(
            format!("{shown_root}/{MANIFEST_FILE}{place}: {}", e.message()),
            "fix the manifest; see docs/libraries.md for its fields",
        )
    })?;
    let mut manifest = parsed.library;
    unprintable_field(&manifest, &text, shown_root)?;
    let mut export_lines = BTreeMap::new();
    if let Ok(places) = toml::from_str::<ExportPlaces>(&text) {
        for export in places.library.exports {
            let line = line_of(&text, export.span().start);
            export_lines
                .entry(module_name(export.get_ref()).to_owned())
                .or_insert(line);
        }
    }
    let mut exports: Vec<String> = Vec::with_capacity(manifest.exports.len());
    for export in &manifest.exports {
        let module = module_name(export);
        if !exports.iter().any(|e| e == module) {
            exports.push(module.to_owned());
        }
    }
    manifest.exports = exports;
    let fingerprint = fingerprint(root).map_err(|e| {
        LibraryError::new(
            format!("cannot read library \"{name}\" in `{shown_root}`: {e}"),
            "check the folder's permissions",
        )
    })?;
    Ok(Library {
        name: name.to_string(),
        root: root.to_path_buf(),
        shown_root: shown_root.to_string(),
        manifest,
        fingerprint,
        export_lines,
    })
}

/// The keys a manifest's `[library]` table may hold.
const MANIFEST_KEYS: [&str; 6] = [
    "name",
    "version",
    "description",
    "license",
    "language",
    "exports",
];

/// Every key of the manifest `text` that Decorum does not read, in file order, each at
/// its line with the key it most likely meant: one error naming them all (the parser
/// alone stops at one, and not the first in the file). `None` when there is none, or
/// when the text is no TOML (the parser's own error says where).
fn unknown_manifest_keys(text: &str, shown_root: &str) -> Option<LibraryError> {
    use toml::de::DeValue;
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut unknown: Vec<(usize, String)> = Vec::new();
    // Worded as decorum.toml's unknown keys are (config.rs): the same mistake reads the
    // same in either file.
    let mut note = |span: std::ops::Range<usize>, written: &str, known: &[&str], table: &str| {
        let hint = match decorum_syntax::did_you_mean(written, known.iter().copied()) {
            Some(meant) => format!(" (did you mean \"{meant}\"?)"),
            None => format!(" (known keys here: {})", known.join(", ")),
        };
        unknown.push((
            span.start,
            format!(
                "{shown_root}/{MANIFEST_FILE}:{}: unknown key \"{written}\" in {table}{hint}",
                line_of(text, span.start)
            ),
        ));
    };
    for (key, value) in document.get_ref() {
        if key.get_ref() != "library" {
            note(key.span(), key.get_ref(), &["library"], "the manifest");
            continue;
        }
        if let DeValue::Table(table) = value.get_ref() {
            for (key, _) in table {
                if !MANIFEST_KEYS.contains(&key.get_ref().as_ref()) {
                    note(key.span(), key.get_ref(), &MANIFEST_KEYS, "[library]");
                }
            }
        }
    }
    if unknown.is_empty() {
        return None;
    }
    unknown.sort();
    let lines: Vec<String> = unknown.into_iter().map(|(_, line)| line).collect();
    Some(LibraryError::new(
        lines.join("; "),
        "fix the manifest; see docs/libraries.md for its fields",
    ))
}

/// The module a path inside a library names, in an export or an import by name:
/// `privacy.decorum` and `privacy/` are `privacy`.
pub(crate) fn module_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .trim_end_matches(crate::stdlib::EXTENSION)
}

/// Why an export of a library's manifest cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportProblem {
    /// Neither a file `EXPORT.decorum` nor a folder of `.decorum` files.
    Missing,
    /// Both a file `EXPORT.decorum` and a folder `EXPORT/`: an import of it is ambiguous.
    Ambiguous,
}

impl Library {
    /// The exports of the manifest that an import cannot use, and why. Importing one
    /// fails, so `decorum lock` warns when it pins the library.
    pub fn export_problems(&self) -> Vec<(&str, ExportProblem)> {
        let files = &self.fingerprint.files;
        self.manifest
            .exports
            .iter()
            .filter_map(|export| {
                let folder = format!("{export}/");
                let file = files.contains_key(&format!("{export}.decorum"));
                let in_folder = files
                    .range(folder.clone()..)
                    .take_while(|(f, _)| f.starts_with(&folder))
                    .any(|(f, _)| f.ends_with(".decorum"));
                match (file, in_folder) {
                    (true, false) | (false, true) => None,
                    (false, false) => Some((export.as_str(), ExportProblem::Missing)),
                    (true, true) => Some((export.as_str(), ExportProblem::Ambiguous)),
                }
            })
            .collect()
    }
}

impl Library {
    /// Where the manifest names `export` (a module of [`Manifest::exports`]), as
    /// `FOLDER/decorum-library.toml:LINE` with the folder as `decorum.toml` writes it, for
    /// a warning about the export.
    pub fn export_place(&self, export: &str) -> String {
        let file = format!("{}/{MANIFEST_FILE}", self.shown_root);
        match self.export_lines.get(export) {
            Some(line) => format!("{file}:{line}"),
            None => file,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// True for a file or folder name the fingerprint leaves out: hidden ones (`.git`, editor
/// files). The loader refuses library files below such a name, which the lock does not pin.
pub(crate) fn is_unpinned_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Hashes every file under `root` except hidden ones (names starting with `.`), in path
/// order, so the same content gives the same fingerprint on every machine. A text file's
/// CRLF line ends are hashed as LF: a checkout that converts line ends (Git's
/// `core.autocrlf` on Windows) changes no meaning and must not break the lock. A symbolic
/// link is hashed as the path it points to (as Git stores it, and as a checkout without
/// links writes it into a file), so pointing it elsewhere changes the fingerprint; what
/// it points to inside the library is hashed as itself, and the loader refuses links
/// that lead out.
pub fn fingerprint(root: &Path) -> std::io::Result<Fingerprint> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if is_unpinned_name(&entry.file_name()) {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type()?;
            let bytes = if kind.is_dir() {
                stack.push(path);
                continue;
            } else if kind.is_file() {
                std::fs::read(&path)?
            } else if kind.is_symlink() {
                link_text(&std::fs::read_link(&path)?).into_bytes()
            } else {
                continue;
            };
            let key = crate::paths::to_slash(path.strip_prefix(root).unwrap_or(&path));
            files.insert(key, hex(&Sha256::digest(lf_line_ends(&bytes))));
        }
    }
    let mut whole = Sha256::new();
    for (path, hash) in &files {
        whole.update(path.as_bytes());
        whole.update([0u8]);
        whole.update(hash.as_bytes());
        whole.update(b"\n");
    }
    Ok(Fingerprint {
        sha256: hex(&whole.finalize()),
        files,
    })
}

/// The path a symbolic link points to, with `/` between its parts on every system.
fn link_text(target: &Path) -> String {
    let text = target.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// `bytes` with every CRLF as LF when they are UTF-8 text; other bytes as they are.
fn lf_line_ends(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains("\r\n") => text.replace("\r\n", "\n").into_bytes().into(),
        _ => bytes.into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The contents of `decorum.lock`, as written; read through [`read_lock`], which checks
/// its version and entries first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lock {
    /// Format version.
    pub version: u32,
    /// Pinned libraries, by name.
    #[serde(rename = "library")]
    pub libraries: Vec<LockedLibrary>,
    /// The line of each library's entry in the file it was read from (none for a lock
    /// made from the libraries), so that an error about an entry names its line.
    #[serde(skip)]
    lines: BTreeMap<String, usize>,
}

/// Two locks are equal when they pin the same libraries the same way; where the entries
/// stood in a file is not part of what is pinned.
impl PartialEq for Lock {
    fn eq(&self, other: &Lock) -> bool {
        self.version == other.version && self.libraries == other.libraries
    }
}

impl Eq for Lock {}

/// One pinned library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedLibrary {
    /// The name it is declared under.
    pub name: String,
    /// The version its manifest had.
    pub version: String,
    /// Its folder as written in decorum.toml.
    pub path: String,
    /// SHA-256 over all its files.
    pub sha256: String,
    /// SHA-256 of each file.
    pub files: BTreeMap<String, String>,
}

impl Lock {
    /// The lock for these libraries.
    pub fn of(libraries: &[Library]) -> Lock {
        let mut libraries: Vec<LockedLibrary> = libraries
            .iter()
            .map(|l| LockedLibrary {
                name: l.name.clone(),
                version: l.manifest.version.clone(),
                path: l.shown_root.clone(),
                sha256: l.fingerprint.sha256.clone(),
                files: l.fingerprint.files.clone(),
            })
            .collect();
        libraries.sort_by(|a, b| a.name.cmp(&b.name));
        Lock {
            version: LOCK_FORMAT,
            libraries,
            lines: BTreeMap::new(),
        }
    }

    /// The text of `decorum.lock`.
    pub fn to_text(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# decorum.lock: written by `decorum lock`; do not edit by hand.\n# It pins the shared policy libraries this workspace uses.\n\n{body}"
        )
    }

    /// The entry for a library.
    pub fn get(&self, name: &str) -> Option<&LockedLibrary> {
        self.libraries.iter().find(|l| l.name == name)
    }
}

/// Where the lock file of a configuration lives.
pub fn lock_path(config: &Config) -> PathBuf {
    config.root.join(LOCK_FILE)
}

/// Reads `decorum.lock`, `Ok(None)` when there is none.
///
/// Refused: a lock of another format version (a newer Decorum's lock may pin what this
/// build does not check), one that pins the same library twice, and a configuration
/// that no lock can pin (see [`folder_declared_twice`]). Every command that reads a
/// library reads the lock first, so this is where all of them hear of it.
pub fn read_lock(config: &Config) -> Result<Option<Lock>, LibraryError> {
    if let Some(problem) = folder_declared_twice(config) {
        return Err(problem);
    }
    read_lock_file(config)
}

/// Reads `decorum.lock` as [`read_lock`] does, but without first checking the libraries
/// the configuration declares: for `decorum lock`, which refuses a folder declared twice
/// (an error, exit 2) before it reads any library, and reads the lock only after them
/// (a lock it cannot read is one it writes anew).
pub fn read_lock_file(config: &Config) -> Result<Option<Lock>, LibraryError> {
    let path = lock_path(config);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // `decorum lock` writes the file; one that is not text was not written by it.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(LibraryError::new(
                format!(
                    "{LOCK_FILE} is not valid UTF-8 text, so it was not written by `decorum lock`"
                ),
                format!(
                    "run `decorum lock` to write {LOCK_FILE} anew from the libraries as they are"
                ),
            ));
        }
        Err(e) => {
            return Err(LibraryError::new(
                format!("cannot read {LOCK_FILE}: {e}"),
                "check that you may read the file (its permissions), then run again",
            ));
        }
    };
    parse_lock(&text).map(Some)
}

/// A lock as written, with the places of its entries for messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    version: u32,
    #[serde(default)]
    library: Vec<toml::Spanned<LockedLibrary>>,
}

/// The lock in `text` (the contents of `decorum.lock`).
fn parse_lock(text: &str) -> Result<Lock, LibraryError> {
    let toml_error = |e: toml::de::Error| {
        let place = e
            .span()
            .map(|s| line_of(text, s.start))
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        LibraryError::new(
            format!("{LOCK_FILE}{place}: {}", e.message()),
            "run `decorum lock` to write it again",
        )
    };
    let document = toml::de::DeTable::parse(text).map_err(toml_error)?;
    // The version is read first, because a lock of another version may have other
    // fields, and "unknown field" would hide the reason.
    let version = match document.get_ref().get("version") {
        Some(value) => Some(toml::Spanned::new(
            value.span(),
            toml::Value::deserialize(toml::de::ValueDeserializer::from(value.clone()))
                .map_err(toml_error)?,
        )),
        None => None,
    };
    if let Some(version) = version
        && let Some(number) = version.get_ref().as_integer()
        && number != i64::from(LOCK_FORMAT)
    {
        let line = line_of(text, version.span().start);
        let help = if number > i64::from(LOCK_FORMAT) {
            format!(
                "a newer Decorum wrote it: upgrade Decorum, or run `decorum lock` to write it again in version {LOCK_FORMAT}"
            )
        } else {
            format!("run `decorum lock` to write it again in version {LOCK_FORMAT}")
        };
        return Err(LibraryError::new(
            format!(
                "{LOCK_FILE}:{line}: lock format version {number} is not one this Decorum reads (it reads version {LOCK_FORMAT})"
            ),
            help,
        ));
    }
    let file = LockFile::deserialize(toml::de::Deserializer::from(document)).map_err(toml_error)?;
    let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in &file.library {
        let line = line_of(text, entry.span().start);
        let name = entry.get_ref().name.as_str();
        if let Some(first) = first_line.insert(name, line) {
            return Err(LibraryError::new(
                format!(
                    "{LOCK_FILE}:{line}: library \"{name}\" is pinned twice (first at line {first}); a lock pins each library once"
                ),
                "run `decorum lock` to write it again from the libraries decorum.toml declares",
            ));
        }
    }
    let lines = first_line
        .into_iter()
        .map(|(name, line)| (name.to_owned(), line))
        .collect();
    Ok(Lock {
        version: file.version,
        libraries: file.library.into_iter().map(|l| l.into_inner()).collect(),
        lines,
    })
}

/// Two names in `[libraries]` for one folder, as an error at the second one's line.
///
/// The lock pins a library's files under its name, and a policy file belongs to the
/// library whose folder holds it; under two names a file would belong to both, and an
/// import through one name would be refused as leaving the other's library. So a folder
/// is declared once, under the name its imports use.
pub fn folder_declared_twice(config: &Config) -> Option<LibraryError> {
    // Every load reads the lock: spare it a canonical path that nothing is compared with.
    if config.libraries.len() < 2 {
        return None;
    }
    let mut seen: Vec<(&str, PathBuf)> = Vec::new();
    // In the order of decorum.toml, so that the error is at the later declaration.
    let mut declared: Vec<(&String, &PathBuf)> = config.libraries.iter().collect();
    declared.sort_by_key(|(name, _)| config.library_places.get(*name).map(|p| p.line));
    for (name, folder) in declared {
        let same = crate::paths::canonical_or_absolute(folder);
        if let Some((first, _)) = seen.iter().find(|(_, f)| *f == same) {
            let file = (config.file.as_deref())
                .and_then(Path::file_name)
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "decorum.toml".to_owned());
            let at = |n: &str| {
                (config.library_places.get(n))
                    .map(|p| format!(":{}", p.line))
                    .unwrap_or_default()
            };
            let first_at = config
                .library_places
                .get(*first)
                .map(|p| format!(" (line {})", p.line))
                .unwrap_or_default();
            return Some(LibraryError::new(
                format!(
                    "{file}{}: libraries \"{first}\"{first_at} and \"{name}\" are the same folder, `{}`; a library is declared once, under one name",
                    at(name),
                    shown_library_path(config, folder)
                ),
                "remove one of the two from [libraries], and import the library by the name that stays",
            ));
        }
        seen.push((name, same));
    }
    None
}

/// Checks a library against its lock entry: the first difference, named by file.
///
/// Both the overall hash and each file's hash must match, and so must the version. The
/// overall hash alone pins the content, but a lock whose per-file hashes or version
/// disagree with the files was edited by hand, and whoever reads it (a reviewer, an
/// auditor) is misled about what is pinned.
pub fn verify(library: &Library, lock: Option<&Lock>) -> Result<(), LibraryError> {
    let Some(entry) = lock.and_then(|l| l.get(&library.name)) else {
        return Err(LibraryError::new(
            format!("library \"{}\" is not pinned in {LOCK_FILE}", library.name),
            "run `decorum lock` to record its version and hash",
        ));
    };
    let name = &library.name;
    // The entry's place, for the errors about it: `decorum.lock:7`.
    let entry_at = match lock.and_then(|l| l.lines.get(name)) {
        Some(line) => format!("{LOCK_FILE}:{line}"),
        None => LOCK_FILE.to_owned(),
    };
    let shown = |file: &str| format!("{}/{file}", library.shown_root.trim_end_matches('/'));
    let relock = "if the change is intended, run `decorum lock` to pin the library again";
    let rewrite = "run `decorum lock` to write it again from the library's files";
    let content_pinned = entry.sha256 == library.fingerprint.sha256;
    let message = match differences(&entry.files, &library.fingerprint.files).next() {
        // The manifest is one of the pinned files, so with the files as pinned a version
        // other than the manifest's can only have been typed into the lock.
        None if content_pinned && entry.version != library.manifest.version => {
            return Err(LibraryError::new(
                format!(
                    "library \"{name}\": {entry_at} holds version {}, though {} says {} and the library's files match: the lock was edited by hand",
                    entry.version,
                    shown(MANIFEST_FILE),
                    library.manifest.version
                ),
                rewrite,
            ));
        }
        None if content_pinned => return Ok(()),
        None => {
            return Err(LibraryError::new(
                format!(
                    "library \"{name}\": the overall sha256 in {entry_at} is not that of the library's files, though each file's sha256 matches: the lock was edited by hand"
                ),
                rewrite,
            ));
        }
        // The files are as pinned as a whole: the lock's list of file hashes is what
        // changed, not the library.
        Some((file, difference)) if content_pinned => {
            let holds = match difference {
                Difference::Changed => {
                    format!("a sha256 for {} that is not the file's", shown(file))
                }
                Difference::Added => format!("no sha256 for {}", shown(file)),
                Difference::Removed => format!(
                    "a sha256 for {}, which the library does not hold",
                    shown(file)
                ),
            };
            return Err(LibraryError::new(
                format!(
                    "library \"{name}\": {entry_at} holds {holds}, though its overall sha256 matches the library: the lock was edited by hand"
                ),
                rewrite,
            ));
        }
        Some((file, difference)) => {
            let how = match difference {
                Difference::Changed => "changed",
                Difference::Added => "was added",
                Difference::Removed => "was removed",
            };
            format!(
                "library \"{name}\" does not match its entry in {entry_at}: {} {how}",
                shown(file)
            )
        }
    };
    Err(LibraryError::new(message, relock))
}

/// How a file differs between what the lock pins and what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Difference {
    Changed,
    Added,
    Removed,
}

/// The files whose hashes differ between what the lock pins and what is on disk:
/// changed or added files first, in path order, then removed ones.
fn differences<'a>(
    pinned: &'a BTreeMap<String, String>,
    found: &'a BTreeMap<String, String>,
) -> impl Iterator<Item = (&'a str, Difference)> {
    let changed_or_added = found
        .iter()
        .filter_map(move |(file, hash)| match pinned.get(file) {
            None => Some((file.as_str(), Difference::Added)),
            Some(p) if p != hash => Some((file.as_str(), Difference::Changed)),
            Some(_) => None,
        });
    let removed = (pinned.keys())
        .filter(move |f| !found.contains_key(*f))
        .map(|f| (f.as_str(), Difference::Removed));
    changed_or_added.chain(removed)
}

/// Reads every library declared in the configuration, in name order.
pub fn read_libraries(config: &Config) -> Vec<Result<Library, (String, LibraryError)>> {
    config
        .libraries
        .iter()
        .map(|(name, root)| {
            let shown = shown_library_path(config, root);
            read_library(name, root, &shown).map_err(|e| (name.clone(), e))
        })
        .collect()
}

/// A library folder as people see it, and as the lock records it: relative to the config
/// root, with `..` for a folder beside it (`../shared-lib`), so the lock reads the same on
/// every machine.
pub fn shown_library_path(config: &Config, root: &Path) -> String {
    let base = crate::paths::absolute(&config.root);
    let root = crate::paths::absolute(root);
    match crate::paths::relative_with_parents(&root, &base) {
        Some(relative) if relative.as_os_str().is_empty() => ".".to_owned(),
        Some(relative) => crate::paths::to_slash(&relative),
        None => crate::paths::to_slash(&root),
    }
}

/// What `decorum lock` changed, for its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockChange {
    /// A library pinned for the first time.
    Added {
        /// The library.
        name: String,
        /// Its version.
        version: String,
    },
    /// A library whose version or files changed.
    Updated {
        /// The library.
        name: String,
        /// The version pinned before.
        from: String,
        /// The version pinned now.
        to: String,
        /// The files that changed (`path (removed)` for a removed one); for a lock edited
        /// by hand whose files are as pinned, what of the lock was edited.
        files: Vec<String>,
    },
    /// A library whose folder moved (its `path` in `decorum.toml` changed), content
    /// unchanged.
    Moved {
        /// The library.
        name: String,
        /// The folder pinned before.
        from: String,
        /// The folder now.
        to: String,
    },
    /// A library no longer declared.
    Removed {
        /// The library.
        name: String,
    },
}

/// What differs between two entries of one library, for `decorum lock`'s report: the
/// files whose hashes differ; when the content is the same as a whole, what of the old
/// lock was edited by hand instead (a file's hash, the overall hash, the version).
fn changed_files(before: &LockedLibrary, now: &LockedLibrary) -> Vec<String> {
    let (removed, changed_or_added): (Vec<_>, Vec<_>) = differences(&before.files, &now.files)
        .partition(|&(_, difference)| difference == Difference::Removed);
    let mut files: Vec<&str> = changed_or_added.into_iter().map(|(f, _)| f).collect();
    let removed: Vec<&str> = removed.into_iter().map(|(f, _)| f).collect();
    if before.sha256 == now.sha256 {
        // Same content: the old lock's per-file list was edited.
        files.extend(removed);
        files.sort_unstable();
        return files
            .into_iter()
            .map(|f| format!("the sha256 of {f} in {LOCK_FILE}"))
            .chain((before.version != now.version).then(|| format!("the version in {LOCK_FILE}")))
            .collect();
    }
    if files.is_empty() && removed.is_empty() {
        return vec![format!("the overall sha256 in {LOCK_FILE}")];
    }
    let mut out: Vec<String> = files.into_iter().map(str::to_owned).collect();
    out.extend(removed.into_iter().map(|f| format!("{f} (removed)")));
    out
}

/// The differences between an old lock and a new one.
pub fn diff(old: Option<&Lock>, new: &Lock) -> Vec<LockChange> {
    let mut changes = Vec::new();
    for lib in &new.libraries {
        match old.and_then(|o| o.get(&lib.name)) {
            None => changes.push(LockChange::Added {
                name: lib.name.clone(),
                version: lib.version.clone(),
            }),
            Some(before)
                if before.sha256 != lib.sha256
                    || before.files != lib.files
                    || before.version != lib.version =>
            {
                changes.push(LockChange::Updated {
                    name: lib.name.clone(),
                    from: before.version.clone(),
                    to: lib.version.clone(),
                    files: changed_files(before, lib),
                });
            }
            Some(before) if before.path != lib.path => changes.push(LockChange::Moved {
                name: lib.name.clone(),
                from: before.path.clone(),
                to: lib.path.clone(),
            }),
            Some(_) => {}
        }
    }
    if let Some(old) = old {
        for lib in &old.libraries {
            if new.get(&lib.name).is_none() {
                changes.push(LockChange::Removed {
                    name: lib.name.clone(),
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library_in(dir: &Path) -> Library {
        std::fs::write(
            dir.join(MANIFEST_FILE),
            "[library]\nname = \"dental\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("privacy.decorum"),
            "decorum 1\npolicy dental.privacy\n",
        )
        .unwrap();
        read_library("dental", dir, "vendor/dental").unwrap()
    }

    /// Every unknown key of a manifest is named at once, in file order, each at its line
    /// with the key it most likely meant.
    #[test]
    fn every_unknown_manifest_key_is_named_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        library_in(dir.path());
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            "[library]\nname = \"dental\"\nverison = \"1.0.0\"\nlanguage = 1\nexport = [\"privacy\"]\nhomepage = \"x\"\n\n[libary]\nname = \"x\"\n",
        )
        .unwrap();
        let err = read_library("dental", dir.path(), "vendor/dental").unwrap_err();
        assert_eq!(
            err.message.split("; ").collect::<Vec<_>>(),
            [
                "vendor/dental/decorum-library.toml:3: unknown key \"verison\" in [library] (did you mean \"version\"?)",
                "vendor/dental/decorum-library.toml:5: unknown key \"export\" in [library] (did you mean \"exports\"?)",
                "vendor/dental/decorum-library.toml:6: unknown key \"homepage\" in [library] (known keys here: name, version, description, license, language, exports)",
                "vendor/dental/decorum-library.toml:8: unknown key \"libary\" in the manifest (did you mean \"library\"?)",
            ]
        );
    }

    /// A manifest's names reach terminals and editors: a control or text-direction
    /// character in one is refused, naming the field and its line.
    #[test]
    fn a_manifest_name_version_or_export_that_cannot_be_printed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        library_in(dir.path());
        for (field, manifest) in [
            (
                "version",
                "[library]\nname = \"dental\"\nversion = \"1.0\\u001b[2J\"\nlanguage = 1\nexports = [\"privacy\"]\n",
            ),
            (
                "exports",
                "[library]\nname = \"dental\"\nversion = \"1.0\"\nlanguage = 1\nexports = [\"privacy\\u202e\"]\n",
            ),
            // An Arabic letter mark reorders text as U+202E does.
            (
                "name",
                "[library]\nname = \"dental\\u061c\"\nversion = \"1.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
            ),
        ] {
            std::fs::write(dir.path().join(MANIFEST_FILE), manifest).unwrap();
            let err = read_library("dental", dir.path(), "vendor/dental").unwrap_err();
            let line = match field {
                "name" => 2,
                "version" => 3,
                _ => 5,
            };
            assert!(
                err.message.starts_with(&format!(
                    "vendor/dental/decorum-library.toml:{line}: the library's `{field}` holds a character that cannot be printed"
                )),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn fingerprints_name_the_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let lock = Lock::of(std::slice::from_ref(&lib));
        assert!(verify(&lib, Some(&lock)).is_ok());
        std::fs::write(
            dir.path().join("privacy.decorum"),
            "decorum 1\npolicy dental.privacy # edited\n",
        )
        .unwrap();
        let changed = read_library("dental", dir.path(), "vendor/dental").unwrap();
        let err = verify(&changed, Some(&lock)).unwrap_err();
        assert_eq!(
            err.message,
            "library \"dental\" does not match its entry in decorum.lock: vendor/dental/privacy.decorum changed"
        );
        std::fs::write(dir.path().join("extra.decorum"), "x").unwrap();
        std::fs::write(dir.path().join(".hidden"), "ignored").unwrap();
        let added = read_library("dental", dir.path(), "vendor/dental").unwrap();
        assert!(added.fingerprint.files.contains_key("extra.decorum"));
        assert!(!added.fingerprint.files.contains_key(".hidden"));
        let changes = diff(Some(&lock), &Lock::of(&[added]));
        assert!(
            matches!(&changes[..], [LockChange::Updated { files, .. }] if files.len() == 2),
            "{changes:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_pinned_by_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        std::fs::write(dir.path().join("strict.decorum"), "decorum 1\npolicy a\n").unwrap();
        std::fs::write(dir.path().join("lax.decorum"), "decorum 1\npolicy b\n").unwrap();
        let link = dir.path().join("ws.decorum");
        std::os::unix::fs::symlink("strict.decorum", &link).unwrap();
        let linked = read_library("dental", dir.path(), "vendor/dental").unwrap();
        assert_ne!(linked.fingerprint, lib.fingerprint);
        // Hashed as the text a checkout without links would write into the file.
        let as_text = hex(&Sha256::digest(b"strict.decorum"));
        assert_eq!(linked.fingerprint.files.get("ws.decorum"), Some(&as_text));
        let lock = Lock::of(std::slice::from_ref(&linked));
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink("lax.decorum", &link).unwrap();
        let repointed = read_library("dental", dir.path(), "vendor/dental").unwrap();
        let err = verify(&repointed, Some(&lock)).unwrap_err();
        assert_eq!(
            err.message,
            "library \"dental\" does not match its entry in decorum.lock: vendor/dental/ws.decorum changed"
        );
    }

    #[test]
    fn a_moved_folder_and_a_hand_edited_hash_are_changes_with_names() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let lock = Lock::of(std::slice::from_ref(&lib));
        let mut moved = lib.clone();
        moved.shown_root = "../shared/dental".to_owned();
        assert_eq!(
            diff(Some(&lock), &Lock::of(&[moved])),
            [LockChange::Moved {
                name: "dental".to_owned(),
                from: "vendor/dental".to_owned(),
                to: "../shared/dental".to_owned(),
            }]
        );
        let mut edited = lock.clone();
        edited.libraries[0].sha256 = "0".repeat(64);
        assert!(
            matches!(
                &diff(Some(&edited), &lock)[..],
                [LockChange::Updated { files, .. }] if files == &["the overall sha256 in decorum.lock"]
            ),
            "{:?}",
            diff(Some(&edited), &lock)
        );
    }

    #[test]
    fn a_version_edited_in_the_lock_is_refused_with_both_versions() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let mut lock = Lock::of(std::slice::from_ref(&lib));
        assert!(verify(&lib, Some(&lock)).is_ok());
        lock.libraries[0].version = "2.0.0".to_owned();
        assert_eq!(
            verify(&lib, Some(&lock)),
            Err(LibraryError::new(
                "library \"dental\": decorum.lock holds version 2.0.0, though vendor/dental/decorum-library.toml says 1.0.0 and the library's files match: the lock was edited by hand",
                "run `decorum lock` to write it again from the library's files",
            ))
        );
    }

    #[test]
    fn an_error_about_a_lock_entry_names_its_line() {
        // Read from a file, the lock knows where each entry stands: the error says which
        // of several entries to look at.
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let mut other = Lock::of(std::slice::from_ref(&lib));
        other.libraries[0].name = "another".to_owned();
        let mut both = Lock::of(std::slice::from_ref(&lib));
        both.libraries.insert(0, other.libraries[0].clone());
        both.libraries[1].version = "2.0.0".to_owned();
        let text = both.to_text();
        let read = parse_lock(&text).unwrap();
        let line = text.lines().position(|l| l == "name = \"dental\"").unwrap();
        let err = verify(&lib, Some(&read)).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "library \"dental\": decorum.lock:{line} holds version 2.0.0, though vendor/dental/decorum-library.toml says 1.0.0 and the library's files match: the lock was edited by hand"
            ),
            "the line of its `[[library]]` header, just above its name:\n{text}"
        );
        assert_eq!(read, both, "the lines are not part of what a lock pins");
    }

    #[test]
    fn crlf_line_ends_do_not_change_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let lock = Lock::of(std::slice::from_ref(&lib));
        let file = dir.path().join("privacy.decorum");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace('\n', "\r\n")).unwrap();
        let converted = read_library("dental", dir.path(), "vendor/dental").unwrap();
        assert!(verify(&converted, Some(&lock)).is_ok());
        // A lone CR is a change; so are the bytes of a file that is not text.
        std::fs::write(&file, text.replace('\n', "\r")).unwrap();
        let changed = read_library("dental", dir.path(), "vendor/dental").unwrap();
        assert!(verify(&changed, Some(&lock)).is_err());
        assert_ne!(lf_line_ends(b"\xff\r\n").as_ref(), b"\xff\n");
    }

    #[test]
    fn lock_round_trips_and_unpinned_libraries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let lock = Lock::of(std::slice::from_ref(&lib));
        let text = lock.to_text();
        assert_eq!(parse_lock(&text).unwrap(), lock);
        let err = verify(&lib, None).unwrap_err();
        assert!(err.message.contains("is not pinned"), "{}", err.message);
    }

    #[test]
    fn a_lock_of_another_format_version_is_refused_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = Lock::of(&[library_in(dir.path())]).to_text();
        assert_eq!(parse_lock(&text).map(|l| l.version), Ok(LOCK_FORMAT));
        // A newer format may have fields this build does not know: the version is
        // what is wrong, not the field.
        let newer = text.replace("version = 1\n", "version = 2\nsigned-by = \"x\"\n");
        let err = parse_lock(&newer).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.help.as_deref()),
            (
                "decorum.lock:4: lock format version 2 is not one this Decorum reads (it reads version 1)",
                Some(
                    "a newer Decorum wrote it: upgrade Decorum, or run `decorum lock` to write it again in version 1"
                )
            )
        );
        let older = parse_lock(&text.replace("version = 1\n", "version = 0\n")).unwrap_err();
        assert_eq!(
            older.help.as_deref(),
            Some("run `decorum lock` to write it again in version 1")
        );
        let missing = parse_lock(&text.replace("version = 1\n", "")).unwrap_err();
        assert!(
            missing.message.contains("missing field `version`"),
            "{}",
            missing.message
        );
    }

    #[test]
    fn a_library_pinned_twice_is_refused_at_its_second_entry() {
        let dir = tempfile::tempdir().unwrap();
        let text = Lock::of(&[library_in(dir.path())]).to_text();
        let entry = &text[text.find("[[library]]").unwrap()..];
        let err = parse_lock(&format!("{text}\n{entry}")).unwrap_err();
        assert_eq!(
            err.message,
            "decorum.lock:16: library \"dental\" is pinned twice (first at line 6); a lock pins each library once"
        );
        // Two libraries are two entries.
        let other = entry.replace("name = \"dental\"", "name = \"dental-2\"");
        assert_eq!(
            parse_lock(&format!("{text}\n{other}")).map(|l| l.libraries.len()),
            Ok(2)
        );
    }

    #[test]
    fn a_file_hash_edited_in_the_lock_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_in(dir.path());
        let lock = Lock::of(std::slice::from_ref(&lib));
        let message = |edit: &dyn Fn(&mut LockedLibrary)| {
            let mut edited = lock.clone();
            edit(&mut edited.libraries[0]);
            let err = verify(&lib, Some(&edited)).unwrap_err();
            let changes = diff(Some(&edited), &lock);
            let [LockChange::Updated { files, .. }] = &changes[..] else {
                panic!("{changes:?}");
            };
            (err.message, files.join(", "))
        };
        let edited = |f: &str| {
            format!(
                "library \"dental\": decorum.lock holds {f}, though its overall sha256 matches the library: the lock was edited by hand"
            )
        };
        assert_eq!(
            message(&|l| {
                l.files.insert("privacy.decorum".into(), "0".repeat(64));
            }),
            (
                edited("a sha256 for vendor/dental/privacy.decorum that is not the file's"),
                "the sha256 of privacy.decorum in decorum.lock".to_owned()
            )
        );
        assert_eq!(
            message(&|l| {
                l.files.remove("privacy.decorum");
            }),
            (
                edited("no sha256 for vendor/dental/privacy.decorum"),
                "the sha256 of privacy.decorum in decorum.lock".to_owned()
            )
        );
        assert_eq!(
            message(&|l| {
                l.files.insert("gone.decorum".into(), "0".repeat(64));
            }),
            (
                edited("a sha256 for vendor/dental/gone.decorum, which the library does not hold"),
                "the sha256 of gone.decorum in decorum.lock".to_owned()
            )
        );
        assert_eq!(
            message(&|l| l.sha256 = "0".repeat(64)),
            (
                "library \"dental\": the overall sha256 in decorum.lock is not that of the library's files, though each file's sha256 matches: the lock was edited by hand".to_owned(),
                "the overall sha256 in decorum.lock".to_owned()
            )
        );
    }

    #[test]
    fn one_folder_under_two_names_is_refused_at_the_second() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("vendor/dental")).unwrap();
        let mut config = Config::default_for(&root);
        config.file = Some(root.join("decorum.toml"));
        for (name, folder, line) in [
            ("zeta", "vendor/dental", 3),
            ("alpha", "vendor/./dental/", 4),
        ] {
            config.libraries.insert(name.into(), root.join(folder));
            let place = crate::Place {
                span: 0..0,
                line,
                column: 1,
            };
            config.library_places.insert(name.into(), place);
        }
        let err = folder_declared_twice(&config).unwrap();
        assert_eq!(
            err.message,
            "decorum.toml:4: libraries \"zeta\" (line 3) and \"alpha\" are the same folder, `vendor/dental`; a library is declared once, under one name"
        );
        assert_eq!(read_lock(&config), Err(err));
        // A library inside another's folder is another library.
        config
            .libraries
            .insert("alpha".into(), root.join("vendor/dental/inner"));
        assert_eq!(folder_declared_twice(&config), None);
    }

    #[test]
    fn exports_are_read_as_the_modules_they_name() {
        let dir = tempfile::tempdir().unwrap();
        library_in(dir.path());
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            "[library]\nname = \"dental\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy.decorum\", \"privacy\", \"forms/\"]\n",
        )
        .unwrap();
        let lib = read_library("dental", dir.path(), "vendor/dental").unwrap();
        assert_eq!(lib.manifest.exports, ["privacy", "forms"]);
        assert_eq!(lib.export_problems(), [("forms", ExportProblem::Missing)]);
    }

    #[test]
    fn manifest_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            "[library]\nname = \"x\"\nversoin = \"1\"\n",
        )
        .unwrap();
        let err = read_library("x", dir.path(), "vendor/x").unwrap_err();
        assert!(
            err.message.starts_with("vendor/x/decorum-library.toml:3:"),
            "{}",
            err.message
        );
    }
}
