//! Negation cues: "there is no cure" is not a cure claim.
//!
//! A match of a set marked `unless negated` is dropped when a negation word comes shortly
//! before it in the same sentence and no clause boundary (a comma, `but`, a dash)
//! separates them. The window is deliberately short: "no side effects" and "no vaccine is
//! 100% effective" are negated; "No worries, this tea cures anxiety" is not. An `and`
//! ends the reach of a `no` or `zero` unless another negation follows it: "No waiting and
//! guaranteed results" makes a second claim, "no pain and no downtime" negates both. It
//! also ends the reach of a cue that takes a bare verb (`didn't`, `couldn't`) when a
//! past-tense verb follows it: "I couldn't sleep and googled him" did the second thing.

use std::borrow::Cow;

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
    "nobody",
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
    "nadie",
    "ni",
];

/// Words that end the clause a cue belongs to. Not "and": "no side effects and no
/// downtime", "we don't promise miracles and cures" coordinate what the cue negates (but
/// see [`PHRASE_CUES`]).
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

/// Cues that negate the noun phrase right after them, not a verb: an `and` after that
/// phrase starts a new one, a claim of its own ("No waiting and guaranteed results!"),
/// unless a cue follows the `and` too ("no pain and no downtime"). A verb's negation
/// still reaches over `and` ("we don't promise miracles and cures"). Spanish `no` is a
/// verb's ("no mezcles alcohol y antibióticos"), and `y` is left alone.
const PHRASE_CUES: &[&str] = &["no", "zero"];

/// The coordinating word after which a [`PHRASE_CUES`] cue's phrase ends.
const AND: &str = "and";

/// Cues that take a bare verb ("didn't sleep", "can't resist"). A past-tense verb after
/// an `and` cannot be theirs, so it starts a clause of its own ("I couldn't sleep and
/// googled him"), while a bare verb stays under the cue ("don't google and stalk
/// clients"). `never`, `not` and the forms of `be` and `have` take a past form too ("never
/// promised and delivered", "wasn't admitted and discharged"), and keep their reach.
const BARE_VERB_CUES: &[&str] = &[
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "didn't",
    "can't",
    "cant",
    "cannot",
    "couldn't",
    "won't",
    "wouldn't",
    "shouldn't",
];

/// Whether a folded word reads as a past-tense verb: it ends in `ed`, but not in `eed`
/// (a bare "need", "proceed", or "guaranteed" as an adjective, "no pain and guaranteed
/// results") and is longer than "bed" or "red".
fn is_past_tense(word: &str) -> bool {
    word.len() >= 5 && word.ends_with("ed") && !word.ends_with("eed")
}

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
    // Only the last WINDOW words and what lies between them can matter: the text is cut
    // at the start of the WINDOW-th word from its end, so that a long sentence without
    // punctuation (an archive exported as one line) costs a few words per match, not the
    // whole sentence. A boundary before the cut would leave the same last words.
    let word_char = |c: char| c.is_alphanumeric() || c == '\'' || c == '’';
    let (mut words, mut in_word, mut cut) = (0, false, 0);
    for (i, c) in text.char_indices().rev() {
        if word_char(c) {
            in_word = true;
        } else if in_word {
            in_word = false;
            words += 1;
            if words == WINDOW {
                cut = i + c.len_utf8();
                break;
            }
        }
    }
    let text = &text[cut..];
    // Only the clause the match is in: cut at the last boundary.
    let clause_start = text
        .char_indices()
        .rev()
        .find(|(_, c)| [',', ';', ':', '—', '–', '(', ')', '!', '?'].contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let clause = &text[clause_start..];
    // The last WINDOW words, nearest first, folded; each word's successor is the one
    // before it in this list (the nearest word has none).
    let mut window: [Cow<'_, str>; WINDOW] = Default::default();
    let mut len = 0;
    for word in clause
        .rsplit(|c: char| !word_char(c))
        .filter(|w| !w.is_empty())
        .take(WINDOW)
    {
        window[len] = fold(word);
        len += 1;
    }
    // Whether an `and` between a cue and the match starts a new phrase: no cue follows
    // it (the word after the nearest `and` is the match's own first word).
    // Whether an `and` between a cue and the match comes before a past-tense verb.
    let mut new_phrase = false;
    let mut new_clause = false;
    for k in 0..len {
        let word = &*window[k];
        if BREAKERS.contains(&word) {
            return false;
        }
        let next = k.checked_sub(1).map(|n| &*window[n]);
        if word == AND {
            let after = next.map_or_else(|| first_word(&draft.prose, range), Cow::Borrowed);
            new_phrase |= !CUES.contains(&&*after);
            new_clause |= is_past_tense(&after);
            continue;
        }
        if CUES.contains(&word) && !next.is_some_and(|n| NOT_NEGATING.contains(&n)) {
            return !(new_phrase && PHRASE_CUES.contains(&word)
                || new_clause && BARE_VERB_CUES.contains(&word));
        }
    }
    false
}

/// The first word of the match at `range`, folded; empty when it starts with no word.
fn first_word(prose: &str, range: TextRange) -> Cow<'_, str> {
    let rest = decorum_text::slice(prose, range);
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map_or(rest.len(), |(i, _)| i);
    fold(&rest[..end])
}

