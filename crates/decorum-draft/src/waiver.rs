//! HTML comments in drafts, and the waivers written in them.
//!
//! ```text
//! <!-- decorum-allow hc.privacy.client-story: written consent on file, ref 2291 -->
//! <!-- decorum-allow-file hc.platform.hashtags, hc.tone.venting: campaign CMP-112 -->
//! ```
//!
//! `decorum-allow` waives the listed rules for the next block (paragraph, heading, list
//! item; above a table, the whole table; inside one, the next row) that starts after the
//! comment in the same post; `decorum-allow-file`
//! waives them for the whole file. Rule ids are dotted names of letters, digits, `.`, `-`
//! and `_`, separated by commas. The reason follows the first `:`; a missing or blank
//! reason is kept as `None` for the engine to report. A comment that starts with
//! `decorum-` but does not follow this syntax becomes a [`crate::DraftProblem`].

use std::ops::Range;

use memchr::memmem;

use crate::{DraftProblem, DraftProblemKind, TextRange, range_of};

/// A waiver comment in a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The whole comment, `<!--` to `-->`.
    pub range: TextRange,
    /// The waived rule ids, each with its range.
    pub rules: Vec<(String, TextRange)>,
    /// The reason after `:`, trimmed, with its range; `None` when missing or blank.
    pub reason: Option<(String, TextRange)>,
    /// What the waiver covers.
    pub scope: WaiverScope,
}

/// What a waiver covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaiverScope {
    /// The next block after the comment (the range of that paragraph, heading or list
    /// item; of a whole table when the comment is above it), or an empty range at the
    /// comment's end when no block follows in the same post.
    NextBlock(TextRange),
    /// The whole file.
    File,
}

/// Finds the end of the comment opening at `open` (`<!--`), looking no further than
/// `limit`. `<!-->` and `<!--->` are (empty) comments, as in HTML.
fn comment_end(bytes: &[u8], open: usize, limit: usize) -> Option<usize> {
    let body = open + 4;
    let rest = bytes.get(body..limit)?;
    if rest.starts_with(b">") {
        return Some(body + 1);
    }
    if rest.starts_with(b"->") {
        return Some(body + 2);
    }
    memmem::find(rest, b"-->").map(|i| body + i + 3)
}

/// Appends the terminated comments within `range` to `out`.
pub(crate) fn find_comments(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let limit = range.end.min(bytes.len());
    let mut at = range.start;
    while at < limit {
        let Some(hay) = bytes.get(at..limit) else {
            break;
        };
        let Some(i) = memmem::find(hay, b"<!--") else {
            break;
        };
        let open = at + i;
        match comment_end(bytes, open, limit) {
            Some(end) => {
                out.push(open..end);
                at = end;
            }
            None => break,
        }
    }
}

/// True when something besides whitespace, further comments (among `comments`, in order)
/// and a table's `|` follows the comment ending at `end` on its line (a line of `text`
/// that ends no later than `limit`). A waiver must end its line: text after it would be
/// the block it covers, and a reason that holds `-->` is cut there, the rest left as
/// text after the comment.
pub(crate) fn text_after(text: &str, end: usize, limit: usize, comments: &[Range<usize>]) -> bool {
    let line_end = crate::lines::line_end(text, end, limit);
    let mut at = end;
    let mut next_comment = comments.partition_point(|c| c.start < end);
    while at < line_end {
        let Some(rest) = text.get(at..line_end) else {
            return false;
        };
        if let Some(comment) = comments.get(next_comment).filter(|c| c.start == at) {
            at = comment.end;
            next_comment += 1;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            return false;
        };
        if !(c == '|' || crate::lines::shows_nothing(c)) {
            return true;
        }
        at += c.len_utf8();
    }
    false
}

/// The problem with a waiver (the comment `comment`, for the whole file when `file`) that
/// text follows on its line (see [`text_after`]): it is not a waiver.
pub(crate) fn text_after_problem(comment: Range<usize>, file: bool) -> DraftProblem {
    let covers = if file {
        ""
    } else {
        " (it would cover that text, not the next block)"
    };
    DraftProblem {
        kind: DraftProblemKind::Waiver,
        message: format!(
            "text follows this waiver on its line, so the waiver has no effect{covers}; end the line after its `-->` and start the text on the next line (a reason cannot hold `-->`: the first one ends the comment)"
        ),
        range: range_of(comment),
        point: None,
    }
}

