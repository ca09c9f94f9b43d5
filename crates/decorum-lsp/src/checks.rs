//! Checking open documents as they change, and publishing what is current.
//!
//! Every accepted edit bumps the document's generation and calls [`schedule`]. At most
//! one check task runs per document: when none runs, one starts; when one runs, the
//! bump is all that happens, and the running task, when its check finishes, sees that
//! the generation moved, drops its result unpublished and checks the newest text. So a
//! writer typing fast gets exactly one check of the text as it is when each check starts,
//! with no fixed debounce delay, and a result is stored and published only if no edit
//! arrived while it was computed. Publishing happens from that same task, so the
//! diagnostics of one document reach the client in version order.
//!
//! The check itself (parsing the draft, running the rules, converting positions) runs on
//! tokio's blocking pool; a panic there surfaces as a `JoinError`, is logged (without its
//! payload, which could quote the draft) and ends the task, leaving the document
//! checkable by the next edit.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, TryLockError};
use std::time::Instant;

use decorum_text::LineIndex;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use crate::analysis::{self, PolicyAnalysis};
use crate::context::{ContextKey, FileProblems, PolicyContext, config_problem, draft_format};
use crate::diagnostics::{
    decorum_severity, draft_diagnostics, example_diagnostics, file_uri, policy_diagnostics,
    policy_diagnostics_with, syntax_diagnostics,
};
use crate::log::Level;
use crate::position::{Encoding, Origin};
use crate::settings::Settings;
use crate::state::{Document, Evaluation, Role, State};
use decorum_engine::{PolicyProblem, ScanMemo, Severity};

/// Drafts larger than this are not checked (the workspace crate refuses them on disk).
const MAX_DRAFT_BYTES: usize = decorum_workspace::drafts::MAX_DRAFT_BYTES as usize;

/// Marks the document changed and makes sure a check of its newest text will run.
pub fn schedule(state: &Arc<State>, uri: &Uri) {
    let start = {
        let Some(mut doc) = state.documents.get_mut(uri) else {
            return;
        };
        mark_changed(&mut doc)
    };
    if start {
        start_check(state, uri);
    }
}

/// Bumps the document's generation; true when no check task runs for it, so the caller
/// must call [`start_check`] (the flag is set: no other caller starts a second one). A
/// change of the text must bump the generation under the same lock that replaced the
/// text: a running task that took the new text with the old generation would otherwise
/// publish it, see the generation move, and check and publish the same version again.
pub fn mark_changed(doc: &mut Document) -> bool {
    doc.generation += 1;
    !std::mem::replace(&mut doc.checking, true)
}

/// Starts the check task of a document that [`mark_changed`] said has none.
pub fn start_check(state: &Arc<State>, uri: &Uri) {
    tokio::spawn(run(Arc::clone(state), uri.clone()));
}

/// After an edit of the open policy file `uri`: re-checks the other open policy files
/// whose last analysis loaded it (they import it), whose problems follow its unsaved
/// text (a rule renamed in it is an unknown name in the file that `use`s it). The file's
/// canonical path is its analysis's, so a keystroke makes no file-system call once the
/// file has been analysed.
pub fn schedule_importers(state: &Arc<State>, uri: &Uri) {
    let analysed = state.analyses.get(uri).map(|a| a.path.clone());
    if let Some(path) = analysed.or_else(|| policy_path(state, uri)) {
        schedule_importers_of(state, &path, uri);
    }
}

/// The canonical path of the open policy document `uri` (for a file not saved yet, its
/// folder's canonical path and its name), before any analysis of it says so.
fn policy_path(state: &State, uri: &Uri) -> Option<std::path::PathBuf> {
    let path = {
        let doc = state.documents.get(uri)?;
        if doc.role != Role::Policy {
            return None;
        }
        doc.path.clone()?
    };
    decorum_workspace::canonical_file(&path)
}

/// After the policy document `uri` opened: re-checks the other open policy files whose
/// last analysis may load it ([`PolicyAnalysis::may_load`]: they read its file, or an
/// import names it or its folder), since its buffer now stands in for the file, which
/// may not be on disk at all (a new file never saved, whose import failed until now).
/// The others are left alone: an editor restoring a session opens many policy files at
/// once, and re-checking every open file at each opening was quadratic. A check running
/// meanwhile that took the open buffers before this one arrived sees it when it stores
/// its analysis (`opened_meanwhile`).
pub fn schedule_possible_importers(state: &Arc<State>, uri: &Uri) {
    let Some(path) = policy_path(state, uri) else {
        return;
    };
    let importers: Vec<Uri> = state
        .analyses
        .iter()
        .filter(|entry| entry.key() != uri && entry.value().may_load(&path))
        .map(|entry| entry.key().clone())
        .collect();
    for importer in importers {
        schedule(state, &importer);
    }
}

