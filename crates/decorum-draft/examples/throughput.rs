//! Measures how fast `parse` turns drafts into posts, prose, blocks, sentences, tokens and
//! the normalised view.
//!
//! ```text
//! cargo run --release -p decorum-draft --example throughput            # synthetic blog
//! cargo run --release -p decorum-draft --example throughput -- a.md b.md
//! ```
//!
//! The synthetic corpus is typical English Markdown for the domain: wrapped paragraphs of
//! health-care prose with emphasis, links, bare URLs, the odd inline code, headings, lists,
//! quotes, hashtags, curly quotes and dashes, in posts of a few kilobytes.

use std::time::Instant;

use decorum_draft::{DraftFormat, Metadata, NormalizedView, parse};

const WORDS: &[&str] = &[
    "the",
    "patient",
    "flu",
    "vaccine",
    "clinic",
    "appointment",
    "we",
    "our",
    "team",
    "care",
    "health",
    "you",
    "your",
    "family",
    "doctor",
    "nurse",
    "is",
    "are",
    "and",
    "to",
    "of",
    "a",
    "in",
    "for",
    "with",
    "on",
    "this",
    "season",
    "protect",
    "screening",
    "blood",
    "pressure",
    "children",
    "adults",
    "older",
    "risk",
    "symptoms",
    "fever",
    "cough",
    "rest",
    "water",
    "sleep",
    "exercise",
    "heart",
    "healthy",
    "community",
    "questions",
    "ask",
    "about",
    "visit",
    "today",
    "week",
    "available",
    "free",
    "insurance",
    "covered",
    "most",
    "plans",
    "information",
    "more",
    "important",
    "every",
    "year",
    "can",
    "help",
    "prevent",
    "serious",
    "illness",
    "hospital",
];

/// A small deterministic generator (xorshift) so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(14);
    let mut words: Vec<String> = (0..n)
        .map(|_| WORDS[rng.below(WORDS.len())].to_owned())
        .collect();
    if let Some(first) = words.first_mut() {
        let mut c = first.chars();
        if let Some(f) = c.next() {
            *first = f.to_uppercase().chain(c).collect();
        }
    }
    for w in words.iter_mut().skip(1) {
        match rng.below(40) {
            0 => *w = format!("*{w}*"),
            1 => *w = format!("**{w}**"),
            2 => *w = format!("[{w}](https://clinic.example/{w})"),
            3 => *w = format!("“{w}”"),
            4 => *w = format!("{w} —"),
            5 => *w = format!("`{w}`"),
            6 => *w = format!("{w},"),
            7 => *w = format!("#{w}"),
            8 => *w = format!("{w}’s"),
            _ => {}
        }
    }
    let end = [".", ".", ".", "!", "?"][rng.below(5)];
    format!("{}{end}", words.join(" "))
}

fn wrap(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + word.len() > 78 {
            out.push('\n');
            out.push_str(prefix);
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

fn synthetic(size: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::from("---\ntitle: Flu season\nchannel: linkedin\n---\n\n");
    while out.len() < size {
        match rng.below(12) {
            0 => out.push_str(&format!(
                "## {}\n\n",
                sentence(&mut rng).trim_end_matches('.')
            )),
            1 => {
                for _ in 0..3 + rng.below(3) {
                    out.push_str(&format!("- {}\n", sentence(&mut rng)));
                }
                out.push('\n');
            }
            2 => out.push_str(&format!("> {}\n\n", wrap(&sentence(&mut rng), "> "))),
            3 => out.push_str("See https://www.cdc.gov/flu/prevent/index.html for details.\n\n"),
            _ => {
                let para: Vec<String> = (0..2 + rng.below(4)).map(|_| sentence(&mut rng)).collect();
                out.push_str(&wrap(&para.join(" "), ""));
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(f());
        best = best.min(started.elapsed().as_secs_f64());
    }
    best
}

fn report(name: &str, drafts: &[String], format: DraftFormat) {
    let bytes: usize = drafts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    let meta = Metadata::new();
    let whole = best_of(5, || {
        drafts
            .iter()
            .map(|d| parse(d, format, &meta).posts.len())
            .sum::<usize>()
    });
    let pulldown = best_of(5, || {
        drafts
            .iter()
            .map(|d| pulldown_cmark::Parser::new(d).into_offset_iter().count())
            .sum::<usize>()
    });
    let parsed: Vec<_> = drafts.iter().map(|d| parse(d, format, &meta)).collect();
    let normalize = best_of(5, || {
        parsed
            .iter()
            .map(|d| NormalizedView::new(&d.prose).text.len())
            .sum::<usize>()
    });
    let count = |f: fn(&decorum_draft::Post) -> usize| -> usize {
        parsed.iter().flat_map(|d| &d.posts).map(f).sum()
    };
    println!(
        "{name}: {mb:.1} MB in {} drafts, {} posts, {} sentences, {} words",
        drafts.len(),
        count(|_| 1),
        count(|p| p.sentences.len()),
        count(|p| p.words.len()),
    );
    println!("  parse (everything): {:>7.1} MB/s", mb / whole);
    println!("  of which normalise: {:>7.1} MB/s", mb / normalize);
    println!(
        "  (pulldown-cmark events alone, for reference: {:.1} MB/s)",
        mb / pulldown
    );
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        let corpus = synthetic(8 * 1024 * 1024);
        // Drafts of about 4 KB, as a blog post or a week of social posts would be.
        let mut drafts = Vec::new();
        let mut current = String::from("---\nchannel: linkedin\n---\n");
        for block in corpus.split("\n\n") {
            current.push_str(block);
            current.push_str("\n\n");
            if current.len() > 4096 {
                drafts.push(std::mem::replace(
                    &mut current,
                    String::from("---\nchannel: x\n---\n"),
                ));
            }
        }
        if let Ok(only) = std::env::var("THROUGHPUT_ONLY") {
            let format = if only == "plain" {
                DraftFormat::PlainText
            } else {
                DraftFormat::Markdown
            };
            // For profilers: one kind of work only, ten times over.
            for _ in 0..10 {
                for d in &drafts {
                    if only == "pulldown" {
                        std::hint::black_box(
                            pulldown_cmark::Parser::new(d).into_offset_iter().count(),
                        );
                    } else if only != "none" {
                        std::hint::black_box(parse(d, format, &Metadata::new()));
                    }
                }
            }
            return;
        }
        report("synthetic Markdown drafts", &drafts, DraftFormat::Markdown);
        report("same drafts as plain text", &drafts, DraftFormat::PlainText);
        let calendars: Vec<String> = drafts
            .chunks(4)
            .map(|c| c.join("\n<!-- post -->\n"))
            .collect();
        report("as calendars of 4 posts", &calendars, DraftFormat::Markdown);
        report("one 8 MB draft", &[corpus], DraftFormat::Markdown);
        return;
    }
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let format = DraftFormat::from_path(&path).unwrap_or(DraftFormat::Markdown);
                report(&path, &[text], format);
            }
            Err(err) => eprintln!("{path}: {err}"),
        }
    }
}
