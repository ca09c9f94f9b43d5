//! Human output: findings and policy problems with source snippets, like a compiler.
//!
//! ```text
//! error[hc.privacy.client-story]: “My patient” and “45-year-old” tell one client's story …
//!   --> examples/client-story.md:3:15
//!    |
//!  3 | My patient, a 45-year-old teacher, finally quit smoking!
//!    |               ^^^^^^^^^^^ A client story can identify the client
//!    |
//!    = fix: Remove the flagged words
//!    = see: https://www.hhs.gov/…
//! ```
//!
//! Text from drafts is shown to the person who ran the command and nowhere else. A
//! character that cannot be seen or that could drive the terminal (a control, a
//! text-direction control, a zero-width character, a space other than the ordinary one)
//! is printed as its code point, `<U+200B>`, so the reader sees what is there and a
//! draft cannot drive the terminal; carets are measured on the text as printed.

use std::fmt::Write;

use decorum_engine::{Finding, PolicyInputs, PolicyProblem, ProblemLevel, Severity, WaiverUse};
use decorum_text::invisible::{Invisible, invisible, is_invisible};
use decorum_text::{LineIndex, TextRange, TextSize};
use unicode_width::UnicodeWidthStr;

use crate::session::GeneralProblem;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn blue(&self, text: &str) -> String {
        self.paint("1;34", text)
    }
    fn level(&self, level: &str, text: &str) -> String {
        let code = match level {
            "error" => "1;31",
            "warning" => "1;33",
            "info" => "1;36",
            _ => "1;32",
        };
        self.paint(code, text)
    }
}

/// A text with its line index, for snippets.
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub index: &'a LineIndex,
}

/// Renders one finding of `sources[current]`; related ranges may point into any of
/// `sources` (a batch finding's evidence sits in other drafts).
pub fn finding(
    out: &mut String,
    style: Style,
    sources: &[Source<'_>],
    current: usize,
    f: &Finding,
) {
    let Some(source) = sources.get(current) else {
        return;
    };
    let level = f.severity.as_str();
    let _ = writeln!(
        out,
        "{}{} {}",
        style.level(level, &format!("{level}[{}]", f.rule.id)),
        style.bold(":"),
        style.bold(&clean(&f.message))
    );
    snippet(out, style, source, f.range, &f.rule.title, level);
    for r in &f.related {
        if let Some(other) = sources.get(r.draft)
            && (r.range != f.range || r.draft != current)
        {
            note_location(out, style, other, r.range, r.label);
        }
    }
    for fix in &f.fixes {
        let _ = writeln!(out, "{} {}", style.blue("   = fix:"), clean(&fix.title));
    }
    if let Some(link) = &f.rule.link {
        let _ = writeln!(out, "{} {}", style.blue("   = see:"), clean(link));
    }
    // `decorum explain` knows Decorum's own checks of drafts (`decorum.waiver-reason`,
    // ...) as well as the rules of policies, so every finding points to it.
    {
        let _ = writeln!(
            out,
            "{} decorum explain {}",
            style.blue("   = why:"),
            f.rule.id
        );
    }
    out.push('\n');
}

/// Renders a policy problem with a snippet of the policy file.
pub fn policy_problem(out: &mut String, style: Style, inputs: &PolicyInputs, p: &PolicyProblem) {
    let level = match p.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
    };
    let _ = writeln!(
        out,
        "{}{} {}",
        style.level(level, &format!("{level}[policy.{}]", p.code)),
        style.bold(":"),
        // Cleaned like the snippets: a message can quote a policy file, a lock or a
        // library's manifest, none of which may drive the terminal.
        style.bold(&clean(&p.message))
    );
    if let Some(src) = inputs.source(p.source) {
        let index = LineIndex::new(&src.text);
        let source = Source {
            path: &src.path,
            text: &src.text,
            index: &index,
        };
        snippet(out, style, &source, p.range, "", level);
        for label in &p.labels {
            if let Some(other) = inputs.source(label.source) {
                let index = LineIndex::new(&other.text);
                let s = Source {
                    path: &other.path,
                    text: &other.text,
                    index: &index,
                };
                note_location(out, style, &s, label.range, &label.message);
            }
        }
    }
    if let Some(help) = &p.help {
        let _ = writeln!(out, "{} {}", style.blue("   = help:"), clean(help));
    }
    out.push('\n');
}

