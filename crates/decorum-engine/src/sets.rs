//! Term sets and the one-pass matcher.
//!
//! Every term of every active set becomes a [`Pattern`]; sets are small trees over
//! pattern lists ([`SetNode`]). At the end of compilation all phrases go into one
//! Aho-Corasick automaton ([`PhraseAutomaton`]) over the draft's normalised view, masked
//! phrases become regexes over the same view, and regexes run over the prose view
//! (original case); one start finder per kind of regex ([`RegexStarts`]) says where
//! their matches can start. [`Matcher::scan`] runs them once per draft and returns a
//! [`MatchIndex`]; rules are evaluated over that index. No match spans a blank line
//! ([`chunks`]).

use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use decorum_draft::{Draft, MapHint};
use decorum_text::{TextRange, TextSize};
use regex::{RegexSet, RegexSetBuilder};
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, hybrid, meta};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

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
    /// Matches of the set that do not lie inside a quotation.
    Unquoted(SetId),
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
    /// For each pattern, the leaf nodes that list it: a post's matches are sorted into
    /// leaves once, rather than each leaf looking up each of its patterns (a leaf may
    /// have hundreds) in every post.
    pattern_leaves: Vec<Vec<u32>>,
}

impl SetArena {
    pub(crate) fn add_node(&mut self, node: SetNode) -> SetId {
        if let SetNode::Leaf(patterns) = &node {
            let leaf = self.nodes.len() as u32;
            for &p in patterns {
                if self.pattern_leaves.len() <= p as usize {
                    self.pattern_leaves.resize(p as usize + 1, Vec::new());
                }
                let leaves = &mut self.pattern_leaves[p as usize];
                if leaves.last() != Some(&leaf) {
                    leaves.push(leaf);
                }
            }
        }
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

    /// The leaf nodes that list `pattern`.
    pub(crate) fn leaves_of(&self, pattern: u32) -> &[u32] {
        self.pattern_leaves
            .get(pattern as usize)
            .map_or(&[], Vec::as_slice)
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
                SetNode::Diff(a, _) | SetNode::Unnegated(a) | SetNode::Unquoted(a) => {
                    stack.push(*a)
                }
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
    phrases: Option<Arc<PhraseAutomaton>>,
    /// For each automaton pattern, the phrase patterns sharing its text.
    phrase_patterns: Vec<Vec<u32>>,
    /// For each automaton pattern, [`Matcher::bounded`] of its phrases (they share their
    /// text): the hits the whole-word check rejects, two thirds of them, are rejected
    /// with one lookup in this small table, not three in larger ones.
    slot_bounds: Vec<(bool, bool)>,
    /// The literal prefixes of regexes ([`trigger_literals`]), searched only when the
    /// start finder gives up (see [`Matcher::trigger_starts`]): worked out then, on first
    /// need, since parsing every regex again for them was a sixth of compiling the std
    /// library.
    triggers: OnceLock<Arc<Triggered>>,
    masked: Option<(LazySet, Vec<(LazyRegex, u32)>)>,
    /// Whether any masked phrase can match a draft at all (see [`MaskedGate`]).
    masked_gate: MaskedGate,
    /// Where masked phrases can start in the normalised view (see [`RegexStarts`]).
    masked_starts: Option<Arc<RegexStarts>>,
    /// Regexes, each run on its own: a `RegexSet` would have to use the slow overlapping
    /// engine for every one of them whenever any uses a Unicode word boundary.
    regexes: Vec<(LazyRegex, u32)>,
    /// Where regex matches can start, so that regexes are only tried there.
    starts: Option<Arc<RegexStarts>>,
    exact: Vec<Option<String>>,
    /// Patterns whose first / last character is a word character, so that a match must
    /// not continue a word on that side.
    bounded: Vec<(bool, bool)>,
    /// Different for every build (clones share it): what a [`crate::ScanMemo`] was
    /// made with.
    pub(crate) instance: u64,
}

/// The next [`Matcher::instance`].
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// Automata still in use, by the patterns they were built from, so that compiling the
/// same patterns again shares them instead of building them again.
///
/// The language server compiles a policy file's whole import graph (the std library
/// included) on every edit of it, and most edits change no term: rebuilding the start
/// finders and the phrase automaton was most of that time. They are immutable after
/// building (the start finder's lazy DFA caches sit behind a mutex), so sharing one
/// between two compiled policy sets changes nothing but the time. Entries are weak: an
/// automaton no compiled policy set holds any more is freed as before, and its entry
/// is dropped at the next lookup.
struct Shared<K, V> {
    entries: Mutex<Vec<(K, Weak<V>)>>,
}

/// What a start finder is built from: each regex's source, flags and whether it has
/// literal prefixes; the lazy DFA cache capacity.
type StartsKey = (Vec<(String, String)>, bool, usize);

static SHARED_STARTS: Shared<StartsKey, RegexStarts> = Shared::new();
static SHARED_PHRASES: Shared<Vec<String>, PhraseAutomaton> = Shared::new();
static SHARED_TRIGGERS: Shared<Vec<String>, PhraseAutomaton> = Shared::new();
static SHARED_GATES: Shared<Vec<String>, meta::Regex> = Shared::new();

impl<K: PartialEq + Clone, V> Shared<K, V> {
    const fn new() -> Self {
        Shared {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The automaton built from `key`: one still in use, or `build`'s (a failed build
    /// is not kept).
    fn get_or_build<E>(
        &self,
        key: &K,
        build: impl FnOnce() -> Result<Option<V>, E>,
    ) -> Result<Option<Arc<V>>, E> {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(_, weak)| weak.strong_count() > 0);
            if let Some(found) = entries
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, weak)| weak.upgrade())
            {
                return Ok(Some(found));
            }
        }
        // Built outside the lock: two threads compiling the same new patterns may both
        // build them, which costs time but nothing else.
        let Some(value) = build()?.map(Arc::new) else {
            return Ok(None);
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.push((key.clone(), Arc::downgrade(&value)));
        }
        Ok(Some(value))
    }

    /// What `cell` holds, filled on first use (not when the policy is compiled) with the
    /// value built from `key`: one still in use, or `build`'s; `None` when `build` gives
    /// none.
    fn on_first_use<'c>(
        &self,
        cell: &'c OnceLock<Option<Arc<V>>>,
        key: &K,
        build: impl FnOnce() -> Option<V>,
    ) -> Option<&'c V> {
        cell.get_or_init(|| {
            match self.get_or_build(key, || Ok::<_, std::convert::Infallible>(build())) {
                Ok(value) => value,
                Err(never) => match never {},
            }
        })
        .as_deref()
    }
}

/// The start finder for these regexes (sources and flags): one still in use, or a new
/// one.
fn shared_starts(regexes: Vec<(String, String)>, fallback: bool) -> Option<Arc<RegexStarts>> {
    let key = (regexes, fallback, start_cache_capacity());
    let build = || {
        let (regexes, fallback, capacity) = &key;
        let borrowed: Vec<(&str, &str)> = regexes
            .iter()
            .map(|(s, f)| (s.as_str(), f.as_str()))
            .collect();
        Ok::<_, std::convert::Infallible>(RegexStarts::build(&borrowed, *fallback, *capacity))
    };
    match SHARED_STARTS.get_or_build(&key, build) {
        Ok(starts) => starts,
        Err(never) => match never {},
    }
}

/// The lazy DFA cache of a start finder: 16 MB, or what a test on this thread set (a
/// small cache makes the DFA give up on small drafts).
fn start_cache_capacity() -> usize {
    #[cfg(test)]
    if let Some(capacity) = tests::START_CACHE_CAPACITY.with(std::cell::Cell::get) {
        return capacity;
    }
    16 << 20
}

/// A regex for the paths that search with the `regex` crate itself, built on first use.
///
/// Normally every regex is searched through [`RegexStarts`]' anchored searchers and this
/// one is never needed: building it for each of the std library's regexes was about a
/// sixth of compiling the library, which every `decorum check` and every start of the
/// language server pays. If it cannot be built (validation compiled the same automata
/// under the same size limit, so only in theory), it finds nothing.
#[derive(Debug, Clone)]
struct LazyRegex {
    source: String,
    flags: String,
    /// Whether the source may have a group named `match` (see [`LazyRegex::reported`]).
    narrows: bool,
    built: OnceLock<Option<meta::Regex>>,
}

impl LazyRegex {
    fn new(source: &str, flags: &str) -> LazyRegex {
        LazyRegex {
            source: source.to_owned(),
            flags: flags.to_owned(),
            narrows: source.contains("<match>"),
            built: OnceLock::new(),
        }
    }

    fn get(&self) -> Option<&meta::Regex> {
        self.built
            .get_or_init(|| {
                let hir = parse_user_regex(&self.source, &self.flags).ok()?;
                meta::Regex::builder()
                    .configure(meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
                    .build_from_hir(&hir)
                    .ok()
            })
            .as_ref()
    }

    /// What a match `start..end` of this regex in `text` reports: the text of its group
    /// named `match` when it has one that holds text in this match, else the whole match
    /// (see docs/language.md, "Regexes"). Only the few regexes with such a group pay for
    /// the second, anchored search that finds the group.
    fn reported(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        if !self.narrows {
            return (start, end);
        }
        let Some(re) = self.get() else {
            return (start, end);
        };
        let Some(group) = re
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, MATCH_GROUP)
        else {
            return (start, end);
        };
        let mut captures = re.create_captures();
        let input = Input::new(text).range(start..end).anchored(Anchored::Yes);
        re.search_captures(&input, &mut captures);
        match captures.get_group(group) {
            Some(span) if span.start < span.end => (span.start, span.end),
            _ => (start, end),
        }
    }
}

/// The name of the regex group whose text a match reports: `(?<match>...)`.
const MATCH_GROUP: &str = "match";

/// The matches `find_iter` reports inside each of `chunks` of `text`, as (start, end),
/// each chunk searched on its own with the text around it as context for look-arounds;
/// none if the regex cannot be built.
fn find_all<'t>(
    re: &'t LazyRegex,
    text: &'t str,
    chunks: &'t [Range<usize>],
) -> impl Iterator<Item = (usize, usize)> + 't {
    re.get().into_iter().flat_map(move |re| {
        chunks.iter().flat_map(move |chunk| {
            re.find_iter(Input::new(text).range(chunk.clone()))
                .map(|m| (m.start(), m.end()))
        })
    })
}

/// The masked phrases' `RegexSet`, for when their start finder cannot be used; built on
/// first use like [`LazyRegex`].
#[derive(Debug, Clone)]
struct LazySet {
    sources: Vec<String>,
    built: OnceLock<Option<RegexSet>>,
}

impl LazySet {
    fn new(sources: Vec<String>) -> LazySet {
        LazySet {
            sources,
            built: OnceLock::new(),
        }
    }

    /// The indexes of the regexes with a match in `text`.
    fn matches(&self, text: &str) -> Vec<usize> {
        let set = self.built.get_or_init(|| {
            RegexSetBuilder::new(&self.sources)
                .size_limit(1 << 26)
                .build()
                .ok()
        });
        set.as_ref()
            .map(|set| set.matches(text).into_iter().collect())
            .unwrap_or_default()
    }
}

/// One forward search that tells whether any masked phrase can have a whole-word match
/// in a text, built on first use like [`LazyRegex`].
///
/// Masked phrases' regexes also match inside longer words (`hell` in `hello`, `ass` in
/// `class`), so their start finder reported candidates in nearly every draft, and finding
/// them cost a reverse search over every draft's text. Each regex of the gate is a masked
/// phrase's regex that must also start where an ASCII word does not continue (when the
/// phrase begins with an ASCII word character) and be followed by a character that is
/// not an ASCII word character, or the end (when the phrase ends with a word character).
/// Every whole-word match, as [`Matcher::word_bounded`] sees it, is such a match, so when
/// the gate finds none there is nothing to search for; when it does, the masked phrases
/// are searched as before.
#[derive(Debug, Clone)]
struct MaskedGate {
    sources: Vec<String>,
    built: OnceLock<Option<Arc<meta::Regex>>>,
}

impl MaskedGate {
    fn new(norms: &[&str]) -> MaskedGate {
        let sources = norms
            .iter()
            .map(|norm| {
                let ascii_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                let mut out = String::new();
                if norm.chars().next().is_some_and(ascii_word) {
                    out.push_str(r"(?-u:\b)");
                }
                out.push_str("(?:");
                out.push_str(&masked_regex(norm));
                out.push(')');
                if norm.chars().last().is_some_and(is_word_char) {
                    out.push_str(r"(?:[^0-9A-Za-z_]|\z)");
                }
                out
            })
            .collect();
        MaskedGate {
            sources,
            built: OnceLock::new(),
        }
    }

    /// False only when no masked phrase can have a whole-word match inside `span` of
    /// `text`; true as well when the gate could not be built or `span` does not lie on
    /// character boundaries.
    fn may_match(&self, text: &str, span: Range<usize>) -> bool {
        // About 2 ms for the std library's 54 masked phrases: shared with later compiles
        // of the same phrases (the language server compiles on every policy edit).
        // Without a prefilter: since vowels may be masked by `$`, `@`, `.`, `-` or `_`
        // as well, the masked phrases' literal prefixes are many and short, and stopping
        // at each to start the DFA there made the whole check of the benchmark corpus
        // take 32 ms instead of 29 (alternating runs); one DFA pass is cheaper.
        let gate = SHARED_GATES.on_first_use(&self.built, &self.sources, || {
            meta::Regex::builder()
                .configure(
                    meta::Config::new()
                        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                        .auto_prefilter(false),
                )
                .build_many(&self.sources)
                .ok()
        });
        // A match ending at the end of `span` is followed by the next character, which
        // the gate's last part must be able to read: the search takes it in.
        let Some(next) = text.get(span.end..).map(|rest| rest.chars().next()) else {
            return true;
        };
        let end = span.end + next.map_or(0, char::len_utf8);
        match gate {
            Some(gate) if span.start <= span.end => {
                gate.is_match(Input::new(text).range(span.start..end))
            }
            _ => true,
        }
    }
}

/// The literal prefixes of the regexes that have them ([`trigger_literals`]), and for
/// each, the regexes it starts; their automaton is built on first use.
///
/// They only serve when the start finder gives up, on text dense with near-matches:
/// searched with the phrases on every draft, short ones (`i`, `in`, `he`) made most of
/// that search's hits (about 150,000 per MB of the benchmark corpus) for nothing.
#[derive(Debug, Clone)]
struct TriggerLiterals {
    texts: Vec<String>,
    slots: Vec<Vec<u32>>,
    built: OnceLock<Option<Arc<PhraseAutomaton>>>,
}

impl TriggerLiterals {
    /// The automaton of the literals: one still in use, or a new one; `None` when there
    /// are none or it does not build. A double array, as for phrases: the literals are
    /// short (`on`, `at`, `the`) and occur every few bytes, and aho-corasick's NFA took
    /// twice as long over text dense with matches.
    fn automaton(&self) -> Option<&PhraseAutomaton> {
        SHARED_TRIGGERS.on_first_use(&self.built, &self.texts, || {
            if self.texts.is_empty() {
                return None;
            }
            PhraseAutomaton::build(&self.texts).ok().flatten()
        })
    }
}

/// What the regexes' literal prefixes say, for when the start finder gives up.
#[derive(Debug)]
struct Triggered {
    literals: TriggerLiterals,
    /// Regexes without usable literal prefixes, in order.
    untriggered: Vec<u32>,
    /// Regexes whose matches start at a Unicode word boundary ([`Triggers::word_start`]).
    word_start: Vec<bool>,
}

impl Triggered {
    /// The literal prefixes of `regexes` (source and flags, in regex order).
    fn of<'a>(regexes: impl Iterator<Item = (&'a str, &'a str)>) -> Triggered {
        let mut texts: Vec<String> = Vec::new();
        let mut slots: Vec<Vec<u32>> = Vec::new();
        let mut by_text = std::collections::HashMap::new();
        let mut untriggered = Vec::new();
        let mut word_start = Vec::new();
        for (index, (source, flags)) in regexes.enumerate() {
            let index = index as u32;
            match trigger_literals(source, flags) {
                Some(triggers) => {
                    word_start.push(triggers.word_start);
                    for literal in triggers.literals {
                        let slot = *by_text.entry(literal.clone()).or_insert_with(|| {
                            texts.push(literal.clone());
                            slots.push(Vec::new());
                            texts.len() - 1
                        });
                        slots[slot].push(index);
                    }
                }
                None => {
                    untriggered.push(index);
                    word_start.push(false);
                }
            }
        }
        Triggered {
            literals: TriggerLiterals {
                texts,
                slots,
                built: OnceLock::new(),
            },
            untriggered,
            word_start,
        }
    }
}

