//! Test helpers: compile policies from strings and render findings as annotated text.

#![allow(dead_code)]

use std::sync::Arc;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::*;
use decorum_text::{LineIndex, TextRange};

/// Compiles a root policy plus named extra files. Imports `"./NAME"` resolve to the
/// extra file called NAME; anything else fails.
pub fn compile_files(root: &str, extra: &[(&str, &str)]) -> (PolicyInputs, Compiled) {
    compile_files_with_std(root, extra, &[])
}

/// Like [`compile_files`], with the extra files named in `builtin` marked as standard
/// library files.
pub fn compile_files_with_std(
    root: &str,
    extra: &[(&str, &str)],
    builtin: &[&str],
) -> (PolicyInputs, Compiled) {
    let mut inputs = PolicyInputs::default();
    let mut texts: Vec<(String, String)> = vec![("root.decorum".to_string(), root.to_string())];
    texts.extend(
        extra
            .iter()
            .map(|(n, t)| (format!("{n}.decorum"), t.to_string())),
    );
    for (path, text) in &texts {
        let parse = decorum_syntax::parse(text);
        inputs.add(PolicySource {
            path: path.clone(),
            text: Arc::from(text.as_str()),
            parse,
            imports: Vec::new(),
            builtin: builtin.iter().any(|b| format!("{b}.decorum") == *path),
            shared_library: false,
        });
    }
    for i in 0..inputs.sources.len() {
        let imports: Vec<ImportResolution> = inputs.sources[i]
            .parse
            .file
            .imports()
            .map(|imp| {
                let wanted = imp
                    .source
                    .value
                    .trim_start_matches("./")
                    .trim_end_matches(".decorum");
                if let Some(dir) = wanted.strip_suffix("/*") {
                    // A folder: every extra file whose name starts with `dir/`.
                    let list: Vec<(String, SourceId)> = texts
                        .iter()
                        .enumerate()
                        .filter_map(|(j, (p, _))| {
                            p.strip_prefix(&format!("{dir}/")).map(|m| {
                                (
                                    m.trim_end_matches(".decorum").to_string(),
                                    SourceId(j as u32),
                                )
                            })
                        })
                        .collect();
                    return ImportResolution::Folder(list);
                }
                match texts
                    .iter()
                    .position(|(p, _)| p.trim_end_matches(".decorum") == wanted)
                {
                    Some(j) => ImportResolution::File(SourceId(j as u32)),
                    None => ImportResolution::Failed {
                        message: format!("no policy file at `{}`", imp.source.value),
                        help: None,
                    },
                }
            })
            .collect();
        inputs.sources[i].imports = imports;
    }
    inputs.roots.push(SourceId(0));
    let compiled = compile(&inputs);
    (inputs, compiled)
}

/// Renders policy problems as `path:line:col: level[code]: message (help)`.
pub fn render_problems(inputs: &PolicyInputs, problems: &[PolicyProblem]) -> String {
    let mut out = String::new();
    for p in problems {
        let source = inputs.source(p.source).expect("source");
        let index = LineIndex::new(&source.text);
        let lc = index.line_char_col(&source.text, p.range.start());
        let level = match p.level {
            ProblemLevel::Error => "error",
            ProblemLevel::Warning => "warning",
        };
        let snippet = decorum_text::slice(&source.text, p.range);
        out.push_str(&format!(
            "{}:{}:{}: {level}[{}]: {} `{}`",
            source.path,
            lc.line + 1,
            lc.col + 1,
            p.code,
            p.message,
            snippet
        ));
        if let Some(h) = &p.help {
            out.push_str(&format!(" (help: {h})"));
        }
        for l in &p.labels {
            let s = inputs.source(l.source).expect("label source");
            let i = LineIndex::new(&s.text);
            let lc = i.line_char_col(&s.text, l.range.start());
            out.push_str(&format!(
                " [{}:{}:{}: {}]",
                s.path,
                lc.line + 1,
                lc.col + 1,
                l.message
            ));
        }
        out.push('\n');
    }
    out
}

/// Compiles a policy and panics with readable problems if it has errors.
pub fn policy(root: &str) -> PolicySet {
    policy_with(root, &[])
}

/// Like [`policy`], with extra importable files.
pub fn policy_with(root: &str, extra: &[(&str, &str)]) -> PolicySet {
    let (inputs, compiled) = compile_files(root, extra);
    match compiled.policy_set {
        Some(set) => set,
        None => panic!(
            "policy has errors:\n{}",
            render_problems(&inputs, &compiled.problems)
        ),
    }
}

/// Checks a Markdown draft and renders it with `^^^ severity: rule: message` lines under
/// each finding (first line of the range), plus fixes and waivers.
pub fn annotate(set: &PolicySet, draft: &str) -> String {
    render(draft, &check_markdown(set, draft))
}

/// Checks a Markdown draft with no metadata from outside it.
pub fn check_markdown(set: &PolicySet, draft: &str) -> DraftReport {
    let d = decorum_draft::parse(draft, DraftFormat::Markdown, &Metadata::default());
    set.check(&d)
}

pub fn render(draft: &str, report: &DraftReport) -> String {
    let index = LineIndex::new(draft);
    let mut out = String::new();
    for line in 0..index.line_count() as u32 {
        let Some(content) = index.line_content(draft, line) else {
            continue;
        };
        let text = decorum_text::slice(draft, content);
        out.push_str(text);
        out.push('\n');
        for f in &report.findings {
            if index.line_of(f.range.start()) != line {
                continue;
            }
            let start_col = index.line_char_col(draft, f.range.start()).col as usize;
            let end = f.range.end().min(content.end());
            let len = decorum_text::slice(
                draft,
                TextRange::new(f.range.start(), end.max(f.range.start())),
            )
            .chars()
            .count()
            .max(1);
            out.push_str(&format!(
                "{}{} {}: {}: {}\n",
                " ".repeat(start_col),
                "^".repeat(len),
                f.severity.as_str(),
                f.rule.id,
                f.message
            ));
            for r in &f.related {
                out.push_str(&format!(
                    "    related: {:?} ({})\n",
                    decorum_text::slice(draft, r.range),
                    r.label
                ));
            }
            for fix in &f.fixes {
                let fixed = apply_edits(draft, &fix.edits);
                out.push_str(&format!("    fix: {} -> {:?}\n", fix.title, fixed));
            }
        }
    }
    for w in &report.waivers {
        out.push_str(&format!(
            "waiver {:?}: {:?} silenced {}\n",
            w.rules, w.reason, w.silenced
        ));
    }
    out
}
