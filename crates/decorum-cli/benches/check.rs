//! Throughput of `decorum check`'s core: parse drafts, scan, evaluate, apply waivers.
//!
//! Run with `cargo bench -p decorum-cli --bench check`. Prints MB/s for a generated
//! 1 MB Markdown corpus (invented text, about a third of the posts with problems) checked
//! with the embedded std/healthcare library, then with 10, 100 and 1,000 generated rules,
//! single-threaded. Figures and the command are recorded in docs/performance.md. This is a
//! plain binary (no criterion) so CI's `clippy --all-targets` stays fast; it takes the
//! median of several runs to resist noise.

use std::hint::black_box;
use std::time::{Duration, Instant};

use decorum_draft::{Draft, DraftFormat, Metadata};
use decorum_engine::{DraftReport, PolicyInputs, PolicySet, compile};
use decorum_workspace::{Config, load_policies};

/// A tiny deterministic generator, so every run checks the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const CLEAN: &[&str] = &[
    "Flu season usually peaks between December and February, so now is a good time to get vaccinated.",
    "Wash your hands often, especially before meals and after being outside.",
    "Adults 65+ should ask about the high-dose vaccine at their next visit.",
    "What questions do you have about sleep? Tell us in the comments.",
    "Three myths about dental floss, and what the research actually says.",
    "Our clinic is open on Saturdays from 9 to 1 for walk-in vaccinations.",
    "Drinking water through the day helps more than most supplements.",
    "If you have chest pain or trouble breathing, go to the emergency department.",
    "Physical therapy makes the biggest difference in the first six weeks.",
    "Did you know? Sugar-free gum after meals helps protect your teeth.",
];

const PROBLEMS: &[&str] = &[
    "My patient, a 45-year-old teacher from Millbrook, finally quit smoking today!",
    "Our new herbal tea cures anxiety in a week, guaranteed.",
    "Loving my new toothbrush! Use my code SMILE20 for 20% off. #collab",
    "Book now: whitening is 20% off all December, limited time!",
    "This serum was gifted, and honestly it has no side effects at all.",
];

const MARKDOWN: &[&str] = &[
    "See [our guide](https://example.org/guide) for details.",
    "`code spans` and https://example.com/links are not prose.",
    "> A quote from our newsletter about hydration.",
    "- a list item about sleep\n- another about exercise",
    "Emoji are fine too 🎉👍🏽 and so is café au lait.",
];

/// About `target` bytes of Markdown drafts of roughly 1 KB each.
fn corpus(target: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut drafts = Vec::new();
    let mut total = 0;
    while total < target {
        let mut d = String::from("---\nchannel: ");
        d.push_str(rng.pick(&["x", "instagram", "linkedin", "facebook", "bluesky"]));
        d.push_str("\n---\n# ");
        d.push_str(rng.pick(&[
            "Winter health",
            "Clinic news",
            "Ask the nurse",
            "Dental tips",
        ]));
        d.push_str("\n\n");
        while d.len() < 1000 {
            let roll = rng.next() % 10;
            let sentence = if roll < 1 {
                rng.pick(PROBLEMS)
            } else if roll < 3 {
                rng.pick(MARKDOWN)
            } else {
                rng.pick(CLEAN)
            };
            d.push_str(sentence);
            d.push_str(if rng.next() % 3 == 0 { "\n\n" } else { " " });
        }
        d.push('\n');
        total += d.len();
        drafts.push(d);
    }
    drafts
}

/// A policy with `n` generated rules of the kinds the language offers. Each rule has its
/// own terms: invented words that never match, plus, for the first ten rules only, a
/// common word that does. So every size produces the same findings and the figures
/// measure what the number of rules costs, not what more findings cost.
fn generated_policy(n: usize) -> String {
    let common = [
        "flu", "vaccine", "sleep", "teeth", "clinic", "water", "pain", "weeks", "research",
        "comments",
    ];
    let mut p = String::from("decorum 1\npolicy bench.generated\n\n");
    for i in 0..n {
        let extra = if i < common.len() {
            format!(", \"{}\"", common[i])
        } else {
            String::new()
        };
        p.push_str(&format!(
            "terms t{i} = [\"zorblat{i}\", \"quintex {i}\", \"vexa{i}ly\"{extra}]\n"
        ));
        let cond = match i % 5 {
            0 => format!("contains t{i}"),
            1 => format!("near(t{i}, [\"plonk{i}\"], 5 words) in sentence"),
            2 => format!("contains t{i} and not contains [\"frobnic{i}\"]"),
            3 => format!("count(t{i}) > 2"),
            _ => format!("contains [/\\bglorp{i}\\d+\\b/] or contains t{i}"),
        };
        p.push_str(&format!(
            "rule r{i} {{\n  message \"Generated rule {i}: {{match}}\"\n  flag when {cond}\n}}\n"
        ));
    }
    p
}

