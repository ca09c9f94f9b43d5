//! `decorum eval`: per-family precision and recall of the policies on a labelled corpus.
//!
//! A corpus is a folder of drafts, one per file, whose front matter says which families
//! the draft should trigger (`expect: [client-story]`, or `expect: []` for a clean
//! draft); see tests/corpus/README.md. Every file is checked on its own (a calendar
//! file is its own batch). A file *predicts* a family when any finding, at any severity,
//! comes from a rule tagged with that family (Decorum's own checks of a draft,
//! `decorum.*`, are reported instead, not scored). Per family the command counts true
//! positives, false positives and false negatives; over the clean files it counts those
//! with a finding at warning or above. It exits 1 when a figure misses its target (see
//! `families.rs`), so CI can hold the rules to them.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use decorum_draft::MetaValue;
use decorum_engine::Severity;
use decorum_text::LineIndex;
use decorum_workspace::{LoadedDraft, collect_drafts, read_draft};
use serde_json::{Value, json};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, print_problems, stderr_style, style};
use crate::families::{FAMILIES, Family, MAX_CLEAN_FLAGGED, family};
use crate::report::human::{self, Style};
use crate::session::{self, GeneralProblem};
use crate::{Color, PolicyArgs};

/// Arguments of `decorum eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Corpus folders or files: drafts whose front matter holds `expect: [FAMILY, ...]`.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
    format: EvalFormat,
    /// Exit with 1 when a family misses its precision or recall target or too many clean
    /// drafts are flagged (`--thresholds false` only reports).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    thresholds: bool,
    /// Also list every draft whose predicted families differ from its labels, and every
    /// clean draft flagged at warning or above, with the rules that fired.
    #[arg(long)]
    misses: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// Output formats of `decorum eval`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalFormat {
    /// A table.
    Human,
    /// One JSON document.
    Json,
}

/// One labelled draft and what the policies made of it.
struct Scored {
    display: String,
    expected: BTreeSet<&'static str>,
    predicted: BTreeSet<&'static str>,
    /// Rule ids that fired, with their severities, in order of first finding.
    fired: Vec<(String, Severity)>,
}

impl Scored {
    fn is_clean(&self) -> bool {
        self.expected.is_empty()
    }

    fn flagged_at_warning(&self) -> bool {
        self.fired.iter().any(|(_, s)| *s >= Severity::Warning)
    }
}

/// The counts of one family.
struct FamilyScore {
    family: &'static Family,
    labelled: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl FamilyScore {
    /// Precision, or `None` when nothing was predicted.
    fn precision(&self) -> Option<f64> {
        let predicted = self.tp + self.fp;
        (predicted > 0).then(|| self.tp as f64 / predicted as f64)
    }

    /// Recall, or `None` when no draft carries the label.
    fn recall(&self) -> Option<f64> {
        (self.labelled > 0).then(|| self.tp as f64 / self.labelled as f64)
    }

    /// Whether the family meets its targets. A family no draft is labelled with can only
    /// fail by being predicted (a false positive has precision 0).
    fn meets(&self) -> bool {
        let p = self
            .precision()
            .is_none_or(|p| p + 1e-9 >= self.family.min_precision);
        let r = self
            .recall()
            .is_none_or(|r| r + 1e-9 >= self.family.min_recall);
        p && r
    }
}

/// Runs `decorum eval`.
pub fn run(args: EvalArgs) -> u8 {
    let err_style = stderr_style(args.color);
    let config = match session::config(args.policy.config.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            super::print_general(err_style, &problems);
            return EXIT_ERROR;
        }
    };
    let session = session::load(config, args.policy.policy.as_deref());
    let Some(set) = session
        .compiled
        .policy_set
        .as_ref()
        .filter(|_| !session.has_errors())
    else {
        print_problems(&session, err_style);
        return EXIT_ERROR;
    };
    // Warnings not tied to a policy file (a declared library folder that does not
    // exist), as every command shows them.
    super::print_general(err_style, &session.general);

