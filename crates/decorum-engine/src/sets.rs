//! Term sets and the one-pass matcher.
//!
//! Every term of every active set becomes a [`Pattern`]; sets are small trees over
//! pattern lists ([`SetNode`]). At the end of compilation all phrases go into one
//! Aho-Corasick automaton over the draft's normalised view, masked phrases into one
//! `RegexSet` over the same view, and regexes into one `RegexSet` over the prose view
//! (original case). [`Matcher::scan`] runs them once per draft and returns a
//! [`MatchIndex`]; rules are evaluated over that index.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use decorum_draft::Draft;
use decorum_text::{TextRange, TextSize};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// Index of a set node in [`SetArena`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SetId(pub(crate) u32);

/// A node of a term-set tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SetNode {
    /// Matches of these patterns.
    Leaf(Vec<u32>),
    /// Matches of any child.
    Union(Vec<SetId>),
    /// Matches of the first set that overlap no match of the second.
    Diff(SetId, SetId),
    /// Matches of the set that no nearby negation cancels.
    Unnegated(SetId),
}

/// One term.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    pub(crate) kind: PatternKind,
    /// The suggested wording for `fix replace`.
    pub(crate) replacement: Option<String>,
}

/// How a term matches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PatternKind {
    /// A normalised phrase on whole words; `exact` holds the phrase as written when it
    /// must also match case-sensitively.
    Phrase { norm: String, exact: Option<String> },
    /// A normalised phrase that also matches with letters masked (`f*ck`, `sh!t`).
    Masked { norm: String },
    /// A regex with its flags, matched on the prose view.
    Regex { source: String, flags: String },
}

/// All sets and patterns of a policy set.
#[derive(Debug, Clone, Default)]
pub(crate) struct SetArena {
    pub(crate) nodes: Vec<SetNode>,
    pub(crate) patterns: Vec<Pattern>,
}

impl SetArena {
    pub(crate) fn add_node(&mut self, node: SetNode) -> SetId {
        self.nodes.push(node);
        SetId((self.nodes.len() - 1) as u32)
    }

    pub(crate) fn add_pattern(&mut self, pattern: Pattern) -> u32 {
        self.patterns.push(pattern);
        (self.patterns.len() - 1) as u32
    }

    pub(crate) fn node(&self, id: SetId) -> &SetNode {
        &self.nodes[id.0 as usize]
    }

    /// The patterns whose matches can make the set non-empty (the positive side).
    pub(crate) fn positive_patterns(&self, id: SetId, out: &mut Vec<u32>) {
        let mut stack = vec![id];
        let mut seen = std::collections::HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            match self.node(id) {
                SetNode::Leaf(p) => out.extend_from_slice(p),
                SetNode::Union(children) => stack.extend(children.iter().copied()),
                SetNode::Diff(a, _) | SetNode::Unnegated(a) => stack.push(*a),
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// True when some term of the set (positive side) has a suggested replacement.
    pub(crate) fn has_replacements(&self, id: SetId) -> bool {
        let mut pats = Vec::new();
        self.positive_patterns(id, &mut pats);
        pats.iter()
            .any(|&p| self.patterns[p as usize].replacement.is_some())
    }
}

/// The compiled automata.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    phrases: Option<AhoCorasick>,
    /// For each automaton pattern, the phrase patterns sharing its text.
    phrase_patterns: Vec<Vec<u32>>,
    masked: Option<(RegexSet, Vec<(Regex, u32)>)>,
    /// Regexes, each run on its own: a `RegexSet` would have to use the slow overlapping
    /// engine for every one of them whenever any uses a Unicode word boundary.
    regexes: Vec<(Regex, u32)>,
    /// For each automaton pattern that is a regex trigger, the regexes it wakes up.
    /// A regex with triggers only runs on drafts where one of its literal prefixes
    /// occurs (in the normalised view, a necessary condition); others always run.
    trigger_slots: Vec<Vec<u32>>,
    /// Regexes without usable literal prefixes: they run on every draft.
    untriggered: Vec<u32>,
    exact: Vec<Option<String>>,
    /// Patterns whose first / last character is a word character, so that a match must
    /// not continue a word on that side.
    bounded: Vec<(bool, bool)>,
}

/// Letters that masking may replace, with their look-alikes.
fn mask_class(c: char) -> Option<&'static str> {
    Some(match c {
        'a' => "a4@*#%!._-",
        'b' => "b8*#",
        'c' => "c*#(",
        'e' => "e3*#%!._-",
        'g' => "g9*#",
        'i' => "i1!|*#%._-",
        'l' => "l1|*#",
        'o' => "o0*#%._-",
        's' => "s5$*#",
        't' => "t7+*#",
        'u' => "uv*#%!._-",
        _ => return None,
    })
}

