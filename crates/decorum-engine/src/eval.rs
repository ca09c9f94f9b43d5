//! Evaluating compiled conditions over one post's match index.
//!
//! A condition evaluated in a unit (the post, a paragraph, a sentence, an opening span)
//! yields whether it holds and its hits: the matched ranges that made it hold, each with
//! its evidence. Rules turn hits into findings. Set matches are computed once per post
//! and cached, so rules sharing a set share the work.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use decorum_draft::{Draft, MetaValue, Post};
use decorum_syntax::{CmpOp, Scope};
use decorum_text::{TextRange, TextSize};

use crate::ir::*;
use crate::negation::is_negated;
use crate::quotation::Quotes;
use crate::sets::{MatchIndex, SetArena, SetId, SetNode};

/// A match of a set: where, and which term (for its suggested replacement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SetMatch {
    pub(crate) range: TextRange,
    pub(crate) pattern: u32,
}

/// One reason a condition holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    /// What to underline; `None` for conditions about the whole unit (counts, metadata).
    pub(crate) primary: Option<TextRange>,
    pub(crate) evidence: Vec<(TextRange, &'static str)>,
    pub(crate) left: Option<TextRange>,
    pub(crate) right: Option<TextRange>,
    pub(crate) pattern: Option<u32>,
    /// For a condition about a whole unit that held in a scope (`(chars > 200) in
    /// sentence`), the unit it held in: the message's `{value}` and fields measure that
    /// unit. `None`: the post.
    pub(crate) unit: Option<TextRange>,
}

impl Hit {
    fn whole_unit() -> Hit {
        Hit {
            primary: None,
            evidence: Vec::new(),
            left: None,
            right: None,
            pattern: None,
            unit: None,
        }
    }
}

/// Whether a condition holds, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub(crate) truth: bool,
    pub(crate) hits: Vec<Hit>,
}

impl Outcome {
    fn no() -> Outcome {
        Outcome {
            truth: false,
            hits: Vec::new(),
        }
    }
    fn yes_whole() -> Outcome {
        Outcome {
            truth: true,
            hits: vec![Hit::whole_unit()],
        }
    }
    fn of(truth: bool) -> Outcome {
        if truth {
            Outcome::yes_whole()
        } else {
            Outcome::no()
        }
    }
}

/// Found matches by set (see [`PostCtx::set_matches`]), indexed by set number: the
/// arena has a few hundred sets, so a slot each costs less than hashing, and the slots
/// are kept from one post to the next (only those a post filled are emptied), so that
/// each post does not allocate a table of its own.
pub(crate) struct SetCache {
    found: Vec<Option<Found>>,
    /// The sets with a filled slot.
    filled: Vec<u32>,
    /// Where each leaf's matches lie in the post's filed matches (see
    /// [`PostCtx::file_by_leaf`]), as a start and an end; `(0, 0)` for a leaf without
    /// any, and for every set between posts, so that no post zeroes a table the size of
    /// the policy's sets.
    leaves: Vec<(u32, u32)>,
    /// The leaves with matches in the post: the slots of `leaves` to empty.
    touched: Vec<u32>,
    /// While a post's matches are filed: each match's leaf and its place in the post's
    /// part of the index, in index order.
    filing: Vec<(u32, u32)>,
    /// The memory of the filed matches, lent to each post's context and given back when
    /// it is dropped, so that posts do not allocate their own.
    spare: Vec<SetMatch>,
    /// The leaves whose matches are filed (a bit per set number; see
    /// [`SetCache::want_only`]): every leaf until told otherwise.
    wanted: Vec<u64>,
}

impl SetCache {
    pub(crate) fn new(arena: &SetArena) -> SetCache {
        SetCache {
            found: vec![None; arena.nodes.len()],
            filled: Vec::new(),
            leaves: vec![(0, 0); arena.nodes.len()],
            touched: Vec::new(),
            filing: Vec::new(),
            spare: Vec::new(),
            wanted: vec![u64::MAX; arena.nodes.len().div_ceil(64)],
        }
    }

    /// Files only the matches of the leaves in `masks` (see [`leaf_mask`]) in the posts
    /// to come: those the rules evaluated in a post can ask for. A post files about 77
    /// matches under their leaves, of which its rules read about a fifth; the others
    /// belong to sets of rules that no match of the post wakes. A leaf outside the masks
    /// is still answered, from the index (see [`PostCtx::found`]).
    pub(crate) fn want_only<'m>(&mut self, masks: impl IntoIterator<Item = &'m [(u32, u64)]>) {
        self.wanted.fill(0);
        for mask in masks {
            for &(word, bits) in mask {
                if let Some(w) = self.wanted.get_mut(word as usize) {
                    *w |= bits;
                }
            }
        }
    }

    /// Empties the slots a post filled.
    fn clear(&mut self) {
        for id in self.filled.drain(..) {
            if let Some(slot) = self.found.get_mut(id as usize) {
                *slot = None;
            }
        }
        for leaf in self.touched.drain(..) {
            if let Some(slot) = self.leaves.get_mut(leaf as usize) {
                *slot = (0, 0);
            }
        }
    }
}

/// Where a set's matches in a post are (see [`PostCtx::set_matches`]).
#[derive(Clone)]
enum Found {
    /// A part of the post's matches filed by leaf ([`PostCtx::file_by_leaf`]): a leaf's, or
    /// those of a set that has all the matches of one leaf and no other (a union with
    /// one child that matched, a negation or allowlist that dropped nothing), which
    /// need no copy. An empty range for none (most sets in most posts).
    Filed(Range<u32>),
    /// Matches computed for the set, shared.
    Computed(Rc<Vec<SetMatch>>),
}

impl Found {
    const NONE: Found = Found::Filed(0..0);

    fn is_empty(&self) -> bool {
        match self {
            Found::Filed(range) => range.is_empty(),
            Found::Computed(m) => m.is_empty(),
        }
    }
}

/// Everything needed to evaluate conditions in one post.
pub(crate) struct PostCtx<'d> {
    pub(crate) draft: &'d Draft,
    pub(crate) post: &'d Post,
    index: &'d MatchIndex,
    arena: &'d SetArena,
    /// Matches of sets that are not leaves, found once.
    /// Borrowed for the context's life, so no other post's context can fill it.
    cache: RefCell<&'d mut SetCache>,
    /// The post's weighted length, measured at most once (a length rule and its message
    /// both ask for it).
    length: OnceCell<usize>,
    /// The line end of inserted text ([`PostCtx::line_end`]), looked for at most once
    /// (every `fix append` of every finding asks, and the body may be a long document).
    line_end: OnceCell<&'static str>,
    /// The post's matches filed by leaf set (see [`PostCtx::file_by_leaf`]), filed on
    /// first use; where each leaf's part is, the cache's `leaves` tells.
    by_leaf: OnceCell<Vec<SetMatch>>,
    /// The post's quotation marks, found on the first `unless quoted` set with matches.
    quotes: OnceCell<Quotes>,
}