/// A word as the cue lists spell it: lower case, `’` as `'`. Most words already are,
/// and are borrowed.
fn fold(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'\'')
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase().replace('’', "'"))
    }
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

#[cfg(test)]
mod tests {
    use decorum_draft::{DraftFormat, Metadata};

    use super::*;

    /// The first implementation: every word of the clause lower-cased into its own
    /// string, then the last WINDOW of them (and, since `and` can end a phrase cue's
    /// reach, the match's first word). `is_negated` must agree with it.
    fn reference(draft: &Draft, post: &Post, range: TextRange) -> bool {
        let sentences = &post.sentences;
        let i = sentences.partition_point(|s| s.end() <= range.start());
        let start = sentences
            .get(i)
            .filter(|s| s.start() <= range.start())
            .map(|s| s.start())
            .unwrap_or(post.body.start());
        let before = TextRange::new(start, range.start().max(start));
        let text = decorum_text::slice(&draft.prose, before);
        let clause_start = text
            .char_indices()
            .rev()
            .find(|(_, c)| [',', ';', ':', '—', '–', '(', ')', '!', '?'].contains(c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let words: Vec<String> = text[clause_start..]
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase().replace('’', "'"))
            .collect();
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
        let first: String = decorum_text::slice(&draft.prose, range)
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .next()
            .unwrap_or_default()
            .to_lowercase()
            .replace('’', "'");
        let Some(cue) = window.iter().position(|(w, next)| {
            CUES.contains(w) && !next.is_some_and(|n| NOT_NEGATING.contains(&n))
        }) else {
            return false;
        };
        let new_phrase = window[..cue]
            .iter()
            .any(|(w, next)| *w == "and" && !CUES.contains(&next.unwrap_or(&first)));
        let new_clause = window[..cue]
            .iter()
            .any(|(w, next)| *w == "and" && is_past_tense(next.unwrap_or(&first)));
        !(new_phrase && PHRASE_CUES.contains(&window[cue].0)
            || new_clause && BARE_VERB_CUES.contains(&window[cue].0))
    }

    /// Every word of `text` as a match: negated or not, as the reference says.
    fn agree(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default());
        for post in &draft.posts {
            for &word in &post.words {
                proptest::prop_assert_eq!(
                    is_negated(&draft, post, word),
                    reference(&draft, post, word),
                    "{:?} at {:?}",
                    text,
                    word
                );
            }
        }
        Ok(())
    }