/// The regex for a masked phrase: every letter after the first may be repeated or
/// replaced by masking characters.
pub(crate) fn masked_regex(norm: &str) -> String {
    let mut out = String::new();
    for (i, c) in norm.chars().enumerate() {
        if c.is_whitespace() {
            out.push_str(r"\s+");
            continue;
        }
        if i == 0 {
            out.push_str(&regex::escape(&c.to_string()));
            continue;
        }
        let class = match mask_class(c) {
            Some(extra) => extra.to_string(),
            None if c.is_alphabetic() => format!("{c}*#"),
            None => {
                out.push_str(&regex::escape(&c.to_string()));
                continue;
            }
        };
        out.push('[');
        for m in class.chars() {
            out.push_str(&regex::escape(&m.to_string()));
        }
        out.push_str("]+");
    }
    out
}

/// Builds a regex for a user pattern with its flags.
pub(crate) fn build_regex(source: &str, flags: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'))
        .size_limit(1 << 22)
        .build()
}

/// Normalised literal prefixes of a regex, when every match must start with one of a
/// few literals of at least two characters; `None` when the regex must always run.
fn trigger_literals(source: &str, flags: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    // Parsed case-sensitively: the normalised view is lower case, so the lower-cased
    // literals are a necessary condition for the case-insensitive regex too.
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'))
        .build()
        .parse(source)
        .ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 64 {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for lit in literals {
        let text = std::str::from_utf8(lit.as_bytes()).ok()?;
        let norm = decorum_draft::normalize_str(text);
        if norm.chars().count() < 2 {
            return None;
        }
        if !out.contains(&norm) {
            out.push(norm);
        }
    }
    Some(out)
}

impl Matcher {
    /// Compiles the automata for all patterns. Patterns were validated one by one during
    /// compilation, so an error here means the combined automaton is too large.
    pub(crate) fn build(arena: &SetArena) -> Result<Matcher, String> {
        let mut phrase_texts: Vec<String> = Vec::new();
        let mut phrase_patterns: Vec<Vec<u32>> = Vec::new();
        let mut by_text = std::collections::HashMap::new();
        let mut masked_sources = Vec::new();
        let mut masked = Vec::new();
        let mut regexes = Vec::new();
        let mut trigger_slots: Vec<Vec<u32>> = Vec::new();
        let mut untriggered = Vec::new();
        let mut exact = Vec::with_capacity(arena.patterns.len());
        let mut bounded = Vec::with_capacity(arena.patterns.len());
        for (id, pattern) in arena.patterns.iter().enumerate() {
            let id = id as u32;
            let word = |c: Option<char>| c.is_some_and(is_word_char);
            match &pattern.kind {
                PatternKind::Phrase { norm, exact: e } => {
                    let slot = *by_text.entry(norm.clone()).or_insert_with(|| {
                        phrase_texts.push(norm.clone());
                        phrase_patterns.push(Vec::new());
                        phrase_texts.len() - 1
                    });
                    phrase_patterns[slot].push(id);
                    exact.push(e.clone());
                    bounded.push((word(norm.chars().next()), word(norm.chars().last())));
                }
                PatternKind::Masked { norm } => {
                    let source = masked_regex(norm);
                    let re = Regex::new(&source).map_err(|e| e.to_string())?;
                    masked_sources.push(source);
                    masked.push((re, id));
                    exact.push(None);
                    bounded.push((word(norm.chars().next()), word(norm.chars().last())));
                }
                PatternKind::Regex { source, flags } => {
                    let re = build_regex(source, flags).map_err(|e| e.to_string())?;
                    let index = regexes.len() as u32;
                    match trigger_literals(source, flags) {
                        Some(literals) => {
                            for literal in literals {
                                let slot = *by_text.entry(literal.clone()).or_insert_with(|| {
                                    phrase_texts.push(literal.clone());
                                    phrase_patterns.push(Vec::new());
                                    phrase_texts.len() - 1
                                });
                                if trigger_slots.len() <= slot {
                                    trigger_slots.resize(slot + 1, Vec::new());
                                }
                                trigger_slots[slot].push(index);
                            }
                        }
                        None => untriggered.push(index),
                    }
                    regexes.push((re, id));
                    exact.push(None);
                    bounded.push((false, false));
                }
            }
        }
        let phrases = if phrase_texts.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    // A full DFA searches fastest; its memory grows with the patterns, so
                    // very large policy sets fall back to the automatic choice.
                    .kind((phrase_texts.len() <= 1_000).then_some(AhoCorasickKind::DFA))
                    .build(&phrase_texts)
                    .map_err(|e| e.to_string())?,
            )
        };
        let set = |sources: &[String]| -> Result<Option<RegexSet>, String> {
            if sources.is_empty() {
                return Ok(None);
            }
            RegexSetBuilder::new(sources)
                .size_limit(1 << 26)
                .build()
                .map(Some)
                .map_err(|e| e.to_string())
        };
        let masked = set(&masked_sources)?.map(|s| (s, masked));
        trigger_slots.resize(phrase_texts.len(), Vec::new());
        Ok(Matcher {
            phrases,
            phrase_patterns,
            masked,
            regexes,
            trigger_slots,
            untriggered,
            exact,
            bounded,
        })
    }

    /// Finds every match of every pattern in the draft's prose.
    pub(crate) fn scan(&self, draft: &Draft) -> MatchIndex {
        let norm = &draft.normalized;
        let text = norm.text.as_str();
        let mut found: Vec<(u32, TextRange)> = Vec::new();
        let to_range = |s: usize, e: usize| TextRange::new(size(s), size(e));

        let mut woken: Vec<bool> = vec![false; self.regexes.len()];
        if let Some(ac) = &self.phrases {
            for m in ac.find_overlapping_iter(text) {
                let (s, e) = (m.start(), m.end());
                let slot = m.pattern().as_usize();
                for &r in &self.trigger_slots[slot] {
                    woken[r as usize] = true;
                }
                for &pid in &self.phrase_patterns[slot] {
                    if !self.word_bounded(pid, text, s, e) {
                        continue;
                    }
                    let original = draft.original_range(to_range(s, e));
                    if let Some(exact) = &self.exact[pid as usize]
                        && decorum_text::slice(&draft.text, original) != exact
                    {
                        continue;
                    }
                    found.push((pid, original));
                }
            }
        }
        if let Some((set, regexes)) = &self.masked {
            for i in set.matches(text).iter() {
                let (re, pid) = &regexes[i];
                for m in re.find_iter(text) {
                    if self.word_bounded(*pid, text, m.start(), m.end()) {
                        found.push((*pid, draft.original_range(to_range(m.start(), m.end()))));
                    }
                }
            }
        }
        for &r in &self.untriggered {
            woken[r as usize] = true;
        }
        if !self.regexes.is_empty() {
            let prose = draft.prose.as_str();
            for (re, pid) in self
                .regexes
                .iter()
                .zip(&woken)
                .filter(|(_, w)| **w)
                .map(|(r, _)| r)
            {
                for m in re.find_iter(prose) {
                    if m.start() < m.end() {
                        found.push((*pid, to_range(m.start(), m.end())));
                    }
                }
            }
        }
        MatchIndex::new(found, self.exact.len())
    }

    fn word_bounded(&self, pid: u32, text: &str, start: usize, end: usize) -> bool {
        let (check_start, check_end) = self.bounded[pid as usize];
        if check_start && text[..start].chars().next_back().is_some_and(is_word_char) {
            return false;
        }
        if check_end && text[end..].chars().next().is_some_and(is_word_char) {
            return false;
        }
        true
    }
}

