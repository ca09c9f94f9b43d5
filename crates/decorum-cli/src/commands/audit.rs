//! `decorum audit`: what this workspace enforces and where it deviates, for auditors.
//!
//! Lists every imported library (version, hash), every override of an imported rule
//! (which rule, from what to what, where), every `disable` with its reason, every locked
//! rule, and every waiver used in the drafts (rules, reason, location).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use decorum_draft::DraftProblemKind;
use decorum_engine::{OverrideChange, PolicyInputs, SourceId};
use decorum_text::{LineIndex, TextRange};
use decorum_workspace::{collect_current_folder, collect_drafts, read_draft};
use serde_json::json;

use super::{EXIT_ERROR, EXIT_OK, explain, policy_place, print_problems, stderr_style};
use crate::session;
use crate::{Color, PolicyArgs};

/// Arguments of `decorum audit`.
#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Drafts whose waivers to list (files or folders); default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
}

/// Output formats of `decorum audit`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// A readable report.
    Human,
    /// One JSON document.
    Json,
}

/// The file and line of a policy clause, or nothing known (`""`, 0).
fn location(inputs: &PolicyInputs, source: SourceId, range: TextRange) -> (String, u32) {
    policy_place(inputs, source, range).unwrap_or_default()
}

/// Runs `decorum audit`.
pub fn run(args: AuditArgs) -> u8 {
    let err_style = stderr_style(Color::Auto);
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
    let inputs = &session.inputs;

    let mut libraries: Vec<serde_json::Value> = session
        .libraries
        .iter()
        .map(|l| {
            json!({
                "name": l.name,
                "version": l.manifest.version,
                "path": l.shown_root,
                "sha256": l.fingerprint.sha256,
                "license": l.manifest.license,
                "description": l.manifest.description,
            })
        })
        .collect();
    libraries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    // Declared in decorum.toml but imported by no policy: not pinned by this run, and
    // possibly a typo or a folder that is missing, which the auditor should see.
    let unused_libraries: Vec<serde_json::Value> = session
        .config
        .libraries
        .iter()
        .filter(|(name, _)| !session.libraries.iter().any(|l| &l.name == *name))
        .map(|(name, root)| {
            let path = decorum_workspace::library::shown_library_path(&session.config, root);
            json!({ "name": name, "path": path, "exists": root.is_dir() })
        })
        .collect();
    // A parameter's value before each override, as `decorum explain` shows it: its
    // default as written (a text in its quotes), then each override's value as written.
    let mut param_values: HashMap<(&str, &str), String> = HashMap::new();
    let overrides: Vec<serde_json::Value> = session
        .compiled
        .audit
        .overrides
        .iter()
        .map(|o| {
            let (file, line) = location(inputs, o.source, o.range);
            let (what, from, to, unchanged) = match &o.change {
                OverrideChange::Severity { from, to, .. } => ("severity".to_string(), from.as_str().to_string(), to.as_str().to_string(), from == to),
                OverrideChange::Param { name, from, to, add } => {
                    let before = param_values.entry((o.rule.as_str(), name.as_str())).or_insert_with(|| {
                        match set.rules().iter().find(|r| r.id == o.rule) {
                            Some(rule) => explain::shown_default(inputs, rule, name, from),
                            None => from.clone(),
                        }
                    });
                    let shown_from = before.clone();
                    let written = explain::one_line(to.strip_prefix("+=").unwrap_or(to).trim());
                    let unchanged = !add && (*from == *to || shown_from == written);
                    *before = match add {
                        true => format!("{shown_from} + {written}"),
                        false => written,
                    };
                    (format!("param {name}"), shown_from, to.clone(), unchanged)
                }
            };
            // `severity LEVEL locked` binds the files nearer the root, even at the same level.
            let locked = o.locked_at().is_some();
            // An override that changes nothing, or adjusts a rule that is disabled, is
            // listed (it is in a policy) with why it has no effect.
            let disabled = session.compiled.audit.disables.iter().any(|d| d.rule == o.rule);
            let effect = if disabled {
                Some("the rule is disabled")
            } else if unchanged && !locked {
                Some("no change")
            } else {
                None
            };
            json!({ "rule": o.rule, "what": what, "from": from, "to": to, "locked": locked, "file": file, "line": line, "no_effect": effect })
        })
        .collect();
    let disables: Vec<serde_json::Value> = session
        .compiled
        .audit
        .disables
        .iter()
        .map(|d| {
            let (file, line) = location(inputs, d.source, d.range);
            json!({ "rule": d.rule, "reason": d.reason, "file": file, "line": line })
        })
        .collect();
    let extends: Vec<serde_json::Value> = session
        .compiled
        .audit
        .extends
        .iter()
        .map(|e| {
            let (file, line) = location(inputs, e.source, e.range);
            let op = if e.remove { "-=" } else { "+=" };
            json!({ "set": e.set, "op": op, "terms": e.terms, "file": file, "line": line })
        })
        .collect();
    let locked: Vec<serde_json::Value> = set
        .rules()
        .iter()
        .filter(|r| r.locked)
        .map(|r| {
            // Where the lock was written: the rule's own `locked`, or a `use` block's.
            let (file, line) = session
                .compiled
                .audit
                .lock_origin(r)
                .map(|(source, at)| location(inputs, source, at))
                .unwrap_or_default();
            json!({ "rule": r.id, "severity": r.severity.as_str(), "file": file, "line": line })
        })
        .collect();

    // Waivers: check the drafts, keep only what the waivers did.
    // With no path, the working folder was not named: every glob applies in it, as in
    // `decorum check`.
    let collected = if args.paths.is_empty() {
        collect_current_folder(&session.config)
    } else {
        collect_drafts(&args.paths, &session.config)
    };
    let mut drafts = Vec::new();
    // A draft path that does not exist or cannot be read makes the audit incomplete:
    // the report is still written, and the run exits with 2, as `decorum check` does.
    let mut incomplete = false;
    let not_found = "check the path; `decorum audit` takes files and folders of drafts";
    for e in &collected.errors {
        print_load_problem(e, not_found);
        // A file a walk left out (a link out of the workspace, a FIFO) is a warning,
        // as a file it could not read as text is.
        incomplete |= !e.skipped;
    }
    for path in &collected.files {
        match read_draft(path, &session.config) {
            Ok(d) => drafts.push(d),
            Err(e) => {
                print_load_problem(&e, not_found);
                incomplete |= !e.skipped;
            }
        }
    }
    // A folder named that held no draft says so, as in `decorum check` (not with no
    // path: the working folder was not named).
    if !args.paths.is_empty() {
        let notes = super::check::empty_folder_notes(&collected.empty_folders);
        let _ = std::io::stderr().write_all(notes.as_bytes());
    }
    let refs: Vec<&decorum_draft::Draft> = drafts.iter().map(|d| &d.draft).collect();
    let reports = set.check_batch(&refs);
    let mut waivers = Vec::new();
    // Waiver comments that silence nothing: without a reason, naming no rule or written
    // wrong, or naming only rules the policies disable. Each is a finding of `decorum
    // check`; an auditor should see them beside those in effect.
    let mut ineffective = Vec::new();
    for (loaded, report) in drafts.iter().zip(&reports) {
        let index = LineIndex::new(&loaded.draft.text);
        let mut found: Vec<(TextRange, &str, &str)> = report
            .findings
            .iter()
            .filter(|f| {
                f.rule.id == decorum_engine::WAIVER_REASON_RULE
                    || f.rule.id == decorum_engine::WAIVER_UNKNOWN_RULE
                    || f.rule.id == decorum_engine::WAIVER_DISABLED_RULE
            })
            .map(|f| (f.range, f.rule.id.as_str(), f.message.as_str()))
            .collect();
        // A `decorum-` comment that is no waiver at all (naming no rule, a misspelt
        // directive) is a problem of the draft, reported under `decorum.draft` like
        // invalid front matter: its kind, not its words, tells the two apart.
        found.extend(
            (loaded.draft.problems.iter())
                .filter(|p| p.kind == DraftProblemKind::Waiver)
                .map(|p| {
                    (
                        p.range,
                        decorum_engine::DRAFT_PROBLEM_RULE,
                        p.message.as_str(),
                    )
                }),
        );
        found.sort_by_key(|(range, _, _)| range.start());
        for (range, problem, message) in found {
            ineffective.push(json!({
                "file": loaded.display,
                "line": index.line_of(range.start()) + 1,
                "problem": problem,
                "message": message,
            }));
        }
        for w in &report.waivers {
            waivers.push(json!({
                "file": loaded.display,
                "line": index.line_of(w.range.start()) + 1,
                "rules": w.rules,
                "reason": w.reason,
                "scope": if w.whole_file { "file" } else { "block" },
                "silenced": w.silenced,
            }));
        }
    }
    let roots: Vec<String> = inputs
        .roots
        .iter()
        .filter_map(|r| inputs.source(*r))
        .map(|s| s.path.clone())
        .collect();
    let doc = json!({
        "version": 1,
        "policies": roots,
        "rules": set.rules().len(),
        "libraries": libraries,
        "unused_libraries": unused_libraries,
        "overrides": overrides,
        "disabled": disables,
        "extended": extends,
        "locked": locked,
        "waivers": waivers,
        "ineffective_waivers": ineffective,
        "drafts": drafts.len(),
    });
    let text = match args.format {
        AuditFormat::Json => serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n",
        AuditFormat::Human => human(&doc),
    };
    crate::output::print(text.as_bytes());
    if incomplete { EXIT_ERROR } else { EXIT_OK }
}

