//! Latency and memory of `decorum lsp`, measured from outside like an editor sees them.
//!
//! Run with `cargo bench -p decorum-cli --bench lsp`. Starts the real binary (built with
//! the bench profile), speaks LSP over stdio with the end-to-end tests' client, and:
//!
//! - types into a 10 KB and a 1 MB Markdown draft, one character at a time, each
//!   keystroke sent only after the previous one's diagnostics arrived, and reports the
//!   time from sending `didChange` to receiving the `publishDiagnostics` of that version
//!   (p50, p95, max);
//! - opens 100 drafts of about 10 KB and reports the server's resident memory (VmRSS
//!   from /proc) once all are checked.
//!
//! The drafts are invented text (about a third of the paragraphs with problems) checked
//! with the embedded std/healthcare library. Figures and the command are recorded in
//! docs/performance.md under "Language server". A plain binary (no criterion), so CI's
//! `clippy --all-targets` stays fast.

#![allow(clippy::unwrap_used)]

#[path = "../../../tests/lsp/client.rs"]
#[allow(dead_code)]
mod client;

use std::time::{Duration, Instant};

use client::{Server, file_uri, utf16_position};
use serde_json::{Value, json};

/// A tiny deterministic generator, so every run types into the same drafts.
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
    "What questions do you have about sleep? Tell us in the comments.",
    "Three myths about dental floss, and what the research actually says.",
    "Our clinic is open on Saturdays from 9 to 1 for walk-in vaccinations.",
    "Drinking water through the day helps more than most supplements.",
    "Physical therapy makes the biggest difference in the first six weeks.",
    "Emoji are fine too 🎉👍🏽 and so is café au lait.",
];

const PROBLEMS: &[&str] = &[
    "My patient, a 45-year-old teacher from Millbrook, finally quit smoking today!",
    "Our new herbal tea cures anxiety in a week, guaranteed.",
    "Loving my new toothbrush! Use my code SMILE20 for 20% off. #collab",
    "This serum was gifted, and honestly it has no side effects at all.",
];

/// About `target` bytes of Markdown: a heading, then paragraphs of three sentences, one
/// sentence in `one_in` a problem.
fn draft(target: usize, seed: u64, one_in: u64) -> String {
    let mut rng = Rng(seed);
    let mut text = String::from("# Notes for this week\n\n");
    while text.len() < target {
        for _ in 0..3 {
            let sentence = if rng.next() % one_in == 0 {
                rng.pick(PROBLEMS)
            } else {
                rng.pick(CLEAN)
            };
            text.push_str(sentence);
            text.push(' ');
        }
        text.push_str("\n\n");
    }
    text
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Types `keystrokes` characters into the middle of a draft of `size` bytes; returns
/// the sorted latencies.
fn typing(
    server: &mut Server,
    uri: &str,
    size: usize,
    one_in: u64,
    keystrokes: usize,
) -> Vec<Duration> {
    let mut text = draft(size, 0x5eed_0000 + size as u64, one_in);
    server.open(uri, "markdown", 1, &text);
    server.diagnostics_at(uri, 1);
    // Type at the end of a paragraph in the middle of the draft.
    let mut at = text[..text.len() / 2].rfind("\n\n").unwrap_or(0);
    let typed = " Call us with questions, we are here to help every weekday.";
    let mut latencies = Vec::with_capacity(keystrokes);
    for (i, ch) in typed.chars().cycle().take(keystrokes).enumerate() {
        let position = utf16_position(&text, at);
        let version = i as i64 + 2;
        let started = Instant::now();
        server.change(
            uri,
            version,
            json!([{ "range": { "start": position, "end": position }, "text": ch.to_string() }]),
        );
        let diagnostics = server.diagnostics_at(uri, version);
        latencies.push(started.elapsed());
        server.diagnostics_count = diagnostics.len();
        text.insert(at, ch);
        at += ch.len_utf8();
    }
    latencies.sort();
    latencies
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let capabilities = json!({
        "general": { "positionEncodings": ["utf-16"] },
        "workspace": { "workspaceEdit": { "documentChanges": true } }
    });
    let mut server = Server::start(&root);
    server.initialize(&root, capabilities.clone(), Value::Null);

    println!("decorum lsp: didChange → publishDiagnostics, std/healthcare, UTF-16 positions");
    // One problem sentence in 40 is a draft with a handful of findings per 10 KB; one in
    // 9 is a stress case (a 1 MB draft then has about 4,000 findings); `u64::MAX` means
    // clean text, which isolates parsing and checking from publishing.
    let cases = [
        ("10 KB", 10 * 1024, 40, 300),
        ("1 MB", 1024 * 1024, 40, 60),
        ("1 MB, no problems", 1024 * 1024, u64::MAX, 30),
        ("1 MB, dense problems", 1024 * 1024, 9, 20),
    ];
    let only: usize = std::env::var("DECORUM_BENCH_SIZES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases.len());
    for (label, size, one_in, keystrokes) in cases.into_iter().take(only) {
        let uri = file_uri(&root.join(format!("typing-{size}-{one_in}.md")));
        let latencies = typing(&mut server, &uri, size, one_in, keystrokes);
        let findings = server.diagnostics_count;
        println!(
            "  {label:>21}: {keystrokes} keystrokes, {findings} diagnostics: p50 {}, p95 {}, max {}",
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.95)),
            ms(*latencies.last().unwrap())
        );
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }
    if let Ok(copy) = std::env::var("DECORUM_BENCH_LOG") {
        let _ = std::fs::copy(&server.log, copy);
    }
    server.stop();

    // Memory in a fresh server, so the figure is not the high-water mark of the 1 MB runs.
    let mut server = Server::start(&root);
    server.initialize(&root, capabilities, Value::Null);
    let pid = server.pid();
    let uri = file_uri(&root.join("warm-up.md"));
    server.open(&uri, "markdown", 1, "Policies compiled.\n");
    server.diagnostics_at(&uri, 1);
    let before = rss_kib(pid).unwrap_or(0);
    let started = Instant::now();
    let uris: Vec<String> = (0..100)
        .map(|i| file_uri(&root.join(format!("draft-{i:03}.md"))))
        .collect();
    for (i, uri) in uris.iter().enumerate() {
        server.open(uri, "markdown", 1, &draft(10 * 1024, i as u64 + 1, 40));
    }
    for uri in &uris {
        server.diagnostics_at(uri, 1);
    }
    let after = rss_kib(pid).unwrap_or(0);
    println!(
        "memory: {:.1} MB resident with 100 open 10 KB drafts, all checked in {} ({:.1} MB before opening them)",
        after as f64 / 1024.0,
        ms(started.elapsed()),
        before as f64 / 1024.0
    );
    server.stop();
}