/// Letters, digits and the underscore: what a whole-word match must not continue into.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

/// Every match in a draft, by pattern and by position.
#[derive(Debug, Clone, Default)]
pub(crate) struct MatchIndex {
    /// Matches sorted by (pattern, start, end).
    by_pattern: Vec<(u32, TextRange)>,
    /// For each pattern, its slice of `by_pattern`.
    bounds: Vec<(u32, u32)>,
    /// Matches sorted by (start, pattern).
    by_position: Vec<(TextRange, u32)>,
}

impl MatchIndex {
    fn new(mut found: Vec<(u32, TextRange)>, patterns: usize) -> MatchIndex {
        found.sort_unstable_by_key(|(p, r)| (*p, r.start(), r.end()));
        found.dedup();
        let mut bounds = vec![(0u32, 0u32); patterns];
        let mut i = 0;
        while i < found.len() {
            let p = found[i].0;
            let start = i;
            while i < found.len() && found[i].0 == p {
                i += 1;
            }
            if let Some(b) = bounds.get_mut(p as usize) {
                *b = (start as u32, i as u32);
            }
        }
        let mut by_position: Vec<(TextRange, u32)> = found.iter().map(|(p, r)| (*r, *p)).collect();
        by_position.sort_unstable_by_key(|(r, p)| (r.start(), *p));
        MatchIndex {
            by_pattern: found,
            bounds,
            by_position,
        }
    }