/// The automaton of all phrases (their normalised texts, each once), searched for every
/// occurrence, overlapping ones included.
///
/// A double-array Aho-Corasick automaton (daachorse) makes one array lookup per byte,
/// plus failure links; for the std library's ~3,900 phrases its table takes 300 KB.
/// The phrase search took 57 million instructions per MB of the benchmark corpus with
/// it, against 97 million with aho-corasick's contiguous NFA (420 KB), whose sparse
/// states are searched transition by transition; aho-corasick's full DFA took 10 MB for
/// those phrases and missed the cache (docs/performance.md). Phrase sets daachorse
/// refuses (an automaton over its size limits) take aho-corasick.
#[derive(Clone)]
enum PhraseAutomaton {
    DoubleArray(daachorse::DoubleArrayAhoCorasick<u32>),
    /// A double array whose short phrases are found at word ends only (see
    /// [`WordEnds`]).
    WordEnds(daachorse::DoubleArrayAhoCorasick<u32>, WordEnds),
    Nfa(AhoCorasick),
}

/// How [`PhraseAutomaton::build_phrases`] finds short phrases (of at most
/// [`SHORT_PHRASE_BYTES`] bytes, ending with a word character) only where no word
/// character follows them.
///
/// Such a phrase must stand on whole words, but as a plain pattern the automaton reports
/// it inside every longer word: the single letter `i` made about 44,000 hits per MB of
/// the benchmark corpus, none of them a match, and the two-letter ones (`he`, `me`, `we`)
/// 37,000 more. Each short text is put in the automaton once before every byte that can
/// start a character other than a word character (an ASCII byte that is not a letter,
/// digit or `_`, or a UTF-8 lead byte), and a hit of that pattern is reported one byte
/// short. Few words end in these texts, where many begin with them or hold them. Only a
/// hit at the very end of the searched span has no byte after it in the search; those
/// are looked for apart ([`WordEnds::short`]).
///
/// The value of a pattern of the automaton tells what a hit reports: a phrase slot; a
/// short phrase's slot with [`BEFORE_BYTE`] set (ending one byte earlier); or with
/// [`ALSO_BEFORE_BYTE`] set, an index into [`WordEnds::both`], for a short text and a
/// byte that together spell another phrase (`ad` and `:`, as `ad:` is a phrase too).
#[derive(Clone, Debug)]
struct WordEnds {
    /// The short texts and their slots.
    short: Vec<(Box<[u8]>, u32)>,
    /// Which bytes end a short text (a bit per byte).
    last_bytes: [u64; 4],
    /// (phrase slot, short slot) for patterns that are both.
    both: Vec<(u32, u32)>,
}

/// The longest phrase text, in bytes, that [`WordEnds`] finds at word ends only.
const SHORT_PHRASE_BYTES: usize = 2;
/// Set in a [`WordEnds`] value: the hit is of a short phrase, ending one byte earlier.
const BEFORE_BYTE: u32 = 1 << 31;
/// Set in a [`WordEnds`] value: the hit is of two phrases ([`WordEnds::both`]).
const ALSO_BEFORE_BYTE: u32 = 1 << 30;

impl WordEnds {
    /// Whether `text` is short and must end a word (its last character is a word
    /// character, so [`whole_word`] rejects it before another word character).
    fn is_short(text: &str) -> bool {
        text.len() <= SHORT_PHRASE_BYTES && text.chars().next_back().is_some_and(is_word_char)
    }

    /// The bytes that may start a character after a word end: ASCII bytes that are not
    /// word characters and UTF-8 lead bytes.
    fn after_word() -> impl Iterator<Item = u8> {
        (0u8..=0xFF).filter(|&b| {
            if b < 0x80 {
                !ASCII_WORD[usize::from(b)]
            } else {
                b >= 0xC0
            }
        })
    }

    /// The short phrases that end `part`, as (start in `part`, slot).
    #[inline]
    fn at_end(&self, part: &[u8], mut found: impl FnMut(usize, usize)) {
        let Some(&b) = part.last() else {
            return;
        };
        if self.last_bytes[usize::from(b >> 6)] & (1 << (b & 63)) == 0 {
            return;
        }
        for (text, slot) in &self.short {
            if part.ends_with(text) {
                found(part.len() - text.len(), *slot as usize);
            }
        }
    }
}

impl std::fmt::Debug for PhraseAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhraseAutomaton::DoubleArray(da) => {
                write!(f, "DoubleArray({} bytes)", da.heap_bytes())
            }
            PhraseAutomaton::WordEnds(da, ends) => write!(
                f,
                "WordEnds({} bytes, {} short)",
                da.heap_bytes(),
                ends.short.len()
            ),
            PhraseAutomaton::Nfa(ac) => write!(f, "Nfa({:?})", ac.kind()),
        }
    }
}

impl PhraseAutomaton {
    /// The automaton of `texts` (distinct, normalised), pattern `i` being `texts[i]`.
    fn build(texts: &[String]) -> Result<Option<PhraseAutomaton>, String> {
        // Empty phrases are refused when policies are compiled; daachorse would not
        // report one, aho-corasick does, at every position.
        if texts.iter().all(|t| !t.is_empty())
            && let Ok(da) = daachorse::DoubleArrayAhoCorasick::<u32>::new(texts)
        {
            return Ok(Some(PhraseAutomaton::DoubleArray(da)));
        }
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(texts)
            .map(|ac| Some(PhraseAutomaton::Nfa(ac)))
            .map_err(|e| e.to_string())
    }

    /// The automaton of the phrase texts `texts` (distinct, normalised), pattern `i`
    /// being `texts[i]`, with short ones found at word ends only ([`WordEnds`]); as
    /// [`PhraseAutomaton::build`] when that does not build.
    fn build_phrases(texts: &[String]) -> Result<Option<PhraseAutomaton>, String> {
        if let Some(automaton) = Self::build_word_ends(texts) {
            return Ok(Some(automaton));
        }
        Self::build(texts)
    }

    fn build_word_ends(texts: &[String]) -> Option<PhraseAutomaton> {
        use std::collections::hash_map::Entry;
        if texts.iter().any(String::is_empty) || texts.len() >= ALSO_BEFORE_BYTE as usize {
            return None;
        }
        let mut short = Vec::new();
        let mut last_bytes = [0u64; 4];
        let mut values: std::collections::HashMap<Vec<u8>, u32> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| !WordEnds::is_short(t))
            .map(|(i, t)| (t.as_bytes().to_vec(), i as u32))
            .collect();
        let mut both = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            if !WordEnds::is_short(text) {
                continue;
            }
            let slot = i as u32;
            let last = text.as_bytes()[text.len() - 1];
            last_bytes[usize::from(last >> 6)] |= 1 << (last & 63);
            short.push((text.as_bytes().into(), slot));
            for b in WordEnds::after_word() {
                let mut pattern = Vec::with_capacity(text.len() + 1);
                pattern.extend_from_slice(text.as_bytes());
                pattern.push(b);
                match values.entry(pattern) {
                    Entry::Vacant(v) => {
                        v.insert(slot | BEFORE_BYTE);
                    }
                    Entry::Occupied(mut o) => {
                        // Only a phrase's own text can be there already: distinct short
                        // texts give distinct patterns.
                        let phrase = *o.get();
                        if phrase & (BEFORE_BYTE | ALSO_BEFORE_BYTE) != 0 {
                            return None;
                        }
                        o.insert(both.len() as u32 | ALSO_BEFORE_BYTE);
                        both.push((phrase, slot));
                    }
                }
            }
        }
        if short.is_empty() {
            return None;
        }
        let mut patterns: Vec<(Vec<u8>, u32)> = values.into_iter().collect();
        // The automaton is the same whatever order the map gave.
        patterns.sort_unstable();
        // Without daachorse's prefilter, which it builds once every pattern has two bytes
        // or more: on prose it finds a possible start every few bytes, and checking
        // them cost 3 M instructions per MB of the benchmark corpus for nothing.
        let da = daachorse::DoubleArrayAhoCorasickBuilder::new()
            .use_prefilter(false)
            .build_with_values(patterns)
            .ok()?;
        Some(PhraseAutomaton::WordEnds(
            da,
            WordEnds {
                short,
                last_bytes,
                both,
            },
        ))
    }

    /// Every occurrence of every phrase in `text[span]`, as (start, end, pattern), in
    /// order of their ends; from an automaton of [`PhraseAutomaton::build_phrases`],
    /// short phrases only where no word character follows them ([`WordEnds`]).
    fn for_each_match(
        &self,
        text: &str,
        span: Range<usize>,
        mut found: impl FnMut(usize, usize, usize),
    ) {
        // A span outside the text finds nothing (aho-corasick would panic).
        let Some(part) = text.as_bytes().get(span.clone()) else {
            return;
        };
        match self {
            PhraseAutomaton::DoubleArray(da) => {
                for m in da.find_overlapping_iter(part) {
                    found(
                        span.start + m.start(),
                        span.start + m.end(),
                        m.value() as usize,
                    );
                }
            }
            PhraseAutomaton::WordEnds(da, ends) => {
                for m in da.find_overlapping_iter(part) {
                    let (start, end) = (span.start + m.start(), span.start + m.end());
                    let value = m.value();
                    if value & BEFORE_BYTE != 0 {
                        found(start, end - 1, (value & !BEFORE_BYTE) as usize);
                    } else if value & ALSO_BEFORE_BYTE != 0 {
                        let both = ends.both.get((value & !ALSO_BEFORE_BYTE) as usize);
                        if let Some(&(phrase, short)) = both {
                            found(start, end - 1, short as usize);
                            found(start, end, phrase as usize);
                        }
                    } else {
                        found(start, end, value as usize);
                    }
                }
                ends.at_end(part, |start, slot| {
                    found(span.start + start, span.end, slot);
                });
            }
            PhraseAutomaton::Nfa(ac) => {
                let input = aho_corasick::Input::new(text).span(span);
                for m in ac.find_overlapping_iter(input) {
                    found(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        }
    }
}

/// Letters that masking may replace, with what may stand for them: every letter may be
/// masked by `*` or `#`; vowels also by `!`, `$`, `@`, `%`, `.`, `-` and `_`; some letters
/// by look-alikes. Consonants take no `.`, `-` or `_`: with them, `it's... well` would
/// read as a masked `shit`. docs/language.md lists the same.
fn mask_class(c: char) -> Option<&'static str> {
    Some(match c {
        'a' => "a4*#!$@%._-",
        'b' => "b8*#",
        'c' => "c(*#",
        'e' => "e3*#!$@%._-",
        'g' => "g9*#",
        'i' => "i1|*#!$@%._-",
        'l' => "l1|*#",
        'o' => "o0*#!$@%._-",
        's' => "s5$*#",
        't' => "t7+*#",
        'u' => "uv*#!$@%._-",
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

/// The size limit of a regex's compiled automaton ([`LazyRegex`] and the searchers).
const REGEX_SIZE_LIMIT: usize = 1 << 22;

/// What validating a regex found: whether it can match empty text, or why it does not
/// build.
pub(crate) type RegexCheck = Result<bool, String>;

/// Results of [`validate_regex`] and [`trigger_literals`] by source and flags: both are
/// pure, and the language server compiles the same regexes (the std library's) on every
/// edit of a policy file. Small values; emptied when it grows past
/// [`REGEX_FACTS_KEPT`] entries.
struct RegexFacts<V> {
    entries: Mutex<Option<std::collections::HashMap<(String, String), V>>>,
}

const REGEX_FACTS_KEPT: usize = 10_000;

static REGEX_CHECKS: RegexFacts<RegexCheck> = RegexFacts::new();
static TRIGGER_LITERALS: RegexFacts<Option<Triggers>> = RegexFacts::new();

impl<V: Clone> RegexFacts<V> {
    const fn new() -> Self {
        RegexFacts {
            entries: Mutex::new(None),
        }
    }

    fn get_or_compute(&self, source: &str, flags: &str, compute: impl FnOnce() -> V) -> V {
        let key = (source.to_owned(), flags.to_owned());
        if let Ok(entries) = self.entries.lock()
            && let Some(found) = entries.as_ref().and_then(|map| map.get(&key))
        {
            return found.clone();
        }
        let value = compute();
        if let Ok(mut entries) = self.entries.lock() {
            let map = entries.get_or_insert_with(Default::default);
            if map.len() >= REGEX_FACTS_KEPT {
                map.clear();
            }
            map.insert(key, value.clone());
        }
        value
    }
}

/// Checks that a user regex with its flags builds as [`LazyRegex`] builds it, and
/// whether it can match empty text: parsed and translated with the same settings,
/// compiled to a forward and a reverse automaton under the same size limit. A regex that
/// cannot match empty text is compiled as the start finder's anchored searcher (the same
/// two automata), kept in [`BUILT_REGEXES`] for the matcher; the whole regex (prefilters,
/// literal optimisations) is only built on fallback paths. Errors read like the `regex`
/// crate's.
pub(crate) fn validate_regex(source: &str, flags: &str) -> RegexCheck {
    REGEX_CHECKS.get_or_compute(source, flags, || {
        let hir = parse_user_regex(source, flags)?;
        if hir.properties().minimum_len().is_some_and(|n| n > 0) {
            // The anchored searcher the start finder needs compiles the same two
            // automata under the same limit: build it here, once, and keep it for
            // `RegexStarts::build` (before, each regex was compiled twice over).
            let searcher = anchored_searcher(&hir)?;
            BUILT_REGEXES.keep(source, flags, start_form(&hir), searcher);
            return Ok(false);
        }
        check_automata(&hir)?;
        Ok(hir.properties().minimum_len() == Some(0))
    })
}

/// The error of a regex whose automaton is over [`REGEX_SIZE_LIMIT`], worded as the
/// `regex` crate words it.
fn size_limit_message(limit: usize) -> String {
    format!("Compiled regex exceeds size limit of {limit} bytes.")
}

/// The anchored searcher of one regex in [`RegexStarts`]: its forward and reverse
/// automata under [`REGEX_SIZE_LIMIT`], as the `regex` crate builds them (so a regex
/// that builds here builds as [`LazyRegex`] too); the error worded as the `regex` crate
/// words it.
fn anchored_searcher(hir: &Hir) -> Result<meta::Regex, String> {
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                // Anchored searches end quickly; the backtracker would clear a visited
                // set as large as the rest of the draft.
                .backtrack(false)
                // Prefilters and the reverse-suffix and reverse-inner strategies only
                // speed up unanchored searches, and building them was about a fifth of
                // compiling the std library.
                .auto_prefilter(false),
        )
        .build_from_hir(hir)
        .map_err(|e| match e.size_limit() {
            Some(limit) => size_limit_message(limit),
            None => {
                std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string)
            }
        })
}

/// What validation built for a regex that the matcher built next needs again: its
/// start form ([`start_form`]) and anchored searcher, by source and flags.
struct BuiltRegexes {
    entries: Mutex<BuiltEntries>,
}

/// The entries of [`BuiltRegexes`] and the bytes their searchers hold.
type BuiltEntries = (
    std::collections::BTreeMap<(String, String), (Hir, meta::Regex)>,
    usize,
);

/// At most this many bytes of searchers wait in [`BUILT_REGEXES`]: a policy with
/// errors (never matched) or a language server whose user edits a regex keystroke by
/// keystroke leaves entries nobody takes; past this, they are dropped.
const BUILT_REGEX_BYTES: usize = 64 << 20;

static BUILT_REGEXES: BuiltRegexes = BuiltRegexes {
    entries: Mutex::new((std::collections::BTreeMap::new(), 0)),
};

impl BuiltRegexes {
    fn keep(&self, source: &str, flags: &str, start: Hir, searcher: meta::Regex) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let (map, bytes) = &mut *entries;
        let size = searcher.memory_usage();
        if *bytes + size > BUILT_REGEX_BYTES {
            map.clear();
            *bytes = 0;
        }
        let key = (source.to_owned(), flags.to_owned());
        if let Some((_, old)) = map.insert(key, (start, searcher)) {
            *bytes -= old.memory_usage().min(*bytes);
        }
        *bytes += size;
    }

    /// The start form and searcher kept for the regex, taken out (the start finder
    /// holds them from then on).
    fn take(&self, source: &str, flags: &str) -> Option<(Hir, meta::Regex)> {
        let mut entries = self.entries.lock().ok()?;
        let (map, bytes) = &mut *entries;
        let found = map.remove(&(source.to_owned(), flags.to_owned()))?;
        *bytes -= found.1.memory_usage().min(*bytes);
        Some(found)
    }
}

/// A user regex's syntax tree, parsed with its flags; the error as the `regex` crate
/// words it. A space written as such matches any run of whitespace (see
/// [`spaces_as_whitespace`]).
fn parse_user_regex(source: &str, flags: &str) -> Result<Hir, String> {
    let mut ast = regex_syntax::ast::parse::ParserBuilder::new()
        .ignore_whitespace(flags.contains('x'))
        .build()
        .parse(source)
        .map_err(|e| regex_syntax::Error::from(e).to_string())?;
    spaces_as_whitespace(&mut ast);
    regex_syntax::hir::translate::TranslatorBuilder::new()
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .build()
        .translate(source, &ast)
        .map_err(|e| regex_syntax::Error::from(e).to_string())
}

/// `ast` with every space written as such (not `\x20`, `[ ]` or a space in verbose
/// mode) turned into `\s+`: in the prose view, the words of a sentence are apart by one
/// space, or by two typed by mistake, a line break where the paragraph's line was
/// wrapped, or the spaces that blank out Markdown markup (`from **Millbrook**`). A
/// phrase's space matches all of those (see `NormalizedView`); a regex's does too.
fn spaces_as_whitespace(ast: &mut regex_syntax::ast::Ast) {
    use regex_syntax::ast::{
        Ast, ClassPerl, ClassPerlKind, LiteralKind, Repetition, RepetitionKind, RepetitionOp,
    };
    match ast {
        Ast::Literal(lit) if lit.c == ' ' && lit.kind == LiteralKind::Verbatim => {
            let span = lit.span;
            *ast = Ast::repetition(Repetition {
                span,
                op: RepetitionOp {
                    span,
                    kind: RepetitionKind::OneOrMore,
                },
                greedy: true,
                ast: Box::new(Ast::class_perl(ClassPerl {
                    span,
                    kind: ClassPerlKind::Space,
                    negated: false,
                })),
            });
        }
        Ast::Concat(concat) => concat.asts.iter_mut().for_each(spaces_as_whitespace),
        Ast::Alternation(alternation) => {
            alternation.asts.iter_mut().for_each(spaces_as_whitespace);
        }
        Ast::Group(group) => spaces_as_whitespace(&mut group.ast),
        Ast::Repetition(repetition) => spaces_as_whitespace(&mut repetition.ast),
        _ => {}
    }
}

/// Checks that `hir` compiles to the forward automaton as the `regex` crate builds it,
/// and its reverse one (which has no capture groups), under [`REGEX_SIZE_LIMIT`].
fn check_automata(hir: &Hir) -> Result<(), String> {
    let forward = thompson::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT));
    let reverse = forward
        .clone()
        .reverse(true)
        .which_captures(thompson::WhichCaptures::None);
    for config in [forward, reverse] {
        thompson::Compiler::new()
            .configure(config)
            .build_from_hir(hir)
            .map_err(|e| match e.size_limit() {
                Some(limit) => size_limit_message(limit),
                None => e.to_string(),
            })?;
    }
    Ok(())
}