fn compile_one(text: &str) -> PolicySet {
    let compiled = compile(&PolicyInputs::single("generated.decorum", text));
    compiled.policy_set.unwrap_or_else(|| {
        panic!(
            "generated policy does not compile: {:?}",
            compiled.problems.first()
        )
    })
}

/// The embedded std/healthcare library, or the policy folder named by
/// `DECORUM_BENCH_POLICY` (a copy of `policies/std/healthcare`, say, so that engine
/// changes can be compared while the library itself changes).
fn std_library() -> PolicySet {
    let folder = std::env::var_os("DECORUM_BENCH_POLICY").map(std::path::PathBuf::from);
    let root = folder
        .as_deref()
        .and_then(|f| f.parent())
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let config = Config::default_for(&root);
    let loaded = load_policies(&config, folder.as_deref());
    compile(&loaded.inputs)
        .policy_set
        .expect("the std/healthcare library compiles")
}

/// Parses and checks every draft; returns the number of findings (so nothing is
/// optimised away) and the elapsed time. The check to time is `check_batch`, or the language server's `check_parallel` one
/// draft at a time.
fn run_with(
    set: &PolicySet,
    corpus: &[String],
    check: fn(&PolicySet, &[&Draft]) -> Vec<DraftReport>,
) -> (usize, Duration) {
    let start = Instant::now();
    let meta = Metadata::default();
    let drafts: Vec<Draft> = corpus
        .iter()
        .map(|t| decorum_draft::parse(t, DraftFormat::Markdown, &meta))
        .collect();
    let refs: Vec<&Draft> = drafts.iter().collect();
    let reports = check(set, &refs);
    let findings = reports.iter().map(|r| r.findings.len()).sum();
    (black_box(findings), start.elapsed())
}

fn median(set: &PolicySet, corpus: &[String], runs: usize) -> (usize, Duration) {
    median_with(set, corpus, runs, PolicySet::check_batch)
}

fn median_with(
    set: &PolicySet,
    corpus: &[String],
    runs: usize,
    check: fn(&PolicySet, &[&Draft]) -> Vec<DraftReport>,
) -> (usize, Duration) {
    let (findings, times) = timed(set, corpus, runs, check);
    (findings, times[times.len() / 2])
}

/// The findings and the times of `runs` timed runs (at least one) after a warm-up,
/// fastest first. The std case prints the fastest beside the median: on a shared virtual
/// machine the other tenants only ever add time, so the fastest run is the steadiest
/// figure from one invocation to the next.
fn timed(
    set: &PolicySet,
    corpus: &[String],
    runs: usize,
    check: fn(&PolicySet, &[&Draft]) -> Vec<DraftReport>,
) -> (usize, Vec<Duration>) {
    let mut times = Vec::new();
    let mut findings = 0;
    run_with(set, corpus, check); // warm-up
    for _ in 0..runs.max(1) {
        let (f, t) = run_with(set, corpus, check);
        findings = f;
        times.push(t);
    }
    times.sort();
    (findings, times)
}