    /// Matches of one pattern inside `within`, in order.
    pub(crate) fn of_pattern(&self, pattern: u32, within: TextRange) -> &[(u32, TextRange)] {
        let Some(&(s, e)) = self.bounds.get(pattern as usize) else {
            return &[];
        };
        let slice = &self.by_pattern[s as usize..e as usize];
        let lo = slice.partition_point(|(_, r)| r.start() < within.start());
        let hi = slice.partition_point(|(_, r)| r.start() < within.end());
        let slice = &slice[lo..hi.max(lo)];
        // Matches starting inside but ending outside are excluded by the caller's
        // containment check; the slice is already small.
        slice
    }

    /// All matches starting inside `within`, in order of position.
    pub(crate) fn in_range(&self, within: TextRange) -> &[(TextRange, u32)] {
        let lo = self
            .by_position
            .partition_point(|(r, _)| r.start() < within.start());
        let hi = self
            .by_position
            .partition_point(|(r, _)| r.start() < within.end());
        &self.by_position[lo..hi.max(lo)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_regex_shapes() {
        let re = Regex::new(&format!("^{}$", masked_regex("fuck"))).unwrap();
        for yes in ["fuck", "f*ck", "f**k", "fu#k", "f***"] {
            assert!(re.is_match(yes), "{yes}");
        }
        for no in ["*uck", "duck", "fu"] {
            assert!(!re.is_match(no), "{no}");
        }
        let re = Regex::new(&format!("^{}$", masked_regex("shit"))).unwrap();
        assert!(re.is_match("sh!t"));
        assert!(re.is_match("sh1t"));
        assert!(!re.is_match("$hit"), "the first letter stays");
    }
}