impl Drop for PostCtx<'_> {
    /// Gives the memory of the filed matches back to the cache, for the next post.
    fn drop(&mut self) {
        if let Some(mut matches) = self.by_leaf.take() {
            matches.clear();
            self.cache.get_mut().spare = matches;
        }
    }
}

/// A set's matches in a post (see [`PostCtx::set_matches`]): a leaf's are borrowed from
/// the post's filed matches, other sets' are computed once and shared.
pub(crate) enum Matches<'a> {
    Leaf(&'a [SetMatch]),
    Computed(Rc<Vec<SetMatch>>),
}

impl std::ops::Deref for Matches<'_> {
    type Target = [SetMatch];
    fn deref(&self) -> &[SetMatch] {
        match self {
            Matches::Leaf(m) => m,
            Matches::Computed(m) => m,
        }
    }
}

impl<'d> PostCtx<'d> {
    pub(crate) fn new(
        draft: &'d Draft,
        post: &'d Post,
        index: &'d MatchIndex,
        arena: &'d SetArena,
        cache: &'d mut SetCache,
    ) -> PostCtx<'d> {
        // What an earlier post found is not this post's.
        cache.clear();
        PostCtx {
            draft,
            post,
            index,
            arena,
            cache: RefCell::new(cache),
            length: OnceCell::new(),
            line_end: OnceCell::new(),
            by_leaf: OnceCell::new(),
            quotes: OnceCell::new(),
        }
    }

    /// The line end that text inserted into this post uses: the post's own, the first in
    /// its body (`\r\n`, a lone `\r` or `\n`); for a post of one line, the draft's first;
    /// `\n` in a draft of one line.
    pub(crate) fn line_end(&self) -> &'static str {
        self.line_end.get_or_init(|| {
            let body = decorum_text::slice(&self.draft.text, self.post.body);
            if body.contains(['\r', '\n']) {
                decorum_text::line_ending(body)
            } else {
                decorum_text::line_ending(&self.draft.text)
            }
        })
    }

    /// The post's text unit: its body.
    pub(crate) fn unit(&self) -> TextRange {
        self.post.body
    }

    /// Matches of a set in the post body, sorted by start (then longest first, then by
    /// pattern), distinct ranges (the first of each).
    pub(crate) fn set_matches(&self, set: SetId) -> Matches<'_> {
        match self.found(set) {
            Found::Filed(range) => Matches::Leaf(self.filed(range)),
            Found::Computed(m) => Matches::Computed(m),
        }
    }

    /// The matches a [`Found::Filed`] names.
    fn filed(&self, range: Range<u32>) -> &[SetMatch] {
        self.by_leaf
            .get()
            .and_then(|m| m.get(range.start as usize..range.end as usize))
            .unwrap_or(&[])
    }

    /// The matches of a [`Found`].
    fn slice<'a>(&'a self, found: &'a Found) -> &'a [SetMatch] {
        match found {
            Found::Filed(range) => self.filed(range.clone()),
            Found::Computed(m) => m,
        }
    }

    /// Where a set's matches are (see [`PostCtx::set_matches`]): a filed leaf's among the
    /// post's filed matches, other sets' found once and kept in the cache.
    fn found(&self, set: SetId) -> Found {
        let node = self.arena.node(set);
        // A filed leaf's part is where filing put it, not in the slots of computed sets.
        if let SetNode::Leaf(_) = node
            && let Some(range) = self.leaf_range(set)
        {
            return Found::Filed(range);
        }
        if let Some(Some(found)) = self.cache.borrow().found.get(set.0 as usize) {
            return found.clone();
        }
        let found = match node {
            SetNode::Leaf(_) => self.unfiled_leaf(set),
            SetNode::Union(children) => {
                let mut matched = Vec::new();
                for &c in children {
                    let f = self.found(c);
                    if !f.is_empty() {
                        matched.push(f);
                    }
                }
                if matched.len() <= 1 {
                    // One child's matches are already sorted and distinct, as the union's
                    // must be: they are the union's.
                    matched.pop().unwrap_or(Found::NONE)
                } else {
                    let mut out: Vec<SetMatch> = Vec::new();
                    for f in &matched {
                        out.extend_from_slice(self.slice(f));
                    }
                    out.sort_unstable_by_key(|m| {
                        (m.range.start(), std::cmp::Reverse(m.range.end()), m.pattern)
                    });
                    out.dedup_by_key(|m| m.range);
                    Found::Computed(Rc::new(out))
                }
            }
            SetNode::Diff(a, b) => {
                let keep = self.found(*a);
                // Without matches to keep, the allowlist's are not needed.
                if keep.is_empty() {
                    Found::NONE
                } else {
                    let allow = self.found(*b);
                    let allow = Overlaps::new(self.slice(&allow));
                    self.kept(keep, |m| !allow.any(m.range))
                }
            }
            SetNode::Unnegated(a) => {
                let all = self.found(*a);
                self.kept(all, |m| !is_negated(self.draft, self.post, m.range))
            }
            SetNode::Unquoted(a) => {
                let all = self.found(*a);
                let quotes = || {
                    self.quotes
                        .get_or_init(|| Quotes::of(self.draft, self.post))
                };
                self.kept(all, |m| !quotes().is_quoted(self.post, m.range))
            }
        };
        let mut cache = self.cache.borrow_mut();
        let cache = &mut **cache;
        if let Some(slot) = cache.found.get_mut(set.0 as usize) {
            *slot = Some(found.clone());
            cache.filled.push(set.0);
        }
        found
    }

    /// The matches of `all` that pass `keep`: `all` itself when they all do (most
    /// allowlists and negations leave a set's matches whole), which needs no copy. A
    /// part of sorted, distinct matches is sorted and distinct.
    fn kept(&self, all: Found, keep: impl Fn(&SetMatch) -> bool) -> Found {
        let matches = self.slice(&all);
        let Some(first) = matches.iter().position(|m| !keep(m)) else {
            return all;
        };
        let mut out = Vec::with_capacity(matches.len() - 1);
        out.extend_from_slice(&matches[..first]);
        out.extend(matches[first + 1..].iter().filter(|m| keep(m)));
        if out.is_empty() {
            return Found::NONE;
        }
        Found::Computed(Rc::new(out))
    }

    /// A leaf set's matches: where its part of the post's filed matches is; `None` for a
    /// leaf that is not filed (see [`SetCache::want_only`]).
    fn leaf_range(&self, leaf: SetId) -> Option<Range<u32>> {
        self.by_leaf.get_or_init(|| self.file_by_leaf());
        let cache = self.cache.borrow();
        if !wants(&cache.wanted, leaf.0) {
            return None;
        }
        Some(
            cache
                .leaves
                .get(leaf.0 as usize)
                .map_or(0..0, |&(start, end)| start..end),
        )
    }

    /// The matches of a leaf that is not filed, found by [`PostCtx::leaf_by_definition`].
    fn unfiled_leaf(&self, leaf: SetId) -> Found {
        let out = self.leaf_by_definition(leaf.0);
        if out.is_empty() {
            Found::NONE
        } else {
            Found::Computed(Rc::new(out))
        }
    }

    /// A leaf's matches by their definition, which filing follows: the matches of the
    /// post's body whose pattern the leaf lists, in index order, the first of each range.
    fn leaf_by_definition(&self, leaf: u32) -> Vec<SetMatch> {
        let body = self.post.body;
        let mut out: Vec<SetMatch> = Vec::new();
        for &(range, pattern) in self.index.in_range(body) {
            if range.end() > body.end()
                || !self.arena.leaves_of(pattern).contains(&leaf)
                || out.last().is_some_and(|m| m.range == range)
            {
                continue;
            }
            out.push(SetMatch { range, pattern });
        }
        out
    }

    /// Every match of the post, filed under each leaf listing its pattern, in one pass
    /// for all leaves: sorted by leaf, then as [`PostCtx::set_matches`] orders a set's
    /// matches, with one match per range and leaf. Where each leaf's part lies goes into
    /// the cache's `leaves` (a part may end before the next one starts: room is made for
    /// every match, and repeats are left out).
    fn file_by_leaf(&self) -> Vec<SetMatch> {
        let body = self.post.body;
        let mut cache = self.cache.borrow_mut();
        let cache = &mut **cache;
        let mut matches = std::mem::take(&mut cache.spare);
        file_by_leaf(
            self.arena,
            self.index.in_range(body),
            body.end(),
            &cache.wanted,
            &mut cache.leaves,
            &mut cache.touched,
            &mut cache.filing,
            &mut matches,
        );
        matches
    }

    fn matches_in(&self, set: SetId, unit: TextRange) -> Vec<SetMatch> {
        inside(&self.set_matches(set), unit).copied().collect()
    }

    /// Evaluates a condition in a unit of this post.
    pub(crate) fn eval(&self, cond: &CondIr, unit: TextRange) -> Outcome {
        match cond {
            CondIr::Contains(set) => {
                let all = self.set_matches(*set);
                let hits: Vec<Hit> = inside(&all, unit)
                    .map(|m| Hit {
                        primary: Some(m.range),
                        evidence: Vec::new(),
                        left: None,
                        right: None,
                        pattern: Some(m.pattern),
                        unit: None,
                    })
                    .collect();
                Outcome {
                    truth: !hits.is_empty(),
                    hits,
                }
            }
            CondIr::Near {
                left,
                right,
                distance,
                ordered,
            } => self.near(*left, *right, *distance, *ordered, unit),
            CondIr::Not(inner) => Outcome::of(!self.eval(inner, unit).truth),
            CondIr::And(parts) => {
                let mut and = AndHits::default();
                for p in parts {
                    let o = self.eval(p, unit);
                    if !o.truth {
                        return Outcome::no();
                    }
                    and.add(o);
                }
                and.finish()
            }
            CondIr::Or(parts) => {
                let mut out = Outcome::no();
                // The first hit about a whole unit, kept with the unit it measured.
                let mut whole = None;
                for p in parts {
                    let o = self.eval(p, unit);
                    if o.truth {
                        out.truth = true;
                        for h in o.hits {
                            if h.primary.is_some() {
                                out.hits.push(h);
                            } else if whole.is_none() {
                                whole = Some(h);
                            }
                        }
                    }
                }
                if out.truth && out.hits.is_empty() {
                    out.hits.push(whole.unwrap_or_else(Hit::whole_unit));
                }
                out
            }
            CondIr::Scoped(inner, scope) => self.scoped(inner, *scope, unit),
            CondIr::Has(key) => Outcome::of(
                self.post
                    .meta
                    .get(key)
                    .is_some_and(|v| !matches!(v, MetaValue::Null)),
            ),
            CondIr::Meta { key, test, channel } => {
                Outcome::of(meta_test(self.post.meta.get(key), test, *channel))
            }
            CondIr::Compare { lhs, op, rhs } => {
                // The right side first: `length > limit` on a channel without a limit
                // is false without measuring the post.
                let r = self.num(rhs, unit);
                if r == f64::INFINITY && matches!(op, CmpOp::Gt | CmpOp::Ge) {
                    return Outcome::no();
                }
                // Nor is a post that could not be that long even if every byte counted
                // (most posts on channels with long limits): counting is left out.
                if let NumIr::Field(Field::Length) = lhs
                    && let Some(ceiling) = self.length_ceiling(unit)
                {
                    let short = match op {
                        CmpOp::Gt => ceiling <= r,
                        CmpOp::Ge => ceiling < r,
                        _ => false,
                    };
                    if short {
                        return Outcome::no();
                    }
                }
                Outcome::of(compare(self.num(lhs, unit), *op, r))
            }
        }
    }

    fn scoped(&self, inner: &CondIr, scope: Scope, unit: TextRange) -> Outcome {
        // Every unit below lies inside `unit` (the post body for `in post`): when a set
        // the condition needs has no match there, no unit can make it hold, and the
        // result is the same `no` that evaluating each unit would give.
        let bound = if scope == Scope::Post {
            self.post.body
        } else {
            unit
        };
        if !self.may_hold(inner, bound) {
            return Outcome::no();
        }
        let units: Vec<TextRange> = match scope {
            Scope::Post => vec![self.post.body],
            Scope::Paragraph => sub_units(&self.post.paragraphs, unit),
            Scope::Sentence => sub_units(&self.post.sentences, unit),
            Scope::FirstWords(n) => vec![self.first_words(unit, n as usize)],
            Scope::FirstChars(n) => vec![first_chars(
                &self.draft.text,
                unit,
                &self.post.comments,
                n as usize,
            )],
        };
        let mut out = Outcome::no();
        for u in units {
            let o = self.eval(inner, u);
            if o.truth {
                out.truth = true;
                let whole = |h: &Hit| h.primary.is_none() && h.unit.is_none();
                out.hits.extend(o.hits.into_iter().map(|mut h| {
                    if whole(&h) && scope != Scope::Post {
                        h.unit = Some(u);
                    }
                    h
                }));
            }
        }
        if out.truth {
            let any_primary = out.hits.iter().any(|h| h.primary.is_some());
            if any_primary {
                out.hits.retain(|h| h.primary.is_some());
            } else {
                // One finding about the whole post, whose message measures the first
                // unit the condition held in.
                out.hits.truncate(1);
            }
        }
        out
    }

    /// False only when `cond` can hold neither in `unit` nor in any range inside it,
    /// because a set it needs has no match there (matches inside a smaller range are
    /// matches inside `unit` too). Conditions that do not need matches may always hold.
    fn may_hold(&self, cond: &CondIr, unit: TextRange) -> bool {
        match cond {
            CondIr::Contains(set) => self.any_in(*set, unit),
            CondIr::Near { left, right, .. } => {
                self.any_in(*left, unit) && self.any_in(*right, unit)
            }
            CondIr::And(parts) => parts.iter().all(|p| self.may_hold(p, unit)),
            CondIr::Or(parts) => parts.iter().any(|p| self.may_hold(p, unit)),
            CondIr::Scoped(inner, Scope::Post) => self.may_hold(inner, self.post.body),
            CondIr::Scoped(inner, _) => self.may_hold(inner, unit),
            CondIr::Not(_) | CondIr::Has(_) | CondIr::Meta { .. } | CondIr::Compare { .. } => true,
        }
    }

    /// How many matches [`PostCtx::matches_in`] would return.
    fn count_in(&self, set: SetId, unit: TextRange) -> usize {
        inside(&self.set_matches(set), unit).count()
    }

    /// True when the set has a match inside `unit` (what [`PostCtx::matches_in`] would
    /// return is not empty).
    fn any_in(&self, set: SetId, unit: TextRange) -> bool {
        inside(&self.set_matches(set), unit).next().is_some()
    }

    fn first_words(&self, unit: TextRange, n: usize) -> TextRange {
        let words = &self.post.words;
        let lo = words.partition_point(|w| w.start() < unit.start());
        let end = words[lo..]
            .iter()
            .take_while(|w| w.end() <= unit.end())
            .take(n)
            .last()
            .map(|w| w.end())
            .unwrap_or(unit.start());
        TextRange::new(unit.start(), end.max(unit.start()))
    }

    fn near(
        &self,
        left: SetId,
        right: SetId,
        distance: u32,
        ordered: bool,
        unit: TextRange,
    ) -> Outcome {
        let ls = self.matches_in(left, unit);
        if ls.is_empty() {
            return Outcome::no();
        }
        let rs = self.matches_in(right, unit);
        // `reach[i]`: the furthest end among `ls[..=i]`. Walking back from a right match,
        // the gap depends on where a left match *ends*, which the order by start does not
        // sort (`pain` comes after `pain in the neck`, and a later `in` may end before it),
        // so the walk may only stop once even the furthest end still ahead is too far.
        let reach: Vec<TextSize> = ls
            .iter()
            .scan(TextSize::default(), |end, a| {
                *end = (*end).max(a.range.end());
                Some(*end)
            })
            .collect();
        let mut hits = Vec::new();
        for b in &rs {
            let mid = ls.partition_point(|a| a.range.start() < b.range.start());
            let mut best: Option<(usize, SetMatch)> = None;
            // The gap to `a`, `None` when `a` and `b` share words (they cannot be both
            // sides); records `a` when it is the nearest so far within the distance.
            let mut consider = |a: &SetMatch| -> Option<usize> {
                if a.range.start() < b.range.end() && b.range.start() < a.range.end() {
                    return None;
                }
                let gap = self.words_between(a.range, b.range);
                if gap <= distance as usize && best.is_none_or(|(g, _)| gap < g) {
                    best = Some((gap, *a));
                }
                Some(gap)
            };
            for (a, &end) in ls[..mid].iter().zip(&reach[..mid]).rev() {
                if end <= b.range.start()
                    && self.words_from(end, b.range.start()) > distance as usize
                {
                    break;
                }
                consider(a);
            }
            if !ordered {
                // After `b`, the gap is measured from `a`'s start, so it only grows.
                for a in &ls[mid..] {
                    if consider(a).is_some_and(|gap| gap > distance as usize) {
                        break;
                    }
                }
            }
            if let Some((_, a)) = best {
                hits.push(Hit {
                    primary: Some(b.range),
                    evidence: vec![(a.range, "together with this")],
                    left: Some(a.range),
                    right: Some(b.range),
                    pattern: Some(b.pattern),
                    unit: None,
                });
            }
        }
        Outcome {
            truth: !hits.is_empty(),
            hits,
        }
    }

    /// Words strictly between two ranges.
    fn words_between(&self, a: TextRange, b: TextRange) -> usize {
        let (first, second) = if a.start() <= b.start() {
            (a, b)
        } else {
            (b, a)
        };
        self.words_from(first.end(), second.start())
    }

    /// Words that start in `from..to`.
    fn words_from(&self, from: TextSize, to: TextSize) -> usize {
        let words = &self.post.words;
        let lo = words.partition_point(|w| w.start() < from);
        let hi = words.partition_point(|w| w.start() < to);
        hi.saturating_sub(lo)
    }

    pub(crate) fn num(&self, n: &NumIr, unit: TextRange) -> f64 {
        match n {
            NumIr::Const(c) => *c,
            NumIr::Count(set) => self.count_in(*set, unit) as f64,
            NumIr::Field(f) => self.field(*f, unit),
            // Batch functions are evaluated by the batch evaluator; inside a post they
            // are rejected at compile time.
            NumIr::Share(_) | NumIr::Posts(_) => 0.0,
            NumIr::Add(a, b) => self.num(a, unit) + self.num(b, unit),
            NumIr::Sub(a, b) => self.num(a, unit) - self.num(b, unit),
            NumIr::Mul(a, b) => self.num(a, unit) * self.num(b, unit),
            NumIr::Div(a, b) => divide(self.num(a, unit), self.num(b, unit)),
        }
    }

    /// A number `length` in `unit` never exceeds, known without counting (see
    /// [`Post::length_ceiling`]); `None` when only counting tells.
    fn length_ceiling(&self, unit: TextRange) -> Option<f64> {
        if unit != self.post.body {
            // Characters of the unit: never more than its bytes.
            return Some(usize::from(unit.len()) as f64);
        }
        if let Some(&exact) = self.length.get() {
            return Some(exact as f64);
        }
        self.post.length_ceiling(self.channel()).map(|c| c as f64)
    }

    pub(crate) fn channel(&self) -> Option<&str> {
        self.post.meta.get("channel").and_then(MetaValue::as_str)
    }

    pub(crate) fn field(&self, f: Field, unit: TextRange) -> f64 {
        let count_in = |ranges: &[TextRange]| {
            let lo = ranges.partition_point(|r| r.start() < unit.start());
            ranges[lo..]
                .iter()
                .take_while(|r| r.start() < unit.end())
                .count() as f64
        };
        let whole = unit == self.post.body;
        match f {
            Field::Words => count_in(&self.post.words),
            Field::Sentences => count_in(&self.post.sentences),
            Field::Paragraphs => count_in(&self.post.paragraphs),
            Field::Hashtags => count_in(&self.post.hashtags),
            Field::Mentions => count_in(&self.post.mentions),
            Field::Links => count_in(&self.post.links),
            Field::Emoji => self.post.emoji as f64,
            Field::Chars => published_chars(&self.draft.text, unit, &self.post.comments) as f64,
            Field::Length if whole => *self
                .length
                .get_or_init(|| self.post.weighted_length(self.draft, self.channel()))
                as f64,
            Field::Length => published_chars(&self.draft.text, unit, &self.post.comments) as f64,
            Field::Limit => self
                .channel()
                .and_then(decorum_draft::channel_limit)
                .map(|l| l as f64)
                .unwrap_or(f64::INFINITY),
            Field::Posts => 1.0,
        }
    }
}