/// Renders a problem that is not in a policy file.
pub fn general(out: &mut String, style: Style, g: &GeneralProblem) {
    let level = match g.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
    };
    let _ = writeln!(
        out,
        "{}{} {}",
        style.level(level, level),
        style.bold(":"),
        style.bold(&clean(&g.message))
    );
    // A problem written in decorum.toml shows its line, like a policy problem.
    if let (Some(written), Some(_)) = (&g.source, g.line) {
        let index = LineIndex::new(&written.text);
        let source = Source {
            path: &g.path,
            text: &written.text,
            index: &index,
        };
        let len = written.text.len();
        let range = decorum_text::range_of(written.span.start.min(len)..written.span.end.min(len));
        snippet(out, style, &source, range, "", level);
        if let Some(help) = &g.help {
            let _ = writeln!(out, "{} {}", style.blue("   = help:"), clean(help));
        }
        out.push('\n');
        return;
    }
    // A path is shown cleaned too: a file name can hold control characters.
    let path = clean_path(&g.path);
    let at = match (g.line, g.column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path,
    };
    let _ = writeln!(out, "  {} {at}", style.blue("-->"));
    if let Some(help) = &g.help {
        let _ = writeln!(out, "{} {}", style.blue("   = help:"), clean(help));
    }
    out.push('\n');
}

/// The waivers a run used.
pub fn waivers(out: &mut String, style: Style, used: &[(String, LineIndexed, WaiverUse)]) {
    if used.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style.bold("waivers used:"));
    for (path, at, w) in used {
        let scope = if w.whole_file { " (whole file)" } else { "" };
        let _ = writeln!(
            out,
            "  {}:{}: {}{scope}: {} (silenced {})",
            clean_path(path),
            at.line,
            w.rules.join(", "),
            clean(&w.reason),
            w.silenced
        );
    }
    out.push('\n');
}

/// A 1-based line number.
pub struct LineIndexed {
    pub line: u32,
}

/// The closing summary line.
pub fn summary(
    out: &mut String,
    style: Style,
    counts: &[usize; 4],
    files: usize,
    with_findings: usize,
    skipped: usize,
) {
    let names = [
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
        ("hint", "hints"),
    ];
    let mut parts = Vec::new();
    for (i, (one, many)) in names.iter().enumerate() {
        let n = counts[i];
        if n > 0 {
            parts.push(style.level(one, &format!("{n} {}", if n == 1 { one } else { many })));
        }
    }
    let mut checked = format!(
        "{files} {} checked",
        if files == 1 { "draft" } else { "drafts" }
    );
    // Files found and left out (binary, not UTF-8, a link out of the workspace...):
    // each has its warning above; the count keeps `0 drafts checked` from reading as
    // an empty folder.
    if skipped > 0 {
        let _ = write!(checked, ", {skipped} skipped");
    }
    if parts.is_empty() {
        let _ = writeln!(out, "{}: no findings ({checked})", style.bold("decorum"));
    } else {
        let _ = writeln!(
            out,
            "{}: {} in {with_findings} of {checked}",
            style.bold("decorum"),
            parts.join(", ")
        );
    }
}

/// Index into `counts` for a severity.
pub fn severity_slot(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
        Severity::Hint => 3,
    }
}

