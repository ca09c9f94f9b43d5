//! `decorum test`: run the examples written inside rules.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use decorum_engine::{ExpectedOutcome, RuleInfo, SourceId};
use decorum_text::LineIndex;

use super::explain::{one_line, param_overrides};
use super::{
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, print_problems, rendered_problems, shown_place,
    stderr_style, style,
};
use crate::TestArgs;
use crate::report::human::{clean, clean_path};
use crate::session;

/// Runs `decorum test`.
pub fn run(args: TestArgs) -> u8 {
    let err_style = stderr_style(args.color);
    let out_style = style(args.color, std::io::stdout().is_terminal());
    let config = match session::config(args.config.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            super::print_general(err_style, &problems);
            return EXIT_ERROR;
        }
    };
    let roots: Vec<Option<PathBuf>> = if args.paths.is_empty() {
        vec![None]
    } else {
        args.paths.iter().cloned().map(Some).collect()
    };
    let mut total = 0usize;
    let mut failed = 0usize;
    let mut out = String::new();
    // A warning of a file two roots share (a library, a missing folder in decorum.toml)
    // is shown once.
    let mut shown_problems = std::collections::HashSet::new();
    // Each root is its own session, but a file two roots reach (the same path named
    // twice, a folder and a file in it, a file both roots import) has its examples run
    // and counted once: the first session that reaches it decides.
    let mut tested_files: std::collections::HashSet<String> = std::collections::HashSet::new();
    for root in roots {
        let session = session::load(config.clone(), root.as_deref());
        let Some(set) = session
            .compiled
            .policy_set
            .as_ref()
            .filter(|_| !session.has_errors())
        else {
            print_problems(&session, err_style);
            return EXIT_ERROR;
        };
        // Warnings (a threshold that always holds, a placeholder the message cannot fill),
        // as `decorum check` shows them: the policy's author runs this command most.
        for problem in rendered_problems(&session, err_style) {
            if shown_problems.insert(problem.clone()) {
                let _ = std::io::stderr().write_all(problem.as_bytes());
            }
        }
        let results = set.run_examples_except(|source| {
            session
                .inputs
                .source(source)
                .is_some_and(|src| tested_files.contains(&src.path))
        });
        for result in &results {
            let example = &result.rule.examples[result.index];
            // The rule's examples hold those of the `use` blocks that adjust it after its
            // own: the number counts the rule's examples in the file shown, so that the
            // first example of a `use` block is #1 of that file, not #3 of the rule.
            let number = (result.rule.examples.iter().take(result.index + 1))
                .filter(|e| e.source == example.source)
                .count();
            let source = session.inputs.source(example.source);
            if let Some(src) = source {
                tested_files.insert(src.path.clone());
            }
            total += 1;
            let location = source
                .map(|src| {
                    format!(
                        "{}:{}",
                        clean_path(&src.path),
                        LineIndex::new(&src.text).line_of(example.range.start()) + 1
                    )
                })
                .unwrap_or_default();
            if result.passed {
                if args.verbose {
                    out.push_str(&format!(
                        "{} {} #{} ({location})\n",
                        paint(out_style.color, "32", "ok  "),
                        result.rule.id,
                        number
                    ));
                }
                continue;
            }
            failed += 1;
            let expected = match &example.expect {
                ExpectedOutcome::Flags(Some(span)) => format!("flags at “{}”", clean(span)),
                ExpectedOutcome::Flags(None) => "flags".to_string(),
                ExpectedOutcome::Passes => "passes".to_string(),
            };
            out.push_str(&format!(
                "{} {} example #{} ({location})\n",
                paint(out_style.color, "1;31", "FAIL"),
                result.rule.id,
                number
            ));
            out.push_str(&format!("  text:     “{}”\n", clean(&example.text)));
            out.push_str(&format!("  expected: {expected}\n"));
            if result.fired.is_empty() {
                out.push_str("  fired:    nothing\n");
            }
            for (range, message) in &result.fired {
                out.push_str(&format!(
                    "  fired:    at “{}”: {}\n",
                    clean(decorum_text::slice(&example.text, *range)),
                    clean(message)
                ));
            }
            // A rule's examples run against the rule as the workspace adjusts it: a
            // failure may be an importer's doing, not the example's.
            for line in adjustments(&session, &result.rule, example.source) {
                out.push_str(&format!("  adjusted: {line}\n"));
            }
            if let Some(f) = result
                .failure
                .as_ref()
                .filter(|f| !f.starts_with("expected"))
            {
                out.push_str(&format!("  problem:  {}\n", clean(f)));
            }
        }
    }
    if total == 0 {
        out.push_str("decorum test: no examples found; write `example flags \"...\"` and `example passes \"...\"` in your rules\n");
        crate::output::print(out.as_bytes());
        return EXIT_FINDINGS;
    }
    out.push_str(&format!(
        "decorum test: {} of {total} {} passed",
        total - failed,
        if total == 1 { "example" } else { "examples" }
    ));
    out.push('\n');
    crate::output::print(out.as_bytes());
    if failed > 0 { EXIT_FINDINGS } else { EXIT_OK }
}

/// The parameters that `use` blocks in files other than `example_source` set for the
/// rule, each clause as written with its place (`lim = 1 at policy/clinic.decorum:7`),
/// parameter by parameter, each in the order its clauses apply.
fn adjustments(
    session: &session::Session,
    rule: &RuleInfo,
    example_source: SourceId,
) -> Vec<String> {
    let mut lines = Vec::new();
    for param in param_overrides(&session.compiled.audit, rule) {
        for &(o, value, add) in &param.steps {
            if o.source == example_source {
                continue;
            }
            let op = if add { "+=" } else { "=" };
            let at = shown_place(&session.inputs, o.source, o.range)
                .map(|place| format!(" at {place}"))
                .unwrap_or_default();
            let value = clean(&one_line(value.trim()));
            lines.push(format!("{} {op} {value}{at}", param.name));
        }
    }
    lines
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