/// Where a regex's matches can start, when every match must start with one of a few
/// literals of at least two characters: `None` when the start finder must look for them.
#[derive(Debug, Clone, PartialEq)]
struct Triggers {
    /// The literals, normalised.
    literals: Vec<String>,
    /// The regex starts with a Unicode word boundary (`\b`, `\b{start}`): a match
    /// cannot start between two word characters.
    word_start: bool,
}

fn trigger_literals(source: &str, flags: &str) -> Option<Triggers> {
    TRIGGER_LITERALS.get_or_compute(source, flags, || compute_trigger_literals(source, flags))
}

/// True when every match of `hir` must start at a Unicode word boundary.
fn starts_at_word_boundary(hir: &Hir) -> bool {
    use regex_syntax::hir::Look;
    match hir.kind() {
        HirKind::Look(Look::WordUnicode | Look::WordStartUnicode | Look::WordStartHalfUnicode) => {
            true
        }
        HirKind::Capture(cap) => starts_at_word_boundary(&cap.sub),
        HirKind::Concat(parts) => parts.first().is_some_and(starts_at_word_boundary),
        HirKind::Alternation(parts) => parts.iter().all(starts_at_word_boundary),
        _ => false,
    }
}

fn compute_trigger_literals(source: &str, flags: &str) -> Option<Triggers> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    // Parsed case-sensitively (without the `i` flag): the normalised view is lower
    // case, so the lower-cased literals are a necessary condition for the
    // case-insensitive regex too.
    let hir = parse_user_regex(source, &flags.replace('i', "")).ok()?;
    // A case-insensitive group inside the regex (`(?i)cure`) still spells each letter
    // as a class of its cases; the extractor may expand them (2^4 literals for `cure`),
    // and normalising folds them back into one.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(4096)
        .extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut folds = std::collections::HashMap::new();
    for lit in literals {
        let text = std::str::from_utf8(lit.as_bytes()).ok()?;
        let norm = decorum_draft::normalize_str(text);
        if norm.chars().count() < 2 || !folds_like_the_text(text, &mut folds) {
            return None;
        }
        if !out.contains(&norm) {
            out.push(norm);
            if out.len() > 64 {
                return None;
            }
        }
    }
    Some(Triggers {
        literals: out,
        word_start: starts_at_word_boundary(&hir),
    })
}

/// True when finding the normalised `literal` in the normalised view finds every place
/// where the regex matches `literal` in the prose, at the position of its first
/// character: that character is not one normalising drops (a zero-width character, a
/// diacritic), and every character matches, case-insensitively, only characters that
/// normalise the same way (not so for Cyrillic `в`, which matches `ᲀ`).
///
/// `folds` keeps each character's answer: the literals of one regex share most of their
/// characters (a case-insensitive `cure` expands to sixteen), and normalising each
/// character's cases again for every literal was an eighth of compiling the std library.
fn folds_like_the_text(literal: &str, folds: &mut std::collections::HashMap<char, bool>) -> bool {
    let Some(first) = literal.chars().next() else {
        return false;
    };
    if decorum_draft::normalize_str(first.encode_utf8(&mut [0; 4])).is_empty() {
        return false;
    }
    literal.chars().all(|c| {
        *folds
            .entry(c)
            .or_insert_with(|| char_folds_like_the_text(c))
    })
}

/// True when every character that `c` matches case-insensitively normalises as `c` does
/// (see [`folds_like_the_text`]).
fn char_folds_like_the_text(c: char) -> bool {
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    let own = decorum_draft::normalize_str(c.encode_utf8(&mut [0; 4]));
    class.ranges().iter().all(|range| {
        (range.start()..=range.end())
            .all(|other| decorum_draft::normalize_str(other.encode_utf8(&mut [0; 4])) == own)
    })
}