    let collected = collect_drafts(&args.paths, &session.config);
    let mut problems: Vec<GeneralProblem> = collected.errors.iter().map(draft_error).collect();
    let mut drafts: Vec<(LoadedDraft, BTreeSet<&'static str>)> = Vec::new();
    for path in &collected.files {
        if path
            .file_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
        {
            continue; // the corpus's own documentation
        }
        let loaded = match read_draft(path, &session.config) {
            Ok(d) => d,
            Err(e) => {
                problems.push(draft_error(&e));
                continue;
            }
        };
        match labels(&loaded) {
            Ok(expected) => drafts.push((loaded, expected)),
            Err(LabelError { message, at }) => problems.push(GeneralProblem {
                line: at.map(|(line, _)| line),
                column: at.map(|(_, column)| column),
                ..problem(loaded.display.clone(), message)
            }),
        }
    }
    // A folder named that held no draft says so, as in `decorum check`, after the
    // problems (before the run stops for them, or goes on).
    if !problems.is_empty() {
        super::print_general(err_style, &problems);
    }
    let notes = super::check::empty_folder_notes(&collected.empty_folders);
    let _ = std::io::stderr().write_all(notes.as_bytes());
    if !problems.is_empty() {
        return EXIT_ERROR;
    }
    if drafts.is_empty() {
        super::print_general(
            err_style,
            &[GeneralProblem {
                help: Some("give a folder of drafts, each labelled with `expect: [FAMILY, ...]` in its front matter (see tests/corpus/README.md)".into()),
                ..problem(
                    args.paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    "no labelled drafts found".into(),
                )
            }],
        );
        return EXIT_ERROR;
    }

    let checked: Vec<_> = drafts
        .into_iter()
        .map(|(loaded, expected)| {
            let report = set.check(&loaded.draft);
            (loaded, expected, report)
        })
        .collect();
    // Decorum's own checks of a draft (`decorum.draft`, `decorum.waiver-*`) predict no
    // family: they are reported here, not scored. A draft Decorum cannot read as its
    // author meant (a misspelt channel, a waiver without a reason) would be scored on the
    // wrong text or metadata, so, like a label that cannot be read, it stops the run; a
    // waiver naming a rule these policies lack or disable is only a warning, since it
    // depends on the policies being measured, not on the draft.
    let own: Vec<GeneralProblem> = checked
        .iter()
        .flat_map(|(loaded, _, report)| {
            let own_checks = report.findings.iter().filter(|f| is_own_check(&f.rule));
            own_checks.map(|f| {
                let (line, column) = position(&loaded.draft, f.range.start());
                let stops = f.rule.id == decorum_engine::DRAFT_PROBLEM_RULE
                    || f.rule.id == decorum_engine::WAIVER_REASON_RULE;
                GeneralProblem {
                    line: Some(line),
                    column: Some(column),
                    help: Some(format!(
                        "correct the draft (`decorum explain {}` says how); Decorum's own checks of a draft are not scored",
                        f.rule.id
                    )),
                    level: if stops {
                        decorum_engine::ProblemLevel::Error
                    } else {
                        decorum_engine::ProblemLevel::Warning
                    },
                    ..problem(loaded.display.clone(), format!("{} ({})", f.message, f.rule.id))
                }
            })
        })
        .collect();
    super::print_general(err_style, &own);
    if own
        .iter()
        .any(|p| p.level == decorum_engine::ProblemLevel::Error)
    {
        return EXIT_ERROR;
    }

    let scored: Vec<Scored> = checked
        .into_iter()
        .map(|(loaded, expected, report)| {
            let mut predicted = BTreeSet::new();
            let mut fired: Vec<(String, Severity)> = Vec::new();
            for f in report.findings.iter().filter(|f| !is_own_check(&f.rule)) {
                for tag in &f.rule.tags {
                    if let Some(fam) = family(tag) {
                        predicted.insert(fam.name);
                    }
                }
                match fired.iter_mut().find(|(id, _)| *id == f.rule.id) {
                    Some(entry) => entry.1 = entry.1.max(f.severity),
                    None => fired.push((f.rule.id.clone(), f.severity)),
                }
            }
            Scored {
                display: loaded.display,
                expected,
                predicted,
                fired,
            }
        })
        .collect();

    let scores: Vec<FamilyScore> = FAMILIES
        .iter()
        .map(|fam| {
            let mut s = FamilyScore {
                family: fam,
                labelled: 0,
                tp: 0,
                fp: 0,
                fn_: 0,
            };
            for d in &scored {
                let expected = d.expected.contains(fam.name);
                let predicted = d.predicted.contains(fam.name);
                s.labelled += usize::from(expected);
                match (expected, predicted) {
                    (true, true) => s.tp += 1,
                    (false, true) => s.fp += 1,
                    (true, false) => s.fn_ += 1,
                    (false, false) => {}
                }
            }
            s
        })
        .collect();
    let clean = scored.iter().filter(|d| d.is_clean()).count();
    let clean_flagged = scored
        .iter()
        .filter(|d| d.is_clean() && d.flagged_at_warning())
        .count();
    let clean_rate = if clean == 0 {
        0.0
    } else {
        clean_flagged as f64 / clean as f64
    };
    let clean_ok = clean_rate <= MAX_CLEAN_FLAGGED + 1e-9;
    let met = clean_ok && scores.iter().all(FamilyScore::meets);

    let paths = args
        .paths
        .iter()
        .map(|p| human::shown_path(p))
        .collect::<Vec<_>>()
        .join(", ");
    match args.format {
        EvalFormat::Human => {
            let out_style = style(args.color, std::io::stdout().is_terminal());
            let table = Table {
                paths: &paths,
                scored: &scored,
                scores: &scores,
                clean,
                clean_flagged,
                clean_rate,
                clean_ok,
                met,
                thresholds: args.thresholds,
            };
            let mut out = table.render(out_style);
            if args.misses {
                out.push_str(&misses(&scored));
            }
            crate::output::print(out.as_bytes());
        }
        EvalFormat::Json => {
            let doc = json_document(
                &scored,
                &scores,
                (clean, clean_flagged, clean_rate, clean_ok),
                met,
                args.misses,
            );
            let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
            crate::output::print(text + "\n");
        }
    }
    if args.thresholds && !met {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Why a draft's labels could not be read, and where: a 1-based line and column.
struct LabelError {
    message: String,
    at: Option<(u32, u32)>,
}

/// The families a draft is labelled with: its front matter's `expect` list.
fn labels(loaded: &LoadedDraft) -> Result<BTreeSet<&'static str>, LabelError> {
    let draft = &loaded.draft;
    let meta = draft.posts.first().map(|p| &p.meta);
    let expect_at = || key_position(draft, "expect");
    let Some(value) = meta.and_then(|m| m.get("expect")) else {
        // Front matter that could not be read has no `expect`, whatever it says: the
        // problem to report is why it could not be read. A `channel` problem is not one:
        // the block was read, and its `expect` is simply not there.
        let unreadable = (draft.problems.iter())
            .find(|p| p.kind == decorum_draft::DraftProblemKind::FrontMatter);
        if let Some(p) = unreadable {
            // At the place the YAML went wrong (the problem's range is the whole
            // block), else at the block: not at the `expect` line, which need not be
            // where the front matter went wrong. The place is given once, not also in
            // the message.
            let (message, at) = match p.point {
                Some(point) => (without_place(&p.message), point),
                None => (p.message.as_str(), p.range.start()),
            };
            return Err(LabelError {
                message: format!("the labels cannot be read: {message}"),
                at: Some(position(draft, at)),
            });
        }
        // A nested mapping is read as keys `expect.NAME`.
        if meta.is_some_and(|m| m.iter().any(|(k, _)| k.starts_with("expect."))) {
            return Err(LabelError {
                message: "`expect` is a mapping; label the draft with a list, `expect: [FAMILY, ...]`, or `expect: []` when it is clean".into(),
                at: expect_at(),
            });
        }
        return Err(LabelError {
            message: "no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean".into(),
            at: None,
        });
    };
    let items: Vec<&MetaValue> = match value {
        MetaValue::List(items) => items.iter().collect(),
        // `expect:` with nothing after it is a label left unwritten, not `[]`: taking it
        // for a clean draft would score a draft nobody labelled.
        MetaValue::Null => {
            return Err(LabelError {
                message: "`expect` has no value; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean".into(),
                at: expect_at(),
            });
        }
        one => vec![one],
    };
    let mut out = BTreeSet::new();
    for (k, item) in items.iter().enumerate() {
        let name = item.display();
        let Some(fam) = family(name.trim()) else {
            // The label is text of the draft, which may hold anything (a name typed in
            // the wrong place): it is not quoted; a close family name is suggested.
            let hint = decorum_syntax::did_you_mean(name.trim(), FAMILIES.iter().map(|f| f.name))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let families: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
            return Err(LabelError {
                message: format!(
                    "item {} of `expect` is not a family{hint} (the families: {})",
                    k + 1,
                    families.join(", ")
                ),
                at: expect_at(),
            });
        };
        out.insert(fam.name);
    }
    Ok(out)
}

/// A YAML error's message without the `(line N, column M)` decorum-draft ends it with,
/// for output that shows the place on its own.
fn without_place(message: &str) -> &str {
    message
        .strip_suffix(')')
        .and_then(|m| m.rsplit_once(" (line "))
        .map_or(message, |(text, _)| text)
}

/// The 1-based line and column of `offset` in the draft, counted as the CLI counts
/// every position.
fn position(draft: &decorum_draft::Draft, offset: decorum_draft::TextSize) -> (u32, u32) {
    let at = LineIndex::new(&draft.text).shown_char_col(&draft.text, offset);
    (at.line + 1, at.col + 1)
}

/// Where the top-level `key:` of the draft's front matter is written. The metadata keeps
/// values, not places; a key is a line that starts with it and a `:`.
fn key_position(draft: &decorum_draft::Draft, key: &str) -> Option<(u32, u32)> {
    let block = draft.posts.first()?.meta_range?;
    let mut offset = block.start();
    for line in decorum_text::slice(&draft.text, block).split_inclusive('\n') {
        let is_key = line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'));
        if is_key {
            return Some(position(draft, offset));
        }
        offset += decorum_draft::TextSize::of(line);
    }
    None
}

/// Whether `rule` is one of Decorum's own checks of a draft rather than a policy's rule:
/// no file defines it.
fn is_own_check(rule: &decorum_engine::RuleInfo) -> bool {
    rule.source.is_none()
}

/// A corpus file that could not be read, with the reader's advice: an error that stops
/// the run even when `decorum check` would only skip it (binary, UTF-16, a broken link),
/// as a label that cannot be read does. A corpus holds labelled drafts only, and one
/// left out would change the figures without a word in them: the file cannot be
/// scored, and the run says so instead of saying it was skipped.
fn draft_error(e: &decorum_workspace::DraftLoadError) -> GeneralProblem {
    let mut problem = session::draft_problem(
        e,
        "check the path; `decorum eval` takes folders and files of labelled drafts (see tests/corpus/README.md)",
    );
    if e.skipped {
        let why = problem
            .message
            .strip_prefix("skipped: ")
            .unwrap_or(&problem.message);
        problem.message = format!("cannot be scored: {why}");
    }
    GeneralProblem {
        level: decorum_engine::ProblemLevel::Error,
        ..problem
    }
}

fn problem(path: String, message: String) -> GeneralProblem {
    GeneralProblem {
        path,
        line: None,
        column: None,
        message,
        help: None,
        level: decorum_engine::ProblemLevel::Error,
        source: None,
    }
}

fn ratio(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

/// The human report.
struct Table<'a> {
    paths: &'a str,
    scored: &'a [Scored],
    scores: &'a [FamilyScore],
    clean: usize,
    clean_flagged: usize,
    clean_rate: f64,
    clean_ok: bool,
    met: bool,
    thresholds: bool,
}

impl Table<'_> {
    fn render(&self, style: Style) -> String {
        let verdict = |ok: bool| -> String {
            if ok {
                paint(style, "32", "ok")
            } else {
                paint(style, "1;31", "MISSED")
            }
        };
        let mut out = String::new();
        out.push_str(&format!(
            "decorum eval: {} {} in {} ({} clean, {:.0}%)\n\n",
            self.scored.len(),
            if self.scored.len() == 1 {
                "draft"
            } else {
                "drafts"
            },
            self.paths,
            self.clean,
            100.0 * self.clean as f64 / self.scored.len().max(1) as f64
        ));
        out.push_str(&format!(
            "{:<30} {:>6} {:>4} {:>4} {:>4} {:>9} {:>7}  {:<11} {}\n",
            "family", "drafts", "TP", "FP", "FN", "precision", "recall", "target P/R", "result"
        ));
        for s in self.scores {
            let result = if s.labelled == 0 && s.fp == 0 {
                "-".to_string()
            } else {
                verdict(s.meets())
            };
            out.push_str(&format!(
                "{:<30} {:>6} {:>4} {:>4} {:>4} {:>9} {:>7}  {:<11} {}\n",
                s.family.name,
                s.labelled,
                s.tp,
                s.fp,
                s.fn_,
                ratio(s.precision()),
                ratio(s.recall()),
                format!("{:.2}/{:.2}", s.family.min_precision, s.family.min_recall),
                result
            ));
        }
        out.push_str(&format!(
            "\nclean drafts flagged at warning or above: {} of {} ({:.1}%), target at most {:.0}%  {}\n",
            self.clean_flagged,
            self.clean,
            100.0 * self.clean_rate,
            100.0 * MAX_CLEAN_FLAGGED,
            verdict(self.clean_ok)
        ));
        let summary = match (self.met, self.thresholds) {
            (true, _) => paint(style, "1;32", "all targets met"),
            (false, true) => paint(style, "1;31", "targets missed"),
            (false, false) => "targets missed (not enforced: --thresholds false)".to_string(),
        };
        out.push_str(&format!("\n{summary}\n"));
        out
    }
}

fn paint(style: Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Every mislabelled draft, for `--misses`.
fn misses(scored: &[Scored]) -> String {
    let mut out = String::from("\nmisses:\n");
    let mut any = false;
    for d in scored {
        let missing: Vec<&str> = d.expected.difference(&d.predicted).copied().collect();
        let extra: Vec<&str> = d.predicted.difference(&d.expected).copied().collect();
        let clean_flagged = d.is_clean() && d.flagged_at_warning();
        if missing.is_empty() && extra.is_empty() && !clean_flagged {
            continue;
        }
        any = true;
        out.push_str(&format!("  {}\n", human::clean_path(&d.display)));
        if !missing.is_empty() {
            out.push_str(&format!("    missed:   {}\n", missing.join(", ")));
        }
        if !extra.is_empty() {
            out.push_str(&format!("    extra:    {}\n", extra.join(", ")));
        }
        let fired: Vec<String> = d
            .fired
            .iter()
            .map(|(id, s)| format!("{id} ({})", s.as_str()))
            .collect();
        out.push_str(&format!(
            "    fired:    {}\n",
            if fired.is_empty() {
                "nothing".to_string()
            } else {
                fired.join(", ")
            }
        ));
    }
    if !any {
        out.push_str("  none\n");
    }
    out
}

fn json_document(
    scored: &[Scored],
    scores: &[FamilyScore],
    (clean, clean_flagged, clean_rate, clean_ok): (usize, usize, f64, bool),
    met: bool,
    with_drafts: bool,
) -> Value {
    let families: Vec<Value> = scores
        .iter()
        .map(|s| {
            json!({
                "family": s.family.name,
                "labelled": s.labelled,
                "true_positives": s.tp,
                "false_positives": s.fp,
                "false_negatives": s.fn_,
                "precision": s.precision(),
                "recall": s.recall(),
                "min_precision": s.family.min_precision,
                "min_recall": s.family.min_recall,
                "met": s.meets(),
            })
        })
        .collect();
    let mut doc = json!({
        "drafts": scored.len(),
        "families": families,
        "clean": {
            "drafts": clean,
            "flagged_at_warning": clean_flagged,
            "rate": clean_rate,
            "max_rate": MAX_CLEAN_FLAGGED,
            "met": clean_ok,
        },
        "met": met,
    });
    if with_drafts {
        doc["drafts_detail"] = scored
            .iter()
            .map(|d| {
                json!({
                    "file": d.display,
                    "expected": d.expected.iter().collect::<Vec<_>>(),
                    "predicted": d.predicted.iter().collect::<Vec<_>>(),
                    "fired": d.fired.iter().map(|(id, s)| json!({"rule": id, "severity": s.as_str()})).collect::<Vec<_>>(),
                })
            })
            .collect();
    }
    doc
}
