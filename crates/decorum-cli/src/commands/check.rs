//! `decorum check`: apply the policies to drafts and report.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use decorum_engine::{ProblemLevel, Severity};
use decorum_text::LineIndex;
use decorum_workspace::{
    Config, DraftLoadError, EmptyFolder, LoadedDraft, collect_current_folder, collect_drafts,
    nearer_configs, read_draft, read_stdin_draft,
};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, print_problems, stderr_style, style};
use crate::report::human::{self, LineIndexed};
use crate::report::{CheckedFile, json, sarif};
use crate::session::{self, GeneralProblem, shown_path};
use crate::{CheckArgs, FailOn, Format};

/// Runs `decorum check`.
pub fn run(args: CheckArgs) -> u8 {
    let err_style = stderr_style(args.color);
    let config = match session::config(args.policy.config.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            super::print_general(err_style, &problems);
            return EXIT_ERROR;
        }
    };
    let fail_on = match resolve_fail_on(args.fail_on, config.fail_on.as_deref()) {
        Ok(f) => f,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            return EXIT_ERROR;
        }
    };
    let session = session::load(config, args.policy.policy.as_deref());

    // Drafts: stdin, files and folders. Problems with them are kept apart from the
    // session's (configuration, policy loading): SARIF reports them as problems of the
    // run, not of its configuration.
    let mut input: Vec<GeneralProblem> = Vec::new();
    let mut drafts: Vec<LoadedDraft> = Vec::new();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    // A draft that was not checked is a problem of the run, with the reader's own advice,
    // which is this command's.
    let problem = |e: &DraftLoadError| session::draft_problem(e, e.help);
    let mut stdin_draft = None;
    if !stdin.is_empty() {
        match read_stdin_draft(std::io::stdin().lock()) {
            Ok(d) => stdin_draft = Some(d),
            Err(e) => input.push(problem(&e)),
        }
    }
    // Standard input's draft goes where `-` was written among the paths: after the
    // files of the paths before it.
    let paths_before_stdin = args
        .paths
        .iter()
        .position(|p| p.as_os_str() == "-")
        .map(|at| {
            args.paths[..at]
                .iter()
                .filter(|p| p.as_os_str() != "-")
                .count()
        });
    // With no path, the working folder was not named: every glob applies in it.
    let collected = if args.paths.is_empty() {
        collect_current_folder(&session.config)
    } else {
        collect_drafts(&paths, &session.config)
    };
    input.extend(collected.errors.iter().map(problem));
    // Files found and left out with a warning, for the summary.
    let mut skipped = collected.errors.iter().filter(|e| e.skipped).count();
    // A folder the user named that held no draft: one line each on standard error, so
    // that a run that checked nothing there does not pass silently. `decorum check`
    // with no path is left alone: the working folder was not named.
    let notes = if args.paths.is_empty() {
        String::new()
    } else {
        empty_folder_notes(&collected.empty_folders)
    };
    // A [[drafts.metadata]] entry that matches no draft of the whole workspace: its
    // glob is likely misspelt, and its channel's length limit applies nowhere. Only
    // with no path, run from the workspace root or a folder holding it (whose walk is
    // the root's): a run over some folders (or from a folder below the root) leaves the
    // other entries' drafts out.
    let at_root = std::env::current_dir().is_ok_and(|cwd| {
        decorum_workspace::canonical_or_absolute(&session.config.root)
            .starts_with(decorum_workspace::canonical_or_absolute(&cwd))
    });
    // A problem of decorum.toml, at its line: SARIF lists it with the configuration's.
    let mut configuration: Vec<GeneralProblem> = session.general.clone();
    if args.paths.is_empty() && at_root {
        let unmatched = session
            .config
            .unmatched_metadata(collected.files.iter().map(PathBuf::as_path));
        configuration.extend(session::config_warnings(&unmatched));
    }
    // A nested decorum.toml the language server would apply to some of these drafts:
    // say that this run does not, unless the run names its configuration or policy.
    if args.policy.config.is_none() && args.policy.policy.is_none() {
        input.extend(unapplied_configs(&collected.files, &session.config));
    }
    let stdin_at = paths_before_stdin.map(|before| match before {
        0 => 0,
        n => collected
            .ends
            .get(n - 1)
            .copied()
            .unwrap_or(collected.files.len()),
    });
    for (i, path) in collected.files.iter().enumerate() {
        if stdin_at == Some(i) {
            drafts.extend(stdin_draft.take());
        }
        match read_draft(path, &session.config) {
            Ok(d) => drafts.push(d),
            Err(e) => {
                skipped += usize::from(e.skipped);
                input.push(problem(&e));
            }
        }
    }
    // After every file (or with no file at all).
    drafts.extend(stdin_draft);

    let policy_failed =
        session.has_errors() || input.iter().any(|g| g.level == ProblemLevel::Error);
    let general: Vec<GeneralProblem> = configuration.iter().chain(&input).cloned().collect();
    let Some(set) = session
        .compiled
        .policy_set
        .as_ref()
        .filter(|_| !session.has_errors())
    else {
        // The policies cannot be used: report why and stop.
        match args.format {
            Format::Human => print_problems(&session, err_style),
            Format::Json => crate::output::print_with(|out| {
                json::write_document(
                    out,
                    &[],
                    &session.inputs,
                    session.problems(),
                    &general,
                    &[0; 4],
                )
            }),
            Format::Sarif => crate::output::print_with(|out| {
                sarif::write_document(
                    out,
                    &[],
                    &session.inputs,
                    session.problems(),
                    &configuration,
                    &input,
                )
            }),
        }
        return EXIT_ERROR;
    };

    let refs: Vec<&decorum_draft::Draft> = drafts.iter().map(|d| &d.draft).collect();
    let reports = set.check_batch(&refs);
    let mut files: Vec<CheckedFile> = Vec::with_capacity(drafts.len());
    for (loaded, report) in drafts.into_iter().zip(reports) {
        let index = LineIndex::new(&loaded.draft.text);
        files.push(CheckedFile {
            display: loaded.display,
            text: loaded.draft.text,
            index,
            report,
        });
    }

    let mut counts = [0usize; 4];
    let mut worst: Option<Severity> = None;
    for f in files.iter().flat_map(|f| &f.report.findings) {
        counts[human::severity_slot(f.severity)] += 1;
        worst = worst.max(Some(f.severity));
    }

    // The same notes in every format: standard output holds the document alone, and a
    // log of a JSON or SARIF run still says which named folder held no draft.
    if args.format != Format::Human {
        let _ = std::io::stderr().write_all(notes.as_bytes());
    }
    match args.format {
        Format::Human => {
            let out_style = style(args.color, std::io::stdout().is_terminal());
            let mut problems = String::new();
            for g in &general {
                human::general(&mut problems, err_style, g);
            }
            for p in session.problems() {
                human::policy_problem(&mut problems, err_style, &session.inputs, p);
            }
            problems.push_str(&notes);
            let _ = std::io::stderr().write_all(problems.as_bytes());
            let mut out = String::new();
            let mut used = Vec::new();
            let sources: Vec<human::Source<'_>> = files
                .iter()
                .map(|file| human::Source {
                    path: &file.display,
                    text: &file.text,
                    index: &file.index,
                })
                .collect();
            for (i, file) in files.iter().enumerate() {
                for f in &file.report.findings {
                    human::finding(&mut out, out_style, &sources, i, f);
                }
                for w in &file.report.waivers {
                    let line = file.index.line_of(w.range.start()) + 1;
                    used.push((file.display.clone(), LineIndexed { line }, w.clone()));
                }
            }
            human::waivers(&mut out, out_style, &used);
            let with_findings = files
                .iter()
                .filter(|f| !f.report.findings.is_empty())
                .count();
            human::summary(
                &mut out,
                out_style,
                &counts,
                files.len(),
                with_findings,
                skipped,
            );
            crate::output::print(out.as_bytes());
        }
        Format::Json => crate::output::print_with(|out| {
            json::write_document(
                out,
                &files,
                &session.inputs,
                session.problems(),
                &general,
                &counts,
            )
        }),
        Format::Sarif => crate::output::print_with(|out| {
            sarif::write_document(
                out,
                &files,
                &session.inputs,
                session.problems(),
                &configuration,
                &input,
            )
        }),
    }

    if policy_failed {
        return EXIT_ERROR;
    }
    match (fail_on, worst) {
        (Some(threshold), Some(w)) if w >= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

/// One line for each folder named to a run that held no draft, with why: `decorum:
/// drafts/pics holds no draft (...)`, for standard error. `check`, `eval` and `audit`
/// print these alike, in every format.
pub(super) fn empty_folder_notes(empty_folders: &[EmptyFolder]) -> String {
    let mut notes = String::new();
    for empty in empty_folders {
        // Plain, as a path is printed: a folder name can hold control characters.
        let _ = writeln!(notes, "decorum: {}", human::clean_path(&empty.to_string()));
    }
    notes
}

/// A warning for each `decorum.toml` nearer to some of `files` than `config`'s (see
/// [`nearer_configs`]), saying how to apply it.
fn unapplied_configs(files: &[PathBuf], config: &Config) -> Vec<GeneralProblem> {
    let in_use = match &config.file {
        Some(file) => format!("here {}", shown_path(file)),
        None => "here none, so the embedded std/healthcare library applies".to_string(),
    };
    nearer_configs(files, config)
        .into_iter()
        .map(|(file, n)| {
            let shown = shown_path(&file);
            let folder = file.parent().map_or_else(|| ".".to_string(), shown_path);
            let drafts = if n == 1 { "draft" } else { "drafts" };
            GeneralProblem {
                path: shown.clone(),
                line: None,
                column: None,
                message: format!(
                    "this decorum.toml does not apply to the {n} {drafts} below it in this run"
                ),
                help: Some(format!(
                    "`decorum check` applies one decorum.toml to every draft, the one in the \
                     working folder or above it ({in_use}), while the language server applies \
                     the nearest one to each draft; to apply this one, run `decorum check` in \
                     {folder} or pass `--config {shown}`"
                )),
                level: ProblemLevel::Warning,
                source: None,
            }
        })
        .collect()
}

/// `--fail-on`, else `[check] fail-on` in decorum.toml, else `error`. `None` never fails.
fn resolve_fail_on(flag: Option<FailOn>, config: Option<&str>) -> Result<Option<Severity>, String> {
    let from_flag = flag.map(|f| match f {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    });
    if let Some(f) = from_flag {
        return Ok(f);
    }
    match config {
        None => Ok(Some(Severity::Error)),
        Some("never") => Ok(None),
        Some(word) => Severity::from_keyword(word)
            .map(Some)
            .ok_or_else(|| format!("decorum.toml: `fail-on = \"{word}\"` is not a severity; use error, warning, info, hint or never")),
    }
}