impl Matcher {
    /// Compiles the automata for all patterns. Patterns were validated one by one during
    /// compilation, so an error here means the combined automaton is too large.
    pub(crate) fn build(arena: &SetArena) -> Result<Matcher, String> {
        let mut phrase_texts: Vec<String> = Vec::new();
        let mut phrase_patterns: Vec<Vec<u32>> = Vec::new();
        let mut by_text = std::collections::HashMap::new();
        let mut masked_sources = Vec::new();
        let mut masked_norms: Vec<&str> = Vec::new();
        let mut masked = Vec::new();
        let mut regexes = Vec::new();
        let mut regex_sources: Vec<(&str, &str)> = Vec::new();
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
                    masked_norms.push(norm);
                    masked.push((LazyRegex::new(&source, ""), id));
                    masked_sources.push(source);
                    exact.push(None);
                    bounded.push((word(norm.chars().next()), word(norm.chars().last())));
                }
                PatternKind::Regex { source, flags } => {
                    let re = LazyRegex::new(source, flags);
                    regexes.push((re, id));
                    regex_sources.push((source, flags));
                    exact.push(None);
                    bounded.push((false, false));
                }
            }
        }
        let phrases = if phrase_texts.is_empty() {
            None
        } else {
            SHARED_PHRASES.get_or_build(&phrase_texts, || {
                PhraseAutomaton::build_phrases(&phrase_texts)
            })?
        };
        // Masked phrases have no literal prefixes, and no second DFA: when theirs gives
        // up, each runs on its own.
        let masked_flags: Vec<(String, String)> = masked_sources
            .iter()
            .map(|s| (s.clone(), String::new()))
            .collect();
        let masked_starts = shared_starts(masked_flags, false);
        let masked = (!masked.is_empty()).then(|| (LazySet::new(masked_sources), masked));
        // When its DFA gives up, regexes with literal prefixes start where those occur,
        // and a second DFA looks for the others only (all of them together made it
        // build more states than its cache holds on text dense with matches).
        let regex_sources: Vec<(String, String)> = regex_sources
            .iter()
            .map(|(s, f)| (s.to_string(), f.to_string()))
            .collect();
        let starts = shared_starts(regex_sources, true);
        Ok(Matcher {
            phrases,
            slot_bounds: phrase_patterns
                .iter()
                .map(|pids| {
                    pids.first()
                        .map_or((false, false), |&p| bounded[p as usize])
                })
                .collect(),
            phrase_patterns,
            triggers: OnceLock::new(),
            masked,
            masked_gate: MaskedGate::new(&masked_norms),
            masked_starts,
            regexes,
            starts,
            exact,
            bounded,
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Finds every match of every pattern in the draft's prose.
    pub(crate) fn scan(&self, draft: &Draft) -> MatchIndex {
        self.scan_region(draft, &Region::whole(draft))
    }

    /// Finds every match inside the chunks of `region`, on this thread.
    pub(crate) fn scan_region(&self, draft: &Draft, region: &Region) -> MatchIndex {
        // A guess at the number of matches (the std library finds a few hundred per KB
        // of prose), so the vector is not regrown many times per draft.
        let mut found: Vec<(TextRange, u32)> = Vec::with_capacity(region.prose.len() / 8);
        self.scan_phrases(draft, region, &mut found);
        let phrases = found.len();
        self.scan_masked(draft, region, &mut found);
        self.scan_regexes(draft, region, &mut found);
        MatchIndex::from_scan(found, phrases)
    }

    /// The same matches as [`Matcher::scan`], with the regexes searched on a second
    /// thread while this one searches the phrases, for drafts of at least `min_bytes`
    /// (smaller ones are scanned as by `scan`: a thread would cost more than it saves).
    ///
    /// `min_bytes` is [`PARALLEL_MIN_BYTES`] outside tests, which use small drafts (they
    /// are quicker in debug builds).
    pub(crate) fn scan_parallel_from(&self, draft: &Draft, min_bytes: usize) -> MatchIndex {
        self.scan_region_parallel_from(draft, &Region::whole(draft), min_bytes)
    }

    /// [`Matcher::scan_region`] on two threads when the region holds at least
    /// `min_bytes`.
    pub(crate) fn scan_region_parallel_from(
        &self,
        draft: &Draft,
        region: &Region,
        min_bytes: usize,
    ) -> MatchIndex {
        if region.prose.len() < min_bytes {
            return self.scan_region(draft, region);
        }
        // Masked phrases go with the regexes, which balances the two sides; each side
        // sorts its own matches, and the two sorted runs are merged.
        std::thread::scope(|scope| {
            let regexes = scope.spawn(|| {
                let mut found = Vec::new();
                self.scan_regexes(draft, region, &mut found);
                self.scan_masked(draft, region, &mut found);
                MatchIndex::from_scan(found, 0)
            });
            let mut found = Vec::with_capacity(region.prose.len() / 8);
            self.scan_phrases(draft, region, &mut found);
            let found_phrases = found.len();
            let phrases = MatchIndex::from_scan(found, found_phrases);
            match regexes.join() {
                Ok(regexes) => MatchIndex::merge(phrases, regexes),
                // A panic on the other thread is not swallowed: it reaches the caller as
                // it would have without the thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Phrases through the phrase automaton.
    fn scan_phrases(&self, draft: &Draft, region: &Region, found: &mut Vec<(TextRange, u32)>) {
        let Some(automaton) = &self.phrases else {
            return;
        };
        let text = draft.normalized.text.as_str();
        let mut chunk = ChunkCursor::default();
        let mut hint = MapHint::default();
        automaton.for_each_match(text, region.norm.clone(), |s, e, slot| {
            // The phrases of a slot share their text, so whether the match stands on
            // whole words and where it maps to are the same for all of them.
            let Some(&bounds) = self.slot_bounds.get(slot) else {
                return;
            };
            if !whole_word(bounds, text, s, e) || !chunk.holds(&region.norm_chunks, s, e) {
                return;
            }
            let pids = &self.phrase_patterns[slot];
            let original = draft.original_range_near(to_range(s, e), &mut hint);
            for &pid in pids {
                if let Some(exact) = &self.exact[pid as usize]
                    && decorum_text::slice(&draft.text, original) != exact
                {
                    continue;
                }
                found.push((original, pid));
            }
        });
    }

    /// Masked phrases (`f*ck`) through their regexes over the normalised view.
    fn scan_masked(&self, draft: &Draft, region: &Region, found: &mut Vec<(TextRange, u32)>) {
        let Some((set, regexes)) = &self.masked else {
            return;
        };
        let text = draft.normalized.text.as_str();
        if !self.masked_gate.may_match(text, region.norm.clone()) {
            return;
        }
        // Each masked regex's find_iter, through its candidate starts when possible; the
        // set only skips regexes without a match, which find nothing anyway.
        let starts = self.masked_starts.as_deref();
        let candidates = match starts.map(|s| s.candidates(text, region.norm.clone())) {
            Some(Search::Found(candidates)) => Some(candidates),
            _ => None,
        };
        let searched: Vec<usize> = match candidates {
            Some(_) => (0..regexes.len()).collect(),
            // The whole view if the region's ends were not character boundaries of it.
            None => set.matches(text.get(region.norm.clone()).unwrap_or(text)),
        };
        for i in searched {
            let Some((re, pid)) = regexes.get(i) else {
                continue;
            };
            let anchored = starts.and_then(|s| s.anchored[i].as_ref());
            let chunks = &region.norm_chunks;
            let keep = |s, e| {
                if self.word_bounded(*pid, text, s, e) {
                    found.push((draft.original_range(to_range(s, e)), *pid));
                }
            };
            regex_matches(anchored, re, text, chunks, candidates.as_deref(), i, keep);
        }
    }

    /// The regexes over the prose view, from where the start finder says their
    /// matches can start.
    fn scan_regexes(&self, draft: &Draft, region: &Region, found: &mut Vec<(TextRange, u32)>) {
        let prose = draft.prose.as_str();
        let Some(starts) = self.starts.as_deref() else {
            for r in 0..self.regexes.len() {
                self.search_regex(draft, region, r, None, found);
            }
            return;
        };
        let anchored = |r: usize| starts.anchored.get(r).is_some_and(Option::is_some);
        // Regexes without an anchored searcher run from everywhere. The others are
        // searched from their candidates only, and one without a candidate has no match
        // (most regexes in most drafts), so it is not visited at all: the lists are
        // sorted by regex, and each run of them is one regex's. Visiting every regex of
        // every draft cost more than the searches on drafts of a sentence or two.
        let search_runs = |candidates: &[(u32, usize)], found: &mut Vec<_>| {
            for run in candidates.chunk_by(|a, b| a.0 == b.0) {
                let r = run.first().map_or(usize::MAX, |&(r, _)| r as usize);
                if anchored(r) {
                    self.search_regex(draft, region, r, Some(run), found);
                }
            }
        };
        match starts.candidates(prose, region.prose.clone()) {
            Search::Found(candidates) => search_runs(&candidates, found),
            Search::GaveUp => {
                // Regexes with literal prefixes from where those occur; the others
                // through a start finder of their own.
                search_runs(&self.trigger_starts(draft, region), found);
                let untriggered = &self.triggered().untriggered;
                match starts.candidates_without_triggers(prose, region, untriggered) {
                    Some(others) => search_runs(&others, found),
                    None => {
                        for &r in untriggered {
                            if anchored(r as usize) {
                                self.search_regex(draft, region, r as usize, None, found);
                            }
                        }
                    }
                }
            }
            Search::Failed => {
                for r in 0..self.regexes.len() {
                    if anchored(r) {
                        self.search_regex(draft, region, r, None, found);
                    }
                }
            }
        }
        for &r in &starts.unanchored {
            self.search_regex(draft, region, r as usize, None, found);
        }
    }

    /// Where each regex with literal prefixes can start in `region`: where one of its
    /// literals occurs in the normalised view, mapped to the prose, unless the regex
    /// starts with `\b` and the character there continues a word. As (regex, position),
    /// sorted.
    fn trigger_starts(&self, draft: &Draft, region: &Region) -> Vec<(u32, usize)> {
        let triggered = self.triggered();
        let Some(automaton) = triggered.literals.automaton() else {
            return Vec::new();
        };
        // On the std library's own examples its literals give one (regex, position) per
        // 7 bytes, and up to one per 2.5 bytes in a draft: sized so that few drafts
        // regrow it, and a huge region reserves no more than 64 K up front.
        let mut out = Vec::with_capacity((region.norm.len() / 4).min(1 << 16));
        let text = draft.normalized.text.as_str();
        let mut hint = MapHint::default();
        automaton.for_each_match(text, region.norm.clone(), |start, _, slot| {
            let Some(regexes) = triggered.literals.slots.get(slot) else {
                return;
            };
            // The prose position of the character the literal starts with.
            let at = usize::from(
                draft
                    .original_range_near(to_range(start, start), &mut hint)
                    .start(),
            );
            let inside_word = inside_word(&draft.prose, at);
            out.extend(
                regexes
                    .iter()
                    .filter(|&&r| !(inside_word && triggered.word_start[r as usize]))
                    .map(|&r| (r, at)),
            );
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The regexes' literal prefixes ([`Triggered`]), worked out on first need.
    fn triggered(&self) -> &Triggered {
        self.triggers.get_or_init(|| {
            let regexes = self
                .regexes
                .iter()
                .map(|(re, _)| (re.source.as_str(), re.flags.as_str()));
            Arc::new(Triggered::of(regexes))
        })
    }

    /// Regex `r` over the prose view (see [`regex_matches`]).
    fn search_regex(
        &self,
        draft: &Draft,
        region: &Region,
        r: usize,
        candidates: Option<&[(u32, usize)]>,
        found: &mut Vec<(TextRange, u32)>,
    ) {
        let Some((re, pid)) = self.regexes.get(r) else {
            return;
        };
        let anchored = self.starts.as_ref().and_then(|s| s.anchored[r].as_ref());
        let prose = &draft.prose;
        let keep = |s, e| {
            let (s, e) = re.reported(prose, s, e);
            found.push((to_range(s, e), *pid));
        };
        regex_matches(anchored, re, prose, &region.chunks, candidates, r, keep);
    }

    /// True unless the match `start..end` of pattern `pid` continues a word on a side
    /// where the pattern must stand on whole words (phrase hits take the same check
    /// through [`Matcher::slot_bounds`]).
    #[inline]
    fn word_bounded(&self, pid: u32, text: &str, start: usize, end: usize) -> bool {
        whole_word(self.bounded[pid as usize], text, start, end)
    }
}

/// True unless `text[start..end]` continues a word on a side where `(check_start,
/// check_end)` asks for whole words (see [`Matcher::word_bounded`]). Called for every
/// phrase hit, most of them inside longer words, so an ASCII neighbour is classified
/// from its byte alone, inline.
#[inline]
fn whole_word(
    (check_start, check_end): (bool, bool),
    text: &str,
    start: usize,
    end: usize,
) -> bool {
    let bytes = text.as_bytes();
    let word_before = || match start.checked_sub(1).and_then(|i| bytes.get(i)) {
        None => false,
        Some(&b) if b.is_ascii() => ASCII_WORD[usize::from(b)],
        Some(_) => word_char_before(text, start),
    };
    let word_after = || match bytes.get(end) {
        None => false,
        Some(&b) if b.is_ascii() => ASCII_WORD[usize::from(b)],
        Some(_) => word_char_after(text, end),
    };
    !(check_start && word_before() || check_end && word_after())
}

/// Where the matches of the policy's regexes can start, found for all of them in one
/// pass over a draft.
///
/// Running each regex over each draft was the most expensive part of a check: a regex
/// with a Unicode `\b` cannot use the lazy DFA on text with non-ASCII characters, so it
/// fell back to a backtracking engine over the whole draft, once per regex. Instead:
///
/// 1. Each regex that cannot match the empty string is *relaxed*: look-around
///    assertions (`\b`, `^`, `$`) are dropped, character classes with non-ASCII members
///    become their ASCII part plus "any non-ASCII character", and counted repetitions
///    become unbounded ones (but for short runs of words, see [`relax`]). Every match
///    of the regex is a match of its relaxed form over the same span, and the relaxed
///    forms need no word-boundary lookups. Their tails are then trimmed ([`trim_tail`]),
///    which keeps the positions where they can match. One reverse lazy DFA over all of
///    them reports, in one pass, every position where a match of each regex can start
///    (a superset).
/// 2. `find_iter` finds, from where the last match ended, the leftmost start with a
///    match and the leftmost-first match there. [`find_from`] does the same by trying an
///    anchored search at each candidate in order; since every real match start is a
///    candidate, it yields exactly the same matches.
///
/// `candidate_search_matches_find_iter` and `std_library_regexes_match_find_iter` check
/// this against `find_iter`. When anything fails (a build limit, a search error) the
/// regexes run as before.
///
/// Text dense with near-matches (the std library's own examples, for one) can need more
/// DFA states than the 16 MB cache holds; rebuilding them over and over took 19 s per
/// MB. The DFA then gives up, stays unused for the next [`DORMANT_BYTES`], and meanwhile
/// each regex with literal prefixes ([`trigger_literals`]) is tried where those occur,
/// the others through a second DFA of their own, built on first need
/// (`a_start_finder_that_gives_up_finds_the_same_matches`).
#[derive(Debug)]
struct RegexStarts {
    /// Reverse DFA over the relaxed regexes.
    main: StartDfa,
    /// For each regex, an anchored search with the same syntax, when it takes part.
    anchored: Vec<Option<meta::Regex>>,
    /// The regexes without an anchored search (they can match the empty string, or
    /// their searcher did not build), which run from everywhere.
    unanchored: Vec<u32>,
    /// Every relaxed regex and its number, when the start finder may need a second DFA:
    /// for when the main DFA gives up, the regexes without literal prefixes (see
    /// [`trigger_literals`]) go into one, built on first use.
    relaxed: Vec<(Hir, u32)>,
    fallback: OnceLock<Option<StartDfa>>,
    /// The lazy DFA cache capacity of both.
    capacity: usize,
}

/// A reverse lazy DFA over relaxed regexes; its pattern `k` is regex `regex_of[k]`.
#[derive(Debug)]
struct StartDfa {
    dfa: hybrid::dfa::DFA,
    regex_of: Vec<u32>,
    /// Lazy DFA caches kept between drafts, so DFA states are built once per process
    /// rather than once per draft.
    caches: Mutex<Vec<hybrid::dfa::Cache>>,
    /// Bytes of text still to be searched without this DFA since it last gave up.
    dormant: AtomicUsize,
}

/// How much text goes to the fallback after a start finder's DFA gave up.
const DORMANT_BYTES: usize = 4 << 20;

impl Clone for StartDfa {
    fn clone(&self) -> Self {
        StartDfa {
            dfa: self.dfa.clone(),
            regex_of: self.regex_of.clone(),
            caches: Mutex::new(Vec::new()),
            dormant: AtomicUsize::new(0),
        }
    }
}

impl Clone for RegexStarts {
    fn clone(&self) -> Self {
        RegexStarts {
            main: self.main.clone(),
            anchored: self.anchored.clone(),
            unanchored: self.unanchored.clone(),
            relaxed: self.relaxed.clone(),
            fallback: OnceLock::new(),
            capacity: self.capacity,
        }
    }
}

/// What a start finder's search found.
#[derive(Debug)]
enum Search {
    /// (regex, position) pairs, sorted, with every position where a match of a
    /// regex can start.
    Found(Vec<(u32, usize)>),
    /// The text needed more DFA states than the cache holds.
    GaveUp,
    /// Any other error.
    Failed,
}

/// Counted repetitions up to this many stay counted in a relaxed regex.
const KEPT_COUNT: u32 = 3;

/// A superset of `hir`: every match of `hir` is a match of the result over the same
/// span. Look-arounds become empty, classes with non-ASCII members keep their ASCII part
/// and gain all non-ASCII characters, counted repetitions become `+` or `*`. The result
/// compiles to a much smaller automaton that needs no look-behind. A repetition of a
/// group up to [`KEPT_COUNT`] times (`(?:[\p{L}-]+\s+){0,2}`, a few words) stays
/// counted: as `*` its thread never died in text without punctuation, and the DFA's
/// states grew until it gave up; a repeated class (`\d{1,3}`) would only add states.
fn relax(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Class(Class::Unicode(class))
            if class.ranges().last().is_some_and(|r| r.end() > '\x7f') =>
        {
            let mut out = ClassUnicode::new(
                class
                    .ranges()
                    .iter()
                    .filter(|r| r.start() <= '\x7f')
                    .map(|r| ClassUnicodeRange::new(r.start(), r.end().min('\x7f'))),
            );
            out.push(ClassUnicodeRange::new('\u{80}', '\u{10FFFF}'));
            Hir::class(Class::Unicode(out))
        }
        HirKind::Repetition(rep) => {
            let mut rep = rep.clone();
            rep.sub = Box::new(relax(&rep.sub));
            let words = !matches!(rep.sub.kind(), HirKind::Class(_) | HirKind::Literal(_));
            if rep
                .max
                .is_none_or(|max| max > 1 && !(words && max <= KEPT_COUNT))
            {
                rep.min = rep.min.min(1);
                rep.max = None;
            }
            Hir::repetition(rep)
        }
        HirKind::Capture(cap) => relax(&cap.sub),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(relax).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(relax).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => hir.clone(),
    }
}

/// A regex with the same match *starts* as `hir`, whose matches end sooner: a tail that
/// can match empty text is dropped (the starts of `A B*` are those of `A`) and a tail
/// repeated one or more times is kept once (`A B+` starts where `A B` does), through
/// alternations. The reverse DFA reads each regex from its end, so a tail such as
/// `[^.!?\n]*` kept a thread alive, and its states growing, for the rest of a paragraph
/// (a megabyte-long line without punctuation made the DFA give up).
fn trim_tail(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Concat(parts) => {
            let nullable = |h: &Hir| h.properties().minimum_len() == Some(0);
            let keep = parts.len() - parts.iter().rev().take_while(|h| nullable(h)).count();
            match parts[..keep].split_last() {
                // All of it can match empty text: trimming would leave nothing to find.
                None => hir.clone(),
                Some((last, rest)) => {
                    let mut parts = rest.to_vec();
                    parts.push(trim_tail(last));
                    Hir::concat(parts)
                }
            }
        }
        HirKind::Repetition(rep) if rep.min == 1 => trim_tail(&rep.sub),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(trim_tail).collect()),
        HirKind::Capture(cap) => trim_tail(&cap.sub),
        _ => hir.clone(),
    }
}

/// What the start finder searches for in place of `hir`: [`relax`]ed, cut before a run
/// across words ([`cut_before_open_run`]) and [`trim_tail`]ed. Its matches start
/// wherever `hir`'s do, and the anchored search at each start decides.
fn start_form(hir: &Hir) -> Hir {
    trim_tail(&cut_before_open_run(&relax(hir)))
}

/// The fewest bytes a regex must keep before a cut by [`cut_before_open_run`].
const MIN_KEPT_BEFORE_RUN: usize = 3;

/// A relaxed regex cut before its first repetition that runs across words (a class
/// holding the space and every ASCII letter, repeated without bound once relaxed:
/// `[^.!?\n]*`, `[^"”\n]{0,40}`), through alternations. The starts of `A R B` are among
/// those of `A`. Read backwards, such a run kept a thread alive from every place its
/// tail can end (every closing quote, for `"[^"”\n]{0,40}["”]`) to the previous stop
/// character, and each byte of it combined with the other regexes' threads into new
/// states: the std library's book-title regex alone made 1.8 MB of the start finder's
/// 4.6 MB on the benchmark corpus (2.6 MB with every such regex cut, for the same
/// candidates; docs/performance.md). A cut keeps at least [`MIN_KEPT_BEFORE_RUN`]
/// bytes, so the candidates stay few: `'[^']+'` stays whole, since cut it would start
/// an anchored search at every apostrophe, while `“[^”]+”` becomes its opening quote
/// (three bytes), where most quotations start anyway.
fn cut_before_open_run(hir: &Hir) -> Hir {
    let open_run = |h: &Hir| match h.kind() {
        HirKind::Repetition(rep) if rep.max.is_none() => match rep.sub.kind() {
            HirKind::Class(Class::Unicode(class)) => {
                let has = |c: char| {
                    class
                        .ranges()
                        .iter()
                        .any(|r| r.start() <= c && c <= r.end())
                };
                has(' ') && ('a'..='z').all(has)
            }
            _ => false,
        },
        _ => false,
    };
    match hir.kind() {
        HirKind::Concat(parts) => {
            for (k, part) in parts.iter().enumerate().skip(1) {
                if !open_run(part) {
                    continue;
                }
                let kept = Hir::concat(parts[..k].to_vec());
                if kept
                    .properties()
                    .minimum_len()
                    .is_some_and(|n| n >= MIN_KEPT_BEFORE_RUN)
                {
                    return kept;
                }
            }
            hir.clone()
        }
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.iter().map(cut_before_open_run).collect())
        }
        _ => hir.clone(),
    }
}

impl RegexStarts {
    /// Builds the start finder for `regexes` (source and flags, in regex order), which
    /// keeps what a second DFA needs when `fallback` says one may be asked for; `None`
    /// when no regex can take part or the automaton would be too large.
    fn build(regexes: &[(&str, &str)], fallback: bool, capacity: usize) -> Option<RegexStarts> {
        let mut relaxed = Vec::new();
        let mut regex_of = Vec::new();
        let mut anchored = Vec::with_capacity(regexes.len());
        for &(source, flags) in regexes {
            let searcher = BUILT_REGEXES.take(source, flags).or_else(|| {
                let hir = parse_user_regex(source, flags).ok()?;
                // A regex that can match the empty string would need find_iter's rules
                // for empty matches; those run as before.
                if hir.properties().minimum_len().is_none_or(|n| n == 0) {
                    return None;
                }
                let searcher = anchored_searcher(&hir).ok()?;
                Some((start_form(&hir), searcher))
            });
            let i = anchored.len() as u32;
            anchored.push(searcher.map(|(hir, searcher)| {
                relaxed.push(hir);
                regex_of.push(i);
                searcher
            }));
        }
        if relaxed.is_empty() {
            return None;
        }
        let unanchored = unanchored_of(&anchored);
        let main = StartDfa::build(&relaxed, regex_of.clone(), capacity)?;
        Some(RegexStarts {
            main,
            capacity,
            anchored,
            unanchored,
            relaxed: if fallback {
                relaxed.into_iter().zip(regex_of).collect()
            } else {
                Vec::new()
            },
            fallback: OnceLock::new(),
        })
    }

    /// Every position of `prose` inside `span` where a match of a regex can start.
    fn candidates(&self, prose: &str, span: Range<usize>) -> Search {
        self.main.search(prose, span)
    }

    /// Like [`RegexStarts::candidates`] for the regexes without literal prefixes alone
    /// (their DFA has fewer states to build), for when the main DFA gave up; `None` if
    /// this one fails too. `untriggered` (sorted) are those regexes: every caller gives
    /// the same, since a regex's literal prefixes depend on its source and flags alone.
    fn candidates_without_triggers(
        &self,
        prose: &str,
        region: &Region,
        untriggered: &[u32],
    ) -> Option<Vec<(u32, usize)>> {
        let fallback = self.fallback.get_or_init(|| {
            let (relaxed, regex_of): (Vec<Hir>, Vec<u32>) = self
                .relaxed
                .iter()
                .filter(|(_, r)| untriggered.binary_search(r).is_ok())
                .cloned()
                .unzip();
            // With no regex to leave out, a second DFA would be the main DFA again.
            if relaxed.is_empty() || relaxed.len() == self.relaxed.len() {
                return None;
            }
            StartDfa::build(&relaxed, regex_of, self.capacity)
        });
        match fallback.as_ref()?.search(prose, region.prose.clone()) {
            Search::Found(candidates) => Some(candidates),
            Search::GaveUp | Search::Failed => None,
        }
    }
}

impl StartDfa {
    /// One reverse lazy DFA reporting every position where one of `relaxed` matches;
    /// pattern `k` stands for regex `regex_of[k]`.
    fn build(relaxed: &[Hir], regex_of: Vec<u32>, capacity: usize) -> Option<StartDfa> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(true)
                    // Fewer NFA states make each lazily built DFA state cheaper.
                    .shrink(true)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(1 << 26)),
            )
            .build_many_from_hir(relaxed)
            .ok()?;
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(capacity)
                    .skip_cache_capacity_check(true)
                    // Text that needs more states than the cache holds would have the
                    // DFA rebuild them over and over (seconds per MB); it gives up
                    // instead, and the regexes run on their own.
                    .minimum_cache_clear_count(Some(4))
                    .minimum_bytes_per_state(Some(64)),
            )
            .build_from_nfa(nfa)
            .ok()?;
        Some(StartDfa {
            dfa,
            regex_of,
            caches: Mutex::new(Vec::new()),
            dormant: AtomicUsize::new(0),
        })
    }

    /// Every position of `prose` inside `span` where a match of a regex can start, as
    /// (regex, position), sorted.
    fn search(&self, prose: &str, span: Range<usize>) -> Search {
        // The std library finds about one candidate per 70 bytes of the benchmark corpus;
        // a huge span reserves no more than 64 K up front and grows from there.
        let mut out = Vec::with_capacity((span.len() / 32).min(1 << 16));
        let dfa = &self.dfa;
        let dormant = self.dormant.load(Ordering::Relaxed);
        if dormant > 0 {
            self.dormant
                .store(dormant.saturating_sub(span.len().max(1)), Ordering::Relaxed);
            return Search::GaveUp;
        }
        let mut cache = self
            .caches
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(|| dfa.create_cache());
        let error = self
            .starts_rev(&mut cache, prose.as_bytes(), span, &mut out)
            .err();
        if error.is_some() {
            // A cache that gave up would give up again at its next clear, even on text
            // that needs few states, so it starts again empty; and the text that follows
            // probably needs as many states, which would cost as much again to build
            // before giving up, so the next `DORMANT_BYTES` take the fallback at once.
            cache.reset(dfa);
            self.dormant.store(DORMANT_BYTES, Ordering::Relaxed);
        }
        if let Ok(mut pool) = self.caches.lock() {
            pool.push(cache);
        }
        out.sort_unstable();
        out.dedup();
        match error {
            None => Search::Found(out),
            Some(e) if matches!(e.kind(), regex_automata::MatchErrorKind::GaveUp { .. }) => {
                Search::GaveUp
            }
            Some(_) => Search::Failed,
        }
    }
}