fn main() {
    // `cargo test --benches` passes `--bench`-less flags; run quickly then.
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("DECORUM_BENCH_QUICK").is_some();
    // DECORUM_BENCH_RUNS=n overrides the number of timed runs (for profilers).
    let runs = std::env::var("DECORUM_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if quick { 1 } else { 9 });
    let corpus = corpus(1 << 20);
    let bytes: usize = corpus.iter().map(String::len).sum();
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "corpus: {} drafts, {:.2} MB of Markdown; median of {runs} runs, single-threaded",
        corpus.len(),
        mb
    );

    // DECORUM_BENCH_CASE=parse|std|crlf|examples|generated|single runs one part (for
    // profiling); `crlf` is the corpus with CR LF and with lone CR line ends; `examples` is the std library's own rule examples, text dense with
    // matches; `single` is the corpus as one file of many posts, then as one post.
    let case = std::env::var("DECORUM_BENCH_CASE").unwrap_or_default();
    let wants = |name: &str| case.is_empty() || case == name;
    let std = std_library();
    if wants("parse") || case.is_empty() {
        let meta = Metadata::default();
        let mut times = Vec::new();
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            let drafts: Vec<Draft> = corpus
                .iter()
                .map(|t| decorum_draft::parse(t, DraftFormat::Markdown, &meta))
                .collect();
            black_box(&drafts);
            times.push(start.elapsed());
        }
        times.sort();
        let t = times[times.len() / 2];
        println!(
            "draft parsing only:          {:>7.1} ms  {:>6.1} MB/s",
            t.as_secs_f64() * 1000.0,
            mb / t.as_secs_f64()
        );
    }
    if wants("std") {
        let (findings, times) = timed(&std, &corpus, runs, PolicySet::check_batch);
        let (t, fastest) = (times[times.len() / 2], times[0]);
        println!(
            "std/healthcare ({:>4} rules): {:>7.1} ms  {:>6.1} MB/s  ({findings} findings, fastest {:.1} ms)",
            std.rules().len(),
            t.as_secs_f64() * 1000.0,
            mb / t.as_secs_f64(),
            fastest.as_secs_f64() * 1000.0
        );
    }

    // The same corpus with Windows line ends, then with lone CRs (old Mac files): the
    // draft parser reads a copy of each body with LF ends (see `markdown.rs`), and the
    // line scans look for both bytes. The findings must be those of the std case.
    if wants("crlf") {
        for (name, end) in [("CRLF", "\r\n"), ("lone CR", "\r")] {
            let drafts: Vec<String> = corpus.iter().map(|t| t.replace('\n', end)).collect();
            let bytes: usize = drafts.iter().map(String::len).sum();
            let (findings, t) = median(&std, &drafts, runs);
            println!(
                "std/healthcare, {name:<7} ends: {:>7.1} ms  {:>6.1} MB/s  ({findings} findings)",
                t.as_secs_f64() * 1000.0,
                bytes as f64 / 1_000_000.0 / t.as_secs_f64()
            );
        }
    }

    if wants("examples") {
        // Every rule example of the library once per draft, repeated to about 1 MB: each
        // sentence is written to trip a rule (or nearly), so the regexes have many more
        // places to start than in the corpus.
        let examples: Vec<String> = std
            .rules()
            .iter()
            .flat_map(|r| r.examples.iter().map(|e| e.text.clone()))
            .collect();
        let mut drafts = Vec::new();
        let mut total = 0;
        while total < 1 << 20 {
            for text in &examples {
                total += text.len();
                drafts.push(text.clone());
            }
        }
        let (findings, t) = median(&std, &drafts, runs);
        println!(
            "std/healthcare on its examples: {:>7.1} ms  {:>6.1} MB/s  ({} drafts, {findings} findings)",
            t.as_secs_f64() * 1000.0,
            total as f64 / 1_000_000.0 / t.as_secs_f64(),
            drafts.len()
        );
    }

    let mut base = None;
    for n in [10usize, 100, 1000]
        .into_iter()
        .filter(|_| wants("generated"))
    {
        let set = compile_one(&generated_policy(n));
        let (findings, t) = median(&set, &corpus, runs);
        let ratio = base
            .map(|b: Duration| t.as_secs_f64() / b.as_secs_f64())
            .unwrap_or(1.0);
        base.get_or_insert(t);
        println!(
            "generated    ({n:>4} rules): {:>7.1} ms  {:>6.1} MB/s  ({findings} findings)  {ratio:.2}x the 10-rule time",
            t.as_secs_f64() * 1000.0,
            mb / t.as_secs_f64()
        );
    }

    // The same corpus as one 1 MB file (a long calendar), with the std library.
    if !wants("single") {
        return;
    }
    let single = vec![corpus.join("\n<!-- post -->\n")];
    let (findings, t) = median(&std, &single, runs);
    println!(
        "std/healthcare, one 1 MB file:  {:>7.1} ms  {:>6.1} MB/s  ({findings} findings)",
        t.as_secs_f64() * 1000.0,
        mb / t.as_secs_f64()
    );
    // The same text as one post (a long document in an editor): rules see one unit.
    let one_post = vec![corpus.join("\n\n")];
    let (findings, t) = median(&std, &one_post, runs);
    println!(
        "std/healthcare, one 1 MB post:  {:>7.1} ms  {:>6.1} MB/s  ({findings} findings)",
        t.as_secs_f64() * 1000.0,
        mb / t.as_secs_f64()
    );
    // The same words as one paragraph with no punctuation and no line break (an archive
    // exported as one line): sentences, clauses and lines as long as the corpus. Work
    // per match that walked back to the start of its sentence or line made this take
    // minutes; it must stay in line with the one-post figure.
    let one_line: String = one_post[0]
        .chars()
        .map(|c| match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r' | '(' | ')' | '—' | '–' => ' ',
            c => c,
        })
        .collect();
    let (findings, t) = median(&std, &[one_line], runs);
    println!(
        "std/healthcare, one 1 MB line without punctuation:  {:>7.1} ms  {:>6.1} MB/s  ({findings} findings)",
        t.as_secs_f64() * 1000.0,
        mb / t.as_secs_f64()
    );
    // The same post as the language server checks it: on two threads (phrases beside
    // regexes, then the rules in two halves), so not a figure for the single-threaded
    // throughput goal.
    let parallel = |set: &PolicySet, drafts: &[&Draft]| -> Vec<DraftReport> {
        drafts.iter().map(|d| set.check_parallel(d)).collect()
    };
    let (findings, t) = median_with(&std, &one_post, runs, parallel);
    println!(
        "std/healthcare, one 1 MB post, two threads (check_parallel):  {:>7.1} ms  ({findings} findings)",
        t.as_secs_f64() * 1000.0,
    );
}
