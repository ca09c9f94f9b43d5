//! A draft reads the same whatever its line endings: written with LF, CRLF, a lone CR or
//! a mix of them, it has the same posts, blocks, sentences, words, comments, tables,
//! links, waivers and problems, at the same lines and columns, the same prose on each
//! line and the same normalised view. Lines end at LF, CRLF or a lone CR, as in editors,
//! CommonMark and the positions of findings.

use decorum_draft::{Draft, DraftFormat, Metadata, TextRange, WaiverScope, parse};
use decorum_text::LineIndex;
use proptest::prelude::*;

/// Lines of Markdown (and plain text) that open, continue or end blocks, comments and
/// waivers: code, quotes, lists, HTML blocks, tables, separators, front matter.
const LINES: &[&str] = &[
    "",
    "",
    "My patient, a 45-year-old teacher.",
    "Text line",
    "> Quote.",
    "> My patient quit.",
    "- One.",
    "2. My patient",
    "  continued",
    "```",
    "    code",
    "<!--",
    "-->",
    "<!-- decorum-allow hc.x: ok -->",
    "<!-- decorum-allow hc.x: ok --> \u{a0}",
    "<!-- decorum-allow hc.y: ok --> text after",
    "<!-- decorum-allow-file hc.z: ok -->",
    "<!-- decorum-allow hc.x -->",
    "<div>",
    "</div>",
    "<pre>",
    "| Day | Note |",
    "| --- | --- |",
    "| Mon | Flu <!-- decorum-allow hc.x: ok --> |",
    "<!-- post -->",
    "---",
    "channel: x",
    "# Heading",
    "Setext",
    "===",
    "Ends with a space ",
    "Ends with two spaces  ",
    "[link](https://example.org/a \"title\") and www.example.org",
    "[ref]: https://example.org/ref",
    "See [ref].",
    "Two. Sentences here!",
];

/// `lines` joined with `endings` (one per line; `None` for the last line when the draft
/// does not end with a line break). An empty line after a lone CR keeps its CR: a CR then
/// an LF would be one CRLF, and the blank line would be gone.
fn join(lines: &[&str], endings: &[&str], last_ends: bool) -> String {
    let mut out = String::new();
    let mut previous = "";
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i + 1 == lines.len() && !last_ends {
            break;
        }
        let mut ending = endings.get(i).copied().unwrap_or("\n");
        if line.is_empty() && previous == "\r" && ending == "\n" {
            ending = "\r";
        }
        out.push_str(ending);
        previous = ending;
    }
    out
}

/// Everything a draft has, with positions as lines and byte columns (the same for every
/// line ending) and the prose of each line.
fn shape(draft: &Draft) -> Vec<String> {
    let text = &draft.text;
    let index = LineIndex::new(text);
    let at = |r: TextRange| {
        let (s, e) = (index.line_col(r.start()), index.line_col(r.end()));
        format!("{}:{}-{}:{}", s.line, s.col, e.line, e.col)
    };
    let all = |what: &str, ranges: &[TextRange]| {
        let spots: Vec<String> = ranges.iter().map(|r| at(*r)).collect();
        format!("{what} {}", spots.join(" "))
    };
    let mut out = Vec::new();
    for post in &draft.posts {
        out.push(format!("post {} body from {}", post.index, {
            let s = index.line_col(post.body.start());
            format!("{}:{}", s.line, s.col)
        }));
        out.push(format!("  label {:?} meta {:?}", post.label, post.meta));
        out.push(all("  paragraphs", &post.paragraphs));
        out.push(all("  sentences", &post.sentences));
        out.push(all("  words", &post.words));
        out.push(all("  links", &post.links));
        out.push(all("  comments", &post.comments));
        out.push(all("  tables", &post.tables));
    }
    for w in &draft.waivers {
        let scope = match w.scope {
            WaiverScope::File => "file".to_owned(),
            WaiverScope::NextBlock(r) => at(r),
        };
        out.push(format!(
            "waiver {} {:?} reason {:?} covers {scope}",
            at(w.range),
            w.rules.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            w.reason.as_ref().map(|(r, _)| r)
        ));
    }
    for p in &draft.problems {
        out.push(format!(
            "problem {:?} {} {}",
            p.kind,
            at(p.range),
            p.message
        ));
    }
    // The normalised view keeps a blank line as written (no match spans one) and folds a
    // single line end into a space.
    let normalized = draft
        .normalized
        .text
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    out.push(format!("normalized {normalized:?}"));
    for line in 0..index.line_count() {
        let Some(content) = index.line_content(text, line as u32) else {
            continue;
        };
        let prose = draft.prose.get(std::ops::Range::<usize>::from(content));
        out.push(format!(
            "prose {line}: {:?}",
            prose.unwrap_or_default().trim_end()
        ));
    }
    out
}

fn draft_lines() -> impl Strategy<Value = (Vec<&'static str>, Vec<&'static str>, bool)> {
    (1usize..14).prop_flat_map(|n| {
        (
            proptest::collection::vec(proptest::sample::select(LINES), n),
            proptest::collection::vec(proptest::sample::select(&["\n", "\r\n", "\r"][..]), n),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// LF, CRLF, a lone CR and a mix of the three give the same draft, in Markdown and in
    /// plain text.
    #[test]
    fn line_endings_do_not_change_a_draft((lines, mixed, last_ends) in draft_lines()) {
        for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
            let lf = join(&lines, &vec!["\n"; lines.len()], last_ends);
            let want = shape(&parse(&lf, format, &Metadata::new()));
            for endings in [vec!["\r\n"; lines.len()], vec!["\r"; lines.len()], mixed.clone()] {
                let text = join(&lines, &endings, last_ends);
                let got = shape(&parse(&text, format, &Metadata::new()));
                prop_assert_eq!(&got, &want, "{:?} {:?} against {:?}", format, text, lf);
            }
        }
    }
}

/// The cases a black-box tester found: a code block hid the rest of a draft with lone-CR
/// endings, and the block a waiver covers changed with the line endings.
#[test]
fn found_cases() {
    let drafts = [
        "```\ncode\n```\n\nMy patient, a 45-year-old teacher.\n",
        "Intro.\n\n    code\n\nMy patient, a 45-year-old teacher.\n",
        "<!-- decorum-allow hc.x: ok -->\n> Quote.\n\nMy patient, a 45-year-old teacher\n",
        "<!-- decorum-allow hc.x: ok -->\n> My patient quit.\n2. My patient\n",
        "<!--\n<!-- decorum-allow hc.x: ok -->\nMy patient, a 45-year-old teacher.\n",
        "<!-- decorum-allow hc.x: ok -->\nText line\nMy patient, a 45-year-old teacher.\n",
        "<div>\nMy patient,\na 45-year-old teacher.\n</div>\n",
    ];
    for lf in drafts {
        let lines: Vec<&str> = lf.lines().collect();
        let want = shape(&parse(lf, DraftFormat::Markdown, &Metadata::new()));
        for ending in ["\r\n", "\r"] {
            let text = join(&lines, &vec![ending; lines.len()], true);
            let got = shape(&parse(&text, DraftFormat::Markdown, &Metadata::new()));
            assert_eq!(got, want, "{text:?}");
        }
        let mixed = join(&lines, &["\r", "\r\n", "\n"].repeat(lines.len()), true);
        let got = shape(&parse(&mixed, DraftFormat::Markdown, &Metadata::new()));
        assert_eq!(got, want, "{mixed:?}");
    }
}
