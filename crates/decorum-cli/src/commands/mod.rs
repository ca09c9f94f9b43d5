//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod init;
pub mod lock;
pub mod lsp;
pub mod test;

use std::io::{IsTerminal, Write};

use decorum_engine::{PolicyInputs, SourceId};
use decorum_text::{LineIndex, TextRange};

use crate::Color;
use crate::report::human::{self, Style, clean_path};
use crate::session::Session;

/// Exit code: clean.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the failing severity, or failing examples.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, configuration or policy errors.
pub const EXIT_ERROR: u8 = 2;

/// Resolves `--color` for a stream.
pub fn style(color: Color, terminal: bool) -> Style {
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    Style { color }
}

/// Style for standard error.
pub fn stderr_style(color: Color) -> Style {
    style(color, std::io::stderr().is_terminal())
}

/// Prints problems that are not in a policy file (decorum.toml's, for one) to standard
/// error.
pub fn print_general(style: Style, problems: &[crate::session::GeneralProblem]) {
    let mut out = String::new();
    for p in problems {
        human::general(&mut out, style, p);
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}

/// Prints the session's policy problems and general problems to standard error.
pub fn print_problems(session: &Session, style: Style) {
    let out: String = rendered_problems(session, style).concat();
    let _ = std::io::stderr().write_all(out.as_bytes());
}

/// The session's problems, each rendered on its own: general ones first, then the policy
/// files'.
pub fn rendered_problems(session: &Session, style: Style) -> Vec<String> {
    let general = session.general.iter().map(|g| {
        let mut out = String::new();
        human::general(&mut out, style, g);
        out
    });
    let policy = session.problems().iter().map(|p| {
        let mut out = String::new();
        human::policy_problem(&mut out, style, &session.inputs, p);
        out
    });
    general.chain(policy).collect()
}

/// [`policy_place`] as the terminal shows it, `path:line`, with a control character in
/// the path shown as its code point ([`clean_path`]), as every report shows a path.
pub fn shown_place(inputs: &PolicyInputs, source: SourceId, range: TextRange) -> Option<String> {
    policy_place(inputs, source, range).map(|(path, line)| format!("{}:{line}", clean_path(&path)))
}

/// The policy file and 1-based line of `range` in `source`, as `path:line`, for reports
/// that point at a policy clause (an override, a `disable`, a rule's severity).
pub fn policy_place(
    inputs: &PolicyInputs,
    source: SourceId,
    range: TextRange,
) -> Option<(String, u32)> {
    inputs.source(source).map(|src| {
        (
            src.path.clone(),
            LineIndex::new(&src.text).line_of(range.start()) + 1,
        )
    })
}