impl StartDfa {
    /// Walks `span` of `hay` backwards through the reverse DFA, pushing (regex, position)
    /// for every position where a relaxed regex matches.
    ///
    /// This is regex-automata's overlapping reverse search with its per-byte bookkeeping
    /// left out: a byte whose transition is already in the cache costs one table lookup,
    /// and only a transition not built yet goes through `next_state` (which builds it,
    /// and may clear the cache or give up; the cache's progress marks let it judge that).
    /// The relaxed regexes have no look-arounds, so the text outside the span does not
    /// matter, and a match inside a chunk of the span starts inside the span. Matches
    /// are delayed by one byte in the DFA: entering a match state after the byte at `at`
    /// means matches starting at `at + 1`, and those starting at the span's start show
    /// after one more transition, on the byte before it or on the end of input.
    fn starts_rev(
        &self,
        cache: &mut hybrid::dfa::Cache,
        hay: &[u8],
        span: Range<usize>,
        out: &mut Vec<(u32, usize)>,
    ) -> Result<(), regex_automata::MatchError> {
        let dfa = &self.dfa;
        let end = span.end.min(hay.len());
        let start = span.start.min(end);
        let input = Input::new(hay).range(start..end);
        let mut sid = dfa.start_state_reverse(cache, &input)?;
        cache.search_start(end);
        let mut at = end;
        let walked = loop {
            self.walk_cached(cache, hay, start, &mut at, &mut sid);
            if at == start {
                break Ok(());
            }
            at -= 1;
            let byte = hay[at];
            let cached = if sid.is_tagged() {
                None
            } else {
                Some(dfa.next_state_untagged(cache, sid, byte)).filter(|n| !n.is_unknown())
            };
            sid = match cached {
                Some(next) => next,
                None => {
                    cache.search_update(at);
                    match dfa.next_state(cache, sid, byte) {
                        Ok(next) => next,
                        Err(_) => break Err(regex_automata::MatchError::gave_up(at)),
                    }
                }
            };
            if sid.is_tagged() {
                if sid.is_match() {
                    self.report(cache, sid, at + 1, out);
                } else if sid.is_dead() {
                    break Ok(());
                } else if sid.is_quit() {
                    break Err(regex_automata::MatchError::quit(byte, at));
                }
            }
        };
        let ended = walked.and_then(|()| {
            if sid.is_dead() {
                return Ok(());
            }
            let last = match start.checked_sub(1).and_then(|i| hay.get(i)) {
                Some(&byte) => dfa.next_state(cache, sid, byte),
                None => dfa.next_eoi_state(cache, sid),
            };
            let last = last.map_err(|_| regex_automata::MatchError::gave_up(start))?;
            if last.is_match() {
                self.report(cache, last, start, out);
            }
            Ok(())
        });
        cache.search_finish(at);
        ended
    }

    /// Walks on from `*sid` over `hay[start..*at]` backwards for as long as each
    /// transition is cached and leads to an untagged state (nothing to report, build or
    /// stop for), and leaves `*at` and `*sid` where that ends: at `start`, or before the
    /// byte that needs [`StartDfa::starts_rev`]'s full step, which is the same walk.
    ///
    /// Nearly every byte takes this path. In a function of its own the compiler keeps
    /// the text, the transition table and the byte classes in registers; inside
    /// `starts_rev` it reloaded them from the stack for every byte: 21 instructions per
    /// byte there, about 10 here (the start finder went from 25.7 M to 16.0 M
    /// instructions per run of the benchmark corpus).
    #[inline(never)]
    fn walk_cached(
        &self,
        cache: &hybrid::dfa::Cache,
        hay: &[u8],
        start: usize,
        at: &mut usize,
        sid: &mut hybrid::LazyStateID,
    ) {
        let mut state = *sid;
        if state.is_tagged() {
            return;
        }
        let Some(rest) = hay.get(start..*at) else {
            return;
        };
        let step = |state, byte| self.dfa.next_state_untagged(cache, state, byte);
        // `rest[..left]` is still to walk. Four bytes per round spare a loop test and a
        // bounds check per byte; the last few go one by one.
        let mut left = rest.len();
        'walk: {
            while let Some(&[a, b, c, d]) = left.checked_sub(4).and_then(|i| rest.get(i..left)) {
                for byte in [d, c, b, a] {
                    let next = step(state, byte);
                    if next.is_tagged() {
                        break 'walk;
                    }
                    state = next;
                    left -= 1;
                }
            }
            while let Some(&byte) = left.checked_sub(1).and_then(|i| rest.get(i)) {
                let next = step(state, byte);
                if next.is_tagged() {
                    break 'walk;
                }
                state = next;
                left -= 1;
            }
        }
        (*at, *sid) = (start + left, state);
    }

    /// Pushes every regex whose relaxed form matches from `at`, given the match state the
    /// DFA entered.
    fn report(
        &self,
        cache: &hybrid::dfa::Cache,
        sid: hybrid::LazyStateID,
        at: usize,
        out: &mut Vec<(u32, usize)>,
    ) {
        for i in 0..self.dfa.match_len(cache, sid) {
            let pattern = self.dfa.match_pattern(cache, sid, i);
            if let Some(&r) = self.regex_of.get(pattern.as_usize()) {
                out.push((r, at));
            }
        }
    }
}

/// The non-empty matches of regex `r` inside `chunks` of `text`: through its anchored
/// searcher from `candidates` ((regex, position) pairs, sorted, with every position where
/// a match of `r` can start), or on its own where it has no anchored searcher or
/// `candidates` is `None`. Each goes to `found` as (start, end), in order: most regexes
/// match a few times in a draft, so a list per regex would cost more than its matches.
fn regex_matches(
    anchored: Option<&meta::Regex>,
    re: &LazyRegex,
    text: &str,
    chunks: &[Range<usize>],
    candidates: Option<&[(u32, usize)]>,
    r: usize,
    mut found: impl FnMut(usize, usize),
) {
    match anchored.zip(candidates) {
        Some((anchored, candidates)) => {
            find_from(anchored, text, chunks, starts_of(candidates, r), found);
        }
        None => {
            for (s, e) in find_all(re, text, chunks) {
                if s < e {
                    found(s, e);
                }
            }
        }
    }
}

/// The candidate starts of regex `r`, from the (regex, position) pairs
/// [`RegexStarts::candidates`] returns.
fn starts_of(candidates: &[(u32, usize)], r: usize) -> impl Iterator<Item = usize> + '_ {
    let lo = candidates.partition_point(|&(cr, _)| (cr as usize) < r);
    let hi = candidates.partition_point(|&(cr, _)| (cr as usize) <= r);
    candidates[lo..hi].iter().map(|&(_, s)| s)
}

/// The regexes of `anchored` without an anchored search, which run from everywhere
/// (kept in [`RegexStarts::unanchored`] so no draft walks the whole list for them).
fn unanchored_of(anchored: &[Option<meta::Regex>]) -> Vec<u32> {
    let none = anchored.iter().enumerate().filter(|(_, a)| a.is_none());
    none.map(|(i, _)| i as u32).collect()
}

/// Hands `found` the non-empty matches `find_iter` would report inside each of `chunks`
/// (sorted) of `prose`, in order, given every position where a match can start (sorted):
/// from where the last match ended, the first candidate where an anchored search matches
/// is the leftmost match start, and the anchored search's match is the leftmost-first
/// match there. The search from a candidate ends with its chunk.
fn find_from(
    anchored: &meta::Regex,
    prose: &str,
    chunks: &[Range<usize>],
    starts: impl Iterator<Item = usize>,
    mut found: impl FnMut(usize, usize),
) {
    let mut at = 0;
    let mut chunk = 0;
    for s in starts {
        if s < at || s > prose.len() {
            continue;
        }
        while chunks.get(chunk).is_some_and(|c| c.end <= s) {
            chunk += 1;
        }
        let Some(within) = chunks.get(chunk).filter(|c| c.start <= s) else {
            // Between chunks (or after the last): no match starts here.
            continue;
        };
        // Anchored at `s`, the match starts at `s`: only its end is needed, which
        // spares the reverse search that finding a start would take.
        let input = Input::new(prose)
            .range(s..within.end)
            .anchored(Anchored::Yes);
        if let Some(m) = anchored.search_half(&input) {
            let end = m.offset();
            if s < end {
                found(s, end);
            }
            at = end.max(s + 1);
        }
    }
}

/// Letters, digits and the underscore: what a whole-word match must not continue into.
/// True when the characters before and at `at` are both word characters as the regex
/// engine's Unicode `\b` sees them.
fn inside_word(text: &str, at: usize) -> bool {
    let word = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            regex_syntax::is_word_character(c)
        }
    };
    let (Some(before), Some(after)) = (text.get(..at), text.get(at..)) else {
        return false;
    };
    before.chars().next_back().is_some_and(word) && after.chars().next().is_some_and(word)
}

/// ASCII letters, digits and `_`, by byte.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Whether the (non-ASCII) character ending at `at` is a word character.
#[cold]
fn word_char_before(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|t| t.chars().next_back())
        .is_some_and(is_word_char)
}

/// Whether the (non-ASCII) character starting at `at` is a word character.
#[cold]
fn word_char_after(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|t| t.chars().next())
        .is_some_and(is_word_char)
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

fn to_range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end))
}

/// The size from which `PolicySet::check_parallel` uses a second thread: of the
/// normalised view for the scan ([`Matcher::scan_parallel_from`]), of a post's body for
/// its rules.
pub(crate) const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// Runs of consecutive non-blank lines of `prose` (a blank line holds nothing but
/// spaces and tabs; non-prose was blanked out to spaces), each from the start of its
/// first line to the end of its last, before the line break. Lines end at `\n`, `\r\n`
/// or a lone `\r`, as everywhere in a draft, so a match cannot cross a blank line in a
/// draft written with old Mac line ends either. A match never spans two chunks, so a
/// chunk's matches depend only on its own text and the line breaks around it, which lets
/// the language server reuse them after an edit elsewhere.
pub(crate) fn chunks(prose: &str) -> Vec<Range<usize>> {
    let bytes = prose.as_bytes();
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut last_end = 0;
    let mut line_start = 0;
    loop {
        let line_end = memchr::memchr2(b'\n', b'\r', &bytes[line_start..])
            .map_or(bytes.len(), |i| line_start + i);
        let blank = bytes[line_start..line_end]
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t'));
        if blank {
            if let Some(start) = open.take() {
                out.push(start..last_end);
            }
        } else {
            open.get_or_insert(line_start);
            last_end = line_end;
        }
        if line_end >= bytes.len() {
            break;
        }
        line_start = line_end + 1;
        if bytes[line_end] == b'\r' && bytes.get(line_start) == Some(&b'\n') {
            line_start += 1;
        }
    }
    if let Some(start) = open {
        out.push(start..last_end);
    }
    out
}

/// The part of a draft a scan covers: a byte range of the prose and the chunks in it
/// (see [`chunks`]), with both again in the normalised view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    pub(crate) prose: Range<usize>,
    pub(crate) chunks: Vec<Range<usize>>,
    pub(crate) norm: Range<usize>,
    pub(crate) norm_chunks: Vec<Range<usize>>,
}

impl Region {
    /// The whole draft.
    pub(crate) fn whole(draft: &Draft) -> Region {
        // Outside its chunks a draft has only blank lines, where nothing matches.
        Region::of(draft, chunks(&draft.prose))
    }

    /// From the start of the first of `chunks` (sorted chunks of `draft`) to the end of
    /// the last.
    pub(crate) fn of(draft: &Draft, chunks: Vec<Range<usize>>) -> Region {
        let view = &draft.normalized;
        let norm_chunks: Vec<Range<usize>> = chunks
            .iter()
            .map(|c| view.from_original(c.start)..view.from_original(c.end))
            .collect();
        let span = |c: &[Range<usize>]| match (c.first(), c.last()) {
            (Some(first), Some(last)) => first.start..last.end,
            _ => 0..0,
        };
        Region {
            prose: span(&chunks),
            norm: span(&norm_chunks),
            chunks,
            norm_chunks,
        }
    }
}

/// Finds the chunk around each of a series of matches whose ends do not decrease (those
/// of an overlapping Aho-Corasick search).
#[derive(Default)]
struct ChunkCursor(usize);

impl ChunkCursor {
    /// True when `start..end` lies inside one of `chunks`.
    fn holds(&mut self, chunks: &[Range<usize>], start: usize, end: usize) -> bool {
        if self.0 > 0 && chunks.get(self.0 - 1).is_some_and(|c| c.end >= end) {
            // An end smaller than before: look again from the beginning.
            self.0 = chunks.partition_point(|c| c.end < end);
        }
        while chunks.get(self.0).is_some_and(|c| c.end < end) {
            self.0 += 1;
        }
        chunks
            .get(self.0)
            .is_some_and(|c| c.start <= start && end <= c.end)
    }
}

/// Every match in a draft, by position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MatchIndex {
    /// Matches sorted by (start, longest first, pattern), without duplicates: the order
    /// of a set's matches in `PostCtx::set_matches`. Sets find their matches in a post
    /// by filing these under the leaves that list each pattern (a stable sort by leaf
    /// keeps this order within each), so no lookup by pattern is needed: a table with a
    /// slot per pattern would be cleared for every draft, and a policy set has thousands
    /// of patterns where a draft matches a few hundred.
    by_position: Vec<(TextRange, u32)>,
}

impl MatchIndex {
    /// The index of `found`, in any order.
    #[cfg(test)]
    pub(crate) fn new(found: Vec<(TextRange, u32)>) -> MatchIndex {
        MatchIndex::from_scan(found, 0)
    }

    /// The index of a scan's matches: the first `phrases` of `found` are the phrase
    /// matches, in the order the automaton reports them (by end, then start), the rest
    /// come in runs, each regex's matches in order. Sorting them all from scratch was a
    /// tenth of the scan; phrase matches are out of order only where one lies inside a
    /// longer one that ends later, so they are put in order by insertion, the few
    /// others are sorted on their own, and the two runs merged. Any order still gives
    /// the right index ([`by_insertion`] gives up on input far from sorted).
    fn from_scan(mut found: Vec<(TextRange, u32)>, phrases: usize) -> MatchIndex {
        let phrases = phrases.min(found.len());
        let (head, tail) = found.split_at_mut(phrases);
        // A phrase match moves back only past the shorter ones inside it; the budget
        // keeps a text of deeply nested matches from costing the square of their number.
        if !by_insertion(head, 4 * head.len() + 64) {
            head.sort_unstable_by_key(match_key);
        }
        tail.sort_unstable_by_key(match_key);
        merge_tail(&mut found, phrases);
        found.dedup();
        MatchIndex { by_position: found }
    }