/// Files `entries` (a post's part of the index) under the leaves listing their patterns
/// that are `wanted`, into `matches`, for [`PostCtx::file_by_leaf`]: those ending after
/// `body_end` are not the post's. `wanted`, `slots`, `touched` and `filing` are the
/// cache's (see [`SetCache`]); `slots` comes in empty for every leaf. A function of its
/// own, so that the compiler can keep what the loops use in registers rather than reload
/// it after every store (which is also why the cache's parts come as arguments of their
/// own, not as one struct).
#[allow(clippy::too_many_arguments)]
fn file_by_leaf(
    arena: &SetArena,
    entries: &[(TextRange, u32)],
    body_end: TextSize,
    wanted: &[u64],
    slots: &mut [(u32, u32)],
    touched: &mut Vec<u32>,
    filing: &mut Vec<(u32, u32)>,
    matches: &mut Vec<SetMatch>,
) {
    matches.clear();
    filing.clear();
    // A counting sort by leaf: count each leaf's matches, noting where each goes (a
    // pattern may be listed by several leaves, and a leaf by none), give each leaf with
    // any its place (leaves in order), then file the matches in index order, which is
    // the order of a set's matches within each leaf.
    for (k, &(range, pattern)) in entries.iter().enumerate() {
        if range.end() > body_end {
            continue;
        }
        // A post has far fewer matches than `u32` counts (the index of one would take
        // tens of gigabytes).
        let k = k as u32;
        for &leaf in arena.leaves_of(pattern) {
            if !wants(wanted, leaf) {
                continue;
            }
            let Some(slot) = slots.get_mut(leaf as usize) else {
                continue;
            };
            if slot.1 == 0 {
                touched.push(leaf);
            }
            slot.1 = slot.1.saturating_add(1);
            filing.push((leaf, k));
        }
    }
    touched.sort_unstable();
    let mut at = 0u32;
    for &leaf in touched.iter() {
        if let Some(slot) = slots.get_mut(leaf as usize) {
            let count = slot.1;
            *slot = (at, at);
            at = at.saturating_add(count);
        }
    }
    matches.resize(
        at as usize,
        SetMatch {
            range: TextRange::default(),
            pattern: 0,
        },
    );
    // One match per range and leaf: matches of one range are next to each other in the
    // index, so a repeat is the last match filed under its leaf.
    for &(leaf, k) in filing.iter() {
        let (Some(slot), Some(&(range, pattern))) =
            (slots.get_mut(leaf as usize), entries.get(k as usize))
        else {
            continue;
        };
        let (start, end) = *slot;
        if end > start
            && matches
                .get(end as usize - 1)
                .is_some_and(|m| m.range == range)
        {
            continue;
        }
        if let Some(m) = matches.get_mut(end as usize) {
            *m = SetMatch { range, pattern };
            slot.1 = end + 1;
        }
    }
}