/// Whether a policy file that `analysis` may load ([`PolicyAnalysis::may_load`]) was
/// opened after the open buffers it read were taken (`seen`, the openings among them):
/// that opening may have looked for the files to re-check before this analysis was
/// stored, and missed it. Only the files opened since cost a file-system call.
fn opened_meanwhile(
    state: &State,
    own: &Uri,
    seen: &std::collections::HashSet<u32>,
    analysis: &PolicyAnalysis,
) -> bool {
    let opened: Vec<PathBuf> = state
        .documents
        .iter()
        .filter(|d| d.role == Role::Policy && d.key() != own && !seen.contains(&d.log_id))
        .filter_map(|d| d.path.clone())
        .collect();
    opened
        .iter()
        .filter_map(|path| decorum_workspace::canonical_file(path))
        .any(|path| analysis.may_load(&path))
}

/// Re-checks the open policy files other than `uri` whose last analysis loaded the file
/// at `changed` (canonical; also when `uri` was just closed: they go back to its text on
/// disk). Only policy files have analyses.
pub fn schedule_importers_of(state: &Arc<State>, changed: &std::path::Path, uri: &Uri) {
    let importers: Vec<Uri> = state
        .analyses
        .iter()
        .filter(|entry| entry.key() != uri && entry.path != changed)
        .filter(|entry| {
            let paths = &entry.value().loaded.disk_paths;
            paths.iter().any(|p| p.as_deref() == Some(changed))
        })
        .map(|entry| entry.key().clone())
        .collect();
    for importer in importers {
        schedule(state, &importer);
    }
}

/// Re-checks every open document for which `select` holds.
pub fn schedule_all(state: &Arc<State>, select: impl Fn(&Role) -> bool) {
    let uris: Vec<Uri> = state
        .documents
        .iter()
        .filter(|d| select(&d.role))
        .map(|d| d.key().clone())
        .collect();
    for uri in uris {
        schedule(state, &uri);
    }
}

/// How long a refresh waits for the other re-checks of the same reload to finish.
const REFRESH_GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Asks the client to pull diagnostics again, once for all the re-checks that finish
/// within [`REFRESH_GATHER`] of each other (a reload re-checks every open document).
/// Not awaited by the caller: a check task must not wait on the client's answer.
fn request_refresh(state: &Arc<State>) {
    use std::sync::atomic::Ordering;
    if state.refresh_pending.swap(true, Ordering::SeqCst) {
        return;
    }
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(REFRESH_GATHER).await;
        state.refresh_pending.store(false, Ordering::SeqCst);
        let _ = state.client.workspace_diagnostic_refresh().await;
    });
}

/// A document's text and what is needed to check it, copied out of the map.
struct Job {
    uri: Uri,
    log_id: u32,
    version: i32,
    generation: u64,
    text: Arc<String>,
    index: Arc<LineIndex>,
    role: Role,
    path: Option<PathBuf>,
    language_id: String,
    encoding: Encoding,
    settings: Arc<Settings>,
    memo: Arc<Mutex<ScanMemo>>,
}

/// What a check produced.
struct Outcome {
    evaluation: Evaluation,
    /// A context loaded for the first time by this check: report its problems.
    fresh_context: Option<Arc<PolicyContext>>,
}