    /// The matches of both, as [`MatchIndex::from_scan`] would index them all together.
    fn merge(a: MatchIndex, b: MatchIndex) -> MatchIndex {
        let key = match_key;
        let (a, b) = (a.by_position, b.by_position);
        let mut by_position = Vec::with_capacity(a.len() + b.len());
        let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if key(x) <= key(y) => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            let Some(next) = next else { break };
            if by_position.last() != Some(&next) {
                by_position.push(next);
            }
        }
        MatchIndex { by_position }
    }

    /// All matches, in order of position.
    pub(crate) fn entries(&self) -> &[(TextRange, u32)] {
        &self.by_position
    }

    /// `head`, then `fresh`, then `tail` moved from a text of `lengths.0` bytes to one of
    /// `lengths.1` (the matches after an edit): the caller keeps them in order.
    pub(crate) fn concat(
        head: &[(TextRange, u32)],
        fresh: MatchIndex,
        tail: &[(TextRange, u32)],
        (old_len, new_len): (usize, usize),
    ) -> MatchIndex {
        let mut by_position = Vec::with_capacity(head.len() + fresh.by_position.len() + tail.len());
        by_position.extend_from_slice(head);
        by_position.extend(fresh.by_position);
        // Matches in the common tail end no earlier than the edit, so moving them back
        // by what it removed cannot underflow.
        let moved = |at: TextSize| size((usize::from(at) + new_len).saturating_sub(old_len));
        by_position.extend(
            tail.iter()
                .map(|&(r, p)| (TextRange::new(moved(r.start()), moved(r.end())), p)),
        );
        MatchIndex { by_position }
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

/// The order of [`MatchIndex`]: by start, the longest first, then by pattern. Two
/// matches with the same key are the same match.
fn match_key(&(r, p): &(TextRange, u32)) -> (u64, u32) {
    let (start, end) = (u32::from(r.start()), u32::from(r.end()));
    ((u64::from(start) << 32) | u64::from(!end), p)
}

/// Sorts `v` by [`match_key`] by insertion, which costs little for input that is nearly
/// in order; false, with `v` in some order, once more than `budget` elements have had to
/// move, so the caller can sort it another way.
fn by_insertion(v: &mut [(TextRange, u32)], mut budget: usize) -> bool {
    for i in 1..v.len() {
        let x = v[i];
        let key = match_key(&x);
        let mut j = i;
        while j > 0 && match_key(&v[j - 1]) > key {
            if budget == 0 {
                v[j] = x;
                return false;
            }
            budget -= 1;
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
    true
}

/// Merges `v[..mid]` and `v[mid..]`, each sorted by [`match_key`], into one sorted run.
/// In a scan the second part is the regex and masked matches. A few are each put in
/// place by a binary search, and the phrase matches after them move up in blocks; more
/// are merged in one pass from the back (sorting all of them again instead was a tenth
/// of the scan once a library's regexes matched more than 16 times in some regions).
fn merge_tail(v: &mut [(TextRange, u32)], mid: usize) {
    let (Some(last_head), Some(first_tail)) = (mid.checked_sub(1), v.get(mid)) else {
        return;
    };
    if match_key(&v[last_head]) <= match_key(first_tail) {
        return;
    }
    let mut buf = [(TextRange::default(), 0); 16];
    let Some(tail) = buf.get_mut(..v.len() - mid) else {
        let tail = v[mid..].to_vec();
        merge_from_back(v, mid, &tail);
        return;
    };
    tail.copy_from_slice(&v[mid..]);
    // `v[..end]` holds the first part's matches not yet moved to their place.
    let mut end = mid;
    for (j, m) in tail.iter().enumerate().rev() {
        let key = match_key(m);
        let at = v[..end].partition_point(|x| match_key(x) <= key);
        v.copy_within(at..end, at + j + 1);
        v[at + j] = *m;
        end = at;
    }
}

/// Merges `v[..mid]` and `tail` (a copy of `v[mid..]`), each sorted by [`match_key`],
/// into `v`, filling it from the end: the slots after the first part's unplaced matches
/// are always free.
fn merge_from_back(v: &mut [(TextRange, u32)], mid: usize, tail: &[(TextRange, u32)]) {
    let (mut head_end, mut tail_end) = (mid, tail.len());
    for slot in (0..v.len()).rev() {
        let (Some(&from_head), Some(&from_tail)) = (v[..head_end].last(), tail[..tail_end].last())
        else {
            // One part is used up: the first part's rest is in place already, and the
            // tail's rest (if any) fills the slots before it.
            v[..tail_end].copy_from_slice(&tail[..tail_end]);
            return;
        };
        if match_key(&from_head) > match_key(&from_tail) {
            v[slot] = from_head;
            head_end -= 1;
        } else {
            v[slot] = from_tail;
            tail_end -= 1;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use regex::Regex;

    thread_local! {
        /// Set by a test to compile policy sets whose start finders have this cache.
        pub(crate) static START_CACHE_CAPACITY: std::cell::Cell<Option<usize>> =
            const { std::cell::Cell::new(None) };
    }

    /// When the start finder's DFA gives up (here with a 4 MB cache, too small for all
    /// the std library's regexes on its examples), regexes with literal prefixes start
    /// where those occur and the others go through a DFA of their own: the matches are
    /// the same as without any start finder.
    #[test]
    fn a_start_finder_that_gives_up_finds_the_same_matches() {
        START_CACHE_CAPACITY.with(|c| c.set(Some(4 << 20)));
        let set = std_policy_set();
        START_CACHE_CAPACITY.with(|c| c.set(None));
        let fast = set.matcher();
        let mut slow = fast.clone();
        slow.starts = None;
        slow.masked_starts = None;
        let texts = std_example_texts(&set);
        let text = texts.join("\n\n");
        let draft = decorum_draft::parse(
            &text,
            decorum_draft::DraftFormat::Markdown,
            &Default::default(),
        );
        let starts = fast.starts.as_ref().expect("a start finder");
        assert!(
            matches!(
                starts.candidates(&draft.prose, 0..draft.prose.len()),
                Search::GaveUp
            ),
            "the small cache makes the DFA give up"
        );
        // The rule examples one by one, while the main DFA stays unused: the regexes
        // with literal prefixes start where those occur, the others where the DFA of
        // their own says.
        for text in texts.iter().step_by(7) {
            let draft = decorum_draft::parse(
                text,
                decorum_draft::DraftFormat::Markdown,
                &Default::default(),
            );
            let region = Region::whole(&draft);
            assert!(
                matches!(
                    starts.candidates(&draft.prose, region.prose.clone()),
                    Search::GaveUp
                ),
                "the main DFA stays unused after giving up"
            );
            assert!(
                starts
                    .candidates_without_triggers(
                        &draft.prose,
                        &region,
                        &fast.triggered().untriggered
                    )
                    .is_some(),
                "the DFA of the regexes without literal prefixes does not give up"
            );
            assert!(fast.scan(&draft) == slow.scan(&draft), "{text:?}");
        }
        // All of them in one draft.
        assert!(fast.scan(&draft) == slow.scan(&draft));
    }

    /// Regexes like the std library's: Unicode word boundaries, case-insensitive groups,
    /// Unicode classes, counted repetitions, anchors, alternations sharing prefixes.
    const REGEXES: &[(&str, &str)] = &[
        (r"\b\d{1,3}[- ](year|yr)s?[- ]old\b", "i"),
        (
            r"\b(?i:my|this|that)\s+(?:[\p{L}\d'’-]+\s+){1,3}(?i:patient|client)\b",
            "",
        ),
        (r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", ""),
        (
            r"\b(?:a|an|one)\s+(?:[\p{L}-]+\s+){0,2}(?:review|rating)\b",
            "i",
        ),
        (r"\b\d+(?:[.,]\d+)?\s?(?:mg|µg|ml)\b", ""),
        (r"(?i)\b(?:\d|one|two|a\s+few|dos)\b", ""),
        (r"^\s*(?:hi|hola)\b", "m"),
        (r"(?:the|our)\s+)?best\b", ""),
        (r"\b(?:named|voted)\b[^.!?\n]{0,30}\b(?:best|top)\b", "i"),
        (r"é\w*|\w*é", ""),
        (r"\Bing\b", ""),
        (r"[\p{Ll}]{2}\.$", ""),
        (r"x*", ""),
        (r"(?:Dr|Sra?)\.?\s+[A-Z][\p{Ll}'’-]+", ""),
        (r"\b\w+\b", ""),
        // Tails that can match empty text or repeat, which the start finder trims.
        (
            r"(?i)\b(?:my|the)\s+(?:\w+\s+){0,2}(?:patient|client)s?\b[^.!?\n]*",
            "",
        ),
        (r"(?i)\bold\s*[:,-]?\s*[^.!?\n]+", ""),
        (r"(?:year|client)\w*(?:\s+old)?|my(?:\s+\w+)+", ""),
    ];

    #[test]
    fn chunks_break_at_blank_lines_whatever_the_line_ends() {
        fn shown(prose: &str) -> Vec<&str> {
            chunks(prose).into_iter().map(|r| &prose[r]).collect()
        }
        for end in ["\n", "\r\n", "\r"] {
            let prose = ["My", "patient", "", "  \t", "quit", ""].join(end);
            assert_eq!(
                shown(&prose),
                [["My", "patient"].join(end).as_str(), "quit"],
                "{end:?}"
            );
        }
        // Mixed: a lone CR ends a line before an LF line.
        assert_eq!(shown("a\rb\n\r\nc"), ["a\rb", "c"]);
        assert_eq!(shown("\r\r"), Vec::<&str>::new());
    }

    /// The matches of each regex of `set` in `text`, through the candidate path.
    fn via_candidates(set: &RegexStarts, text: &str) -> Vec<Vec<(usize, usize)>> {
        let Search::Found(candidates) = set.candidates(text, 0..text.len()) else {
            panic!("the search fails on {text:?}");
        };
        let chunks = chunks(text);
        (0..set.anchored.len())
            .map(|r| {
                let Some(anchored) = &set.anchored[r] else {
                    return Vec::new();
                };
                let starts = candidates
                    .iter()
                    .filter(|(cr, _)| *cr as usize == r)
                    .map(|&(_, s)| s);
                let mut found = Vec::new();
                find_from(anchored, text, &chunks, starts, |s, e| found.push((s, e)));
                found
            })
            .collect()
    }

    /// The matches of each regex in `text` by `find_iter` inside each chunk (with the
    /// text around the chunk as look-around context).
    fn via_find_iter(
        regexes: &[meta::Regex],
        set: &RegexStarts,
        text: &str,
    ) -> Vec<Vec<(usize, usize)>> {
        let chunks = chunks(text);
        regexes
            .iter()
            .enumerate()
            .map(|(r, re)| {
                if set.anchored[r].is_none() {
                    return Vec::new();
                }
                chunks
                    .iter()
                    .flat_map(|c| re.find_iter(Input::new(text).range(c.clone())))
                    .filter(|m| m.start() < m.end())
                    .map(|m| (m.start(), m.end()))
                    .collect()
            })
            .collect()
    }

    /// A user regex as the `regex` crate builds it, for `find_iter` over a span.
    fn reference_regex(source: &str, flags: &str) -> meta::Regex {
        meta::Regex::builder()
            .build_from_hir(&parse_user_regex(source, flags).expect("valid regex"))
            .expect("valid regex")
    }

    /// A space written as such matches any run of whitespace; `\x20`, `[ ]` and an
    /// escaped space in verbose mode match one space; verbose mode ignores spaces.
    #[test]
    fn a_written_space_matches_any_run_of_whitespace() {
        fn finds<'t>(source: &str, flags: &str, text: &'t str) -> Option<&'t str> {
            reference_regex(source, flags)
                .find(text)
                .map(|m| &text[m.range()])
        }
        let text = "from \n  **Millbrook**";
        assert_eq!(finds("from M", "", text), None, "the markup stands between");
        let prose = "from \n    Millbrook  ";
        assert_eq!(finds("from Mill", "", prose), Some("from \n    Mill"));
        assert_eq!(
            finds("(?:from ){1}(mill)", "i", prose),
            Some("from \n    Mill")
        );
        assert_eq!(finds("from|a b", "", "a\tb"), Some("a\tb"));
        assert_eq!(finds(r"from\x20M", "", prose), None);
        assert_eq!(finds(r"from[ ]M", "", prose), None);
        assert_eq!(finds(r"from[ ]M", "", "from M"), Some("from M"));
        assert_eq!(finds(r"f r o m \ M", "x", "from  M"), None);
        assert_eq!(finds(r"f r o m \ M", "x", "from M"), Some("from M"));
        assert_eq!(finds("from M", "x", "fromM"), Some("fromM"));
        // A space cannot match nothing: no regex becomes one that matches empty text.
        assert_eq!(validate_regex(" ", ""), Ok(false));
    }

    /// A run across words ends the start form when enough is kept before it: "named"
    /// is a candidate without the "best" the whole regex needs, and a quotation in
    /// apostrophes is not cut down to one at every apostrophe.
    #[test]
    fn start_forms_end_before_a_run_across_words() {
        let regexes = [
            (r"\b(?:named|voted)\b[^.!?\n]{0,30}\b(?:best|top)\b", "i"),
            (r"'[^'\n]+'", ""),
        ];
        let set = RegexStarts::build(&regexes, false, 16 << 20).expect("builds");
        let text = "We were named. It's fine.";
        let Search::Found(found) = set.main.search(text, 0..text.len()) else {
            panic!("the search fails");
        };
        assert_eq!(found, vec![(0, text.find("named").unwrap())]);
        // And the whole regexes' matches are found from those candidates.
        let reference: Vec<meta::Regex> = regexes
            .iter()
            .map(|&(s, f)| reference_regex(s, f))
            .collect();
        for text in [
            "Voted the top clinic. We were 'named' best!",
            "named, best 'x' top",
        ] {
            let found = via_candidates(&set, text);
            assert_eq!(found, via_find_iter(&reference, &set, text), "{text:?}");
            assert!(found.iter().all(|m| !m.is_empty()), "{text:?}: {found:?}");
        }
    }

    #[test]
    fn relaxed_regexes_take_part_unless_they_match_empty() {
        let regexes: Vec<(&str, &str)> = REGEXES
            .iter()
            .copied()
            .filter(|(s, _)| Regex::new(s).is_ok())
            .collect();
        let set = RegexStarts::build(&regexes, false, 16 << 20).expect("builds");
        let taking_part: Vec<bool> = set.anchored.iter().map(Option::is_some).collect();
        let empty: Vec<bool> = regexes
            .iter()
            .map(|(s, _)| Regex::new(s).unwrap().is_match(""))
            .collect();
        assert_eq!(taking_part, empty.iter().map(|e| !e).collect::<Vec<_>>());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn candidate_search_matches_find_iter(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "my", "My", "this", "patient", "client", "old", "year", "45", "3", "-", " ",
                    "  ", "\n", "\n\n", ".", ",", "é", "café", "É", "日本", "😀", "’", "'", "Dr",
                    "Sra", "Ana", "Smith", "Best", "best", "the", "named", "top", "mg", "µg",
                    "2.5", "one", "dos", "a", "few", "review", "hi", "Hola", "running", "x",
                    "\u{301}", "\u{200b}", "ß", "K", "\u{212a}",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let (regexes, set) = regex_fixture();
            proptest::prop_assert_eq!(
                via_candidates(set, &text),
                via_find_iter(regexes, set, &text),
                "{:?}", text
            );
        }

        #[test]
        fn masked_candidate_search_matches_find_iter(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "f", "u", "c", "k", "*", "**", "#", "s", "h", "i", "t", "!", "1", "|", "$",
                    "he", "ll", "o", "a", "@", "ss", ".", "-", "_", "d", "m", "n", " ", "  ",
                    "\n", "é", "日本", "😀", "\u{a0}", "\u{301}",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let (regexes, set) = masked_fixture();
            proptest::prop_assert_eq!(
                via_candidates(set, &text),
                via_find_iter(regexes, set, &text),
                "{:?}", text
            );
        }
    }

    /// [`REGEXES`] (those the `regex` crate accepts) and their start finder, built once.
    fn regex_fixture() -> &'static (Vec<meta::Regex>, RegexStarts) {
        static SET: std::sync::OnceLock<(Vec<meta::Regex>, RegexStarts)> =
            std::sync::OnceLock::new();
        SET.get_or_init(|| {
            let sources: Vec<(&str, &str)> = REGEXES
                .iter()
                .copied()
                .filter(|(s, _)| Regex::new(s).is_ok())
                .collect();
            let set = RegexStarts::build(&sources, false, 16 << 20).expect("builds");
            let regexes = sources.iter().map(|(s, f)| reference_regex(s, f)).collect();
            (regexes, set)
        })
    }

    /// Where the start finder of [`regex_fixture`] must report a candidate in `span` of
    /// `text`, found the slow way: every (regex, position) where the regex's
    /// [`start_form`] matches anchored at that position and ends inside the span.
    fn relaxed_starts(text: &str, span: Range<usize>) -> Vec<(u32, usize)> {
        static RELAXED: std::sync::OnceLock<Vec<Option<meta::Regex>>> = std::sync::OnceLock::new();
        let relaxed = RELAXED.get_or_init(|| {
            let (_, set) = regex_fixture();
            let sources: Vec<(&str, &str)> = REGEXES
                .iter()
                .copied()
                .filter(|(s, _)| Regex::new(s).is_ok())
                .collect();
            sources
                .iter()
                .zip(&set.anchored)
                .map(|(&(source, flags), taking_part)| {
                    taking_part.as_ref()?;
                    let hir = start_form(&parse_user_regex(source, flags).ok()?);
                    meta::Regex::builder().build_from_hir(&hir).ok()
                })
                .collect()
        });
        let mut out = Vec::new();
        for (r, re) in relaxed.iter().enumerate() {
            let Some(re) = re else { continue };
            for at in span.clone() {
                let input = Input::new(text).range(at..span.end).anchored(Anchored::Yes);
                if re.is_match(input) {
                    out.push((r as u32, at));
                }
            }
        }
        out.sort_unstable();
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// The hand-written reverse walk reports exactly the positions where a regex's
        /// start form matches: none missing (which would lose matches), none extra.
        #[test]
        fn the_start_walk_reports_exactly_where_relaxed_regexes_match(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "my", "My", "this", "patient", "client", "old", "year", "45", "3", "-",
                    " ", "\n", ".", ",", "é", "café", "日本", "😀", "’", "'", "Dr", "Ana",
                    "Smith", "best", "the", "mg", "2.5", "one", "a", "few", "review", "x",
                    "\u{301}", "ß", "\u{212a}",
                ]),
                0..30,
            ),
            skip in 0usize..4,
        ) {
            let text: String = pieces.concat();
            let (_, set) = regex_fixture();
            // The whole text, and a span starting after its first pieces (so the byte
            // before the span is not the end of input).
            let cut: usize = pieces.iter().take(skip).map(|p| p.len()).sum();
            for span in [0..text.len(), cut..text.len()] {
                let Search::Found(found) = set.main.search(&text, span.clone()) else {
                    panic!("the search fails on {text:?}");
                };
                proptest::prop_assert_eq!(found, relaxed_starts(&text, span), "{:?}", text);
            }
        }
    }

    /// Masked phrases as [`Matcher::build`] compiles them, and their start finder.
    fn masked_fixture() -> &'static (Vec<meta::Regex>, RegexStarts) {
        static SET: std::sync::OnceLock<(Vec<meta::Regex>, RegexStarts)> =
            std::sync::OnceLock::new();
        SET.get_or_init(|| {
            let sources: Vec<String> = ["fuck", "shit", "hell", "ass", "damn it", "a-hole"]
                .iter()
                .map(|w| masked_regex(w))
                .collect();
            let flagged: Vec<(&str, &str)> = sources.iter().map(|s| (s.as_str(), "")).collect();
            let set = RegexStarts::build(&flagged, false, 16 << 20).expect("builds");
            let regexes = sources.iter().map(|s| reference_regex(s, "")).collect();
            (regexes, set)
        })
    }

    /// Cases proptest once found, kept as plain tests so they run whatever the seeds.
    #[test]
    fn known_cases_match_find_iter() {
        let (regexes, set) = regex_fixture();
        for text in ["-3", "3-", "- 3", "45-year-old", "my 3 patient", ""] {
            assert_eq!(
                via_candidates(set, text),
                via_find_iter(regexes, set, text),
                "{text:?}"
            );
        }
        let (regexes, set) = masked_fixture();
        for text in [
            "f*ck",
            "sh!t sh1t",
            "hell-o",
            "a--hole",
            "damn  it",
            "f**k*",
        ] {
            assert_eq!(
                via_candidates(set, text),
                via_find_iter(regexes, set, text),
                "{text:?}"
            );
        }
    }

    /// The std library, compiled.
    pub(crate) fn std_policy_set() -> crate::PolicySet {
        use crate::{ImportResolution, PolicyInputs, PolicySource, SourceId};
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies/std/healthcare");
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .expect("std library folder")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "decorum"))
            .map(|p| {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                (stem, std::fs::read_to_string(&p).expect("readable"))
            })
            .collect();
        files.sort();
        let mut inputs = PolicyInputs::default();
        for (stem, text) in &files {
            let parse = decorum_syntax::parse(text);
            let imports = parse
                .file
                .items
                .iter()
                .filter_map(|item| match item {
                    decorum_syntax::Item::Import(import) => Some(import),
                    _ => None,
                })
                .map(|import| {
                    let target = import.source.value.trim_start_matches("./");
                    match files.iter().position(|(s, _)| s == target) {
                        Some(i) => ImportResolution::File(SourceId(i as u32)),
                        None => ImportResolution::Failed {
                            message: format!("{target} not found"),
                            help: None,
                        },
                    }
                })
                .collect();
            inputs.add(PolicySource {
                path: format!("std/healthcare/{stem}.decorum"),
                text: text.as_str().into(),
                parse,
                imports,
                builtin: true,
                shared_library: false,
            });
        }
        inputs.roots = (0..files.len() as u32).map(SourceId).collect();
        let compiled = crate::compile(&inputs);
        compiled.policy_set.expect("std compiles")
    }

    /// The std library's examples, and a quarter of them decorated with non-ASCII text.
    pub(crate) fn std_example_texts(set: &crate::PolicySet) -> Vec<String> {
        let mut texts: Vec<String> = set
            .rules()
            .iter()
            .flat_map(|r| r.examples.iter().map(|e| e.text.clone()))
            .collect();
        // Decorating a quarter of them keeps the tests quick in debug builds, where the
        // lazy DFA builds its states slowly.
        let decorated: Vec<String> = texts
            .iter()
            .step_by(4)
            .map(|t| {
                format!(
                    "Café “{}” 🎉 {}",
                    t.replace(' ', "\u{a0}"),
                    t.to_uppercase()
                )
            })
            .collect();
        texts.extend(decorated);
        texts
    }

    /// A one-file policy, compiled.
    fn compile_text(text: &str) -> crate::PolicySet {
        let inputs = crate::PolicyInputs::single("shared.decorum", text);
        crate::compile(&inputs).policy_set.expect("compiles")
    }

    /// Compiling the same patterns again, while the first result lives, shares its start
    /// finders and phrase automaton; other patterns get their own.
    #[test]
    fn automata_in_use_are_shared_by_later_compiles() {
        let text = |word: &str| {
            format!(
                "decorum 1\npolicy shared\nterms t = [\"{word}\", /\\b[A-Z][a-z]+ {word}\\b/]\nterms s = [\"fuck\"] masked\nrule r {{ flag when contains t }}\nrule q {{ flag when contains s }}\n"
            )
        };
        let first = compile_text(&text("alpha"));
        let again = compile_text(&text("alpha"));
        let other = compile_text(&text("beta"));
        let parts = |set: &crate::PolicySet| {
            let m = set.matcher();
            (
                m.phrases.clone().expect("phrases"),
                m.starts.clone().expect("start finder"),
                m.masked_starts.clone().expect("masked start finder"),
            )
        };
        let (a, b, c) = (parts(&first), parts(&again), parts(&other));
        assert!(Arc::ptr_eq(&a.0, &b.0) && Arc::ptr_eq(&a.1, &b.1) && Arc::ptr_eq(&a.2, &b.2));
        assert!(!Arc::ptr_eq(&a.0, &c.0) && !Arc::ptr_eq(&a.1, &c.1));
        assert!(Arc::ptr_eq(&a.2, &c.2), "the masked phrases are the same");
        // Shared or not, they find the same matches.
        let meta = decorum_draft::Metadata::default();
        let draft = decorum_draft::parse(
            "Dear Ana alpha, what the f*ck. alpha beta",
            decorum_draft::DraftFormat::Markdown,
            &meta,
        );
        assert_eq!(first.check(&draft), again.check(&draft));
        // "alpha" twice, "Ana alpha" (which holds the first "alpha": one finding), f*ck.
        assert_eq!(first.check(&draft).findings.len(), 3);
        // The masked phrases' gate, built on first use, is shared too.
        let gate = |set: &crate::PolicySet| {
            let built = set.matcher().masked_gate.built.get().cloned().flatten();
            built.expect("the gate was built by the check")
        };
        assert!(Arc::ptr_eq(&gate(&first), &gate(&again)));
    }

    /// A regex without an anchored search (policies refuse regexes that can match the
    /// empty string, so only one whose searcher did not build) runs over every draft
    /// from everywhere, even where the start finder reports candidates for it, and the
    /// scan finds what it finds without a start finder.
    #[test]
    fn a_regex_without_an_anchored_search_runs_over_every_draft() {
        let set = compile_text(concat!(
            "decorum 1\npolicy shared\n",
            "terms dose = [/\\b\\d+\\s?mg\\b/, /\\bdaily\\b/, \"tablet\"]\n",
            "rule r { flag when contains dose }\n",
        ));
        let matcher = set.matcher();
        let mut without = (**matcher.starts.as_ref().expect("a start finder")).clone();
        assert!(without.unanchored.is_empty());
        without.anchored[0] = None;
        without.unanchored = unanchored_of(&without.anchored);
        assert_eq!(without.unanchored, [0]);
        let mut fast = matcher.clone();
        fast.starts = Some(Arc::new(without));
        let mut slow = matcher.clone();
        slow.starts = None;
        let meta = decorum_draft::Metadata::default();
        let dose = matcher.regexes[0].1;
        for text in [
            "Take 20 mg daily.",
            "No dose here.",
            "1 mg, 2 mg and 30mg.",
            "",
        ] {
            let draft = decorum_draft::parse(text, decorum_draft::DraftFormat::Markdown, &meta);
            let index = fast.scan(&draft);
            assert!(index == slow.scan(&draft), "{text:?}");
            let doses = index.by_position.iter().filter(|(_, p)| *p == dose).count();
            assert_eq!(doses, text.matches("mg").count(), "{text:?}");
        }
    }

    /// Validation keeps what it built for the start finder, which takes it once; what it
    /// takes is what the start finder would have built itself.
    #[test]
    fn validation_hands_its_searcher_to_the_start_finder() {
        let (source, flags) = (r"\bkept for the start finder\s+\p{L}+", "i");
        assert_eq!(validate_regex(source, flags), Ok(false));
        let (start, searcher) = BUILT_REGEXES.take(source, flags).expect("kept");
        let hir = parse_user_regex(source, flags).unwrap();
        assert_eq!(start, start_form(&hir));
        let own = anchored_searcher(&hir).unwrap();
        for text in [
            "Kept for the  start finder Ünïcode!",
            "kept for the start",
            "x",
        ] {
            let input = Input::new(text).anchored(Anchored::Yes);
            assert_eq!(
                searcher.search_half(&input),
                own.search_half(&input),
                "{text}"
            );
        }
        assert!(BUILT_REGEXES.take(source, flags).is_none());
        // A regex that can match empty text has no anchored searcher: nothing is kept.
        assert_eq!(validate_regex("kept(?: or not)*", "x"), Ok(false));
        assert!(BUILT_REGEXES.take("kept(?: or not)*", "x").is_some());
        assert_eq!(validate_regex("(?:kept)*", ""), Ok(true));
        assert!(BUILT_REGEXES.take("(?:kept)*", "").is_none());
        // Too large: the error, worded as before, and nothing kept.
        assert_eq!(
            validate_regex(r"kept\w{500}\w{500}", ""),
            Err(size_limit_message(REGEX_SIZE_LIMIT))
        );
        assert!(BUILT_REGEXES.take(r"kept\w{500}\w{500}", "").is_none());
    }

    /// A regex's literal prefixes trigger it only when finding them in the normalised
    /// view finds every match: each character's cases normalise alike.
    #[test]
    fn trigger_literals_fold_as_the_text_does() {
        let literals = |source, flags| compute_trigger_literals(source, flags).map(|t| t.literals);
        let owned = |words: &[&str]| Some(words.iter().map(|w| w.to_string()).collect());
        assert_eq!(
            literals(r"\b(?:cures?|heals)\b", "i"),
            owned(&["cures", "cure", "heals"])
        );
        // Sixteen spellings of one word, folded back into one literal.
        assert_eq!(literals("(?i)cure", ""), owned(&["cure"]));
        // `k` also matches the Kelvin sign, which normalises to `k`.
        assert_eq!(literals("(?i)kind", ""), owned(&["kind"]));
        // Cyrillic `в` also matches `ᲀ`, which normalises apart: no trigger, with or
        // without `i` (the literals are looked for in the lower-cased view).
        assert_eq!(literals("(?i)вода", ""), None);
        assert_eq!(literals("вода", ""), None);
        assert_eq!(literals("(?i)мина", ""), owned(&["мина"]));
        // One character is too short to trigger.
        assert_eq!(literals("x+y", ""), None);
    }

    /// Validation accepts exactly the regexes the `regex` crate builds.
    #[test]
    fn validation_agrees_with_building() {
        let mut cases: Vec<(&str, &str)> = REGEXES.to_vec();
        cases.extend([
            (r"\w{500}\w{500}", ""),
            (r"\w{500}", "i"),
            (r"[\p{L}\p{N}]{1,300}", ""),
            (r"\p{NotAProperty}", ""),
            (r"(?i)straße", ""),
            (r"a(?P<x>b)c", "x"),
            (r"ab(", ""),
        ]);
        for (source, flags) in cases {
            assert_eq!(
                validate_regex(source, flags).is_ok(),
                LazyRegex::new(source, flags).get().is_some(),
                "/{source}/{flags}"
            );
        }
    }

    #[test]
    fn merged_indexes_equal_one_index_of_all_matches() {
        let r = |s: u32, e: u32| TextRange::new(s.into(), e.into());
        let a = vec![(r(0, 4), 3), (r(5, 9), 1), (r(5, 7), 2), (r(0, 2), 1)];
        let b = vec![(r(5, 9), 1), (r(0, 4), 0), (r(5, 6), 2), (r(12, 14), 1)];
        let all: Vec<_> = a.iter().chain(&b).copied().collect();
        assert_eq!(
            MatchIndex::merge(MatchIndex::new(a.clone()), MatchIndex::new(b.clone())),
            MatchIndex::new(all)
        );
        assert_eq!(
            MatchIndex::merge(MatchIndex::new(Vec::new()), MatchIndex::new(b.clone())),
            MatchIndex::new(b)
        );
        assert_eq!(
            MatchIndex::merge(MatchIndex::new(a.clone()), MatchIndex::default()),
            MatchIndex::new(a)
        );
    }

    proptest::proptest! {
        /// Indexing a scan's matches (phrase matches by end, then runs by start) gives
        /// what a full sort gives, whatever order they come in: in the scan's order
        /// (insertion and a merge), or far from it (the insertion's budget runs out).
        #[test]
        fn indexing_a_scan_sorts_its_matches(
            matches in proptest::collection::vec((0u32..60, 1u32..12, 0u32..6), 0..80),
            phrases in 0usize..90,
            phrases_by_end in proptest::bool::ANY,
            rest_in_runs in proptest::bool::ANY,
        ) {
            let mut found: Vec<(TextRange, u32)> = matches
                .iter()
                .map(|&(s, len, p)| (TextRange::new(s.into(), (s + len).into()), p))
                .collect();
            let k = phrases.min(found.len());
            if phrases_by_end {
                found[..k].sort_by_key(|&(r, p)| (r.end(), r.start(), p));
            }
            if rest_in_runs {
                found[k..].sort_by_key(|&(r, p)| (p, r.start()));
            }
            let mut expected = found.clone();
            expected.sort_by_key(|&(r, p)| (r.start(), std::cmp::Reverse(r.end()), p));
            expected.dedup();
            proptest::prop_assert_eq!(MatchIndex::from_scan(found, phrases).by_position, expected);
        }
    }

    /// Masked matches in `text`, through the gate and with the gate always open.
    fn masked_with_and_without_gate(
        matcher: &Matcher,
        open: &Matcher,
        text: &str,
    ) -> [Vec<(TextRange, u32)>; 2] {
        let draft = decorum_draft::parse(
            text,
            decorum_draft::DraftFormat::Markdown,
            &Default::default(),
        );
        let region = Region::whole(&draft);
        let [mut gated, mut always] = [Vec::new(), Vec::new()];
        matcher.scan_masked(&draft, &region, &mut gated);
        open.scan_masked(&draft, &region, &mut always);
        [gated, always]
    }

    /// The std matcher, and a copy whose masked gate lets every text through.
    fn masked_gate_fixture() -> &'static (crate::PolicySet, Matcher) {
        static FIXTURE: std::sync::OnceLock<(crate::PolicySet, Matcher)> =
            std::sync::OnceLock::new();
        FIXTURE.get_or_init(|| {
            let set = std_policy_set();
            let mut open = set.matcher().clone();
            open.masked_gate.built = OnceLock::from(None);
            (set, open)
        })
    }

    /// The masked gate only turns away texts where masked phrases have no whole-word
    /// match: the std library's examples (with profanity, masked and not), and mostly
    /// turns away text without profanity.
    #[test]
    fn the_masked_gate_loses_no_match() {
        let (set, open) = masked_gate_fixture();
        let matcher = set.matcher();
        let mut found = 0;
        let mut texts = std_example_texts(set);
        // Invented posts with every masked phrase, plain, masked, next to punctuation,
        // non-ASCII letters and markup.
        for word in [
            "fuck",
            "fucking",
            "motherfucker",
            "fkn",
            "shit",
            "bullshit",
            "asshole",
            "ass",
            "bitch",
            "damn",
            "goddamnit",
            "hell",
            "crap",
            "pissed off",
            "douchebag",
            "wtf",
            "mierda",
            "joder",
            "coño",
            "cabrón",
            "chingada",
        ] {
            let masked: String = word
                .chars()
                .enumerate()
                .map(|(i, c)| if i % 2 == 1 { '*' } else { c })
                .collect();
            texts.push(format!(
                "What a {word} day. {masked}! (“{word}”) é{word} {word}é **{masked}** {word}s \
                 _{word}_ #{word} {}",
                word.to_uppercase()
            ));
            // At the end of a line, a paragraph and the text: the gate must read the
            // character after the span it searches.
            let hashed = masked.replace('*', "#");
            texts.push(format!("Long shift, {word}\nOn to the {hashed}\n"));
            // Alone at the end of the only paragraph.
            texts.push(format!("What the {word}\n"));
        }
        for text in texts {
            let [gated, always] = masked_with_and_without_gate(matcher, open, &text);
            assert_eq!(gated, always, "{text:?}");
            found += gated.len();
        }
        assert!(
            found > 100,
            "only {found} masked matches: the texts test little"
        );
        let clean = "Hello class, the shell of the assistant's pass is here.";
        let draft = decorum_draft::parse(
            clean,
            decorum_draft::DraftFormat::Markdown,
            &Default::default(),
        );
        assert!(
            !matcher
                .masked_gate
                .may_match(&draft.normalized.text, Region::whole(&draft).norm),
            "words that merely contain a masked phrase close the gate"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn the_masked_gate_loses_no_match_in_token_soup(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "f", "u", "c", "k", "*", "**", "#", "s", "h", "i", "t", "!", "1", "|", "$",
                    "he", "ll", "o", "a", "@", "ss", ".", "-", "_", "d", "m", "n", " ", "  ",
                    "\n", "\n\n", "é", "日本", "😀", "\u{a0}", "\u{301}", "mierda", "damn",
                    "crap", "bitch", "\u{200d}", "ß", "x", "`", "[", "](u)",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let (set, open) = masked_gate_fixture();
            let [gated, always] = masked_with_and_without_gate(set.matcher(), open, &text);
            proptest::prop_assert_eq!(gated, always, "{:?}", text);
        }
    }

    /// Scanning and checking on two threads finds exactly what one thread finds: std
    /// examples as the paragraphs of one draft (the two-thread threshold lowered to keep
    /// the test quick in debug builds), and a few examples alone.
    #[test]
    fn parallel_scan_finds_what_scan_finds() {
        let set = std_policy_set();
        let texts = std_example_texts(&set);
        let meta = decorum_draft::Metadata::default();
        let parse =
            |text: &str| decorum_draft::parse(text, decorum_draft::DraftFormat::Markdown, &meta);
        let matcher = set.matcher();
        // Every other example keeps the test quick in debug builds.
        let joined: Vec<&str> = texts.iter().step_by(2).map(String::as_str).collect();
        let draft = parse(&joined.join("\n\n"));
        let (one, two) = (matcher.scan(&draft), matcher.scan_parallel_from(&draft, 0));
        assert!(one.by_position.len() > 1000, "{}", one.by_position.len());
        assert!(one == two, "one thread and two threads disagree");
        // The whole check, with the rules of the (one) post evaluated in two halves.
        let threads = crate::check::Threads::Two { from_bytes: 0 };
        let report = set.check(&draft);
        assert!(report.findings.len() > 50, "{}", report.findings.len());
        assert_eq!(set.check_scanned(&[&draft], None, threads), vec![report]);
        for text in texts.iter().step_by(25) {
            let draft = parse(text);
            assert!(
                matcher.scan(&draft) == matcher.scan_parallel_from(&draft, 0),
                "{text:?}"
            );
        }
    }

    /// The phrase texts of a compiled policy set, in the order of its automaton.
    fn phrase_texts(set: &crate::PolicySet) -> Vec<String> {
        let arena = set.arena();
        set.matcher()
            .phrase_patterns
            .iter()
            .map(|pids| match &arena.patterns[pids[0] as usize].kind {
                PatternKind::Phrase { norm, .. } => norm.clone(),
                other => panic!("a phrase slot holds {other:?}"),
            })
            .collect()
    }

    /// Every (start, end, pattern) the automaton reports in `text[span]`, sorted.
    fn phrase_hits(automaton: &PhraseAutomaton, text: &str, span: Range<usize>) -> Vec<[usize; 3]> {
        let mut hits = Vec::new();
        automaton.for_each_match(text, span, |s, e, p| hits.push([s, e, p]));
        hits.sort_unstable();
        hits
    }

    /// The same phrases as aho-corasick's automaton (the fallback).
    fn nfa_of(texts: &[String]) -> PhraseAutomaton {
        PhraseAutomaton::Nfa(
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(texts)
                .expect("builds"),
        )
    }

    /// The std library's phrases in the double-array automaton and in aho-corasick's
    /// report the same occurrences, overlapping ones and those inside words included,
    /// over the library's examples (normalised as drafts are) and over part of them.
    #[test]
    fn the_double_array_finds_what_aho_corasick_finds() {
        let set = std_policy_set();
        let texts = phrase_texts(&set);
        assert!(
            texts.len() > 1000,
            "the std library has {} phrases",
            texts.len()
        );
        let double = PhraseAutomaton::build(&texts)
            .expect("builds")
            .expect("some");
        assert!(
            matches!(double, PhraseAutomaton::DoubleArray(_)),
            "{double:?}"
        );
        let nfa = nfa_of(&texts);
        let mut total = 0;
        for example in std_example_texts(&set) {
            let text = decorum_draft::normalize_str(&example);
            let whole = phrase_hits(&double, &text, 0..text.len());
            assert_eq!(whole, phrase_hits(&nfa, &text, 0..text.len()), "{text:?}");
            total += whole.len();
            // A span that starts and ends inside the text, as a region of a draft does.
            let from = (1..text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let to = (from..text.len())
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(from);
            assert_eq!(
                phrase_hits(&double, &text, from..to),
                phrase_hits(&nfa, &text, from..to),
                "{text:?} from {from} to {to}"
            );
        }
        assert!(
            total > 5_000,
            "only {total} phrase hits: the texts test little"
        );
    }

    /// `hits` (of an automaton of `texts` over `text`) without those that an automaton
    /// of [`PhraseAutomaton::build_phrases`] may leave out: short phrases that end with a
    /// word character and have one after them, which no whole-word match does.
    fn at_word_ends(texts: &[String], text: &str, hits: &[[usize; 3]]) -> Vec<[usize; 3]> {
        hits.iter()
            .copied()
            .filter(|&[_, e, p]| {
                let phrase = &texts[p];
                let short =
                    phrase.len() <= 2 && phrase.chars().next_back().is_some_and(is_word_char);
                !(short && text[e..].chars().next().is_some_and(is_word_char))
            })
            .collect()
    }

    /// `fewer` (of a word-end automaton) are some of `all` (aho-corasick's), and all of
    /// those that can stand on whole words.
    fn word_end_hits_agree(
        texts: &[String],
        text: &str,
        fewer: &[[usize; 3]],
        all: &[[usize; 3]],
    ) -> Result<(), String> {
        if let Some(extra) = fewer.iter().find(|h| !all.contains(h)) {
            return Err(format!("{extra:?} is no hit in {text:?}"));
        }
        let (a, b) = (
            at_word_ends(texts, text, fewer),
            at_word_ends(texts, text, all),
        );
        if a != b {
            return Err(format!("{text:?}: {a:?} against {b:?}"));
        }
        Ok(())
    }

    /// The std library's phrases with short ones found at word ends only report what
    /// aho-corasick reports, less some of the short phrases' hits inside words, over the
    /// library's examples and over part of each; and they leave out many hits.
    #[test]
    fn short_phrases_are_found_at_word_ends() {
        let set = std_policy_set();
        let texts = phrase_texts(&set);
        let starts = PhraseAutomaton::build_phrases(&texts)
            .expect("builds")
            .expect("some");
        assert!(
            matches!(starts, PhraseAutomaton::WordEnds(..)),
            "{starts:?}"
        );
        let nfa = nfa_of(&texts);
        let (mut kept, mut all) = (0, 0);
        for example in std_example_texts(&set) {
            let text = decorum_draft::normalize_str(&example);
            let every = phrase_hits(&nfa, &text, 0..text.len());
            let fewer = phrase_hits(&starts, &text, 0..text.len());
            all += every.len();
            kept += fewer.len();
            word_end_hits_agree(&texts, &text, &fewer, &every).unwrap();
            // Spans that end at each of the last characters, as regions do.
            let last = text.len().saturating_sub(12);
            for to in (last..text.len()).filter(|&i| text.is_char_boundary(i)) {
                word_end_hits_agree(
                    &texts,
                    &text,
                    &phrase_hits(&starts, &text, 0..to),
                    &phrase_hits(&nfa, &text, 0..to),
                )
                .unwrap_or_else(|e| panic!("to {to}: {e}"));
            }
        }
        assert!(
            all - kept > 1_000,
            "only {} of {all} hits left out",
            all - kept
        );
    }

    /// Short phrases before every kind of character, and before bytes that spell another
    /// phrase with them (`ad` and `:`), in a small automaton.
    #[test]
    fn short_phrases_after_any_character() {
        let texts: Vec<String> = ["i", "he", "ad", "ad:", "é", "the", "he said", "x", "i i"]
            .map(String::from)
            .to_vec();
        let starts = PhraseAutomaton::build_phrases(&texts)
            .expect("builds")
            .expect("some");
        assert!(
            matches!(&starts, PhraseAutomaton::WordEnds(_, w) if w.both.len() == 1),
            "{starts:?}"
        );
        let nfa = nfa_of(&texts);
        let text = "i he said ad: ad, thé ié (i) i_x i😀 he\u{a0} xé ad-x\ni i he";
        for to in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            word_end_hits_agree(
                &texts,
                text,
                &phrase_hits(&starts, text, 0..to),
                &phrase_hits(&nfa, text, 0..to),
            )
            .unwrap_or_else(|e| panic!("to {to}: {e}"));
        }
    }

    /// Phrase sets daachorse refuses or would search differently (here one with an
    /// empty phrase, which compiling a policy never gives) take aho-corasick, which
    /// finds the others as before.
    #[test]
    fn refused_phrase_sets_take_aho_corasick() {
        let texts = vec![String::new(), "cure".to_string(), "sure cure".to_string()];
        let automaton = PhraseAutomaton::build(&texts)
            .expect("builds")
            .expect("some");
        assert!(
            matches!(automaton, PhraseAutomaton::Nfa(_)),
            "{automaton:?}"
        );
        let text = "a sure cure";
        let hits: Vec<[usize; 3]> = phrase_hits(&automaton, text, 0..text.len())
            .into_iter()
            .filter(|h| h[2] != 0)
            .collect();
        assert_eq!(hits, vec![[2, 11, 2], [7, 11, 1]]);
        // A span that is not on character boundaries finds nothing rather than panic.
        let double = PhraseAutomaton::build(&texts[1..])
            .expect("builds")
            .expect("some");
        assert!(phrase_hits(&double, "é cure", 1..8).is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Random text made of pieces of phrases, words and odd characters: both
        /// automata report the same occurrences.
        #[test]
        fn the_double_array_finds_what_aho_corasick_finds_in_token_soup(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "cure", "guaranteed", "my patient", "patient", "pa", "tient", "100%",
                    "#", "@", " ", "  ", "\n", "\n\n", "é", "日本", "😀", "\u{a0}", "\u{301}",
                    "ß", "miracle", "the", "other", "-", "'", "’", "year-old", "45", "5",
                    "old", "x", "sponsored", "ad", "link in bio", "review", "five stars",
                ]),
                0..60,
            )
        ) {
            let text: String = pieces.concat();
            let (double, nfa) = soup_automata();
            proptest::prop_assert_eq!(
                phrase_hits(double, &text, 0..text.len()),
                phrase_hits(nfa, &text, 0..text.len()),
                "{:?}", text
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Random text around short phrases: the word-end automaton reports what
        /// aho-corasick reports, less short phrases inside words, up to any end.
        #[test]
        fn short_phrases_are_found_at_word_ends_in_token_soup(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "i", "he", "ad", ":", "é", "x", "the", " ", "\n", "(", "_", "1", "😀",
                    "\u{a0}", "\u{301}", "日本", "-", "'", "said", "my", "in",
                ]),
                0..40,
            ),
            cut in 0usize..40,
        ) {
            let texts: Vec<String> =
                ["i", "he", "ad", "ad:", "é", "the", "he said", "x", "i i", "in", "my he"]
                    .map(String::from)
                    .to_vec();
            let starts = PhraseAutomaton::build_phrases(&texts)
                .expect("builds")
                .expect("some");
            let nfa = nfa_of(&texts);
            let text: String = pieces.concat();
            let to = (0..=text.len().saturating_sub(cut))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let checked = word_end_hits_agree(
                &texts,
                &text,
                &phrase_hits(&starts, &text, 0..to),
                &phrase_hits(&nfa, &text, 0..to),
            );
            proptest::prop_assert!(checked.is_ok(), "to {}: {:?}", to, checked);
        }
    }

    /// The std library's phrases in both automata, built once for the proptest.
    fn soup_automata() -> &'static (PhraseAutomaton, PhraseAutomaton) {
        static BOTH: std::sync::OnceLock<(PhraseAutomaton, PhraseAutomaton)> =
            std::sync::OnceLock::new();
        BOTH.get_or_init(|| {
            let texts = phrase_texts(&std_policy_set());
            let double = PhraseAutomaton::build(&texts)
                .expect("builds")
                .expect("some");
            (double, nfa_of(&texts))
        })
    }

    /// The whole std library: its regexes through the candidate path and through
    /// `find_iter` agree on its own examples, with and without non-ASCII text around.
    #[test]
    fn std_library_regexes_match_find_iter() {
        let set = std_policy_set();
        let fast = set.matcher();
        assert!(
            fast.starts.is_some(),
            "the std regexes take the candidate path"
        );
        assert!(
            fast.masked_starts.is_some(),
            "the std masked phrases take the candidate path"
        );
        let mut slow = fast.clone();
        slow.starts = None;
        slow.masked_starts = None;
        let texts = std_example_texts(&set);
        assert!(texts.len() > 20);
        let meta = decorum_draft::Metadata::default();
        for text in &texts {
            let draft = decorum_draft::parse(text, decorum_draft::DraftFormat::Markdown, &meta);
            let (a, b) = (fast.scan(&draft), slow.scan(&draft));
            let only_fast: Vec<_> = a
                .by_position
                .iter()
                .filter(|m| !b.by_position.contains(m))
                .collect();
            let only_slow: Vec<_> = b
                .by_position
                .iter()
                .filter(|m| !a.by_position.contains(m))
                .collect();
            assert!(
                a == b,
                "{text:?}: only fast {only_fast:?}, only slow {only_slow:?}"
            );
        }
    }

    #[test]
    fn masked_regex_shapes() {
        let re = Regex::new(&format!("^{}$", masked_regex("fuck"))).unwrap();
        for yes in ["fuck", "f*ck", "f**k", "fu#k", "f***"] {
            assert!(re.is_match(yes), "{yes}");
        }
        for no in ["*uck", "duck", "fu"] {
            assert!(!re.is_match(no), "{no}");
        }
        for yes in ["f@ck", "f$ck", "f%ck", "f.ck", "f_ck", "f-ck", "f!ck"] {
            assert!(re.is_match(yes), "vowels take every mask character: {yes}");
        }
        let re = Regex::new(&format!("^{}$", masked_regex("shit"))).unwrap();
        for yes in ["sh!t", "sh1t", "sh$t", "sh@t", "s#it"] {
            assert!(re.is_match(yes), "{yes}");
        }
        assert!(!re.is_match("$hit"), "the first letter stays");
        for no in ["s...", "s.it", "sh-t-"] {
            assert!(!re.is_match(no), "consonants take no dots or dashes: {no}");
        }
    }
}