    /// Whether the last word of `text` is negated.
    fn last_word_negated(text: &str) -> bool {
        let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default());
        let post = &draft.posts[0];
        let last = *post.words.last().expect("a word");
        is_negated(&draft, post, last)
    }

    /// The last words of `text` (from `from`) as a match: whether it is negated.
    fn negated_from(text: &str, from: &str) -> bool {
        let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default());
        let post = &draft.posts[0];
        let start = text.rfind(from).expect("the match is in the text");
        let end = text.trim_end_matches(['.', '!']).len();
        let range = TextRange::new((start as u32).into(), (end as u32).into());
        is_negated(&draft, post, range)
    }

    #[test]
    fn and_ends_the_reach_of_no_before_a_new_claim() {
        assert!(!negated_from(
            "No side effects and guaranteed results!",
            "guaranteed"
        ));
        assert!(!negated_from(
            "No waiting and guaranteed results!",
            "guaranteed"
        ));
        assert!(!negated_from(
            "Zero downtime and a guaranteed cure.",
            "cure"
        ));
        assert!(!negated_from("No needles and 100% effective.", "100%"));
        // `and` then another negation is one list of negated things.
        assert!(negated_from(
            "No pain and no side effects.",
            "no side effects"
        ));
        assert!(negated_from("No pain and no downtime.", "downtime"));
        assert!(negated_from(
            "There is no cure and no guarantee.",
            "guarantee"
        ));
        assert!(negated_from(
            "There is no cure and no guarantee.",
            "no guarantee"
        ));
        assert!(negated_from("No scalpels and zero downtime.", "downtime"));
        // A verb's negation reaches over `and`; `but` ends every cue's reach, as before.
        assert!(negated_from(
            "We don't promise miracles and cures.",
            "cures"
        ));
        assert!(negated_from(
            "We never promise miracles and cures.",
            "cures"
        ));
        assert!(!negated_from(
            "No needles but guaranteed results.",
            "guaranteed"
        ));
        // Without `and`, `no` still negates what follows it.
        assert!(negated_from("No guaranteed results here.", "guaranteed"));
    }

    #[test]
    fn and_before_a_past_tense_verb_ends_the_reach_of_a_bare_verb_cue() {
        assert!(!negated_from(
            "I couldn't sleep and googled my new client.",
            "googled"
        ));
        assert!(!negated_from(
            "I didn't sleep and searched her chart.",
            "searched"
        ));
        assert!(!negated_from(
            "Couldn't stop and checked her chart.",
            "checked"
        ));
        // The word after `and` when the match starts later in the clause.
        assert!(!negated_from("I can't lie and looked her up", "her up"));
        // A bare verb after `and` is still the cue's.
        assert!(negated_from("I don't google and stalk clients.", "stalk"));
        assert!(negated_from(
            "We don't promise miracles and cures.",
            "cures"
        ));
        // "-eed" and short words are not past tenses: "guaranteed" reads as an adjective.
        assert!(negated_from(
            "We don't promise miracles and guaranteed results.",
            "guaranteed"
        ));
        assert!(negated_from("Don't skip and feed them sugar.", "feed"));
        // Cues that take a past form keep their reach.
        assert!(negated_from("I never slept and googled him.", "googled"));
        assert!(negated_from(
            "She wasn't admitted and discharged the same day.",
            "discharged"
        ));
    }

    #[test]
    fn nobody_negates_what_follows() {
        assert!(last_word_negated("Nobody can guarantee"));
        assert!(last_word_negated("Nadie puede garantizar"));
        assert!(!last_word_negated("Everybody can guarantee"));
    }

    #[test]
    fn known_sentences_agree_with_the_first_implementation() {
        for text in [
            "There is no cure. This cures.",
            "Not just weight loss, it cures everything.",
            "We don't promise miracles and cures but this works.",
            "NO side effects, DON’T worry: Nunca jamás curas.",
            "İt never Cures, İ said no ÇURE.",
            // Clause breakers in any case, right after a cue: the proptest's pieces
            // rarely put one there.
            "It is not but a cure; NO, YET it works (never Though) and not However this.",
            // `and` after a phrase cue, with and without a cue after it.
            "No side effects and guaranteed results! No pain and no downtime. Zero and.",
            "We don't promise miracles and cures, NO and No AND cure and zero and no.",
            // `and` before a past tense, after a bare-verb cue and after others.
            "I couldn't sleep and googled him. Never slept and googled. Don't and cured and.",
            "Can't lie AND Searched it; no pain and guaranteed and cured results.",
        ] {
            agree(text).unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn negation_agrees_with_the_first_implementation(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "no", "No", "NOT", "never", "don’t", "Don't", "can't", "cure", "cures",
                    "zero", "And", "just", "only", "Sólo", "but", "However", "sin", "embargo", "and", "this",
                    "cured", "Googled", "need",
                    "İ", "É", "ß", " ", " ", " ", ",", ".", "!", "—", "\n", "\n\n", "3", "x",
                ]),
                0..30,
            )
        ) {
            agree(&pieces.concat())?;
        }
    }
}