async fn run(state: Arc<State>, uri: Uri) {
    // The opening this task checks: a close and a new open between two rounds give the
    // new opening a task of its own, which this one must not run beside.
    let mut opening = None;
    loop {
        let Some(job) = snapshot(&state, &uri) else {
            return;
        };
        if opening.is_some_and(|id| id != job.log_id) {
            return;
        }
        opening = Some(job.log_id);
        let generation = job.generation;
        let version = job.version;
        let log_id = job.log_id;
        let worker = Arc::clone(&state);
        let outcome = match tokio::task::spawn_blocking(move || {
            if let Some(delay) = test_check_delay() {
                std::thread::sleep(delay);
            }
            evaluate(&worker, job)
        })
        .await
        {
            Ok(outcome) => outcome,
            Err(err) => {
                crate::log!(
                    Level::Error,
                    "check of doc#{log_id} v{version} failed: {}",
                    if err.is_panic() {
                        "internal error (panic)"
                    } else {
                        "cancelled"
                    }
                );
                if let Some(mut doc) = state.documents.get_mut(&uri)
                    && doc.log_id == log_id
                {
                    doc.checking = false;
                }
                // Requests waiting for this check find no check running, and check the
                // text themselves rather than wait out their time.
                state.checked.notify_waiters();
                return;
            }
        };
        if let Some(ctx) = &outcome.fresh_context {
            report_context(&state, ctx, false).await;
            // Closed while its check loaded the policies: the close found nothing to drop.
            if !state.documents.contains_key(&uri) {
                forget_unused_contexts(&state).await;
            }
        }
        let current = {
            let Some(mut doc) = state.documents.get_mut(&uri) else {
                return;
            };
            // The same opening of the document (a close and a new open start counting
            // generations again, and the old text must not reach the new one) and no
            // edit since.
            if doc.log_id == log_id && doc.generation == generation {
                // A check of a version that was already checked: the policies or the
                // settings changed, not the text, so a client that pulls would not ask.
                let recheck = doc.latest.as_ref().is_some_and(|l| l.version == version);
                doc.latest = Some(outcome.evaluation.clone());
                Some(recheck)
            } else {
                None
            }
        };
        if current.is_some() {
            state.checked.notify_waiters();
        }
        if let Some(recheck) = current {
            crate::log!(Level::Debug, "publish doc#{log_id} v{version}");
            publish(&state, &uri, &outcome.evaluation).await;
            if recheck && state.flags().pull_diagnostics {
                request_refresh(&state);
            }
        } else {
            crate::log!(
                Level::Debug,
                "drop doc#{log_id} v{version}: a newer edit or a new open arrived"
            );
        }
        let done = {
            let Some(mut doc) = state.documents.get_mut(&uri) else {
                return;
            };
            if doc.log_id != log_id {
                // Closed and opened again: the new opening has a check task of its own.
                true
            } else if doc.generation == generation {
                doc.checking = false;
                true
            } else {
                false
            }
        };
        if done {
            return;
        }
    }
}