/// True when the bit of set `leaf` is set in `wanted` (see [`SetCache::want_only`]).
fn wants(wanted: &[u64], leaf: u32) -> bool {
    wanted
        .get(leaf as usize / 64)
        .is_some_and(|w| w & (1 << (leaf % 64)) != 0)
}

/// The leaves whose matches evaluating `conds` may ask for, as a sparse bitmap of set
/// numbers for [`SetCache::want_only`]: each word of 64 sets that has one, with its bits.
pub(crate) fn leaf_mask<'a>(
    arena: &SetArena,
    conds: impl IntoIterator<Item = &'a CondIr>,
) -> Vec<(u32, u64)> {
    fn cond_sets(cond: &CondIr, out: &mut Vec<SetId>) {
        match cond {
            CondIr::And(parts) | CondIr::Or(parts) => {
                parts.iter().for_each(|p| cond_sets(p, out));
            }
            CondIr::Not(inner) | CondIr::Scoped(inner, _) => cond_sets(inner, out),
            CondIr::Contains(set) => out.push(*set),
            CondIr::Near { left, right, .. } => out.extend([*left, *right]),
            CondIr::Has(_) | CondIr::Meta { .. } => {}
            CondIr::Compare { lhs, rhs, .. } => {
                num_sets(lhs, out);
                num_sets(rhs, out);
            }
        }
    }
    fn num_sets(n: &NumIr, out: &mut Vec<SetId>) {
        match n {
            NumIr::Count(set) => out.push(*set),
            NumIr::Share(c) | NumIr::Posts(c) => cond_sets(c, out),
            NumIr::Add(a, b) | NumIr::Sub(a, b) | NumIr::Mul(a, b) | NumIr::Div(a, b) => {
                num_sets(a, out);
                num_sets(b, out);
            }
            NumIr::Const(_) | NumIr::Field(_) => {}
        }
    }
    let words = arena.nodes.len().div_ceil(64);
    let (mut leaves, mut seen) = (vec![0u64; words], vec![0u64; words]);
    let mut stack = Vec::new();
    conds.into_iter().for_each(|c| cond_sets(c, &mut stack));
    // Sets share subsets: each is visited once.
    while let Some(id) = stack.pop() {
        let (word, bit) = (id.0 as usize / 64, 1u64 << (id.0 % 64));
        let (Some(seen), Some(node)) = (seen.get_mut(word), arena.nodes.get(id.0 as usize)) else {
            continue;
        };
        if *seen & bit != 0 {
            continue;
        }
        *seen |= bit;
        match node {
            SetNode::Leaf(_) => {
                if let Some(l) = leaves.get_mut(word) {
                    *l |= bit;
                }
            }
            SetNode::Union(children) => stack.extend_from_slice(children),
            SetNode::Diff(a, b) => stack.extend([*a, *b]),
            SetNode::Unnegated(a) | SetNode::Unquoted(a) => stack.push(*a),
        }
    }
    leaves
        .iter()
        .enumerate()
        .filter(|(_, bits)| **bits != 0)
        .map(|(word, &bits)| (word as u32, bits))
        .collect()
}