fn note_location(
    out: &mut String,
    style: Style,
    source: &Source<'_>,
    range: TextRange,
    label: &str,
) {
    let lc = source.index.shown_char_col(source.text, range.start());
    let _ = writeln!(
        out,
        "{} {}: {}:{}:{}",
        style.blue("   = note:"),
        clean(label),
        clean_path(source.path),
        lc.line + 1,
        lc.col + 1
    );
}

/// Longest stretch of a line shown around the flagged text.
const MAX_LINE_CHARS: usize = 160;

fn snippet(
    out: &mut String,
    style: Style,
    source: &Source<'_>,
    range: TextRange,
    label: &str,
    level: &str,
) {
    let start = source.index.shown_char_col(source.text, range.start());
    let line_no = start.line + 1;
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        style.blue("-->"),
        clean_path(source.path),
        line_no,
        start.col + 1
    );
    let Some(mut content) = source.index.line_content(source.text, start.line) else {
        return;
    };
    // A byte-order mark is not part of the first line as people see it.
    if start.line == 0 && source.text.starts_with(decorum_text::BOM) {
        let after = content.start() + TextSize::of(decorum_text::BOM);
        content = TextRange::new(after, content.end().max(after));
    }
    let range_start = range.start().max(content.start());
    let line = decorum_text::slice(source.text, content);
    let rel_start = usize::from(range_start.min(content.end()) - content.start());
    let rel_end = usize::from(
        range
            .end()
            .clamp(range_start, content.end())
            .max(range_start.min(content.end()))
            - content.start(),
    );
    let multiline = range.end() > content.end();

    // Window long lines around the range.
    let (mut from, mut to) = (0usize, line.len());
    // Asked without counting the whole line: a one-line export of an archive has
    // thousands of findings on one line.
    if line.chars().nth(MAX_LINE_CHARS).is_some() {
        from = back_chars(line, rel_start, 50);
        // A range longer than the window is cut with it: a policy expression nested
        // thousands deep once printed a line and an underline of 400 KB each.
        let window_end = forward_chars(line, from, MAX_LINE_CHARS);
        to = forward_chars(line, rel_end.max(rel_start), MAX_LINE_CHARS - 50).min(window_end);
    }
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < line.len() { "…" } else { "" };
    let mark_from = rel_start.max(from);
    let mark_to = rel_end.min(to).max(mark_from);
    // Every part is rendered with the whole line as context, so a joiner at the edge of
    // the flagged text is judged as it is in the line.
    let shown = format!("{prefix}{}{suffix}", visible(line, from, to));
    let lead = format!("{prefix}{}", visible(line, from, mark_from));
    let marked = visible(line, mark_from, mark_to);
    let lead_width = lead.width();
    let mark_width = marked.width().max(1);

    let bar = style.blue("|");
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(out, "{} {bar} {shown}", style.blue(&line_no.to_string()));
    let more = if multiline {
        " (continues on the next lines)"
    } else {
        ""
    };
    let carets = style.level(level, &"^".repeat(mark_width));
    // The label is a rule's title, written by a policy's author: escaped like a message.
    let text = if label.is_empty() {
        String::new()
    } else {
        format!(" {}", style.level(level, &clean(label)))
    };
    let _ = writeln!(
        out,
        "{pad} {bar} {}{carets}{text}{more}",
        " ".repeat(lead_width)
    );
    let _ = writeln!(out, "{pad} {bar}");
}

fn back_chars(s: &str, at: usize, n: usize) -> usize {
    let at = floor_boundary(s, at);
    s[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0)
}

