//! Decorum's window on the file system: the embedded standard library, `decorum.toml`,
//! policy files with their imports, and drafts.
//!
//! Everything above this crate (the CLI and the language server) asks it for values:
//! a [`Config`], [`LoadedPolicies`] ready for the engine, a list of draft files and
//! [`LoadedDraft`]s. Everything below it (syntax, engine, draft) never touches a file.
//!
//! Two rules hold throughout. Policies may only read files inside the workspace root and
//! the libraries declared in `decorum.toml` (see [`Sandbox`]). Error messages about drafts
//! name paths and reasons, never draft text: drafts may hold protected health information.

pub mod config;
pub mod drafts;
mod ignores;
pub mod library;
pub mod load;
mod paths;
pub mod stdlib;
mod write;

#[cfg(test)]
mod test_support;

pub use config::{Config, ConfigError, MetadataRule, Place, find_config, load_config};
pub use drafts::{
    Collected, DraftLoadError, EmptyFolder, LoadedDraft, collect_current_folder, collect_drafts,
    is_decorum_file, nearer_configs, read_draft, read_stdin_draft,
};
pub use ignores::walk_builder;
pub use library::{Library, LibraryError, Lock, Manifest};
pub use load::{
    LoadError, LoadedPolicies, Overlays, Refusal, Sandbox, load_policies, load_policies_overlaid,
    read_policy_file, read_policy_stdin, unsaved_policy_stem,
};
pub use paths::{canonical_file, canonical_or_absolute, normalize, to_slash};
pub use stdlib::{DEFAULT_POLICY, EXTENSION, StdFile};
pub use write::{atomic_replace_own_file, atomic_write};