/// What a comment says to Decorum.
pub(crate) enum Directive {
    /// Not addressed to Decorum.
    None,
    /// A waiver; `file` for `decorum-allow-file`.
    Waiver {
        file: bool,
        rules: Vec<(String, TextRange)>,
        reason: Option<(String, TextRange)>,
    },
    /// Addressed to Decorum but malformed.
    Problem(DraftProblem),
}

const SYNTAX: &str = "a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file";

fn is_rule_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// Trims `s` (a slice of the text starting at `at`), returning it and its range.
fn trimmed(s: &str, at: usize) -> (&str, Range<usize>) {
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (t, at + lead..at + lead + t.len())
}

/// The problem with a comment on a line of its own whose content `word` is one word
/// starting with `p` one letter away from `post` (`posts`, `psot`, `pots`): a calendar's
/// separator mistyped, which would silently leave the posts around it one post (and a
/// batch rule counting too few). Comments of other words are the writer's own notes.
fn mistyped_separator(text: &str, word: &str, comment: &Range<usize>) -> Option<DraftProblem> {
    let one_word = word.bytes().all(|b| b.is_ascii_alphanumeric());
    if word.len() > "post".len() + 1 || !one_word || !word.starts_with(['p', 'P']) {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    if !crate::one_edit_apart(&lower, "post") {
        return None;
    }
    let before = text.get(..comment.start)?;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let after = text.get(comment.end..)?;
    let line_end = after.find(['\n', '\r']).unwrap_or(after.len());
    let alone = |s: &str| s.trim_matches([' ', '\t']).is_empty();
    if !alone(&before[line_start..]) || !alone(&after[..line_end]) {
        return None;
    }
    Some(DraftProblem {
        kind: DraftProblemKind::Separator,
        message: format!(
            "`<!-- {word} -->` is not a post separator, so the text around it stays one post; write `<!-- post -->` (or `<!-- post: label -->`) on a line of its own to start the next post of a calendar"
        ),
        range: range_of(comment.clone()),
        point: None,
    })
}

/// Reads the comment `comment` (`<!--` to `-->`) of `text`.
pub(crate) fn directive(text: &str, comment: Range<usize>) -> Directive {
    let inner_start = comment.start + 4;
    let inner_end = comment.end.saturating_sub(3).max(inner_start);
    let Some(inner) = text.get(inner_start..inner_end) else {
        return Directive::None;
    };
    let lead = inner.len() - inner.trim_start().len();
    let body = &inner[lead..];
    if let Some(problem) = mistyped_separator(text, body.trim_end(), &comment) {
        return Directive::Problem(problem);
    }
    // `DECORUM-ALLOW` is read as `decorum-allow`: ignoring it would leave the writer
    // believing the rule is waived.
    if !body
        .get(.."decorum-".len())
        .is_some_and(|p| p.eq_ignore_ascii_case("decorum-"))
    {
        return Directive::None;
    }
    let problem = |message: String| {
        Directive::Problem(DraftProblem {
            kind: DraftProblemKind::Waiver,
            message,
            range: range_of(comment.clone()),
            point: None,
        })
    };
    let word_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(body.len());
    let word = &body[..word_len];
    let file = match word.to_ascii_lowercase().as_str() {
        "decorum-allow" => false,
        "decorum-allow-file" => true,
        _ => {
            return problem(format!("`{word}` is not a Decorum directive; {SYNTAX}"));
        }
    };
    let after_word = &body[word_len..];
    let after_at = inner_start + lead + word_len;
    if !after_word.is_empty() && !after_word.starts_with(|c: char| c.is_whitespace() || c == ':') {
        return problem(format!(
            "`{word}` must be followed by a space and the rules to waive; {SYNTAX}"
        ));
    }
    let (rules_part, reason_part) = match after_word.find(':') {
        Some(colon) => (
            &after_word[..colon],
            Some((&after_word[colon + 1..], after_at + colon + 1)),
        ),
        None => (after_word, None),
    };
    let mut rules = Vec::new();
    let mut piece_at = after_at;
    for piece in rules_part.split(',') {
        let (rule, range) = trimmed(piece, piece_at);
        piece_at += piece.len() + 1;
        if rule.is_empty() {
            continue;
        }
        if !rule.chars().all(is_rule_char) {
            return problem(format!(
                "`{rule}` is not a rule id (rule ids are made of letters, digits, `.`, `-` and `_`, and several are separated by commas); {SYNTAX}"
            ));
        }
        rules.push((rule.to_owned(), range_of(range)));
    }
    if rules.is_empty() {
        return problem(format!("this waiver names no rule; {SYNTAX}"));
    }
    let reason = reason_part.and_then(|(s, at)| {
        let (reason, range) = trimmed(s, at);
        (!reason.is_empty()).then(|| (reason.to_owned(), range_of(range)))
    });
    Directive::Waiver {
        file,
        rules,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(comment: &str) -> String {
        let mut found = Vec::new();
        find_comments(comment, 0..comment.len(), &mut found);
        let Some(range) = found.first().cloned() else {
            return "no comment".to_owned();
        };
        match directive(comment, range) {
            Directive::None => "not a directive".to_owned(),
            Directive::Problem(p) => format!("problem: {}", p.message),
            Directive::Waiver {
                file,
                rules,
                reason,
            } => {
                let rules: Vec<String> = rules
                    .iter()
                    .map(|(r, range)| {
                        assert_eq!(&comment[std::ops::Range::<usize>::from(*range)], r);
                        r.clone()
                    })
                    .collect();
                let reason = reason.map(|(r, range)| {
                    assert_eq!(&comment[std::ops::Range::<usize>::from(range)], r);
                    r
                });
                format!("file={file} rules={rules:?} reason={reason:?}")
            }
        }
    }

    #[test]
    fn waiver_syntax() {
        expect_test::expect![[r#"
            file=false rules=["hc.privacy.client-story"] reason=Some("written consent on file, ref 2291")
            file=true rules=["a.b", "c_d-e"] reason=Some("campaign: CMP-112")
            file=false rules=["x"] reason=None
            file=false rules=["x"] reason=None
            problem: `decorum-alow` is not a Decorum directive; a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file
            file=false rules=["x"] reason=Some("shouted")
            problem: this waiver names no rule; a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file
            problem: `a b` is not a rule id (rule ids are made of letters, digits, `.`, `-` and `_`, and several are separated by commas); a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file
            not a directive
            no comment
            not a directive"#]]
        .assert_eq(
            &[
                "<!-- decorum-allow hc.privacy.client-story: written consent on file, ref 2291 -->",
                "<!--decorum-allow-file a.b ,c_d-e: campaign: CMP-112-->",
                "<!-- decorum-allow x -->",
                "<!-- decorum-allow x:   -->",
                "<!-- decorum-alow x: y -->",
                "<!-- DECORUM-ALLOW x: shouted -->",
                "<!-- decorum-allow : reason -->",
                "<!-- decorum-allow a b: reason -->",
                "<!-- just a note -->",
                "<!-- decorum-allow x: never closed",
                "<!---->",
            ]
            .map(show)
            .join("\n"),
        );
    }

    /// A one-word comment one letter away from `post`, alone on its line, is a calendar
    /// separator mistyped; other words, and a comment beside text, are notes.
    #[test]
    fn mistyped_separators() {
        expect_test::expect![[r#"
            problem: `<!-- posts -->` is not a post separator, so the text around it stays one post; write `<!-- post -->` (or `<!-- post: label -->`) on a line of its own to start the next post of a calendar
            problem: `<!-- PSOT -->` is not a post separator, so the text around it stays one post; write `<!-- post -->` (or `<!-- post: label -->`) on a line of its own to start the next post of a calendar
            problem: `<!-- pst -->` is not a post separator, so the text around it stays one post; write `<!-- post -->` (or `<!-- post: label -->`) on a line of its own to start the next post of a calendar
            not a directive
            not a directive
            not a directive
            not a directive
            not a directive
            not a directive"#]]
        .assert_eq(
            &[
                "<!-- posts -->",
                "  <!--PSOT-->\t",
                "<!-- pst -->",
                "<!-- post it on Monday -->",
                "<!-- most -->",
                "<!-- postpone -->",
                "Text <!-- posts -->",
                "<!-- pösts -->",
                "<!-- p st -->",
            ]
            .map(show)
            .join("\n"),
        );
    }
}