/// The matches of `all` (sorted by start) that lie inside `unit`.
fn inside(all: &[SetMatch], unit: TextRange) -> impl Iterator<Item = &SetMatch> {
    let lo = all.partition_point(|m| m.range.start() < unit.start());
    all[lo..]
        .iter()
        .take_while(move |m| m.range.start() < unit.end())
        .filter(move |m| m.range.end() <= unit.end())
}

fn divide(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

pub(crate) fn compare(l: f64, op: CmpOp, r: f64) -> bool {
    match op {
        CmpOp::Gt => l > r,
        CmpOp::Ge => l >= r,
        CmpOp::Lt => l < r,
        CmpOp::Le => l <= r,
        CmpOp::Eq => (l - r).abs() < 1e-9,
        CmpOp::Ne => (l - r).abs() >= 1e-9,
    }
}

/// A metadata test; `channel` when the key is `channel`, whose values compare as the
/// channels they name (`twitter` is `x`: the same limit, counting and conditions).
fn meta_test(value: Option<&MetaValue>, test: &MetaTestIr, channel: bool) -> bool {
    match test {
        MetaTestIr::Eq(lit) => value.is_some_and(|v| meta_equals(v, lit, channel)),
        MetaTestIr::Ne(lit) => !value.is_some_and(|v| meta_equals(v, lit, channel)),
        MetaTestIr::In(list) => {
            value.is_some_and(|v| list.iter().any(|l| meta_equals(v, l, channel)))
        }
    }
}

fn meta_equals(value: &MetaValue, lit: &MetaValueIr, channel: bool) -> bool {
    match (value, lit) {
        (MetaValue::List(items), _) => items.iter().any(|i| meta_equals(i, lit, channel)),
        // The policy's channel was made a channel id when it compiled.
        (MetaValue::Str(s), MetaValueIr::Str(l)) if channel => {
            decorum_draft::channel_id(s) == l.as_str()
        }
        (MetaValue::Str(s), MetaValueIr::Str(l)) => {
            s.trim().eq_ignore_ascii_case(l.trim())
                || s.trim().to_lowercase() == l.trim().to_lowercase()
        }
        (MetaValue::Num(n), MetaValueIr::Num(l)) => (n - l).abs() < 1e-9,
        (MetaValue::Str(s), MetaValueIr::Num(l)) => {
            s.trim().parse::<f64>().is_ok_and(|n| (n - l).abs() < 1e-9)
        }
        (MetaValue::Num(n), MetaValueIr::Str(l)) => {
            l.trim().parse::<f64>().is_ok_and(|x| (n - x).abs() < 1e-9)
        }
        (MetaValue::Bool(b), MetaValueIr::Bool(l)) => b == l,
        (MetaValue::Str(s), MetaValueIr::Bool(l)) => {
            s.trim()
                .eq_ignore_ascii_case(if *l { "true" } else { "false" })
        }
        _ => false,
    }
}

/// `A and B`: the hits of the first part that has matched text, with the first hit of
/// every other part as evidence. Built part by part as they are evaluated, so that the
/// parts' outcomes need no list of their own: the parts before the lead have no matched
/// text, so only those after it give evidence, and the hits about whole units are only
/// looked at while there is no lead.
#[derive(Default)]
struct AndHits {
    /// The first part's outcome with a hit that has matched text.
    lead: Option<Outcome>,
    /// The first primary range of each part after the lead, in order.
    evidence: Vec<(TextRange, &'static str)>,
    /// Without a lead: the first hit that kept the unit a scoped part measured.
    whole: Option<Hit>,
}

impl AndHits {
    /// Takes the outcome of the next part (which held).
    fn add(&mut self, o: Outcome) {
        if self.lead.is_some() {
            if let Some(p) = o.hits.iter().find_map(|h| h.primary) {
                self.evidence.push((p, "and this"));
            }
        } else if o.hits.iter().any(|h| h.primary.is_some()) {
            self.lead = Some(o);
        } else if self.whole.is_none() {
            self.whole = o.hits.into_iter().find(|h| h.unit.is_some());
        }
    }

    fn finish(self) -> Outcome {
        let Some(lead) = self.lead else {
            // About whole units only: the first hit keeps the unit a scoped part measured.
            return Outcome {
                truth: true,
                hits: vec![self.whole.unwrap_or_else(Hit::whole_unit)],
            };
        };
        let mut hits = lead.hits;
        hits.retain(|h| h.primary.is_some());
        for h in &mut hits {
            for e in &self.evidence {
                if Some(e.0) != h.primary && !h.evidence.contains(e) {
                    h.evidence.push(*e);
                }
            }
            // A message's `{left}` and `{right}` of `A and B`: the lead's match and the
            // next part's, unless a `near` inside the lead named its own two sides.
            if h.left.is_none() && h.right.is_none() {
                let next = self.evidence.iter().find(|e| Some(e.0) != h.primary);
                if let Some(e) = next {
                    h.left = h.primary;
                    h.right = Some(e.0);
                }
            }
        }
        Outcome { truth: true, hits }
    }
}

/// What [`AndHits`] must give: the first implementation, from all parts' outcomes.
#[cfg(test)]
fn combine_and(outcomes: Vec<Outcome>) -> Outcome {
    let lead = outcomes
        .iter()
        .position(|o| o.hits.iter().any(|h| h.primary.is_some()));
    let Some(lead) = lead else {
        let whole = outcomes
            .into_iter()
            .flat_map(|o| o.hits)
            .find(|h| h.unit.is_some());
        return Outcome {
            truth: true,
            hits: vec![whole.unwrap_or_else(Hit::whole_unit)],
        };
    };
    let mut evidence = Vec::new();
    for (i, o) in outcomes.iter().enumerate() {
        if i == lead {
            continue;
        }
        if let Some(p) = o.hits.iter().find_map(|h| h.primary) {
            evidence.push((p, "and this"));
        }
    }
    let mut hits: Vec<Hit> = outcomes
        .into_iter()
        .nth(lead)
        .map(|o| o.hits)
        .unwrap_or_default();
    hits.retain(|h| h.primary.is_some());
    for h in &mut hits {
        for e in &evidence {
            if Some(e.0) != h.primary && !h.evidence.contains(e) {
                h.evidence.push(*e);
            }
        }
        if h.left.is_none() && h.right.is_none() {
            if let Some(e) = evidence.iter().find(|e| Some(e.0) != h.primary) {
                h.left = h.primary;
                h.right = Some(e.0);
            }
        }
    }
    Outcome { truth: true, hits }
}

/// The parts of `units` inside `within` (clipped), in order.
fn sub_units(units: &[TextRange], within: TextRange) -> Vec<TextRange> {
    let lo = units.partition_point(|u| u.end() <= within.start());
    units[lo..]
        .iter()
        .take_while(|u| u.start() < within.end())
        .filter_map(|u| u.intersect(within))
        .filter(|u| !u.is_empty())
        .collect()
}

/// The opening `n` characters of `unit` as they are published: HTML comments (`comments`,
/// sorted), which are not, and whitespace before the first published character do not
/// count, and a CRLF line ending counts as one character, as in the post's `length`.
fn first_chars(text: &str, unit: TextRange, comments: &[TextRange], n: usize) -> TextRange {
    let (mut end, mut counted, mut begun) = (usize::from(unit.start()), 0usize, false);
    for (at, ch, counts) in published(text, unit, comments) {
        if counted == n {
            break;
        }
        begun |= !ch.is_whitespace();
        if begun && counts {
            counted += 1;
        }
        end = at + ch.len_utf8();
    }
    let len = end.saturating_sub(usize::from(unit.start()));
    TextRange::at(unit.start(), TextSize::try_from(len).unwrap_or_default())
}

/// The characters of `unit` as published, counted as [`first_chars`] counts them: HTML
/// comments (`comments`, sorted) and the whitespace before the first and after the last
/// other character do not count, and a CRLF line break counts one. A waiver comment
/// added to a post does not change its `chars`.
fn published_chars(text: &str, unit: TextRange, comments: &[TextRange]) -> usize {
    // Counted so far, and how many of those are whitespace after the last other one.
    let (mut counted, mut trailing, mut begun) = (0usize, 0usize, false);
    for (_, ch, counts) in published(text, unit, comments) {
        if !ch.is_whitespace() {
            begun = true;
            trailing = 0;
        } else if begun && counts {
            trailing += 1;
        }
        if begun && counts {
            counted += 1;
        }
    }
    counted - trailing
}

/// The characters of `unit` outside HTML comments (`comments`, sorted), with their
/// offsets, and whether each counts as one: the `\r` of a CRLF does not.
fn published<'t>(
    text: &'t str,
    unit: TextRange,
    comments: &'t [TextRange],
) -> impl Iterator<Item = (usize, char, bool)> + 't {
    let (start, end) = (usize::from(unit.start()), usize::from(unit.end()));
    // The post's comments are sorted and apart: the unit's are found by bisection, not
    // by passing over every comment before it (a sentence-scoped `chars` would be
    // sentences times comments).
    let first = comments.partition_point(|c| usize::from(c.end()) <= start);
    let mut comments = comments[first..]
        .iter()
        .map(|c| usize::from(c.start())..usize::from(c.end()))
        .peekable();
    let mut at = start;
    std::iter::from_fn(move || {
        while let Some(c) = comments.next_if(|c| c.start <= at) {
            at = at.max(c.end);
        }
        let ch = text.get(at..end)?.chars().next()?;
        let here = at;
        at += ch.len_utf8();
        let line_end = ch == '\r' && text.as_bytes().get(at) == Some(&b'\n');
        Some((here, ch, !line_end))
    })
}

