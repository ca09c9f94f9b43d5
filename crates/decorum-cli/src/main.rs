//! `decorum`: check drafts against policies, test and explain policies.
//!
//! Exit codes: 0 when clean, 1 when a finding reaches the failing severity (or an
//! example fails), 2 for usage errors, policy errors, unreadable inputs and a report
//! that could not be written (see [`output`]).

mod commands;
mod families;
mod output;
mod report;
mod session;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Policy-as-code for what health-care professionals publish.
#[derive(Parser, Debug)]
#[command(name = "decorum", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check drafts (files, folders, or `-` for standard input) against the policies.
    Check(CheckArgs),
    /// Run the examples written inside the rules of policies.
    Test(TestArgs),
    /// Show what a rule checks, why, and its examples.
    Explain(ExplainArgs),
    /// Measure the rules' accuracy on a labelled corpus of drafts.
    Eval(commands::eval::EvalArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp(commands::lsp::LspArgs),
    /// Pin the shared policy libraries in decorum.lock (name, version, SHA-256).
    Lock(commands::lock::LockArgs),
    /// Report libraries, overrides, disabled and locked rules, and waivers in drafts.
    Audit(commands::audit::AuditArgs),
    /// Format policy files in place (one canonical layout; comments kept).
    Fmt(commands::fmt::FmtArgs),
    /// Create decorum.toml and an organisation policy that imports std/healthcare.
    Init(commands::init::InitArgs),
}

/// Options shared by commands that load policies.
#[derive(clap::Args, Debug, Clone)]
struct PolicyArgs {
    /// Policy file or folder to apply (or `std/...`); default: `policies` in decorum.toml,
    /// else the embedded `std/healthcare` library.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Configuration file; default: decorum.toml in the current folder or an ancestor.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files and folders to check; `-` reads a Markdown draft from standard input.
    /// Default: the current folder.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when a finding is at least this severe (`never`: always 0).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::Args, Debug)]
struct TestArgs {
    /// Policy files or folders whose examples to run; default: the workspace's policies.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Configuration file; default: decorum.toml in the current folder or an ancestor.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print every example, not only failures.
    #[arg(long, short)]
    verbose: bool,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::Args, Debug)]
struct ExplainArgs {
    /// The rule id, e.g. `hc.privacy.client-story` (a unique suffix such as
    /// `client-story` also works).
    rule: String,
    #[command(flatten)]
    policy: PolicyArgs,
}

/// Output formats of `decorum check`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Findings with source snippets, like a compiler.
    Human,
    /// One JSON document, described in docs/output.md.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The severity that fails a check.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    Never,
}

/// Colour choice.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    // The default hook prints the panic payload, and a payload can quote the text being
    // processed (a draft may hold health information). Print the location only.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(std::io::stderr(), "decorum: internal error at {at}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A usage error goes to standard error, exit 2; `--help` and `--version` are
        // reports on standard output, whose failure counts as any report's.
        Err(e) if e.use_stderr() => e.exit(),
        Err(e) => {
            if let Err(failed) = e.print() {
                output::remember(failed);
            }
            return ExitCode::from(output::finish(u8::try_from(e.exit_code()).unwrap_or(0)));
        }
    };
    let outcome = std::panic::catch_unwind(|| match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
        Command::Lock(args) => commands::lock::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Init(args) => commands::init::run(args),
    });
    match outcome {
        Ok(code) => ExitCode::from(output::finish(code)),
        Err(_) => {
            let _ = writeln!(
                std::io::stderr(),
                "decorum: internal error. Please report it with the command you ran (not your draft)."
            );
            ExitCode::from(2)
        }
    }
}
