//! Black-box tests of the `decorum` binary: real runs on real files in temporary folders.
//!
//! These tests live in the repository's top-level `tests/` folder and build as a test
//! target of the decorum-cli package (see its Cargo.toml), so `CARGO_BIN_EXE_decorum` is
//! the binary under test. Snapshots are inline (`expect-test`): after an intended change
//! of output, run `UPDATE_EXPECT=1 cargo test -p decorum-cli --test cli` and review the
//! diff.
//!
//! Every JSON document a test produces is validated against
//! `docs/schema/check-output.schema.json`, and every SARIF log against the official SARIF
//! 2.1.0 schema vendored in `docs/schema/`.
//!
//! All names, places and stories in these tests are invented.

// Test code: a panic is how a test reports a failure, also in helpers outside `#[test]`.
#![allow(clippy::unwrap_used)]

#[path = "common/fs.rs"]
mod fs;
#[path = "cli/support.rs"]
mod support;

#[path = "cli/audit.rs"]
mod audit;
#[path = "cli/audit_walks.rs"]
mod audit_walks;
#[path = "cli/batch.rs"]
mod batch;
#[path = "cli/channel_problems.rs"]
mod channel_problems;
#[path = "cli/collect_edges.rs"]
mod collect_edges;
#[path = "cli/command_messages.rs"]
mod command_messages;
#[path = "cli/config_schema.rs"]
mod config_schema;
#[path = "cli/config_typos.rs"]
mod config_typos;
#[path = "cli/draft_extensions.rs"]
mod draft_extensions;
#[path = "cli/eval.rs"]
mod eval;
#[path = "cli/examples_once.rs"]
mod examples_once;
#[path = "cli/exit_codes.rs"]
mod exit_codes;
#[path = "cli/explain.rs"]
mod explain;
#[path = "cli/fmt_init.rs"]
mod fmt_init;
#[path = "cli/folder_globs.rs"]
mod folder_globs;
#[path = "cli/frontmeta.rs"]
mod frontmeta;
#[path = "cli/human.rs"]
mod human;
#[path = "cli/init_all_or_nothing.rs"]
mod init_all_or_nothing;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/json.rs"]
mod json;
#[path = "cli/libraries.rs"]
mod libraries;
#[path = "cli/library_drafts.rs"]
mod library_drafts;
#[path = "cli/line_endings.rs"]
mod line_endings;
#[path = "cli/links.rs"]
mod links;
#[path = "cli/named_folders.rs"]
mod named_folders;
#[path = "cli/policy_errors.rs"]
mod policy_errors;
#[path = "cli/policy_selection.rs"]
mod policy_selection;
#[path = "cli/privacy.rs"]
mod privacy;
#[path = "cli/remove_fix.rs"]
mod remove_fix;
#[path = "cli/sandbox.rs"]
mod sandbox;
#[path = "cli/sarif.rs"]
mod sarif;
#[path = "cli/test_command.rs"]
mod test_command;
#[path = "cli/waivers.rs"]
mod waivers;
#[path = "cli/write_failures.rs"]
mod write_failures;