fn forward_chars(s: &str, at: usize, n: usize) -> usize {
    let at = floor_boundary(s, at);
    s[at..]
        .char_indices()
        .nth(n)
        .map(|(i, _)| at + i)
        .unwrap_or(s.len())
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `s` as printed on one line of a report: see [`visible`].
pub fn clean(s: &str) -> String {
    visible(s, 0, s.len())
}

/// A file's path as printed: as [`clean`], and a line break or tab in it as its code
/// point too (`a<U+000A>b.md`), since a file name holds them as characters of its own:
/// shown as a space, `a<LF>b.md` would read as `a b.md`, another file.
pub fn clean_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    // The stretches between them are cleaned whole, so that a joiner sees its
    // neighbours (a joiner beside a line break is escaped either way).
    while let Some(at) = rest.find(['\t', '\n', '\r']) {
        out.push_str(&clean(&rest[..at]));
        let _ = write!(out, "<U+{:04X}>", rest.as_bytes()[at]);
        rest = &rest[at + 1..];
    }
    out.push_str(&clean(rest));
    out
}

/// A path a command prints (a file it wrote or could not write, a folder it was
/// given), through [`clean_path`]: a control character in a file or folder name is
/// shown as its code point, never sent to the terminal.
pub fn shown_path(path: &std::path::Path) -> String {
    clean_path(&path.display().to_string())
}