fn human(doc: &serde_json::Value) -> String {
    // Every string goes through `clean`: reasons and messages come from drafts and
    // policies, and a control character in them must not drive the terminal.
    let s = |v: &serde_json::Value| crate::report::human::clean(v.as_str().unwrap_or_default());
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    let roots: Vec<String> = list(&doc["policies"]).iter().map(s).collect();
    let rules = &doc["rules"];
    out.push_str(&format!(
        "Decorum audit: {rules} active {} from {}\n",
        if rules.as_u64() == Some(1) {
            "rule"
        } else {
            "rules"
        },
        roots.join(", ")
    ));

    out.push_str("\nLibraries\n");
    let libs = list(&doc["libraries"]);
    if libs.is_empty() && list(&doc["unused_libraries"]).is_empty() {
        out.push_str("  (none: only the embedded standard library and local policies)\n");
    }
    for l in libs {
        out.push_str(&format!(
            "  {} {}  {}  sha256:{}\n",
            s(&l["name"]),
            s(&l["version"]),
            s(&l["path"]),
            s(&l["sha256"])
        ));
    }
    for l in list(&doc["unused_libraries"]) {
        let state = if l["exists"].as_bool() == Some(true) {
            "declared in decorum.toml, imported by no policy"
        } else {
            "declared in decorum.toml, but the folder does not exist"
        };
        out.push_str(&format!(
            "  {}  {}  ({state})\n",
            s(&l["name"]),
            s(&l["path"])
        ));
    }

    out.push_str("\nOverrides\n");
    let overrides = list(&doc["overrides"]);
    if overrides.is_empty() {
        out.push_str("  (none)\n");
    }
    for o in overrides {
        let effect = o["no_effect"]
            .as_str()
            .map(|why| format!("  [no effect: {why}]"))
            .unwrap_or_default();
        let locked = if o["locked"].as_bool() == Some(true) {
            ", locked"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}: {} {} -> {}{locked}  ({}:{}){effect}\n",
            s(&o["rule"]),
            s(&o["what"]),
            s(&o["from"]),
            s(&o["to"]),
            s(&o["file"]),
            o["line"]
        ));
    }

    out.push_str("\nDisabled rules\n");
    let disabled = list(&doc["disabled"]);
    if disabled.is_empty() {
        out.push_str("  (none)\n");
    }
    for d in disabled {
        out.push_str(&format!(
            "  {}: \"{}\"  ({}:{})\n",
            s(&d["rule"]),
            s(&d["reason"]),
            s(&d["file"]),
            d["line"]
        ));
    }

    out.push_str("\nExtended term sets\n");
    let extended = list(&doc["extended"]);
    if extended.is_empty() {
        out.push_str("  (none)\n");
    }
    for e in extended {
        let terms = s(&e["terms"]);
        let terms: Vec<&str> = terms.split_whitespace().collect();
        out.push_str(&format!(
            "  {} {} {}  ({}:{})\n",
            s(&e["set"]),
            s(&e["op"]),
            terms.join(" "),
            s(&e["file"]),
            e["line"]
        ));
    }

    out.push_str("\nLocked rules\n");
    let locked = list(&doc["locked"]);
    if locked.is_empty() {
        out.push_str("  (none)\n");
    }
    for l in locked {
        out.push_str(&format!(
            "  {} ({})  ({}:{})\n",
            s(&l["rule"]),
            s(&l["severity"]),
            s(&l["file"]),
            l["line"]
        ));
    }

    let drafts = doc["drafts"].as_u64().unwrap_or_default();
    out.push_str(&format!(
        "\nWaivers in drafts ({drafts} {} checked)\n",
        if drafts == 1 { "draft" } else { "drafts" }
    ));
    let waivers = list(&doc["waivers"]);
    if waivers.is_empty() {
        out.push_str("  (none)\n");
    }
    for w in waivers {
        let rules: Vec<String> = list(&w["rules"]).iter().map(s).collect();
        let scope = if s(&w["scope"]) == "file" {
            ", whole file"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}:{}: {}: \"{}\" (silenced {}{scope})\n",
            s(&w["file"]),
            w["line"],
            rules.join(", "),
            s(&w["reason"]),
            w["silenced"]
        ));
    }
    let ineffective = list(&doc["ineffective_waivers"]);
    if !ineffective.is_empty() {
        out.push_str("\nWaiver comments not in effect\n");
        for w in ineffective {
            out.push_str(&format!(
                "  {}:{}: {} ({})\n",
                s(&w["file"]),
                w["line"],
                s(&w["message"]),
                s(&w["problem"])
            ));
        }
    }
    out
}

/// Prints a draft that could not be collected or read, with what to do: an error, or a
/// warning when it was left out on purpose (binary, not UTF-8, too large).
fn print_load_problem(e: &decorum_workspace::DraftLoadError, not_found_help: &str) {
    let level = if e.skipped { "warning" } else { "error" };
    let help = session::draft_problem(e, not_found_help)
        .help
        .map(|h| format!("\n  = help: {h}"))
        .unwrap_or_default();
    let _ = writeln!(std::io::stderr(), "{level}: {e}{help}");
}