/// Which ranges overlap one of a set's matches (an allowlist's): a match overlaps
/// `range` when it starts before `range` ends and ends after it starts, so of the
/// matches (sorted by start) that start before `range` ends, the furthest end decides.
/// Looking through all of them for each range made an allowlist quadratic in a long
/// post (`no cure` a hundred thousand times: seconds per megabyte); a short list is
/// still looked through, which needs no table.
struct Overlaps<'a> {
    sorted: &'a [SetMatch],
    /// The furthest end among `sorted[..=i]`, for a long list.
    reach: Vec<TextSize>,
}

impl<'a> Overlaps<'a> {
    /// Lists up to this long are looked through for each range.
    const SCAN: usize = 16;

    fn new(sorted: &'a [SetMatch]) -> Overlaps<'a> {
        let reach = if sorted.len() > Self::SCAN {
            let mut furthest = TextSize::from(0);
            sorted
                .iter()
                .map(|m| {
                    furthest = furthest.max(m.range.end());
                    furthest
                })
                .collect()
        } else {
            Vec::new()
        };
        Overlaps { sorted, reach }
    }

    /// Whether `range` overlaps one of the matches.
    fn any(&self, range: TextRange) -> bool {
        let hi = self
            .sorted
            .partition_point(|m| m.range.start() < range.end());
        if self.reach.is_empty() {
            return self.sorted[..hi]
                .iter()
                .any(|m| m.range.end() > range.start());
        }
        hi.checked_sub(1)
            .and_then(|last| self.reach.get(last))
            .is_some_and(|&furthest| furthest > range.start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The furthest-end table answers as looking through every match does, for
        /// lists short enough to be looked through and long enough to get the table.
        #[test]
        fn overlaps_agree_with_their_definition(
            starts in proptest::collection::vec((0u32..200, 0u32..12), 0..60),
            ranges in proptest::collection::vec((0u32..210, 0u32..12), 1..20),
        ) {
            let mut sorted: Vec<SetMatch> = starts
                .into_iter()
                .map(|(s, l)| SetMatch {
                    range: TextRange::new(s.into(), (s + l).into()),
                    pattern: 0,
                })
                .collect();
            sorted.sort_by_key(|m| m.range.start());
            let overlaps = Overlaps::new(&sorted);
            for (s, l) in ranges {
                let range = TextRange::new(s.into(), (s + l).into());
                let defined = sorted
                    .iter()
                    .any(|m| m.range.start() < range.end() && m.range.end() > range.start());
                prop_assert_eq!(overlaps.any(range), defined, "{:?}", range);
            }
        }
    }

    fn range() -> impl Strategy<Value = TextRange> {
        (0u32..6, 0u32..3).prop_map(|(s, l)| TextRange::new(s.into(), (s + l).into()))
    }

    fn hit() -> impl Strategy<Value = Hit> {
        (
            proptest::option::of(range()),
            proptest::collection::vec((range(), proptest::bool::ANY), 0..3),
            proptest::option::of(range()),
            proptest::option::of(0u32..3),
        )
            .prop_map(|(primary, evidence, unit, pattern)| Hit {
                primary,
                evidence: evidence
                    .into_iter()
                    .map(|(r, and)| (r, if and { "and this" } else { "also" }))
                    .collect(),
                left: primary,
                right: None,
                pattern,
                unit,
            })
    }

    proptest! {
        /// `and` built part by part gives the hits the first implementation gave from
        /// the list of all parts' outcomes.
        #[test]
        fn and_hits_part_by_part_are_those_of_all_parts(
            parts in proptest::collection::vec(proptest::collection::vec(hit(), 0..4), 1..5)
        ) {
            let outcomes: Vec<Outcome> = parts
                .into_iter()
                .map(|hits| Outcome { truth: true, hits })
                .collect();
            let mut and = AndHits::default();
            for o in outcomes.clone() {
                and.add(o);
            }
            let (got, want) = (and.finish(), combine_and(outcomes));
            prop_assert_eq!(got.truth, want.truth);
            prop_assert_eq!(got.hits, want.hits);
        }
    }

    /// Compares every leaf's filed matches in every post of `draft` with
    /// [`PostCtx::leaf_by_definition`], with one cache for all posts (as a check uses
    /// it), filing only the leaves of `wanted` when given (the others answered from the
    /// index); returns how many leaves had matches.
    fn compare_leaves(
        draft: &Draft,
        index: &MatchIndex,
        arena: &SetArena,
        cache: &mut SetCache,
        wanted: Option<&[(u32, u64)]>,
    ) -> usize {
        let mut with_matches = 0;
        for post in &draft.posts {
            if let Some(mask) = wanted {
                cache.want_only([mask]);
            }
            let ctx = PostCtx::new(draft, post, index, arena, cache);
            for (id, node) in arena.nodes.iter().enumerate() {
                if let SetNode::Leaf(_) = node {
                    let got = ctx.set_matches(SetId(id as u32)).to_vec();
                    let want = ctx.leaf_by_definition(id as u32);
                    assert_eq!(got, want, "leaf {id} in post {:?}", post.body);
                    with_matches += usize::from(!want.is_empty());
                }
            }
        }
        with_matches
    }

    /// An arena of `leaves` (each listing some of 8 patterns, which a pattern may share
    /// with other leaves or belong to none), with a union between them so that leaves do
    /// not have consecutive numbers.
    fn arena_of(leaves: &[Vec<u32>]) -> SetArena {
        let mut arena = SetArena::default();
        for p in 0..8 {
            arena.add_pattern(crate::sets::Pattern {
                kind: crate::sets::PatternKind::Phrase {
                    norm: format!("p{p}"),
                    exact: None,
                },
                replacement: None,
            });
        }
        for (k, patterns) in leaves.iter().enumerate() {
            let leaf = arena.add_node(SetNode::Leaf(patterns.clone()));
            if k % 2 == 1 {
                arena.add_node(SetNode::Union(vec![leaf]));
            }
        }
        arena
    }

    proptest! {
        /// Filing a post's matches by leaf gives each leaf the matches its definition
        /// gives, whatever patterns leaves share, with repeated ranges, matches that run
        /// past a post's end, and posts one after the other in one cache; and so do
        /// leaves left out of the filing, answered from the index.
        #[test]
        fn filed_matches_are_each_leafs(
            leaves in proptest::collection::vec(proptest::collection::btree_set(0u32..8, 0..4), 1..6),
            found in proptest::collection::vec((0u32..70, 0u32..12, 0u32..8), 0..60),
            wanted in proptest::option::of(proptest::bits::u64::masked(0x3ff)),
        ) {
            let leaves: Vec<Vec<u32>> = leaves.into_iter().map(|l| l.into_iter().collect()).collect();
            let arena = arena_of(&leaves);
            let text = format!("{}\n\n<!-- post -->\n\n{}\n", "a".repeat(30), "b".repeat(30));
            let draft = decorum_draft::parse(
                &text,
                decorum_draft::DraftFormat::Markdown,
                &decorum_draft::Metadata::new(),
            );
            prop_assert_eq!(draft.posts.len(), 2);
            let found: Vec<(TextRange, u32)> = found
                .into_iter()
                .map(|(s, l, p)| (TextRange::at(s.into(), l.into()), p))
                .collect();
            let index = MatchIndex::new(found);
            let mut cache = SetCache::new(&arena);
            let mask = wanted.map(|bits| vec![(0, bits)]);
            compare_leaves(&draft, &index, &arena, &mut cache, mask.as_deref());
        }
    }

    /// Every leaf of the std library has its own matches in every post of the library's
    /// examples, checked one after the other with one cache, whether all leaves are filed
    /// or every other one (the rest answered from the index).
    #[test]
    fn std_leaves_are_filed_as_defined() {
        let set = crate::sets::tests::std_policy_set();
        let mut cache = SetCache::new(set.arena());
        let words = set.arena().nodes.len().div_ceil(64) as u32;
        let half: Vec<(u32, u64)> = (0..words).map(|w| (w, 0x5555_5555_5555_5555)).collect();
        let mut with_matches = 0;
        for (k, text) in crate::sets::tests::std_example_texts(&set)
            .iter()
            .enumerate()
        {
            let draft = decorum_draft::parse(
                text,
                decorum_draft::DraftFormat::Markdown,
                &decorum_draft::Metadata::new(),
            );
            let index = set.matcher().scan(&draft);
            let wanted = (k % 2 == 1).then_some(half.as_slice());
            with_matches += compare_leaves(&draft, &index, set.arena(), &mut cache, wanted);
        }
        assert!(
            with_matches > 1000,
            "only {with_matches} leaves with matches"
        );
    }

    /// A set's matches as the first implementation computed them: every set that is not
    /// a leaf copies, sorts and dedups its matches, whatever its children gave.
    fn reference_matches(
        ctx: &PostCtx<'_>,
        set: SetId,
        memo: &mut std::collections::HashMap<SetId, Vec<SetMatch>>,
    ) -> Vec<SetMatch> {
        if let Some(m) = memo.get(&set) {
            return m.clone();
        }
        let mut out: Vec<SetMatch> = match ctx.arena.node(set) {
            SetNode::Leaf(_) => ctx.set_matches(set).to_vec(),
            SetNode::Union(children) => {
                let mut v = Vec::new();
                for &c in children {
                    v.extend(reference_matches(ctx, c, memo));
                }
                v
            }
            SetNode::Diff(a, b) => {
                let keep = reference_matches(ctx, *a, memo);
                let drop = reference_matches(ctx, *b, memo);
                let overlaps = |m: &SetMatch| {
                    drop.iter()
                        .any(|d| d.range.start() < m.range.end() && d.range.end() > m.range.start())
                };
                keep.into_iter().filter(|m| !overlaps(m)).collect()
            }
            SetNode::Unnegated(a) => reference_matches(ctx, *a, memo)
                .into_iter()
                .filter(|m| !is_negated(ctx.draft, ctx.post, m.range))
                .collect(),
            SetNode::Unquoted(a) => {
                let quotes = Quotes::of(ctx.draft, ctx.post);
                reference_matches(ctx, *a, memo)
                    .into_iter()
                    .filter(|m| !quotes.is_quoted(ctx.post, m.range))
                    .collect()
            }
        };
        out.sort_unstable_by_key(|m| {
            (m.range.start(), std::cmp::Reverse(m.range.end()), m.pattern)
        });
        out.dedup_by_key(|m| m.range);
        memo.insert(set, out.clone());
        out
    }

    /// Every set of the std library, in every post of its examples (and of texts with
    /// quotations and negations around the library's terms), has the matches the first
    /// implementation computed, whether found as a leaf's part, a child's shared matches
    /// or a computed list, and asked for in the order of the set numbers or the reverse.
    #[test]
    fn set_matches_are_those_of_the_first_implementation() {
        let set = crate::sets::tests::std_policy_set();
        let mut texts = crate::sets::tests::std_example_texts(&set);
        let extra: Vec<String> = texts
            .iter()
            .step_by(5)
            .flat_map(|t| {
                [
                    format!("She said \"{t}\" and «{t}» but not {t}"),
                    format!("No {t}. We never say {t}, but {t}"),
                ]
            })
            .collect();
        texts.extend(extra);
        let nodes = set.arena().nodes.len() as u32;
        let mut compared = 0usize;
        // One cache for every post, as a check uses it: nothing found in one post may
        // show in the next.
        let mut cache = SetCache::new(set.arena());
        for (k, text) in texts.iter().enumerate() {
            let draft = decorum_draft::parse(
                text,
                decorum_draft::DraftFormat::Markdown,
                &decorum_draft::Metadata::new(),
            );
            let index = set.matcher().scan(&draft);
            for post in &draft.posts {
                let ctx = PostCtx::new(&draft, post, &index, set.arena(), &mut cache);
                let mut memo = std::collections::HashMap::new();
                let order: Vec<u32> = if k % 2 == 0 {
                    (0..nodes).collect()
                } else {
                    (0..nodes).rev().collect()
                };
                for id in order {
                    let got = ctx.set_matches(SetId(id)).to_vec();
                    let want = reference_matches(&ctx, SetId(id), &mut memo);
                    assert_eq!(got, want, "set {id} in {text:?}");
                    compared += usize::from(!want.is_empty());
                }
            }
        }
        // The texts must exercise the sets, or the comparison proves nothing.
        assert!(compared > 1000, "only {compared} sets with matches");
    }
}
