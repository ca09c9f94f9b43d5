//! Negation cues: "there is no cure" is not a cure claim.
//!
//! A match of a set marked `unless negated` is dropped when a negation word comes shortly
//! before it in the same sentence and no clause boundary (a comma, `but`, a dash)
//! separates them. The window is deliberately short: "no side effects" and "no vaccine is
//! 100% effective" are negated; "No worries, this tea cures anxiety" is not.

use decorum_draft::{Draft, Post};
use decorum_text::TextRange;

/// How many words before a match a negation cue may stand.
const WINDOW: usize = 4;

/// Words that negate what follows (English and Spanish).
const CUES: &[&str] = &[
    "no",
    "not",
    "never",
    "without",
    "nothing",
    "none",
    "nor",
    "neither",
    "cannot",
    "can't",
    "cant",
    "won't",
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "shouldn't",
    "wouldn't",
    "couldn't",
    "hasn't",
    "haven't",
    "hardly",
    "zero",
    "nunca",
    "sin",
    "ningún",
    "ninguna",
    "ninguno",
    "tampoco",
    "jamás",
    "ni",
];

/// Words that end the clause a cue belongs to. Not "and": "no side effects and no
/// downtime", "we don't promise miracles and cures" coordinate what the cue negates.
const BREAKERS: &[&str] = &[
    "but",
    "however",
    "although",
    "though",
    "yet",
    "pero",
    "sin embargo",
    "aunque",
];

/// True when the match at `range` is negated by a cue before it in its sentence.
pub(crate) fn is_negated(draft: &Draft, post: &Post, range: TextRange) -> bool {
    let sentences = &post.sentences;
    let i = sentences.partition_point(|s| s.end() <= range.start());
    let start = sentences
        .get(i)
        .filter(|s| s.start() <= range.start())
        .map(|s| s.start())
        .unwrap_or(post.body.start());
    let before = TextRange::new(start, range.start().max(start));
    let text = decorum_text::slice(&draft.prose, before);
    // Only the clause the match is in: cut at the last boundary.
    let clause_start = text
        .char_indices()
        .rev()
        .find(|(_, c)| [',', ';', ':', '—', '–', '(', ')', '!', '?'].contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let clause = &text[clause_start..];
    let words: Vec<String> = clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    // The last WINDOW words, nearest first; each with the word after it.
    let mut window: Vec<(&str, Option<&str>)> = words
        .iter()
        .enumerate()
        .rev()
        .take(WINDOW)
        .map(|(k, w)| (w.as_str(), words.get(k + 1).map(String::as_str)))
        .collect();
    if let Some(b) = window.iter().position(|(w, _)| BREAKERS.contains(w)) {
        window.truncate(b);
    }
    window
        .iter()
        .any(|(w, next)| CUES.contains(w) && !next.is_some_and(|n| NOT_NEGATING.contains(&n)))
}

/// Words that turn a cue into an addition: "not just weight loss", "no solo la piel".
const NOT_NEGATING: &[&str] = &[
    "just",
    "only",
    "merely",
    "simply",
    "solo",
    "sólo",
    "solamente",
];