/// A test hook: with `DECORUM_LSP_TEST_HOOKS=1`, `DECORUM_LSP_TEST_CHECK_DELAY_MS` makes
/// every scheduled check wait that long first, so that a test's request surely arrives
/// while the check runs.
fn test_check_delay() -> Option<std::time::Duration> {
    static DELAY: std::sync::OnceLock<Option<std::time::Duration>> = std::sync::OnceLock::new();
    *DELAY.get_or_init(|| {
        let hooks = std::env::var(crate::server::TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
        let ms = std::env::var("DECORUM_LSP_TEST_CHECK_DELAY_MS").ok()?;
        hooks
            .then(|| ms.parse().ok().map(std::time::Duration::from_millis))
            .flatten()
    })
}

/// A test hook: with `DECORUM_LSP_TEST_HOOKS=1`, `DECORUM_LSP_TEST_POLICY_DELAY_MS` makes
/// the check of a policy file wait that long after it took the open policy buffers (it
/// logs when), so that a test can open a file it imports in between.
fn test_policy_delay() -> Option<std::time::Duration> {
    static DELAY: std::sync::OnceLock<Option<std::time::Duration>> = std::sync::OnceLock::new();
    *DELAY.get_or_init(|| {
        let hooks = std::env::var(crate::server::TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
        let ms = std::env::var("DECORUM_LSP_TEST_POLICY_DELAY_MS").ok()?;
        hooks
            .then(|| ms.parse().ok().map(std::time::Duration::from_millis))
            .flatten()
    })
}

fn snapshot(state: &State, uri: &Uri) -> Option<Job> {
    let doc = state.documents.get(uri)?;
    Some(Job {
        uri: uri.clone(),
        log_id: doc.log_id,
        version: doc.text.version,
        generation: doc.generation,
        text: Arc::clone(&doc.text.text),
        index: Arc::clone(&doc.text.index),
        role: doc.role.clone(),
        path: doc.path.clone(),
        language_id: doc.language_id.clone(),
        encoding: state.encoding(),
        settings: state.settings(),
        memo: Arc::clone(&doc.memo),
    })
}

/// Sends a document's diagnostics, when diagnostics are pushed.
pub async fn publish(state: &State, uri: &Uri, evaluation: &Evaluation) {
    if state.flags().pull_diagnostics {
        return;
    }
    let shown = shown(&state.settings(), evaluation);
    state
        .client
        .publish_diagnostics(uri.clone(), shown, Some(evaluation.version))
        .await;
}

/// The diagnostics of an evaluation that the settings let through.
pub fn shown(settings: &Settings, evaluation: &Evaluation) -> Vec<Diagnostic> {
    if !evaluation.is_draft {
        return evaluation.diagnostics.to_vec();
    }
    evaluation
        .diagnostics
        .iter()
        .filter(|d| settings.shows(decorum_severity(d.severity)))
        .cloned()
        .collect()
}

/// How long a request waits for the running check of a document's current version.
const CURRENT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The check of the document's current version, for requests that answer from it (code
/// actions, hover, pulled diagnostics). Asked right after an edit, the stored result is
/// of the version before; the check of the new text is usually running, and is waited
/// for (up to `CURRENT_WAIT`) rather than answered from nothing or computed twice.
/// When no check is running, the text is checked now on the blocking pool. `None` for
/// an unknown document, when the wait runs out, and when the check panicked.
pub async fn current(state: &Arc<State>, uri: &Uri) -> Option<Evaluation> {
    match wait_for_current(state, uri).await {
        Waited::Found(evaluation) => Some(evaluation),
        Waited::Idle => check_now(state, uri).await.ok().flatten(),
        Waited::Unknown | Waited::TimedOut => None,
    }
}

/// Like [`current`], but a wait that runs out checks the text now too (a check that
/// outlasts the wait is not "no problems", for a pulled diagnostic); `Err` when the
/// check panicked.
pub async fn current_or_check(
    state: &Arc<State>,
    uri: &Uri,
) -> Result<Option<Evaluation>, tokio::task::JoinError> {
    match wait_for_current(state, uri).await {
        Waited::Found(evaluation) => Ok(Some(evaluation)),
        Waited::Unknown => Ok(None),
        Waited::Idle | Waited::TimedOut => check_now(state, uri).await,
    }
}

/// How waiting for the check of a document's current version ended.
enum Waited {
    /// Its result, stored.
    Found(Evaluation),
    /// The document is not open.
    Unknown,
    /// No check runs: none was needed until now, or the running one panicked.
    Idle,
    /// A check still runs after `CURRENT_WAIT`.
    TimedOut,
}

async fn wait_for_current(state: &Arc<State>, uri: &Uri) -> Waited {
    let deadline = tokio::time::Instant::now() + CURRENT_WAIT;
    loop {
        // Registered before looking, so a result stored in between still wakes it.
        let mut stored = std::pin::pin!(state.checked.notified());
        stored.as_mut().enable();
        let checking = {
            let Some(doc) = state.documents.get(uri) else {
                return Waited::Unknown;
            };
            let latest = doc.latest.as_ref();
            if let Some(latest) = latest.filter(|l| l.version == doc.text.version) {
                return Waited::Found(latest.clone());
            }
            doc.checking
        };
        if !checking {
            return Waited::Idle;
        }
        if tokio::time::timeout_at(deadline, stored).await.is_err() {
            crate::log!(Level::Debug, "no current check within {CURRENT_WAIT:?}");
            return Waited::TimedOut;
        }
    }
}

/// Checks a document now on the blocking pool, without touching the schedule: for
/// requests that find no check of its current version to wait for ([`current`] and
/// [`current_or_check`]). `Ok(None)` for an unknown document; `Err` when the check
/// panicked.
async fn check_now(
    state: &Arc<State>,
    uri: &Uri,
) -> Result<Option<Evaluation>, tokio::task::JoinError> {
    let worker = Arc::clone(state);
    let uri = uri.clone();
    tokio::task::spawn_blocking(move || evaluate_now(&worker, &uri)).await
}

/// Checks a document now, on the calling (blocking) thread: for [`check_now`].
fn evaluate_now(state: &Arc<State>, uri: &Uri) -> Option<Evaluation> {
    let job = snapshot(state, uri)?;
    Some(evaluate(state, job).evaluation)
}

fn evaluate(state: &Arc<State>, job: Job) -> Outcome {
    let started = Instant::now();
    let mut fresh_context = None;
    let (diagnostics, is_draft) = match &job.role {
        Role::Draft(key) => {
            let (ctx, fresh) = state.context(key);
            if fresh {
                fresh_context = Some(Arc::clone(&ctx));
            }
            (check_draft(&job, &ctx), true)
        }
        Role::Policy => (check_policy(state, &job), false),
        Role::Config => (check_config(state, &job), false),
    };
    let is_draft = is_draft && diagnostics.is_some();
    let diagnostics = diagnostics.unwrap_or_default();
    crate::log!(
        Level::Debug,
        "checked doc#{} v{}: {} diagnostics [{}] in {:.2} ms",
        job.log_id,
        job.version,
        diagnostics.len(),
        rule_ids(&diagnostics),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Outcome {
        evaluation: Evaluation {
            version: job.version,
            diagnostics: Arc::new(diagnostics),
            is_draft,
        },
        fresh_context,
    }
}

/// Rule ids and line ranges of diagnostics, for the log.
fn rule_ids(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().take(20) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        if let Some(tower_lsp_server::ls_types::NumberOrString::String(code)) = &d.code {
            out.push_str(code);
        }
        out.push_str(&format!(
            "@{}:{}-{}:{}",
            d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character
        ));
    }
    if diagnostics.len() > 20 {
        out.push_str(", ...");
    }
    out
}

/// `None` when the document is not a draft (or drafts are switched off).
/// For a draft of a context whose policies never loaded: one warning that says so and
/// names the first error, since no findings would read as a clean draft. A document is a
/// draft by the context's `[drafts]` settings, or by its language alone when
/// `decorum.toml` itself cannot be read.
fn not_checked(job: &Job, ctx: &PolicyContext) -> Option<Vec<Diagnostic>> {
    let is_draft = match &ctx.waiting_drafts {
        Some(drafts) => drafts.is_draft(job.path.as_deref(), &job.language_id, &job.settings),
        None => job.settings.language_ids.contains(&job.language_id),
    };
    if !is_draft {
        return None;
    }
    // The same for every draft and keystroke until the context loads again: built once.
    let message = ctx
        .not_checked_message
        .get_or_init(|| not_checked_message(ctx))
        .clone()?;
    Some(vec![draft_notice(Severity::Warning, message)])
}

/// The warning of [`not_checked`] for the drafts of `ctx`, naming its first error (a
/// syntax error first: it leaves names undefined that other files then miss); `None`
/// when the load left nothing to name.
fn not_checked_message(ctx: &PolicyContext) -> Option<String> {
    let root = match &ctx.key {
        crate::context::ContextKey::Config(config) => config.parent().map(PathBuf::from),
        crate::context::ContextKey::Defaults(root) => Some(root.clone()),
    };
    let errors = || {
        ctx.problems.iter().flat_map(|file| {
            let errors = file.problems.iter();
            errors
                .filter(|p| p.level == decorum_engine::ProblemLevel::Error)
                .map(move |p| (file, p))
        })
    };
    let first_error = errors()
        .find(|(_, p)| p.code == "syntax")
        .or_else(|| errors().next())
        .map(|(file, problem)| {
            let line = LineIndex::new(&file.text).line_of(problem.range.start()) + 1;
            let shown = root
                .as_deref()
                .and_then(|root| file.path.strip_prefix(root).ok())
                .unwrap_or(&file.path);
            format!("{}:{line}: {}", shown.display(), problem.message)
        });
    let first = first_error.or_else(|| ctx.general.first().cloned())?;
    Some(format!(
        "This draft was not checked: the policies have errors ({first}). Fix them; \
         the draft is checked again as soon as they load."
    ))
}

/// Decorum's own word about a draft as a whole (`decorum.draft`, at its start): said where
/// the writer looks, not only in the log.
fn draft_notice(severity: Severity, message: String) -> Diagnostic {
    Diagnostic {
        range: Default::default(),
        severity: Some(crate::diagnostics::lsp_severity(severity)),
        code: Some(tower_lsp_server::ls_types::NumberOrString::String(
            decorum_engine::DRAFT_PROBLEM_RULE.to_owned(),
        )),
        source: Some(crate::diagnostics::DRAFT_SOURCE.to_owned()),
        message,
        ..Default::default()
    }
}

fn check_draft(job: &Job, ctx: &PolicyContext) -> Option<Vec<Diagnostic>> {
    if !job.settings.enable {
        return None;
    }
    let Some(active) = ctx.active.as_ref() else {
        return not_checked(job, ctx);
    };
    if !active.is_draft(job.path.as_deref(), &job.language_id, &job.settings) {
        return None;
    }
    if job.text.len() > MAX_DRAFT_BYTES {
        crate::log!(
            Level::Warn,
            "doc#{} is larger than {MAX_DRAFT_BYTES} bytes: not checked",
            job.log_id
        );
        // No findings would read as a clean draft.
        return Some(vec![draft_notice(
            Severity::Warning,
            format!(
                "This draft is larger than {} MiB and was not checked: split it into \
                 smaller files to check it.",
                MAX_DRAFT_BYTES >> 20
            ),
        )]);
    }
    let meta = active.metadata_for(job.path.as_deref());
    let format = draft_format(job.path.as_deref(), &job.language_id);
    let parse_started = Instant::now();
    let draft = decorum_draft::parse(&job.text, format, &meta);
    let parse_ms = parse_started.elapsed().as_secs_f64() * 1000.0;
    let check_started = Instant::now();
    // A long draft is checked on two threads (its phrases beside its regexes, then its
    // rules in two halves), and only the paragraphs changed since its last check are
    // searched: the writer waits for this on every keystroke. A check of the same
    // document already running (a pull request beside a push) has the memo: then this
    // one searches everything.
    let report = match job.memo.try_lock() {
        Ok(mut memo) => active.set.check_incremental(&draft, &mut memo),
        Err(TryLockError::Poisoned(poisoned)) => {
            // A check that panicked: start again from nothing.
            let mut memo = poisoned.into_inner();
            memo.clear();
            active.set.check_incremental(&draft, &mut memo)
        }
        Err(TryLockError::WouldBlock) => active.set.check_parallel(&draft),
    };
    let check_ms = check_started.elapsed().as_secs_f64() * 1000.0;
    crate::log!(
        Level::Debug,
        "doc#{} v{}: {} bytes, parse {parse_ms:.2} ms, rules {check_ms:.2} ms, {} findings, {} waivers",
        job.log_id,
        job.version,
        job.text.len(),
        report.findings.len(),
        report.waivers.len()
    );
    let (shown, hidden) = at_most(&report.findings, MAX_DIAGNOSTICS);
    let mut diagnostics = draft_diagnostics(
        &job.uri,
        job.version,
        &draft,
        &job.index,
        job.encoding,
        &shown,
    );
    if let Some((hidden, worst)) = hidden {
        // As severe as the worst finding left out, so the settings show it whenever they
        // would have shown that one.
        diagnostics.push(draft_notice(
            worst,
            format!(
                "{} more findings are not shown: the editor gets at most {} per \
                 draft, the most severe first. Run `decorum check` on the file to see them all.",
                grouped(hidden),
                grouped(MAX_DIAGNOSTICS)
            ),
        ));
    }
    Some(diagnostics)
}

/// The most findings one draft sends the editor. An 8 MB draft of flagged sentences once
/// gave 480,000 diagnostics in one 331 MB message, more than an editor can show or a
/// writer can read.
const MAX_DIAGNOSTICS: usize = 10_000;

/// `n` with its digits in groups of three separated by commas (`10,000`), as the
/// messages people read write numbers.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// At most `max` of `findings` (the most severe first, then in the order of the text), and
/// how many more there were with the most severe of those. All severities are kept: the
/// settings' minimum severity filters what is published (`shown`), and a change of it
/// alone re-sends the stored result without a new check.
fn at_most(
    findings: &[decorum_engine::Finding],
    max: usize,
) -> (Vec<&decorum_engine::Finding>, Option<(usize, Severity)>) {
    let shown: Vec<&decorum_engine::Finding> = findings.iter().collect();
    let hidden = shown.len().saturating_sub(max);
    if hidden == 0 {
        return (shown, None);
    }
    let mut ranked: Vec<(usize, &decorum_engine::Finding)> =
        shown.into_iter().enumerate().collect();
    // Stable: of equal severity, the earlier in the text are kept.
    ranked.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    let worst_hidden = ranked[max].1.severity;
    ranked.truncate(max);
    ranked.sort_by_key(|&(i, _)| i);
    let kept = ranked.into_iter().map(|(_, f)| f).collect();
    (kept, Some((hidden, worst_hidden)))
}

/// Problems of a policy file as the editor has it: syntax, validation (with the open
/// buffers of the files it imports), and its examples that fail. Stores the analysis for
/// the policy features. Files without a path in a folder on disk (`untitled:`) get their
/// syntax errors only; a new file not saved yet is checked at its path.
fn check_policy(state: &Arc<State>, job: &Job) -> Option<Vec<Diagnostic>> {
    let Some(path) = job
        .path
        .as_ref()
        .and_then(|p| decorum_workspace::canonical_file(p))
    else {
        return Some(syntax_diagnostics(&job.uri, &job.text, job.encoding));
    };
    let (mut overlays, seen) = analysis::overlays_seen(state);
    if let Some(delay) = test_policy_delay() {
        crate::log!(
            Level::Debug,
            "doc#{} v{}: open policy buffers taken",
            job.log_id,
            job.version
        );
        std::thread::sleep(delay);
    }
    overlays.insert(path.clone(), Arc::from(job.text.as_str()));
    let analysis = Arc::new(PolicyAnalysis::run(
        &path,
        job.version,
        &overlays,
        &state.canonical_folders(),
    ));
    analysis::store(state, &job.uri, &analysis);
    if opened_meanwhile(state, &job.uri, &seen, &analysis) {
        // Checked again with that buffer; this result is dropped unpublished when the
        // check task runs this one.
        schedule(state, &job.uri);
    }
    let Some(source) = analysis.source else {
        let mut diagnostics = syntax_diagnostics(&job.uri, &job.text, job.encoding);
        diagnostics.extend(load_error_diagnostics(job, &analysis));
        return Some(diagnostics);
    };
    let problems: Vec<PolicyProblem> = analysis
        .compiled
        .problems
        .iter()
        .filter(|p| p.source == source)
        .cloned()
        .collect();
    let view = crate::navigation::View::Analysis(Arc::clone(&analysis));
    let elsewhere = |source, range| view.location(source, range, job.encoding);
    let mut diagnostics = policy_diagnostics_with(
        &job.uri,
        &job.text,
        job.encoding,
        &problems,
        &elsewhere,
        Origin::Editor,
    );
    diagnostics.extend(example_diagnostics(
        &job.text,
        job.encoding,
        source,
        &analysis.examples,
    ));
    Some(diagnostics)
}

/// Roots that could not be loaded, as problems at the start of the file.
fn load_error_diagnostics(job: &Job, analysis: &PolicyAnalysis) -> Vec<Diagnostic> {
    let problems: Vec<PolicyProblem> = analysis
        .loaded
        .errors
        .iter()
        .map(|e| {
            PolicyProblem::new(
                decorum_engine::SourceId(0),
                Default::default(),
                decorum_engine::ProblemLevel::Error,
                "load",
                e.message.clone(),
                e.help.clone(),
            )
        })
        .collect();
    policy_diagnostics(&job.uri, &job.text, job.encoding, &problems)
}

/// A `decorum.toml`'s error, or the libraries its policies import that no longer match
/// `decorum.lock` (from the context's load, loading it if needed), when the editor's
/// text is what is on disk.
fn check_config(state: &State, job: &Job) -> Option<Vec<Diagnostic>> {
    let path = job.path.as_ref()?;
    let saved = std::fs::read_to_string(path).is_ok_and(|disk| disk == *job.text);
    if !saved {
        return Some(Vec::new());
    }
    let problems: Vec<_> = match decorum_workspace::load_config(path) {
        Ok(_) => {
            let (ctx, _) = state.context(&ContextKey::Config(path.clone()));
            ctx.problems
                .iter()
                .filter(|f| f.path == *path && *f.text == **job.text)
                .flat_map(|f| f.problems.iter().cloned())
                .collect()
        }
        Err(errors) => errors
            .iter()
            .map(|error| config_problem(error, &job.text, decorum_engine::ProblemLevel::Error))
            .collect(),
    };
    Some(policy_diagnostics(
        &job.uri,
        &job.text,
        job.encoding,
        &problems,
    ))
}

/// Tells the writer about a context's problems: a message when its policies cannot be
/// used (or a reload failed), and diagnostics on the policy files that are not open
/// (open ones are checked as documents). `reloaded` says a reload caused it.
pub async fn report_context(state: &Arc<State>, ctx: &PolicyContext, reloaded: bool) {
    if ctx.reported.swap(true, std::sync::atomic::Ordering::AcqRel) {
        return;
    }
    if ctx.has_errors() {
        let what = match &ctx.key {
            crate::context::ContextKey::Config(path) => path.display().to_string(),
            crate::context::ContextKey::Defaults(_) => "the default policies".to_owned(),
        };
        let files: Vec<String> = ctx
            .problems
            .iter()
            // The files with errors: a decorum.toml with only a warning has none.
            .filter(|f| {
                f.problems
                    .iter()
                    .any(|p| p.level == decorum_engine::ProblemLevel::Error)
            })
            .map(|f| f.path.display().to_string())
            .chain(ctx.general.iter().cloned())
            .collect();
        let consequence = if ctx.active.is_some() {
            "the last good policies are still in use"
        } else {
            "no policies are in use until they are fixed"
        };
        let message = format!(
            "Decorum: the policies of {what} have errors ({}); {consequence}.",
            files.join("; ")
        );
        crate::log!(
            Level::Warn,
            "policies have errors (reload={reloaded}); usable={}",
            ctx.active.is_some()
        );
        state.client.show_message(MessageType::ERROR, message).await;
    }
    let mut published = Vec::new();
    for file in &ctx.problems {
        let Some(uri) = file_uri(&file.path) else {
            continue;
        };
        if state.documents.contains_key(&uri) {
            continue;
        }
        if publish_file_problems(state, ctx, file, &uri).await {
            published.push(uri);
        }
    }
    // Files of this context that had problems before and are no longer loaded.
    let stale: Vec<Uri> = state
        .policy_problem_uris
        .iter()
        .filter(|e| *e.value() == ctx.key && !published.contains(e.key()))
        .filter(|e| {
            !ctx.problems
                .iter()
                .any(|f| file_uri(&f.path).as_ref() == Some(e.key()))
        })
        .map(|e| e.key().clone())
        .collect();
    clear_policy_problems(state, stale).await;
}

/// Publishes the problems `ctx` found in `file`, a policy file that is not open (its text
/// is the disk's), and records `ctx` as their publisher. Returns whether anything was
/// sent: a file without problems is cleared only when problems were shown on it.
async fn publish_file_problems(
    state: &State,
    ctx: &PolicyContext,
    file: &FileProblems,
    uri: &Uri,
) -> bool {
    let encoding = state.encoding();
    let view = ctx.index.clone().map(crate::navigation::View::Context);
    let elsewhere = |source, range| view.as_ref()?.location(source, range, encoding);
    let diagnostics = policy_diagnostics_with(
        uri,
        &file.text,
        encoding,
        &file.problems,
        &elsewhere,
        Origin::Disk,
    );
    let had = state.policy_problem_uris.contains_key(uri);
    if diagnostics.is_empty() && !had {
        return false;
    }
    if diagnostics.is_empty() {
        state.policy_problem_uris.remove(uri);
    } else {
        state
            .policy_problem_uris
            .insert(uri.clone(), ctx.key.clone());
    }
    state
        .client
        .publish_diagnostics(uri.clone(), diagnostics, None)
        .await;
    true
}

/// After the contexts `dropped` were removed from [`State::contexts`] (their
/// `decorum.toml` was deleted, or they serve nothing open and no workspace folder any
/// more): clears the problems they published on policy files that are not open. Open
/// files keep what their own check published.
pub async fn forget_contexts(state: &State, dropped: &[ContextKey]) {
    if dropped.is_empty() {
        return;
    }
    let uris: Vec<Uri> = state
        .policy_problem_uris
        .iter()
        .filter(|e| dropped.contains(e.value()))
        .map(|e| e.key().clone())
        .collect();
    let files = uris.len();
    let (open, closed): (Vec<Uri>, Vec<Uri>) = uris
        .into_iter()
        .partition(|uri| state.documents.contains_key(uri));
    for uri in open {
        state.policy_problem_uris.remove(&uri);
    }
    // A file that a context still loaded also reads (a library that two folders' policies
    // import) keeps its problems, now published by that context.
    let mut cleared = Vec::new();
    for uri in closed {
        let other = state.contexts.iter().find_map(|c| {
            let file = c
                .problems
                .iter()
                .find(|f| !f.problems.is_empty() && file_uri(&f.path).as_ref() == Some(&uri))?;
            Some((Arc::clone(c.value()), file.clone()))
        });
        match other {
            Some((ctx, file)) => {
                publish_file_problems(state, &ctx, &file, &uri).await;
            }
            None => cleared.push(uri),
        }
    }
    clear_policy_problems(state, cleared).await;
    crate::log!(
        Level::Debug,
        "problems of {} dropped contexts forgotten on {files} files",
        dropped.len()
    );
}

/// Drops the contexts that serve no open document and no workspace folder any more
/// ([`State::drop_unused_contexts`]) and clears the problems they published
/// ([`forget_contexts`]): after a workspace folder left, a `decorum.toml` came or went,
/// or the last open draft of a configuration outside the workspace closed.
pub async fn forget_unused_contexts(state: &State) {
    let dropped = state.drop_unused_contexts();
    if dropped.is_empty() {
        crate::log!(Level::Debug, "no unused contexts");
    } else {
        crate::log!(Level::Info, "unused contexts dropped: {}", dropped.len());
    }
    forget_contexts(state, &dropped).await;
}

/// Reports every loaded context whose load nobody has reported yet, each time a load
/// happens, for as long as the server runs. The checks of drafts, the preload and the
/// reload report the contexts they load themselves; a context first loaded by a request
/// that has no way to (navigation, rename, a pulled diagnostic, the check of a
/// `decorum.toml`) would otherwise never tell the writer that its policies have errors.
pub async fn report_loads(state: std::sync::Weak<State>, loads: Arc<tokio::sync::Notify>) {
    loop {
        loads.notified().await;
        let Some(state) = state.upgrade() else {
            return;
        };
        let unreported: Vec<Arc<PolicyContext>> = state
            .contexts
            .iter()
            .filter(|c| !c.reported.load(std::sync::atomic::Ordering::Acquire))
            .map(|c| Arc::clone(c.value()))
            .collect();
        for ctx in unreported {
            report_context(&state, &ctx, false).await;
        }
    }
}

/// Clears the problems published on policy files that are not open (see
/// [`report_context`]).
pub async fn clear_policy_problems(state: &State, uris: Vec<Uri>) {
    for uri in uris {
        state.policy_problem_uris.remove(&uri);
        state
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_puts_a_comma_before_every_third_digit_from_the_right() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1,000"),
            (10_000, "10,000"),
            (123_456, "123,456"),
            (1_234_567, "1,234,567"),
            (480_000, "480,000"),
        ];
        for (n, expected) in cases {
            assert_eq!(grouped(n), expected, "{n}");
        }
        assert_eq!(grouped(MAX_DIAGNOSTICS), "10,000");
    }
}