/// `line[from..to]` as printed: tabs become four spaces and line breaks one space (so
/// carets line up), and every character [`escaped`] judges unfit to print as is becomes
/// its code point, `<U+200B>`. Joiners and variation selectors are judged by their
/// neighbours in `line`, not only in the slice.
fn visible(line: &str, from: usize, to: usize) -> String {
    let from = floor_boundary(line, from);
    let to = floor_boundary(line, to).max(from);
    let mut out = String::with_capacity(to - from);
    for (i, c) in line[from..to].char_indices() {
        match c {
            '\t' => out.push_str("    "),
            '\n' | '\r' => out.push(' '),
            c if escaped(line, from + i, c) => {
                let _ = write!(out, "<U+{:04X}>", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether the character `c` at byte `at` of `line` is printed as its code point.
///
/// Always: controls, every space but U+0020 (which reads as an ordinary one; line and
/// paragraph separators too), and the characters that show nothing of their own
/// ([`decorum_text::invisible`]: zero-width spaces, the word joiner, a byte-order mark
/// inside the text, the soft hyphen, text-direction marks and controls, with which a
/// draft could reorder what the terminal shows, invisible operators...). Two kinds of
/// those are the exception, where they shape what is shown: a zero-width joiner or
/// non-joiner ([`Invisible::Joiner`]) is printed as is between two visible non-ASCII
/// characters (an emoji sequence like 👩‍⚕️, Persian or Indic text), and a variation
/// selector or tag character ([`Invisible::Modifier`]) after a visible character, whose
/// look it selects (❤️, flags); elsewhere they too show nothing and are escaped.
fn escaped(line: &str, at: usize, c: char) -> bool {
    match (c, invisible(c)) {
        ('\t' | '\n' | '\r', _) => false,
        (_, Some(Invisible::Joiner)) => {
            let before = base_before(line, at);
            let after = line[at + c.len_utf8()..].chars().next();
            ![before, after]
                .iter()
                .all(|n| n.is_some_and(|n| !n.is_ascii() && seen(n)))
        }
        (_, Some(Invisible::Modifier)) => !base_before(line, at).is_some_and(seen),
        (_, Some(Invisible::Standalone)) => true,
        (_, None) => c.is_control() || (c.is_whitespace() && !c.is_ascii()),
    }
}

/// Whether `c` is printed as a character someone can see.
fn seen(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !is_invisible(c)
}

/// The character a joiner or modifier at byte `at` attaches to: the nearest one before
/// it that is not itself a modifier (a flag's tags come in a run). The walk is bounded
/// so that a line of nothing but selectors costs little per character.
fn base_before(line: &str, at: usize) -> Option<char> {
    line[..at]
        .chars()
        .rev()
        .take(40)
        .find(|&c| invisible(c) != Some(Invisible::Modifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message or help can quote a lock or a library's manifest (a version string):
    /// printed cleaned, like the snippets, so it cannot drive the terminal.
    #[test]
    fn problem_messages_and_helps_are_cleaned() {
        let mut out = String::new();
        let problem = GeneralProblem {
            path: "decorum.lock".into(),
            line: Some(4),
            column: None,
            message: "library version 1.0\x1b[2J".into(),
            help: Some("run `decorum lock`\u{202E}".into()),
            level: ProblemLevel::Error,
            source: None,
        };
        general(&mut out, Style { color: false }, &problem);
        assert_eq!(
            out,
            "error: library version 1.0<U+001B>[2J\n  --> decorum.lock:4\n   = help: run `decorum lock`<U+202E>\n\n"
        );
        let mut out = String::new();
        let inputs = PolicyInputs::default();
        let p = PolicyProblem::new(
            decorum_engine::SourceId(0),
            TextRange::default(),
            ProblemLevel::Warning,
            "lock",
            "a\x07b",
            Some("c\x1bd".to_owned()),
        );
        policy_problem(&mut out, Style { color: false }, &inputs, &p);
        assert!(
            out.contains("a<U+0007>b") && out.contains("c<U+001B>d"),
            "{out}"
        );
    }

    #[test]
    fn control_and_bidi_characters_are_shown_as_code_points() {
        assert_eq!(
            clean("a\x1b[31mb\u{202E}c\td\u{200F}"),
            "a<U+001B>[31mb<U+202E>c    d<U+200F>"
        );
    }

    #[test]
    fn invisible_characters_and_unusual_spaces_are_shown_as_code_points() {
        assert_eq!(
            clean("rule\u{200B} my\u{00A0}patient\u{2060}\u{00AD}\u{202F}x\u{FEFF}"),
            "rule<U+200B> my<U+00A0>patient<U+2060><U+00AD><U+202F>x<U+FEFF>"
        );
    }

    /// Joiners and variation selectors that shape a visible glyph are printed as they
    /// are; the same characters with nothing to shape are escaped.
    #[test]
    fn joiners_and_selectors_are_judged_by_their_neighbours() {
        let nurse = "\u{1F469}\u{200D}\u{2695}\u{FE0F}";
        assert_eq!(clean(nurse), nurse);
        let heart = "\u{2764}\u{FE0F}";
        assert_eq!(clean(heart), heart);
        let persian = "\u{0645}\u{06CC}\u{200C}\u{062E}";
        assert_eq!(clean(persian), persian);
        assert_eq!(clean("Th\u{200D}is"), "Th<U+200D>is");
        assert_eq!(clean("a\u{200C} b"), "a<U+200C> b");
        assert_eq!(clean("\u{FE0F}x"), "<U+FE0F>x");
        assert_eq!(clean("a \u{FE0F}"), "a <U+FE0F>");
        // A joiner at the edge of a slice is judged by the whole line.
        let line = format!("x {nurse} y");
        let at = line.find('\u{200D}').unwrap();
        assert_eq!(visible(&line, at, line.len()), "\u{200D}\u{2695}\u{FE0F} y");
    }

    /// The report and the normaliser agree on the characters that show nothing
    /// ([`decorum_text::invisible`]): each is dropped from the normalised view, so a rule
    /// reads through it, and printed as its code point, so the reader sees why the rule
    /// matched there. The documented exceptions: a joiner between two visible non-ASCII
    /// characters and a modifier after a visible character are printed as they are.
    #[test]
    fn the_report_escapes_every_character_the_normaliser_drops_as_invisible() {
        let mut checked = 0;
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let Some(kind) = invisible(c) else {
                continue;
            };
            checked += 1;
            let code = format!("<U+{:04X}>", u32::from(c));
            assert_eq!(
                decorum_draft::normalize_str(&format!("Pa{c}tient")),
                "patient",
                "{c:?}"
            );
            // Alone, or after a space, there is nothing for it to shape.
            assert_eq!(clean(&c.to_string()), code, "{c:?}");
            assert_eq!(clean(&format!("a {c}")), format!("a {code}"), "{c:?}");
            let between_letters = format!("\u{0645}{c}\u{062E}");
            let shown = match kind {
                Invisible::Standalone => format!("\u{0645}{code}\u{062E}"),
                Invisible::Joiner | Invisible::Modifier => between_letters.clone(),
            };
            assert_eq!(clean(&between_letters), shown, "{c:?}");
        }
        assert!(checked > 300, "{checked} invisible characters");
    }

    /// Renders the snippet of `range` in `text` without colour.
    fn render(text: &str, range: TextRange) -> String {
        let index = LineIndex::new(text);
        let source = Source {
            path: "d.md",
            text,
            index: &index,
        };
        let mut out = String::new();
        snippet(
            &mut out,
            Style { color: false },
            &source,
            range,
            "here",
            "error",
        );
        out
    }

    /// The carets of a snippet start at the display column where `flagged` is shown in
    /// the source line, and are as wide as it is on screen.
    fn assert_carets_under(out: &str, flagged: &str) {
        let shown = out.lines().nth(2).unwrap();
        let carets = out.lines().nth(3).unwrap();
        let at = shown
            .find(flagged)
            .unwrap_or_else(|| panic!("{flagged} in:\n{out}"));
        let caret_from = carets.find('^').unwrap();
        let caret_count = carets.matches('^').count();
        assert_eq!(
            (caret_from, caret_count),
            (shown[..at].width(), flagged.width()),
            "carets under {flagged}:\n{out}"
        );
    }

    #[test]
    fn carets_sit_under_the_flagged_text_after_invisible_characters_tabs_and_emoji() {
        let text = "\u{1F469}\u{200D}\u{2695}\u{FE0F} \u{2764}\u{FE0F} Th\u{200D}is\ttea \u{202E}cures anxiety.\n";
        let start = text.find("cures").unwrap();
        let out = render(
            text,
            TextRange::at(TextSize::from(start as u32), TextSize::from(5)),
        );
        assert_carets_under(&out, "cures");

        // A flagged invisible character is shown, and underlined as it is shown.
        let text = "rule\u{200B} r {\n";
        let out = render(text, TextRange::at(TextSize::from(4), TextSize::from(3)));
        assert_carets_under(&out, "<U+200B>");
        let text = "my\u{00A0}patient\n";
        let out = render(text, TextRange::at(TextSize::from(0), TextSize::from(11)));
        assert_carets_under(&out, "my<U+00A0>patient");
    }

    #[test]
    fn a_range_longer_than_the_window_is_cut_with_it() {
        let line = format!("ab {}cd", "not ".repeat(5_000));
        let out = render(
            &line,
            TextRange::new(TextSize::from(3), TextSize::from(20_003)),
        );
        let shown = out.lines().nth(2).unwrap();
        let carets = out.lines().nth(3).unwrap();
        assert!(
            shown.ends_with('…') && shown.chars().count() < 180,
            "{shown}"
        );
        assert!(carets.chars().count() < 180, "{carets}");
        assert_eq!(
            carets.chars().position(|c| c == '^'),
            shown.chars().position(|c| c == 'n'),
            "{out}"
        );
    }

    #[test]
    fn long_lines_are_windowed_around_the_range() {
        let line = format!("{}TARGET{}", "x".repeat(300), "y".repeat(300));
        let out = render(&line, TextRange::at(TextSize::from(300), TextSize::from(6)));
        let shown = out.lines().nth(2).unwrap();
        assert!(
            shown.contains("…") && shown.contains("TARGET") && shown.chars().count() < 180,
            "{shown}"
        );
        let carets = out.lines().nth(3).unwrap();
        let caret_col = carets.chars().position(|c| c == '^').unwrap();
        let target_col = shown.chars().position(|c| c == 'T').unwrap();
        assert_eq!(
            caret_col, target_col,
            "carets sit under the flagged text:\n{out}"
        );
    }
}
