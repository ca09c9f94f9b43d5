//! Checking drafts: scan once, evaluate the rules a post can trigger, apply waivers.

use std::sync::Arc;

use decorum_draft::{Draft, DraftFormat, Metadata, Post, WaiverScope};
use decorum_syntax::Severity;
use decorum_text::{TextRange, TextSize};

use crate::eval::{Hit, PostCtx, SetCache, compare, leaf_mask};
use crate::finding::*;
use crate::input::SourceId;
use crate::ir::*;
use crate::memo::ScanMemo;
use crate::sets::{MatchIndex, Matcher, SetArena};

/// How many threads a check may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threads {
    One,
    /// A second thread for drafts (scan) and posts (rule evaluation) of at least
    /// `from_bytes`.
    Two {
        from_bytes: usize,
    },
}

/// Ids of Decorum's own checks of drafts.
pub const WAIVER_REASON_RULE: &str = "decorum.waiver-reason";
/// A waiver names a rule that no active policy defines.
pub const WAIVER_UNKNOWN_RULE: &str = "decorum.waiver-unknown-rule";
/// A waiver names a rule, or a policy, whose rules the workspace's policies all disable:
/// that name waives nothing.
pub const WAIVER_DISABLED_RULE: &str = "decorum.waiver-disabled-rule";
/// Front matter or a `decorum-` comment in a draft could not be read.
pub const DRAFT_PROBLEM_RULE: &str = "decorum.draft";

/// A compiled, validated set of active rules, ready to check drafts. Immutable and
/// cheap to share between threads behind an `Arc`.
#[derive(Debug, Clone)]
pub struct PolicySet {
    rules: Vec<Arc<RuleInfo>>,
    irs: Vec<RuleIr>,
    arena: SetArena,
    matcher: Matcher,
    /// Rules that must be evaluated in every post.
    always: Vec<u32>,
    /// For each pattern, the rules it can trigger.
    triggers: Vec<Vec<u32>>,
    /// For each rule, the leaves its conditions can ask for (see [`leaf_mask`]): a post
    /// files only the matches of the leaves of the rules it evaluates.
    rule_leaves: Vec<Vec<(u32, u64)>>,
    /// The leaves the batch rules' per-post conditions can ask for, filed in every post
    /// (see [`PerPost`]).
    batch_leaves: Vec<(u32, u64)>,
    /// For each rule, the title of each of its fixes that is the same in every finding
    /// (`append`, `prepend`, `remove`; empty for a replacement, whose title shows the
    /// words replaced): made once, copied into each finding.
    fix_titles: Vec<Vec<String>>,
    /// Every rule id of the loaded policies, active or disabled (for waiver checks).
    known_ids: Vec<String>,
    /// The files whose examples `run_examples` runs: the roots and the workspace's own
    /// files they import.
    tested: Vec<SourceId>,
    builtin: Builtins,
}

#[derive(Debug, Clone)]
struct Builtins {
    waiver_reason: Arc<RuleInfo>,
    waiver_unknown: Arc<RuleInfo>,
    waiver_disabled: Arc<RuleInfo>,
    draft_problem: Arc<RuleInfo>,
}

fn builtin(id: &str, title: &str, severity: Severity, explain: &str) -> Arc<RuleInfo> {
    Arc::new(RuleInfo {
        id: id.to_string(),
        title: title.to_string(),
        message_template: None,
        explain: Some(explain.to_string()),
        link: None,
        tags: vec!["other".to_string()],
        severity,
        severity_origin: SeverityOrigin::Builtin,
        locked: true,
        batch: false,
        source: None,
        name_range: TextRange::default(),
        examples: Vec::new(),
    })
}

impl PolicySet {
    pub(crate) fn new(
        rules: Vec<Arc<RuleInfo>>,
        irs: Vec<RuleIr>,
        arena: SetArena,
        matcher: Matcher,
        known_ids: Vec<String>,
        tested: Vec<SourceId>,
    ) -> PolicySet {
        let mut always = Vec::new();
        let mut triggers = vec![Vec::new(); arena.patterns.len()];
        for (i, ir) in irs.iter().enumerate() {
            if matches!(ir.trigger, TriggerIr::Batch(_)) {
                continue;
            }
            match &ir.required_patterns {
                None => always.push(i as u32),
                Some(patterns) => {
                    for &p in patterns {
                        if let Some(t) = triggers.get_mut(p as usize) {
                            t.push(i as u32);
                        }
                    }
                }
            }
        }
        let rule_leaves = irs
            .iter()
            .map(|ir| {
                let trigger = match &ir.trigger {
                    TriggerIr::Flag(c) | TriggerIr::Batch(c) => vec![c],
                    TriggerIr::Require { when, require } => vec![when, require],
                };
                leaf_mask(&arena, trigger.into_iter().chain(&ir.unless))
            })
            .collect();
        let batch_leaves = {
            let mut conds = Vec::new();
            for ir in &irs {
                if let TriggerIr::Batch(cond) = &ir.trigger {
                    post_conditions(cond, &mut conds);
                }
            }
            leaf_mask(&arena, conds)
        };
        let fix_titles = irs
            .iter()
            .map(|ir| ir.fixes.iter().map(fix_title).collect())
            .collect();
        let builtin = Builtins {
            waiver_reason: builtin(
                WAIVER_REASON_RULE,
                "A waiver needs a reason",
                Severity::Error,
                "A `decorum-allow` comment switches a rule off for part of a draft. Reviewers and auditors need to know why, so every waiver carries a reason after a colon: `<!-- decorum-allow hc.privacy.client-story: written consent on file, ref 2291 -->`. A waiver without a reason has no effect.",
            ),
            waiver_unknown: builtin(
                WAIVER_UNKNOWN_RULE,
                "A waiver names an unknown rule",
                Severity::Warning,
                "The rule named in this waiver is not defined by any active policy, so naming it waives nothing (the waiver does nothing at all when it names no rule in force). Check the rule id (it is shown with every finding), or remove the name from the waiver.",
            ),
            waiver_disabled: builtin(
                WAIVER_DISABLED_RULE,
                "A waiver names a disabled rule",
                Severity::Warning,
                "The rule named in this waiver is switched off for the whole workspace by a `disable RULE because \"...\"` in its policies, so it never fires and naming it waives nothing (the waiver does nothing at all when it names no rule in force). Remove the name from the waiver; if the rule should apply to drafts after all, remove the `disable` instead.",
            ),
            draft_problem: builtin(
                DRAFT_PROBLEM_RULE,
                "Decorum cannot use this part of the draft as written",
                Severity::Warning,
                "Front matter must be valid YAML between `---` lines at the top of the draft (or of a post in a calendar), and Decorum comments must follow the documented syntax. Rules that depend on metadata such as `channel` cannot work until it is fixed. A front-matter `channel` must be one known channel written as text (`channel: x`): a list, a number, `true` or `false`, a mapping or empty text (`channel: \"\"`) sets no channel, so no length limit applies (write a post for each channel; write `channel:` with nothing after it for none), and a channel one letter away from a known one (`twiter`) is reported too, as is a key one letter away from `channel`, `type` or `consent` (`chanel: x` sets no channel). So is a comment of one word one letter away from `post` on a line of its own (`<!-- posts -->`): it starts no post, so a calendar's posts around it stay one.",
            ),
        };
        PolicySet {
            rules,
            irs,
            arena,
            matcher,
            always,
            triggers,
            rule_leaves,
            batch_leaves,
            fix_titles,
            known_ids,
            tested,
            builtin,
        }
    }

    /// The compiled automata (for tests of the matcher against the std library).
    #[cfg(test)]
    pub(crate) fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The compiled term sets and their patterns (for tests of the matcher).
    #[cfg(test)]
    pub(crate) fn arena(&self) -> &SetArena {
        &self.arena
    }

    /// The active rules, in the order of their files and positions.
    pub fn rules(&self) -> &[Arc<RuleInfo>] {
        &self.rules
    }

    /// The active rule with the given id.
    pub fn rule(&self, id: &str) -> Option<&Arc<RuleInfo>> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every rule id defined by the loaded policies, including disabled ones.
    pub fn known_rule_ids(&self) -> &[String] {
        &self.known_ids
    }

    /// Checks one draft; its posts form the batch for `flag batch` rules.
    pub fn check(&self, draft: &Draft) -> DraftReport {
        self.check_batch(&[draft]).pop().unwrap_or_default()
    }

    /// Like [`PolicySet::check`], with the same report, but on two threads where a draft
    /// is large: its phrases and regexes are searched side by side, and the rules of a
    /// long post are evaluated in two halves. For the language server, where one long
    /// document is checked on every keystroke. Drafts and posts under 64 KB are checked
    /// on this thread alone.
    pub fn check_parallel(&self, draft: &Draft) -> DraftReport {
        let threads = Threads::Two {
            from_bytes: crate::sets::PARALLEL_MIN_BYTES,
        };
        self.check_scanned(&[draft], None, threads)
            .pop()
            .unwrap_or_default()
    }

    /// Checks several drafts as one batch (all files of a run): per-post rules apply to
    /// each draft, `flag batch` rules to all their posts together.
    pub fn check_batch(&self, drafts: &[&Draft]) -> Vec<DraftReport> {
        self.check_selected(drafts, None)
    }

    /// Checks with every rule, or with one rule only (examples).
    fn check_selected(&self, drafts: &[&Draft], only: Option<usize>) -> Vec<DraftReport> {
        self.check_scanned(drafts, only, Threads::One)
    }

    /// Like [`PolicySet::check_parallel`], with the same report, for a document checked
    /// again and again as it is edited: `memo` holds what the last check of it found,
    /// and only the chunks of the draft that may have changed since are searched (see
    /// [`ScanMemo`]). Drafts under 64 KB are checked as by `check_parallel` and leave
    /// the memo empty.
    pub fn check_incremental(&self, draft: &Draft, memo: &mut ScanMemo) -> DraftReport {
        self.check_incremental_from(draft, memo, crate::sets::PARALLEL_MIN_BYTES)
    }

    /// [`PolicySet::check_incremental`] with the size threshold as a parameter (tests
    /// use small drafts).
    pub(crate) fn check_incremental_from(
        &self,
        draft: &Draft,
        memo: &mut ScanMemo,
        min_bytes: usize,
    ) -> DraftReport {
        let threads = Threads::Two {
            from_bytes: min_bytes,
        };
        if draft.prose.len() < min_bytes {
            memo.clear();
            return self
                .check_scanned(&[draft], None, threads)
                .pop()
                .unwrap_or_default();
        }
        let index = self.matcher.scan_with_memo(draft, memo, min_bytes);
        let report = self.evaluate(&[draft], std::slice::from_ref(&index), None, threads);
        memo.keep(&self.matcher, draft, index);
        report.into_iter().next().unwrap_or_default()
    }

    pub(crate) fn check_scanned(
        &self,
        drafts: &[&Draft],
        only: Option<usize>,
        threads: Threads,
    ) -> Vec<DraftReport> {
        let indexes: Vec<MatchIndex> = drafts
            .iter()
            .map(|d| match threads {
                Threads::One => self.matcher.scan(d),
                Threads::Two { from_bytes } => self.matcher.scan_parallel_from(d, from_bytes),
            })
            .collect();
        self.evaluate(drafts, &indexes, only, threads)
    }

    /// Evaluates the rules over the drafts' matches, applies waivers.
    fn evaluate(
        &self,
        drafts: &[&Draft],
        indexes: &[MatchIndex],
        only: Option<usize>,
        threads: Threads,
    ) -> Vec<DraftReport> {
        let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); drafts.len()];
        // The conditions batch rules count posts by (`share(...)`, `posts(...)`) are
        // evaluated here, in the context each post's own rules have filled, rather than
        // in a fresh context per post later (twice when the rule holds: for the count,
        // then for the value its message shows).
        // Rule `only`'s own leaves hold those of its per-post conditions.
        let batch_leaves = match only {
            None => &self.batch_leaves,
            Some(o) => self.rule_leaves.get(o).unwrap_or(&self.batch_leaves),
        };
        let mut per_post = PerPost::new(&self.irs, only, batch_leaves);
        let mut cache = SetCache::new(&self.arena);
        for (d, draft) in drafts.iter().enumerate() {
            for post in &draft.posts {
                let rules = self.rules_for(post, &indexes[d], only);
                let masks = rules
                    .iter()
                    .filter_map(|&r| self.rule_leaves.get(r as usize));
                cache.want_only(masks.map(Vec::as_slice).chain([per_post.leaves]));
                let ctx = PostCtx::new(draft, post, &indexes[d], &self.arena, &mut cache);
                for (cond, hits) in per_post.conds.iter().zip(&mut per_post.hits) {
                    hits.push(counted_range(&ctx, cond));
                }
                if let Threads::Two { from_bytes } = threads
                    && usize::from(post.body.len()) >= from_bytes
                    && rules.len() > 1
                {
                    self.eval_rules_in_halves(&rules, &ctx, &indexes[d], d, &mut findings[d]);
                    continue;
                }
                for rule in rules {
                    self.eval_rule(rule as usize, &ctx, d, &mut findings[d]);
                }
            }
        }
        for (i, ir) in self.irs.iter().enumerate() {
            if only.is_some_and(|o| o != i) {
                continue;
            }
            if let TriggerIr::Batch(cond) = &ir.trigger {
                self.eval_batch(i, cond, drafts, &per_post, &mut findings);
            }
        }
        drafts
            .iter()
            .zip(findings)
            .map(|(draft, mut list)| {
                list.sort_by(by_position);
                self.apply_waivers(draft, list, only.is_none())
            })
            .collect()
    }

    /// Evaluates `rules` in a post as [`PolicySet::eval_rule`] would one after the other,
    /// the second half on another thread with its own `PostCtx` (whose caches are not
    /// shared between threads). The findings come out in the same order: first half,
    /// then second half.
    fn eval_rules_in_halves(
        &self,
        rules: &[u32],
        ctx: &PostCtx<'_>,
        index: &MatchIndex,
        draft_index: usize,
        out: &mut Vec<Finding>,
    ) {
        let (first, second) = rules.split_at(rules.len() / 2);
        let later = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                let mut cache = SetCache::new(&self.arena);
                let own = PostCtx::new(ctx.draft, ctx.post, index, &self.arena, &mut cache);
                let mut found = Vec::new();
                for &rule in second {
                    self.eval_rule(rule as usize, &own, draft_index, &mut found);
                }
                found
            });
            for &rule in first {
                self.eval_rule(rule as usize, ctx, draft_index, out);
            }
            match other.join() {
                Ok(found) => found,
                // A panic on the other thread reaches the caller, as it would have
                // without the thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        out.extend(later);
    }

    /// The rules worth evaluating in a post: those without a required pattern, and those
    /// whose required patterns matched in it.
    fn rules_for(&self, post: &Post, index: &MatchIndex, only: Option<usize>) -> Vec<u32> {
        if let Some(o) = only {
            return if matches!(self.irs[o].trigger, TriggerIr::Batch(_)) {
                Vec::new()
            } else {
                vec![o as u32]
            };
        }
        // One bit per rule: read in order, the set bits are the rules sorted and without
        // repeats, with no sort (a post has dozens of matches, most of patterns that
        // trigger no rule or one already wanted).
        let mut wanted = vec![0u64; self.irs.len().div_ceil(64)];
        let mut want = |rule: u32| {
            if let Some(word) = wanted.get_mut(rule as usize / 64) {
                *word |= 1 << (rule % 64);
            }
        };
        self.always.iter().copied().for_each(&mut want);
        for &(_, p) in index.in_range(post.body) {
            if let Some(t) = self.triggers.get(p as usize) {
                t.iter().copied().for_each(&mut want);
            }
        }
        let wanted_count = wanted.iter().map(|w| w.count_ones() as usize).sum();
        let mut rules = Vec::with_capacity(wanted_count);
        for (w, &word) in wanted.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                rules.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        rules
    }

    fn eval_rule(&self, i: usize, ctx: &PostCtx<'_>, draft_index: usize, out: &mut Vec<Finding>) {
        let ir = &self.irs[i];
        let unit = ctx.unit();
        let hits = match &ir.trigger {
            TriggerIr::Flag(cond) => {
                let o = ctx.eval(cond, unit);
                if !o.truth {
                    return;
                }
                o.hits
            }
            TriggerIr::Require { when, require } => {
                let o = ctx.eval(when, unit);
                if !o.truth || ctx.eval(require, unit).truth {
                    return;
                }
                o.hits
            }
            TriggerIr::Batch(_) => return,
        };
        if ir.unless.iter().any(|u| ctx.eval(u, unit).truth) {
            return;
        }
        // One finding per stretch of text: a hit whose range lies inside another hit's
        // (`45-year-old` inside `a 45-year-old`, found by two patterns) or repeats an
        // earlier one is left out, so one detail is not reported two or three times.
        let kept = outermost_hits(&hits);
        let mut kept = hits
            .iter()
            .zip(kept)
            .filter(|(_, keep)| *keep)
            .map(|(h, _)| h);
        if ir.once {
            // `flag once`: the first hit is the finding, the others its evidence.
            let Some(first) = kept.next() else { return };
            let mut hit = first.clone();
            for other in kept {
                if let Some(range) = other.primary {
                    hit.evidence.push((range, "also"));
                }
                hit.evidence.extend(other.evidence.iter().copied());
            }
            // Each stretch of text once, and not the one underlined.
            let mut seen: std::collections::HashSet<TextRange> = hit.primary.into_iter().collect();
            hit.evidence.retain(|(range, _)| seen.insert(*range));
            out.push(self.finding(i, ctx, &hit, draft_index));
            return;
        }
        for hit in kept {
            out.push(self.finding(i, ctx, hit, draft_index));
        }
    }

    fn finding(&self, i: usize, ctx: &PostCtx<'_>, hit: &Hit, draft_index: usize) -> Finding {
        let rule = &self.rules[i];
        let ir = &self.irs[i];
        let range = hit
            .primary
            .unwrap_or_else(|| first_line(&ctx.draft.text, ctx.post));
        let message = self.render_message(i, Some(ctx), hit, None);
        let related = hit
            .evidence
            .iter()
            .map(|(r, label)| Related {
                draft: draft_index,
                range: *r,
                label,
            })
            .collect();
        let mut fixes = Vec::with_capacity(ir.fixes.len());
        let titles = self.fix_titles.get(i).map_or(&[][..], Vec::as_slice);
        for (k, fix) in ir.fixes.iter().enumerate() {
            let title = titles.get(k).map_or("", String::as_str);
            if let Some(f) = self.fix(fix, title, ctx, hit) {
                fixes.push(f);
            }
        }
        Finding {
            rule: Arc::clone(rule),
            severity: rule.severity,
            message,
            range,
            related,
            fixes,
        }
    }

    /// The fix `fix` offers for `hit`, with `title` when it is the same for every
    /// finding (see [`fix_title`]).
    fn fix(&self, fix: &FixIr, title: &str, ctx: &PostCtx<'_>, hit: &Hit) -> Option<Fix> {
        let text = &ctx.draft.text;
        // A match across Markdown markup (`My **patient**` matches `my patient` up to
        // `My **patient`) cannot be replaced or removed as one piece without breaking
        // the markup (`A patient**`): no such fix is offered, the writer edits by hand.
        if matches!(
            fix,
            FixIr::Replace(_) | FixIr::ReplaceWithSuggestion | FixIr::Remove
        ) && hit
            .primary
            .is_some_and(|range| markup_inside(ctx.draft, range))
        {
            return None;
        }
        match fix {
            FixIr::Replace(new) => {
                let range = hit.primary?;
                let new_text = match_case(decorum_text::slice(text, range), new);
                // One text for whatever the rule matched: it fits the words the author
                // had in mind, not always the sentence around another match.
                Some(Fix {
                    title: format!("Replace with “{new_text}”"),
                    edits: vec![Edit { range, new_text }],
                    applicability: Applicability::MaybeIncorrect,
                })
            }
            FixIr::ReplaceWithSuggestion => {
                let range = hit.primary?;
                let suggestion = self
                    .arena
                    .patterns
                    .get(hit.pattern? as usize)?
                    .replacement
                    .as_ref()?;
                let new_text = match_case(decorum_text::slice(text, range), suggestion);
                Some(Fix {
                    title: format!("Replace with “{new_text}”"),
                    edits: vec![Edit { range, new_text }],
                    applicability: Applicability::Safe,
                })
            }
            FixIr::Remove => {
                let range = hit.primary?;
                Some(Fix {
                    title: title.to_string(),
                    edits: vec![removal_edit(
                        text,
                        &ctx.draft.prose,
                        ctx.draft.format == DraftFormat::Markdown,
                        &ctx.post.sentences,
                        range,
                    )],
                    applicability: Applicability::MaybeIncorrect,
                })
            }
            FixIr::Append(addition) => Some(Fix {
                title: title.to_string(),
                edits: vec![paragraph_at_end(ctx, addition)],
                applicability: addition_applicability(ctx, addition),
            }),
            FixIr::Prepend(addition) => {
                // Before the first block's text: after front matter, waiver comments and
                // a heading's or list item's marker, so the markup stays as it was.
                let edit = match ctx.post.paragraphs.first() {
                    Some(first) => {
                        let mut new_text = String::with_capacity(addition.len() + 1);
                        new_text.push_str(addition);
                        new_text.push(' ');
                        Edit {
                            range: TextRange::empty(first.start()),
                            new_text,
                        }
                    }
                    // No prose (a code block, an image): a paragraph of its own before
                    // the first line of text; none at all: as `append` would.
                    None => match first_line(text, ctx.post) {
                        // At the line's start, not its text's: an indented code block
                        // would take in a line indented as it is.
                        line if !line.is_empty() => Edit {
                            range: TextRange::empty(line_start(
                                text,
                                ctx.post.body.start(),
                                line.start(),
                            )),
                            new_text: format!("{addition}{0}{0}", ctx.line_end()),
                        },
                        _ => paragraph_at_end(ctx, addition),
                    },
                };
                Some(Fix {
                    title: title.to_string(),
                    edits: vec![edit],
                    applicability: addition_applicability(ctx, addition),
                })
            }
        }
    }

    /// The message of rule `i` for `hit`: a post rule's with the post's context `ctx`,
    /// a batch rule's with what the batch measured (`batch`).
    fn render_message(
        &self,
        i: usize,
        ctx: Option<&PostCtx<'_>>,
        hit: &Hit,
        batch: Option<BatchFacts>,
    ) -> String {
        let batch_value = batch.and_then(|b| b.value);
        let rule = &self.rules[i];
        let ir = &self.irs[i];
        if ir.message.is_empty() {
            return rule.title.clone();
        }
        // The literal parts and some room for what fills the placeholders, so that the
        // message is not grown step by step (one per finding, thousands per batch).
        let literal: usize = ir
            .message
            .iter()
            .map(|part| match part {
                MessagePart::Text(t) | MessagePart::Param(t) => t.len(),
                _ => 0,
            })
            .sum();
        let mut out = String::with_capacity(literal + 64);
        for part in &ir.message {
            match part {
                MessagePart::Text(t) => out.push_str(t),
                MessagePart::Param(p) => out.push_str(p),
                MessagePart::Matched(which) => {
                    let Some(ctx) = ctx else { continue };
                    let range = match which {
                        MatchedPart::Primary => hit.primary,
                        MatchedPart::Left => hit.left.or(hit.primary),
                        MatchedPart::Right => hit.right.or(hit.primary),
                    };
                    if let Some(r) = range {
                        // As it reads: from the prose view, so Markdown markup inside the
                        // match (`my *patient*`) is left out, and on one line, so a match
                        // across a wrapped line (`my\r\n  patient`) reads `my patient`.
                        let prose = decorum_text::slice(&ctx.draft.prose, r);
                        let matched = if prose.trim().is_empty() {
                            decorum_text::slice(&ctx.draft.text, r)
                        } else {
                            prose
                        };
                        push_one_line(&mut out, matched, 80);
                    }
                }
                MessagePart::Field(Field::Posts) if batch.is_some() => {
                    out.push_str(&format_number(batch.map_or(0, |b| b.posts) as f64));
                }
                MessagePart::Field(f) => {
                    if let Some(ctx) = ctx {
                        let v = ctx.field(*f, hit.unit.unwrap_or(ctx.unit()));
                        out.push_str(&if v.is_infinite() {
                            "no limit".to_string()
                        } else {
                            format_number(v)
                        });
                    }
                }
                MessagePart::Channel => {
                    out.push_str(
                        ctx.and_then(|c| c.channel())
                            .unwrap_or("an unspecified channel"),
                    );
                }
                MessagePart::Value => {
                    let v = batch_value.or_else(|| {
                        let measured = |c: &PostCtx<'_>| hit.unit.unwrap_or(c.unit());
                        ctx.and_then(|c| {
                            first_comparison(&ir.trigger).map(|n| c.num(n, measured(c)))
                        })
                    });
                    if let Some(v) = v {
                        out.push_str(&if ir.value_is_percent {
                            format_percent(v)
                        } else {
                            format_number(v)
                        });
                    }
                }
            }
        }
        out
    }

    // ----------------------------------------------------------------------- batch

    fn eval_batch(
        &self,
        i: usize,
        cond: &CondIr,
        drafts: &[&Draft],
        per_post: &PerPost<'_>,
        findings: &mut [Vec<Finding>],
    ) {
        let posts: Vec<(usize, &Post)> = drafts
            .iter()
            .enumerate()
            .flat_map(|(d, draft)| draft.posts.iter().map(move |p| (d, p)))
            .collect();
        if posts.is_empty() {
            return;
        }
        let batch = BatchCtx {
            posts: &posts,
            per_post,
        };
        let mut counted: Vec<(usize, TextRange)> = Vec::new();
        if !batch.eval(cond, &mut counted) {
            return;
        }
        let value = first_comparison(&self.irs[i].trigger).map(|n| batch.num(n, &mut Vec::new()));
        let (primary_draft, primary_range) = match counted.last() {
            Some(&(d, r)) => (d, r),
            None => {
                let (d, post) = posts[posts.len() - 1];
                (d, first_line(&drafts[d].text, post))
            }
        };
        let related = counted
            .iter()
            .take(counted.len().saturating_sub(1))
            .take(50)
            .map(|&(d, r)| Related {
                draft: d,
                range: r,
                label: "also counted",
            })
            .collect();
        let rule = &self.rules[i];
        let hit = Hit {
            primary: Some(primary_range),
            evidence: Vec::new(),
            left: None,
            right: None,
            pattern: None,
            unit: None,
        };
        let facts = BatchFacts {
            value,
            posts: posts.len(),
        };
        let message = self.render_message(i, None, &hit, Some(facts));
        findings[primary_draft].push(Finding {
            rule: Arc::clone(rule),
            severity: rule.severity,
            message,
            range: primary_range,
            related,
            fixes: Vec::new(),
        });
    }

    // --------------------------------------------------------------------- waivers

    /// Leaves out the findings waivers cover and adds the waivers' and the draft's own
    /// problems; `findings` come sorted by position, and so do the report's.
    fn apply_waivers(
        &self,
        draft: &Draft,
        findings: Vec<Finding>,
        report_problems: bool,
    ) -> DraftReport {
        let mut extra = Vec::new();
        let mut active: Vec<(usize, &decorum_draft::Waiver)> = Vec::new();
        let mut uses = Vec::new();
        for waiver in &draft.waivers {
            let reason = waiver
                .reason
                .as_ref()
                .map(|(r, _)| r.trim())
                .filter(|r| !r.is_empty());
            let Some(reason) = reason else {
                if report_problems {
                    extra.push(self.builtin_finding(&self.builtin.waiver_reason, waiver.range, "This waiver has no reason, so it has no effect. Add one after a colon: `<!-- decorum-allow RULE: why -->`.".to_string()));
                }
                continue;
            };
            // A name that covers no rule in force waives nothing: misspelt, or naming
            // rules the workspace disables. It is reported (once, as not in effect) and
            // left out of the waiver's use, which lists only what it waives.
            let (in_effect, dead): (Vec<_>, Vec<_>) = waiver
                .rules
                .iter()
                .partition(|(rule, _)| self.rules.iter().any(|r| waiver_covers(rule, &r.id)));
            let in_effect: Vec<String> = in_effect
                .into_iter()
                .map(|(rule, _)| rule.clone())
                .collect();
            if report_problems {
                // Beside a name that waives something, the waiver works: the finding is
                // about the one name, which is to come out of the waiver.
                let (does_nothing, remove) = if in_effect.is_empty() {
                    ("this waiver does nothing", "Remove the waiver")
                } else {
                    ("naming it here waives nothing", "Remove it from the waiver")
                };
                for (rule, range) in dead {
                    let known = self.known_ids.iter().any(|id| waiver_covers(rule, id));
                    if known {
                        let message = if self.known_ids.iter().any(|id| id == rule) {
                            format!(
                                "The rule `{rule}` is disabled by this workspace's policies, so it never fires and {does_nothing}. {remove} (`decorum explain {rule}` says where and why the rule is disabled)."
                            )
                        } else {
                            format!(
                                "Every rule of `{rule}` is disabled by this workspace's policies, so none fires and {does_nothing}. {remove}."
                            )
                        };
                        extra.push(self.builtin_finding(
                            &self.builtin.waiver_disabled,
                            *range,
                            message,
                        ));
                    } else {
                        let suggestion = self
                            .waiver_suggestion(rule)
                            .map(|s| format!(" D{}", &s[1..]))
                            .unwrap_or_default();
                        extra.push(self.builtin_finding(&self.builtin.waiver_unknown, *range, format!("No active policy defines the rule `{rule}`, so {does_nothing}.{suggestion}")));
                    }
                }
            }
            if in_effect.is_empty() {
                continue;
            }
            uses.push(WaiverUse {
                rules: in_effect,
                reason: reason.to_string(),
                range: waiver.range,
                whole_file: matches!(waiver.scope, WaiverScope::File),
                silenced: 0,
            });
            active.push((uses.len() - 1, waiver));
        }
        // Nothing to waive (most drafts): the findings stay where they are.
        let mut kept = if active.is_empty() {
            findings
        } else {
            let mut kept = Vec::with_capacity(findings.len());
            for f in findings {
                let waived = active.iter().find(|(u, w)| {
                    uses[*u].rules.iter().any(|r| waiver_covers(r, &f.rule.id))
                        && match &w.scope {
                            WaiverScope::File => true,
                            WaiverScope::NextBlock(block) => {
                                block.contains_range(f.range)
                                    || (f.range.is_empty() && block.contains(f.range.start()))
                                    || block.intersect(f.range).is_some_and(|r| !r.is_empty())
                            }
                        }
                });
                match waived {
                    Some((u, _)) => uses[*u].silenced += 1,
                    None => kept.push(f),
                }
            }
            kept
        };
        if report_problems {
            for problem in &draft.problems {
                extra.push(self.builtin_finding(
                    &self.builtin.draft_problem,
                    problem.range,
                    problem.message.clone(),
                ));
            }
        }
        // What is kept of `findings` is in order already.
        if !extra.is_empty() {
            kept.extend(extra);
            kept.sort_by(by_position);
        }
        DraftReport {
            findings: kept,
            waivers: uses,
        }
    }

    /// "did you mean `x`?" for the rule id or policy name closest to a waiver's misspelt
    /// `name`: a policy name (`hc.privacy`) is a candidate too, since a waiver may name one.
    fn waiver_suggestion(&self, name: &str) -> Option<String> {
        let mut candidates: Vec<&str> = Vec::new();
        for id in &self.known_ids {
            candidates.push(id);
            let dots = id.match_indices('.').map(|(i, _)| &id[..i]);
            candidates.extend(dots);
        }
        candidates.sort_unstable();
        candidates.dedup();
        if let Some(phrase) = crate::did_you_mean_phrase(name, candidates.iter().copied()) {
            return Some(phrase);
        }
        // `sc.competitor`, with the alias of `import "./shared/common" as sc`: a draft
        // names a rule by its full id, which ends as the name does after the alias.
        let (_, rest) = name.split_once('.')?;
        let ending = format!(".{rest}");
        let quoted: Vec<String> = (candidates.iter())
            .filter(|id| id.ends_with(&ending))
            .map(|id| format!("`{id}`"))
            .collect();
        let ids = match quoted.as_slice() {
            [] => return None,
            [one] => one.clone(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        Some(format!(
            "did you mean {ids}? A waiver names a rule by its full id, not by the alias an import gives it"
        ))
    }

    fn builtin_finding(&self, rule: &Arc<RuleInfo>, range: TextRange, message: String) -> Finding {
        Finding {
            rule: Arc::clone(rule),
            severity: rule.severity,
            message,
            range,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    // -------------------------------------------------------------------- examples

    /// Runs the examples written in the root policy files (the files given to `decorum
    /// test`, or the workspace's) and in the workspace's own files they import: those of
    /// their rules and those in their `use` blocks, against this whole policy set, so the
    /// roots' overrides and extensions apply. The standard library's and shared
    /// libraries' examples are their authors' tests and run when the library itself is
    /// tested (as roots). Also checks that each fix of a flagged example leaves the draft
    /// clean for that rule.
    pub fn run_examples(&self) -> Vec<ExampleResult> {
        self.run_examples_where(|source| self.tested.contains(&source))
    }

    /// [`PolicySet::run_examples`] without the files `skip` names: `decorum test` runs
    /// each file reached by several of its roots once.
    pub fn run_examples_except(&self, skip: impl Fn(SourceId) -> bool) -> Vec<ExampleResult> {
        self.run_examples_where(|source| self.tested.contains(&source) && !skip(source))
    }

    /// Runs the examples written in one file (the language server's code lenses and
    /// diagnostics of the policy file being edited), like [`PolicySet::run_examples`].
    pub fn run_examples_of(&self, source: SourceId) -> Vec<ExampleResult> {
        self.run_examples_where(|s| s == source)
    }

    fn run_examples_where(&self, wanted: impl Fn(SourceId) -> bool) -> Vec<ExampleResult> {
        let mut results = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for (n, example) in rule.examples.iter().enumerate() {
                if wanted(example.source) {
                    results.push(self.run_example(i, n, example));
                }
            }
        }
        results
    }

    /// Decorum's own checks of drafts (waivers, front matter), for `decorum explain`.
    pub fn builtin_rules(&self) -> [&Arc<RuleInfo>; 4] {
        [
            &self.builtin.waiver_reason,
            &self.builtin.waiver_unknown,
            &self.builtin.waiver_disabled,
            &self.builtin.draft_problem,
        ]
    }

    fn run_example(&self, i: usize, n: usize, example: &ExampleInfo) -> ExampleResult {
        let rule = Arc::clone(&self.rules[i]);
        let draft =
            decorum_draft::parse(&example.text, DraftFormat::Markdown, &Metadata::default());
        let report = self
            .check_selected(&[&draft], Some(i))
            .pop()
            .unwrap_or_default();
        let fired: Vec<(TextRange, String)> = report
            .findings
            .iter()
            .filter(|f| f.rule.id == rule.id)
            .map(|f| (f.range, f.message.clone()))
            .collect();
        let mut failure = None;
        match &example.expect {
            ExpectedOutcome::Passes => {
                if !fired.is_empty() {
                    failure = Some("expected no finding".to_string());
                }
            }
            ExpectedOutcome::Flags(at) => {
                let wanted = at.as_ref().and_then(|span| {
                    example.text.find(span.as_str()).map(|s| {
                        TextRange::at(
                            TextSize::try_from(s).unwrap_or_default(),
                            TextSize::try_from(span.len()).unwrap_or_default(),
                        )
                    })
                });
                let ok = match wanted {
                    Some(w) => fired.iter().any(|(r, _)| *r == w),
                    None => !fired.is_empty(),
                };
                if !ok {
                    failure = Some(match at {
                        Some(span) => format!("expected a finding at “{span}”"),
                        None => "expected a finding".to_string(),
                    });
                } else {
                    failure = self.verify_fixes(i, &example.text, &report.findings);
                }
            }
        }
        ExampleResult {
            rule,
            index: n,
            passed: failure.is_none(),
            failure,
            fired,
        }
    }

    /// Applies each fix of the rule's findings and re-checks: the rule must no longer
    /// fire where it did, and no new fix must be offered there.
    fn verify_fixes(&self, i: usize, text: &str, findings: &[Finding]) -> Option<String> {
        let rule_id = &self.rules[i].id;
        let before = findings.iter().filter(|f| &f.rule.id == rule_id).count();
        for f in findings.iter().filter(|f| &f.rule.id == rule_id) {
            for fix in &f.fixes {
                let fixed = apply_edits(text, &fix.edits);
                let draft =
                    decorum_draft::parse(&fixed, DraftFormat::Markdown, &Metadata::default());
                let after = self
                    .check_selected(&[&draft], Some(i))
                    .pop()
                    .unwrap_or_default();
                let remaining = after
                    .findings
                    .iter()
                    .filter(|g| &g.rule.id == rule_id)
                    .count();
                if remaining >= before {
                    return Some(format!(
                        "the fix “{}” does not remove the finding (the text after the fix: {:?})",
                        fix.title, fixed
                    ));
                }
            }
        }
        None
    }
}

/// The outcome of one example.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleResult {
    /// The rule the example belongs to.
    pub rule: Arc<RuleInfo>,
    /// The example's position among the rule's examples.
    pub index: usize,
    /// True when the example behaved as written.
    pub passed: bool,
    /// What went wrong, when it did not.
    pub failure: Option<String>,
    /// What the rule reported on the example: ranges in the example text and messages.
    pub fired: Vec<(TextRange, String)>,
}

/// The title of a fix that does not depend on the finding; empty for the others (a
/// replacement shows the words it puts in).
fn fix_title(fix: &FixIr) -> String {
    match fix {
        FixIr::Replace(_) | FixIr::ReplaceWithSuggestion => String::new(),
        FixIr::Remove => "Remove the flagged words".to_string(),
        FixIr::Append(addition) => {
            format!("Add “{}” at the end of the post", shorten(addition, 48))
        }
        FixIr::Prepend(addition) => {
            format!("Add “{}” at the start of the post", shorten(addition, 48))
        }
    }
}

/// Applies non-overlapping edits to a text.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in sorted {
        let (s, end) = (usize::from(e.range.start()), usize::from(e.range.end()));
        if s < at || end > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.new_text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The order of a draft's findings: by range, then by rule id (a stable sort keeps the
/// order of one rule's findings on one range). Compared in place: a key with the id would
/// clone it for every comparison.
fn by_position(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.range.start(), a.range.end())
        .cmp(&(b.range.start(), b.range.end()))
        .then_with(|| a.rule.id.cmp(&b.rule.id))
}

/// A waiver naming `hc.privacy` covers every rule of that policy.
fn waiver_covers(waiver_rule: &str, id: &str) -> bool {
    id == waiver_rule
        || id
            .strip_prefix(waiver_rule)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// An added disclaimer or disclosure keeps the post's meaning, so its fix is safe, unless
/// the post would then be longer than its channel allows (`length > limit`): applied
/// without looking, it would make the post one a platform refuses or cuts.
fn addition_applicability(ctx: &PostCtx<'_>, addition: &str) -> Applicability {
    let limit = ctx.field(Field::Limit, ctx.unit());
    if limit.is_infinite() {
        return Applicability::Safe;
    }
    // The line breaks (or the space) that join it to the post count too.
    let added = decorum_draft::text_length(addition, ctx.channel()) + 2;
    let length = ctx.field(Field::Length, ctx.unit());
    if length + added as f64 > limit {
        Applicability::MaybeIncorrect
    } else {
        Applicability::Safe
    }
}

/// An edit adding `addition` as the last paragraph of the post in `ctx`: after its last
/// text, a blank line apart, with the post's line ends; in an empty post, on a line of its
/// own (a `<!-- post -->` separator right after it must stay a line of its own).
fn paragraph_at_end(ctx: &PostCtx<'_>, addition: &str) -> Edit {
    let text = &ctx.draft.text;
    let body = ctx.post.body;
    let content = decorum_text::slice(text, body);
    let end = body.start() + TextSize::try_from(content.trim_end().len()).unwrap_or_default();
    let newline = ctx.line_end();
    let new_text = if content.trim().is_empty() {
        let rest = text.get(usize::from(end)..).unwrap_or_default();
        if rest.is_empty() || rest.starts_with(['\n', '\r']) {
            addition.to_string()
        } else {
            format!("{addition}{newline}")
        }
    } else {
        format!("{newline}{newline}{addition}")
    };
    Edit {
        range: TextRange::empty(end),
        new_text,
    }
}

/// The start of the line holding `at`, no earlier than `floor` (a post's body start).
fn line_start(text: &str, floor: TextSize, at: TextSize) -> TextSize {
    let (floor, at) = (usize::from(floor), usize::from(at));
    let start = text
        .get(floor..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(floor, |i| floor + i + 1);
    TextSize::try_from(start).unwrap_or_default()
}

/// The first line of a post with text on it (not blank, not only HTML comments), trimmed:
/// where whole-post findings point.
fn first_line(text: &str, post: &Post) -> TextRange {
    let (body_start, body_end) = (usize::from(post.body.start()), usize::from(post.body.end()));
    // The first character outside whitespace and HTML comments (a waiver, an editor's
    // note): a line of nothing but comments is not where the post's text begins, so a
    // waiver above the first line of text covers it. Comments are sorted: one pass.
    let mut comments = post
        .comments
        .iter()
        .map(|c| usize::from(c.start())..usize::from(c.end()))
        .peekable();
    let mut at = body_start;
    let first = loop {
        while comments.next_if(|c| c.end <= at).is_some() {}
        let Some(c) = text.get(at..body_end).and_then(|rest| rest.chars().next()) else {
            return TextRange::empty(post.body.start());
        };
        match comments.peek() {
            Some(comment) if comment.start <= at => at = comment.end,
            _ if c.is_whitespace() => at += c.len_utf8(),
            _ => break at,
        }
    };
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    let start = usize::from(line_start(text, post.body.start(), size(first)));
    let end = text
        .get(first..body_end)
        .and_then(|after| after.find('\n'))
        .map_or(body_end, |i| first + i);
    let line = text.get(start..end).unwrap_or_default();
    let lead = line.len() - line.trim_start().len();
    TextRange::at(size(start + lead), size(line.trim().len()))
}

/// True when `range` of the draft holds non-prose that is not whitespace: markup the
/// prose view blanked out, such as `**` or the `](url)` of a link.
fn markup_inside(draft: &Draft, range: TextRange) -> bool {
    let r = usize::from(range.start())..usize::from(range.end());
    let (Some(text), Some(prose)) = (
        draft.text.as_bytes().get(r.clone()),
        draft.prose.as_bytes().get(r),
    ) else {
        return false;
    };
    text.iter()
        .zip(prose)
        .any(|(&t, &p)| p == b' ' && !t.is_ascii_whitespace())
}

/// Extends a removal over one neighbouring space so no double space is left behind; at
/// the end of a line, over the spaces before it and the ones after it, so none is left
/// trailing the line's text: `results guaranteed \r\n` reads `results\r\n`, as `results
/// guaranteed\n` reads `results\n`, whatever the line end. Two or more spaces after it
/// stay (in Markdown they break the line).
fn removal_range(text: &str, range: TextRange) -> TextRange {
    let (s, e) = (usize::from(range.start()), usize::from(range.end()));
    let after = text.get(e..).unwrap_or("");
    let before = text.get(..s).unwrap_or("");
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    let blank = |c: char| matches!(c, ' ' | '\t');
    let trailing = after.len() - after.trim_start_matches(blank).len();
    let lead = before.trim_end_matches(blank);
    let rest = &after[trailing..];
    if (rest.is_empty() || rest.starts_with(['\n', '\r']))
        && lead.len() < before.len()
        && !lead.is_empty()
        && !lead.ends_with(['\n', '\r'])
    {
        let trailing = if after[..trailing].ends_with("  ") {
            0
        } else {
            trailing
        };
        return decorum_text::range_of(lead.len()..e + trailing);
    }
    if after.starts_with(' ') && (before.is_empty() || before.ends_with([' ', '\n', '('])) {
        return TextRange::new(range.start(), range.end() + size(1));
    }
    // Before punctuation the space before goes (`word ,` is wrong), but not before an
    // opening bracket or quote, which a space parts from the word before.
    if before.ends_with(' ')
        && !after.starts_with(|c: char| c.is_alphanumeric() || "([{“".contains(c))
    {
        return TextRange::new(range.start() - size(1), range.end());
    }
    if after.starts_with(' ') {
        return TextRange::new(range.start(), range.end() + size(1));
    }
    range
}

/// The edit of `fix remove` for a match at `range` of `text`, whose prose view is
/// `prose` (the view that blanks Markdown markup) and whose post's sentences are
/// `sentences`. It takes away:
/// 1. the match with the markers, brackets and link markup that would be left around
///    nothing ([`empty_wrappers`]: `**Guaranteed**`, `(guaranteed)`,
///    `[guaranteed](url)`);
/// 2. its whole sentence when nothing but punctuation, quotes and markers that pair up
///    would be left of it ([`sentence_removal`]); else, when it or an article before it
///    starts the sentence, a comma, semicolon or colon after it with the spaces after
///    that ([`sentence_start_article`], [`sentence_lead`]: `A 45-year-old, came in.`
///    and `Guaranteed, results here.` read `Came in.` and `Results here.`); else one
///    neighbouring space, or at a line's end the spaces around it ([`removal_range`]),
///    a comma, semicolon or colon that would be left before punctuation, with a lone
///    article after it, and an aside's two commas but in a list ([`dangling_mark`]:
///    `results, guaranteed.` reads `results.`, `tea, guaranteed, helps` reads `tea
///    helps`, `apples, guaranteed, pears and figs` reads `apples, pears and figs`), and
///    a preposition that would be left before another or before punctuation
///    ([`dangling_preposition`]: `Thanks to Mr. Example for` reads `Thanks for`);
/// 3. the rest of the line, when only spaces or a list item's, heading's or quote's
///    marker would be left on it, with one line end, and one separating blank line when
///    the line held the whole paragraph ([`blank_line_removal`]);
/// 4. else, when it started the line's text, the spaces after it, and in Markdown it
///    escapes a block marker, an HTML block's start or a definition the text left would
///    start the line with ([`line_start_removal`]: `Guaranteed - fast` reads `\- fast`,
///    `Guaranteed <div>` reads `\<div>`);
///
/// and it capitalises the next word, on the next line too, when the removal began the
/// sentence ([`capitalise_after`]). `markdown` is false for a plain-text draft.
fn removal_edit(
    text: &str,
    prose: &str,
    markdown: bool,
    sentences: &[TextRange],
    range: TextRange,
) -> Edit {
    let removed = words_removal(text, prose, sentences, range);
    let removed = blank_line_removal(text, prose, markdown, removed);
    let (removed, escape) = line_start_removal(text, markdown, removed);
    escape.unwrap_or_else(|| capitalise_after(text, sentences, range, removed))
}

/// What [`removal_edit`] takes of the sentence around the match at `range` (steps 1 and
/// 2 of its list), before it looks at the line.
fn words_removal(text: &str, prose: &str, sentences: &[TextRange], range: TextRange) -> TextRange {
    let wrapped = empty_wrappers(text, prose, range);
    let (s, e) = (usize::from(wrapped.start()), usize::from(wrapped.end()));
    sentence_removal(text, prose, sentences, range, wrapped)
        .or_else(|| sentence_start_article(text, prose, sentences, range, wrapped))
        .or_else(|| sentence_lead(text, prose, sentences, range, s, e))
        .unwrap_or_else(|| {
            let removed = dangling_mark(text, sentences, range, removal_range(text, wrapped));
            let widened = dangling_preposition(text, prose, sentences, range, removed);
            // The preposition gone, a mark before it may be left dangling in turn
            // (`came in, on 12/03, for` reads `came in for`).
            if widened == removed {
                removed
            } else {
                dangling_mark(text, sentences, range, widened)
            }
        })
}

/// `removed` when it starts a line's text (after any quote and list markers) and text
/// stays after it on the line, which then starts the line: widened over the spaces
/// after it, which would be left leading the line (four make indented code), and, in
/// Markdown (`markdown`), with the edit that escapes a block marker the text would start
/// with. `Guaranteed - fast` would read `- fast`, a list item: it reads `\- fast`, and
/// `Guaranteed ##` reads `\##`, `Guaranteed 1. x` reads `1\. x`, `Guaranteed > x` reads
/// `\> x`; rendered, each shows the text that was there. Markers: a heading's `#`s, a
/// list item's (`-`, `+`, `*`, `1.`, `1)`), a quote's `>`, a setext underline or a
/// thematic break (`===`, `---`, `***`, `___`), a code fence (three backticks or
/// tildes), an HTML block's start ([`html_block_start`]) and a footnote's or, where a
/// paragraph starts, a link reference's definition ([`definition_start`]). Not a table
/// row's `|`: under a table the line is a row already, and a leading `|`, escaped or
/// not, moves its cells left. Reads the rest of that line, and the line before, at most;
/// `None` when no escape is needed.
fn line_start_removal(text: &str, markdown: bool, removed: TextRange) -> (TextRange, Option<Edit>) {
    let bytes = text.as_bytes();
    let (s, e) = (usize::from(removed.start()), usize::from(removed.end()));
    let space = |b: &&u8| matches!(b, b' ' | b'\t');
    let line_end = |i: usize| bytes.get(i).is_none_or(|b| matches!(b, b'\n' | b'\r'));
    // The removal starts the line's text: only spaces or quote and list markers are
    // before it (a heading's text is no place for block markup).
    let lead = s - bytes
        .get(..s)
        .map_or(0, |b| b.iter().rev().take_while(space).count());
    let block = block_marker_before(text, lead);
    let starts_line = (lead == 0 || line_end(lead - 1))
        || block.is_some_and(|(_, marker)| !matches!(marker, Marker::Heading { .. }));
    // What follows was inside its line: the removal ends on the line it starts on, or
    // takes text before its end on a later line (a match across lines). A line the
    // removal took whole, or joined up, starts as it did.
    let inside = text.get(s..e).is_some_and(|removed| {
        removed.rfind(['\n', '\r']).is_none_or(|k| {
            removed
                .bytes()
                .skip(k + 1)
                .any(|b| !matches!(b, b' ' | b'\t' | b'>'))
        })
    });
    let spaces = bytes
        .get(e..)
        .map_or(0, |b| b.iter().take_while(space).count());
    let at = e + spaces;
    if !starts_line || !inside || line_end(at) {
        return (removed, None);
    }
    let removed = decorum_text::range_of(s..at);
    if !markdown {
        return (removed, None);
    }
    let rest = bytes.get(at..).unwrap_or_default();
    let escape = |from: usize, new_text: String| {
        Some(Edit {
            range: decorum_text::range_of(s..from),
            new_text,
        })
    };
    // The whole rest of the line is `c`s and spaces: at least `n` of them.
    let only = |c: u8, n: usize| {
        let line = rest
            .iter()
            .take_while(|&&b| !matches!(b, b'\n' | b'\r'))
            .copied();
        let (mut runs, mut ok) = (0, true);
        for b in line {
            if b == c {
                runs += 1;
            } else if !matches!(b, b' ' | b'\t') {
                ok = false;
                break;
            }
        }
        ok && runs >= n
    };
    let first = rest.first().copied().unwrap_or_default();
    let run = rest.iter().take_while(|&&b| b == first).count();
    let line_len = rest
        .iter()
        .position(|b| matches!(b, b'\n' | b'\r'))
        .unwrap_or(rest.len());
    let marker = line_marker(&rest[..line_len]);
    let trailing = |from: usize| {
        from + bytes
            .get(from..)
            .map_or(0, |b| b.iter().take_while(space).count())
    };
    let setext = matches!(first, b'=' | b'-') && line_end(trailing(at + run));
    let heading = marker == Some(LineMarker::Heading);
    let bullet = marker == Some(LineMarker::Bullet);
    let thematic = matches!(first, b'-' | b'*' | b'_') && only(first, 3);
    let fence = matches!(first, b'`' | b'~') && run >= 3;
    // HTML blocks and footnote definitions interrupt a paragraph; a link reference
    // definition and an HTML block of any other tag only start one.
    let line = &rest[..line_len];
    let paragraph = || starts_paragraph(text, lead, block);
    let html = first == b'<' && html_block_start(line, paragraph);
    let definition = first == b'[' && definition_start(line, paragraph);
    let edit = if first == b'>'
        || heading
        || bullet
        || setext
        || thematic
        || fence
        || html
        || definition
    {
        escape(at, "\\".to_string())
    } else if let Some(LineMarker::Ordered { digits }) = marker {
        // A backslash before a digit is text: the `.` or `)` takes it (`1\.`).
        let number = text.get(at..at + digits).unwrap_or_default();
        escape(at + digits, format!("{number}\\"))
    } else {
        None
    };
    (removed, edit)
}

/// True when the line whose text starts at byte `lead` (after `block`, the quote or list
/// marker before it on the line, if any) starts a paragraph in Markdown: it starts a list
/// item, or the line before it is blank (but for `>`s), a heading, a thematic break (or
/// front matter's end) or none, or it starts a quote that line is not in. Reads that line
/// before at most.
fn starts_paragraph(text: &str, lead: usize, block: Option<(usize, Marker)>) -> bool {
    let line = match block {
        Some((_, Marker::Item(_) | Marker::Heading { .. })) => return true,
        Some((line, Marker::Quote)) => line,
        None => lead,
    };
    let Some(before) = text.get(..line - line_end_before(text, line)) else {
        return true;
    };
    if before.len() == line {
        return true;
    }
    let previous = before
        .rfind(['\n', '\r'])
        .map_or(before, |i| &before[i + 1..])
        .trim_start_matches([' ', '\t']);
    let quoted = previous.starts_with('>');
    let previous = previous.trim_start_matches([' ', '\t', '>']).trim_end();
    let only = |c: char| previous.len() >= 3 && previous.chars().all(|b| b == c || b == ' ');
    previous.is_empty()
        || (matches!(block, Some((_, Marker::Quote))) && !quoted)
        || line_marker(previous.as_bytes()) == Some(LineMarker::Heading)
        || only('-')
        || only('*')
        || only('_')
}

/// The tags that start an HTML block of CommonMark's sixth kind, which interrupts a
/// paragraph (pulldown-cmark's list).
const BLOCK_TAGS: [&str; 62] = [
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// True when `line` (which starts with `<`) would start an HTML block, whose lines then
/// read as raw HTML and not as Markdown: `<div>`, `</p>`, `<pre>`, `<script`, `<?`,
/// `<!DOCTYPE`, `<![CDATA[`; a line of one other tag alone only where a paragraph
/// starts (`paragraph`). Not `<!--`: a comment shows nothing either way, and a waiver or
/// a post separator must stay one.
fn html_block_start(line: &[u8], paragraph: impl Fn() -> bool) -> bool {
    let tail = line.get(1..).unwrap_or_default();
    if tail.starts_with(b"!--") {
        return false;
    }
    if tail.starts_with(b"?")
        || tail.starts_with(b"![CDATA[")
        || (tail.first() == Some(&b'!') && tail.get(1).is_some_and(u8::is_ascii_alphabetic))
    {
        return true;
    }
    let closing = usize::from(tail.first() == Some(&b'/'));
    let name_len = tail[closing..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &tail[closing..closing + name_len];
    let after = &tail[closing + name_len..];
    let ends = |raw: bool| match after {
        [] | [b' ' | b'\t' | b'>', ..] => true,
        [b'/', b'>', ..] => !raw,
        _ => false,
    };
    let raw = closing == 0
        && [&b"pre"[..], b"style", b"script", b"textarea"]
            .iter()
            .any(|tag| name.eq_ignore_ascii_case(tag));
    if raw && ends(true) {
        return true;
    }
    if BLOCK_TAGS
        .iter()
        .any(|tag| name.eq_ignore_ascii_case(tag.as_bytes()))
        && ends(false)
    {
        return true;
    }
    // One tag alone on the line: `<span class="x">`, `</em>`. A tag's name (letters,
    // digits, `-`) ends at a space, `/` or `>`: `<https://x.example>` and
    // `<rosa@example.com>` are links, not tags.
    let full_name = tail[closing..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let tag = name.first().is_some_and(u8::is_ascii_alphabetic)
        && matches!(
            tail.get(closing + full_name),
            Some(b' ' | b'\t' | b'/' | b'>')
        )
        && line.trim_ascii_end().ends_with(b">")
        && !line[1..line.trim_ascii_end().len() - 1].contains(&b'<')
        && !line[1..line.trim_ascii_end().len() - 1].contains(&b'>');
    tag && paragraph()
}

/// True when `line` (which starts with `[`) would read as a footnote's definition
/// (`[^1]: x`), which interrupts a paragraph, or, where a paragraph starts (`paragraph`),
/// as a link reference definition (`[x]: https://example.com`), which then shows
/// nothing.
fn definition_start(line: &[u8], paragraph: impl Fn() -> bool) -> bool {
    let mut i = 1;
    while let Some(&b) = line.get(i) {
        match b {
            b'\\' => i += 1,
            b'[' => return false,
            b']' => break,
            _ => {}
        }
        i += 1;
    }
    let label = line.get(1..i).unwrap_or_default();
    if line.get(i + 1) != Some(&b':') || label.trim_ascii().is_empty() {
        return false;
    }
    if label.starts_with(b"^") {
        return label.len() > 1;
    }
    !line[i + 2..].trim_ascii().is_empty() && paragraph()
}

/// The characters of Markdown's emphasis, strong, strike-through and code markers.
const MARKER_BYTES: &[u8] = b"*_~`";

/// True when byte `at` of the text is a Markdown marker: a `*`, `_`, `~` or backtick
/// that the prose view blanks (in plain text, and where Markdown reads one as typed, as
/// in `f*ck`, the prose view keeps it, and it is text).
fn marker_at(text: &str, prose: &str, at: usize) -> bool {
    text.as_bytes()
        .get(at)
        .is_some_and(|b| MARKER_BYTES.contains(b))
        && blanked(text, prose, at)
}

/// Whether the prose view blanks the byte at `at` of `text`: Markdown read it as markup.
fn blanked(text: &str, prose: &str, at: usize) -> bool {
    at < text.len() && prose.as_bytes().get(at) == Some(&b' ')
}

/// The articles a removal may leave alone ([`dangling_mark`], [`sentence_start_article`]).
const ARTICLES: [&str; 3] = ["a", "an", "the"];

/// Brackets that removing what they hold would leave empty: ASCII and full-width.
const BRACKETS: [(&str, &str); 4] = [("(", ")"), ("[", "]"), ("（", "）"), ("［", "］")];

/// `range` widened over the markers (`**`, `*`, `__`, `_`, `~~`, backticks), the
/// brackets (`()`, `[]`, `（）`, `［］`, spaces inside allowed) and the links and images
/// that hold nothing else, from the inside out: removing `Guaranteed` from `**Guaranteed**
/// results` or `tea (guaranteed) helps` must not leave `**** results` or `tea () helps`.
///
/// A marker run counts when the prose view blanks it (so it is markup, not text) and the
/// run on the other side is of the same character and length; the opening run must not
/// follow a letter or digit nor the closing run precede one, so the closing backtick of
/// one code span and the opening one of the next (`` `a`word`b` ``) are left alone.
/// A bracket counts when it is prose (a link's `[` and `](url)` are not). A link or
/// image whose text is all that is held goes whole: `[`, or `![`, and the markup after
/// the text ([`link_tail_end`]), when the prose view blanks them (so Markdown read a
/// link there).
fn empty_wrappers(text: &str, prose: &str, range: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let (mut s, mut e) = (usize::from(range.start()), usize::from(range.end()));
    let is_prose =
        |a: usize, b: usize| text.get(a..b).is_some() && text.get(a..b) == prose.get(a..b);
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    loop {
        // Markers: the same run on both sides.
        if let Some(&c) = s.checked_sub(1).and_then(|i| bytes.get(i)) {
            let run = |at: usize| bytes.get(at) == Some(&c) && marker_at(text, prose, at);
            let left = (1..=s).take_while(|&k| run(s - k)).count();
            let right = (e..bytes.len()).take_while(|&j| run(j)).count();
            let before = text.get(..s - left).and_then(|t| t.chars().next_back());
            let after = text.get(e + right..).and_then(|t| t.chars().next());
            if left > 0 && left == right && !word_char(before) && !word_char(after) {
                s -= left;
                e += right;
                continue;
            }
        }
        // Brackets, perhaps with spaces inside.
        let (Some(head), Some(tail)) = (text.get(..s), text.get(e..)) else {
            break;
        };
        let (head, tail) = (
            head.trim_end_matches([' ', '\t']),
            tail.trim_start_matches([' ', '\t']),
        );
        let pair = BRACKETS.iter().find(|(open, close)| {
            head.strip_suffix(open)
                .is_some_and(|h| is_prose(h.len(), head.len()))
                && tail.starts_with(close)
                && {
                    let at = text.len() - tail.len();
                    is_prose(at, at + close.len())
                }
        });
        if let Some((open, close)) = pair {
            s = head.len() - open.len();
            e = text.len() - tail.len() + close.len();
            continue;
        }
        // A link or image whose text this is: its `[`, `![` and `](url)` are markup.
        let markup = |at: usize| blanked(text, prose, at);
        let open = head
            .len()
            .checked_sub(1)
            .filter(|&i| bytes.get(i) == Some(&b'[') && markup(i));
        match (open, link_tail_end(text, prose, text.len() - tail.len())) {
            (Some(open), Some(end)) => {
                let image = open
                    .checked_sub(1)
                    .is_some_and(|i| bytes.get(i) == Some(&b'!') && markup(i));
                s = open - usize::from(image);
                e = end;
            }
            _ => break,
        }
    }
    decorum_text::range_of(s..e)
}

/// The end of a Markdown link's or image's markup after its text, from the `]` at byte
/// `at`: past `](destination "title")`, `][label]` or the `]` of `[label]`, when the
/// prose view blanks all of it (so Markdown read it as a link). It reads the link's own
/// bytes only: parentheses nest, and a title's quotes, an `<destination>`'s angle
/// brackets and a backslash escape hide the closing mark.
fn link_tail_end(text: &str, prose: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let markup = |i: usize| blanked(text, prose, i);
    if bytes.get(at) != Some(&b']') || !markup(at) {
        return None;
    }
    let (open, close) = match bytes.get(at + 1) {
        Some(b'(') if markup(at + 1) => (b'(', b')'),
        Some(b'[') if markup(at + 1) => (b'[', b']'),
        _ => return Some(at + 1),
    };
    let mut depth = 0usize;
    // The byte that ends a title or an `<destination>` being read.
    let mut until: Option<u8> = None;
    let mut i = at + 1;
    while markup(i) {
        let b = bytes.get(i).copied().unwrap_or_default();
        let after_space = bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace);
        match until {
            _ if b == b'\\' => i += 1,
            Some(end) if b == end => until = None,
            Some(_) => {}
            None if open == b'(' && b == b'<' && i == at + 2 => until = Some(b'>'),
            None if open == b'(' && matches!(b, b'"' | b'\'') && after_space => until = Some(b),
            None if b == open => depth += 1,
            None if b == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// The marks that part a sentence's clauses.
const SEPARATORS: [char; 3] = [',', ';', ':'];

/// The marks that end a sentence.
const TERMINALS: [char; 3] = ['.', '!', '?'];

/// After a removal that took the space before the match, a comma, semicolon or colon that
/// would be left just before punctuation goes too, with a lone article after it:
/// `results, guaranteed.` reads `results.` and `, a 45-year-old.` reads `.`. The article
/// must be a lower-case `a`, `an` or `the` after the mark and a space: elsewhere a lone
/// word may be a label (`Plan A`, `vitamin A`) or the start of what follows.
///
/// An aside between two commas goes with both: `Our tea, guaranteed, helps.` reads `Our
/// tea helps.` and `Rosa, a 94-year-old, is home.` reads `Rosa is home.`; but in a list
/// one comma stays: `apples, guaranteed, pears and figs` reads `apples, pears and figs`.
/// What follows the second comma reads as the rest of a list when it starts with `and`,
/// `or`, `nor`, `y` or `o`, or, unless the aside started with an article, when the rest
/// of the sentence holds a comma, a semicolon, an `&` or one of those words
/// ([`list_goes_on`]).
fn dangling_mark(
    text: &str,
    sentences: &[TextRange],
    at: TextRange,
    removed: TextRange,
) -> TextRange {
    let (s, e) = (usize::from(removed.start()), usize::from(removed.end()));
    let (Some(before), Some(after)) = (text.get(..s), text.get(e..)) else {
        return removed;
    };
    if !after.starts_with(SEPARATORS) && !after.starts_with(TERMINALS) {
        return removed;
    }
    let lone = ARTICLES
        .iter()
        .find_map(|article| before.strip_suffix(article)?.strip_suffix(' '))
        .filter(|head| head.ends_with(SEPARATORS));
    let head = lone.unwrap_or(before);
    if !head.ends_with(SEPARATORS) {
        return removed;
    }
    let from = head.len() - 1;
    // A space must follow the second comma, or the words around would join up
    // (`tea, guaranteed,helps` keeps a comma).
    let aside = head.ends_with(',')
        && after
            .strip_prefix(',')
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
        && !list_goes_on(text, sentences, at, e + 1, lone.is_some());
    decorum_text::range_of(from..e + usize::from(aside))
}

/// The words that join a list's last item: English and Spanish.
const CONJUNCTIONS: [&str; 5] = ["and", "or", "nor", "y", "o"];

/// How far past an aside [`list_goes_on`] reads: a sentence that goes on longer is
/// taken for a list, which keeps a comma, as before.
const LIST_READ: usize = 320;

/// True when the text from byte `from` (after an aside's second comma) reads as the rest
/// of a list ([`dangling_mark`]): it starts with a conjunction, or, unless `article` (the
/// aside started with an article, as an apposition does), the rest of the sentence of
/// the match `at` holds a comma, a semicolon, an `&` or a conjunction as a word. It
/// reads [`LIST_READ`] bytes at most.
fn list_goes_on(
    text: &str,
    sentences: &[TextRange],
    at: TextRange,
    from: usize,
    article: bool,
) -> bool {
    let sentence_end =
        sentence_at(sentences, at.start()).map_or(from + LIST_READ + 1, |s| usize::from(s.end()));
    let mut end = sentence_end.clamp(from, from + LIST_READ).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let Some(rest) = text.get(from..end) else {
        return true;
    };
    let conjunction = |word: &str| CONJUNCTIONS.contains(&word);
    let mut words = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    if words.next().is_some_and(conjunction) {
        return true;
    }
    if article {
        return false;
    }
    end < sentence_end
        || rest.contains([',', ';', '&'])
        || rest.split(|c: char| !c.is_alphanumeric()).any(conjunction)
}

/// Prepositions that a removal may leave alone ([`dangling_preposition`]): English and
/// Spanish.
const PREPOSITIONS: [&str; 15] = [
    "to", "on", "in", "at", "for", "from", "with", "by", "of", "a", "en", "de", "con", "por",
    "para",
];

/// The first words of a time that needs no preposition (`came in this morning`): before
/// one, a preposition (`in`, `on`, `by`...) is more likely a verb's particle, and it stays.
const BARE_TIMES: [&str; 10] = [
    "this",
    "that",
    "last",
    "next",
    "every",
    "each",
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
];

/// `removed` with the preposition just before it on its line, when that would be left
/// directly before another preposition or before punctuation: `Thanks to Mr. Example for
/// the cookies.` reads `Thanks for the cookies.` and `came in on Tuesday.` reads `came
/// in.` Only that one word, whole and in lower case (or with a capital where it starts
/// the sentence, where [`sentence_lead`] then takes what would be left leading it);
/// `a`, which may be an article or a label (`plan a`), only before another preposition.
/// Not when the match `at` is a time that takes no preposition ([`BARE_TIMES`]): in
/// `came in this morning with chest pain` the `in` belongs to `came`, and it stays.
fn dangling_preposition(
    text: &str,
    prose: &str,
    sentences: &[TextRange],
    at: TextRange,
    removed: TextRange,
) -> TextRange {
    let (s, e) = (usize::from(removed.start()), usize::from(removed.end()));
    let (Some(before), Some(after)) = (text.get(..s), text.get(e..)) else {
        return removed;
    };
    let blank = |c: char| matches!(c, ' ' | '\t');
    // Only blanks and a wrapper's opening markers between the word and the match: a
    // comma (`count on, guaranteed`) parts the word from the match, and it stays.
    let between = text
        .get(s..usize::from(at.start()).max(s))
        .unwrap_or_default();
    if !between.chars().all(|c| blank(c) || "*_~`[(".contains(c)) {
        return removed;
    }
    let head = before.trim_end_matches(blank);
    let word_len: usize = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .map(char::len_utf8)
        .sum();
    let start = head.len() - word_len;
    let word = &head[start..];
    // A whole word, after a space, an opening bracket or quote, or at the line's start.
    let whole = head[..start]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "([{\"'“‘¡¿*_".contains(c));
    // Compared in place: this runs for most findings of a rule with `fix remove`.
    let Some(&preposition) = PREPOSITIONS.iter().find(|p| p.eq_ignore_ascii_case(word)) else {
        return removed;
    };
    let capitalised = word.chars().next().is_some_and(char::is_uppercase)
        && word.get(1..) == preposition.get(1..);
    let starts = sentence_at(sentences, at.start())
        .is_some_and(|sentence| starts_sentence(text, sentence, start));
    let first_word = decorum_text::slice(text, at)
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    if !whole
        || (word != preposition && !(capitalised && starts))
        || BARE_TIMES
            .iter()
            .any(|time| time.eq_ignore_ascii_case(first_word))
    {
        return removed;
    }
    let rest = after.trim_start_matches(blank);
    let punctuation =
        rest.starts_with(SEPARATORS) || rest.starts_with(TERMINALS) || rest.starts_with('…');
    let next: &str = rest
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let next_preposition = next != "a" && PREPOSITIONS.contains(&next);
    if !(next_preposition || punctuation && preposition != "a") {
        return removed;
    }
    if starts && let Some(lead) = sentence_lead(text, prose, sentences, at, start, e) {
        return lead;
    }
    if next_preposition {
        // One space parts what stays: the one before the preposition.
        let spaces = after.len() - rest.len();
        let end = if before[..start].ends_with(char::is_whitespace) {
            e + spaces
        } else {
            e
        };
        return decorum_text::range_of(start..end);
    }
    // Before punctuation the spaces before the preposition go too, on its line.
    let lead = head[..start].trim_end_matches(blank);
    let from = if lead.is_empty() || lead.ends_with(['\n', '\r']) {
        start
    } else {
        lead.len()
    };
    decorum_text::range_of(from..e)
}

/// True when only spaces, opening quotes and brackets and Markdown markers stand between
/// the start of `sentence` and byte `at` (in the sentence or before it), or those and
/// then a line's block markup (a list item's, heading's or quote's marker,
/// [`block_marker_before`]), which a plain-text draft's sentences hold: in `- Guaranteed
/// results.` the sentence starts at the `-`.
fn starts_sentence(text: &str, sentence: TextRange, at: usize) -> bool {
    let from = usize::from(sentence.start()).min(at);
    let opening = |lead: &str| {
        lead.chars()
            .all(|c| c.is_whitespace() || "\"'“‘(¡¿*_".contains(c))
    };
    let Some(lead) = text.get(from..at) else {
        return false;
    };
    if opening(lead) {
        return true;
    }
    let spaces = lead.len() - lead.trim_end_matches([' ', '\t']).len();
    block_marker_before(text, at - spaces)
        .is_some_and(|(line, _)| line >= from && text.get(from..line).is_some_and(opening))
}

/// `wrapped` (the match at `at` with its empty wrappers) with the article that starts its
/// sentence, when punctuation follows it, so the article is not left alone: `A
/// 45-year-old, came in.` reads `Came in.` (the article, the match, the comma and the
/// spaces after it go), and `A 45-year-old!` goes as a whole sentence (through
/// [`sentence_removal`]); see [`sentence_lead`]. `A`, `An` or `The` in either case;
/// `None` for anything else.
fn sentence_start_article(
    text: &str,
    prose: &str,
    sentences: &[TextRange],
    at: TextRange,
    wrapped: TextRange,
) -> Option<TextRange> {
    let (s, e) = (usize::from(wrapped.start()), usize::from(wrapped.end()));
    let head = text.get(..s)?.strip_suffix(' ')?;
    let article = ARTICLES.iter().find(|article| {
        head.len()
            .checked_sub(article.len())
            .and_then(|i| head.get(i..))
            .is_some_and(|word| word.eq_ignore_ascii_case(article))
    })?;
    let start = head.len() - article.len();
    // A whole word: not the end of `Plan A` nor of `tea`.
    if head
        .get(..start)?
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    sentence_lead(text, prose, sentences, at, start, e)
}

/// The removal from byte `start` to byte `end` (which holds the match `at`), when it
/// starts its sentence and punctuation follows it, widened over what would be left
/// leading the sentence: a comma, semicolon or colon and the spaces after it
/// (`Guaranteed, results here.` reads `Results here.`, and [`capitalise_after`] gives
/// the next word the capital), or the whole sentence when only punctuation would be left
/// of it ([`sentence_removal`]). `None` when it does not start the sentence or a word
/// follows. What starts the removal may be the match, an article before it
/// ([`sentence_start_article`]) or a preposition ([`dangling_preposition`]).
fn sentence_lead(
    text: &str,
    prose: &str,
    sentences: &[TextRange],
    at: TextRange,
    start: usize,
    end: usize,
) -> Option<TextRange> {
    let after = text.get(end..)?;
    if !after.starts_with(SEPARATORS) && !after.starts_with(TERMINALS) {
        return None;
    }
    let sentence = sentence_at(sentences, at.start())?;
    if !starts_sentence(text, sentence, start) {
        return None;
    }
    if let Some(rest) = after.strip_prefix(SEPARATORS) {
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        Some(decorum_text::range_of(start..end + 1 + spaces))
    } else if after.starts_with(TERMINALS) {
        let wider = decorum_text::range_of(start..end);
        sentence_removal(text, prose, sentences, at, wider)
    } else {
        None
    }
}

/// The Markdown markers in `range` of the text, in order, when all else there is
/// punctuation, quotes or whitespace; `None` when anything else is.
fn punctuation_and_markers(text: &str, prose: &str, range: TextRange) -> Option<String> {
    let start = usize::from(range.start());
    let mut markers = String::new();
    for (i, c) in decorum_text::slice(text, range).char_indices() {
        if marker_at(text, prose, start + i) {
            markers.push(c);
        } else if !(c.is_whitespace() || ".,;:!?…\"'“”‘’()".contains(c)) {
            return None;
        }
    }
    Some(markers)
}

/// The sentence holding offset `at`: sentences are sorted and apart, so it is the last
/// to start at or before it (a post of thousands of sentences has thousands of
/// findings), if that one reaches `at`.
fn sentence_at(sentences: &[TextRange], at: TextSize) -> Option<TextRange> {
    let i = sentences.partition_point(|s| s.start() <= at);
    i.checked_sub(1)
        .and_then(|i| sentences.get(i))
        .filter(|s| s.end() >= at)
        .copied()
}

/// The whole sentence holding the match `at` (widened to `range`), with the spaces that
/// part it from the next (or, at the end of a line, the previous) sentence, when
/// removing `range` would leave nothing of it but punctuation, quotes and Markdown
/// markers that pair up: `My patient. I think so.` becomes `I think so.`, not `. I think
/// so.`, and `**My patient!** Bye.` becomes `Bye.`. `None` otherwise: when other
/// characters would be left, or markers that do not pair (`**My patient. I think** so.`
/// keeps its sentence, whose `**` the next one closes).
fn sentence_removal(
    text: &str,
    prose: &str,
    sentences: &[TextRange],
    at: TextRange,
    range: TextRange,
) -> Option<TextRange> {
    let sentence = sentence_at(sentences, at.start())
        .filter(|s| s.contains_range(at))?
        .cover(range);
    // The sentence's own markers may lie outside it: the prose view blanks them, so
    // `Hi. **My patient!**` has its sentence from `My` to `!`.
    let (mut start, mut end) = (usize::from(sentence.start()), usize::from(sentence.end()));
    while start > 0 && marker_at(text, prose, start - 1) {
        start -= 1;
    }
    while marker_at(text, prose, end) {
        end += 1;
    }
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    let sentence = TextRange::new(size(start), size(end));
    let left =
        punctuation_and_markers(text, prose, TextRange::new(sentence.start(), range.start()))?;
    let right = punctuation_and_markers(text, prose, TextRange::new(range.end(), sentence.end()))?;
    if !left.chars().eq(right.chars().rev()) {
        return None;
    }
    let spaces = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let after = spaces(text.get(end..).unwrap_or_default());
    let before = {
        let head = text.get(..start).unwrap_or_default();
        head.len() - head.trim_end_matches([' ', '\t']).len()
    };
    let next_is_text = text.get(end + after..).is_some_and(|rest| {
        rest.starts_with(|c: char| !matches!(c, '\n' | '\r')) && !rest.is_empty()
    });
    Some(if after > 0 && next_is_text {
        TextRange::new(sentence.start(), size(end + after))
    } else {
        TextRange::new(size(start - before), sentence.end())
    })
}

/// The length of the line end (`\r\n`, `\n` or a lone `\r`) at byte `at`, 0 if none.
fn line_end_at(text: &str, at: usize) -> usize {
    match text.as_bytes().get(at..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([b'\n' | b'\r', ..]) => 1,
        _ => 0,
    }
}

/// The length of the line end that ends just before byte `at`, 0 if none.
fn line_end_before(text: &str, at: usize) -> usize {
    match text.as_bytes().get(..at) {
        Some([.., b'\r', b'\n']) => 2,
        Some([.., b'\n' | b'\r']) => 1,
        _ => 0,
    }
}

/// `removed` widened to the whole line when only spaces would be left on it, or spaces
/// and Markdown block markup ([`block_marker_before`]): a list item's marker (with its
/// task box, `[ ]` or `[x]`), a heading's `#`s (with its closing `#`s,
/// [`closing_hashes_end`]) or a quote's `>`s, after any quote and list markers
/// (`- ## Title`); so no blank line is left inside a paragraph (which would split it in
/// two), no third one between two paragraphs, and no marker holding nothing. The line
/// goes with one line end: its own when a line of text follows, else the one before it.
/// When blank lines (or the edge of the text) are on both sides, the line was a
/// paragraph of its own, and one of the blank lines goes too: `Hi\n\nGuaranteed.\n\nBye\n`
/// reads `Hi\n\nBye\n`. In a quote a line of `>`s alone (as many as the line's, or fewer)
/// is a blank line, and of a bare `>` line and a blank line that ends the quote the `>`
/// line goes: `> a\n>\n> Guaranteed.\n>\n> b` reads `> a\n>\n> b`; a bare `>` line at
/// the quote's edge goes with the line, so a quote left empty leaves nothing:
/// `Hi\n\n> Guaranteed.\n>\n\nBye` reads `Hi\n\nBye`. A setext heading's underline
/// goes with the heading's only line ([`underline_end`]); a line of `=` or `-` under an
/// emptied ATX heading or list item goes with it when a paragraph line is above
/// ([`underlines`]), which it would otherwise underline. A list item whose next line
/// continues it ([`item_text`]) keeps its marker, and that line's text moves up beside
/// it ([`item_removal`]). `markdown` is false for a plain-text draft. Line ends may be
/// `\n`, `\r\n` or a lone `\r`.
fn blank_line_removal(text: &str, prose: &str, markdown: bool, removed: TextRange) -> TextRange {
    let (s, e) = (usize::from(removed.start()), usize::from(removed.end()));
    let (Some(before), Some(after)) = (text.get(..s), text.get(e..)) else {
        return removed;
    };
    // Only spaces and tabs (and a heading's closing `#`s) may stand between the removal
    // and the ends of its line: read those few bytes, not the whole line (this runs for
    // every finding with the fix).
    let space = |b: &&u8| matches!(b, b' ' | b'\t');
    let start = s - before.as_bytes().iter().rev().take_while(space).count();
    let mut end = e + after.as_bytes().iter().take_while(space).count();
    let bytes = text.as_bytes();
    let line_end = |b: Option<&u8>| b.is_none_or(|b| matches!(b, b'\n' | b'\r'));
    let closing = !line_end(bytes.get(end));
    if closing {
        let Some(to) = closing_hashes_end(text, end) else {
            return removed;
        };
        end = to;
    }
    let marker = if line_end(start.checked_sub(1).and_then(|i| bytes.get(i))) {
        None
    } else {
        let Some(found) = block_marker_before(text, start) else {
            return removed;
        };
        Some(found)
    };
    // Closing `#`s close a heading alone: after anything else they are text.
    if closing && !matches!(marker, Some((_, Marker::Heading { .. }))) {
        return removed;
    }
    if let Some((from, marker)) = marker
        && let Some(item) = marker.item()
    {
        let kept = match marker {
            Marker::Heading { hashes, .. } => hashes,
            // Where the item's text began: the spaces (and task box) before it stay.
            _ => {
                start
                    + bytes
                        .get(start..end)
                        .map_or(0, |t| t.iter().take_while(space).count())
            }
        };
        let heading = matches!(marker, Marker::Heading { .. });
        match item_removal(text, prose, from, item, kept, heading, end) {
            ItemRemoval::Join(range) => return range,
            ItemRemoval::Lines(to) => end = to,
        }
    }
    let start = marker.map_or(start, |(from, _)| from);
    // The `>`s the line stands in: a line of them alone is a blank line of its quote.
    let depth = bytes
        .get(start..s)
        .map_or(0, |prefix| prefix.iter().filter(|&&b| b == b'>').count());
    let quotes = |(a, b): (usize, usize)| quotes_only(text, a, b);
    // A line of `>`s alone, as many as this line's or fewer, is a blank line of its
    // quote (fewer end the inner quote); more would be an empty quote of their own.
    let blank = |n: (usize, usize)| quotes(n).is_some_and(|q| q <= depth);
    let bare = |n: (usize, usize)| quotes(n).is_some_and(|q| q > 0 && q <= depth);
    let quoted = |at: usize| {
        text.get(at..)
            .is_some_and(|t| t.trim_start_matches([' ', '\t']).starts_with('>'))
    };
    let line_before = |at: usize| {
        let to = at - line_end_before(text, at);
        let from = text
            .get(..to)
            .and_then(|t| t.rfind(['\n', '\r']))
            .map_or(0, |i| i + 1);
        (from, to)
    };
    let line_from = |at: usize| {
        let to = text
            .get(at..)
            .and_then(|t| t.find(['\n', '\r']))
            .map_or(text.len(), |i| at + i);
        (at, to)
    };
    let mut prev = (start > 0).then(|| line_before(start));
    let next_start = end + line_end_at(text, end);
    let underline = (next_start > end)
        .then(|| underline_end(text, next_start, depth))
        .flatten();
    if let Some((run, to)) = underline {
        let takes = match marker {
            // A setext heading's only line: its underline goes too (left alone, `===`
            // would be text and `---` a thematic break). The prose view blanks an
            // underline Markdown read as one; a plain-text draft has none.
            None | Some((_, Marker::Quote)) => {
                prev.is_none_or(|p| quotes(p).is_some()) && blanked(text, prose, run)
            }
            // Under an ATX heading or a list item, a line of `=` is text and one of
            // `-` a thematic break; once the line goes they would stand under the line
            // above, and turn a paragraph line into a heading (or run on from an
            // item's text): they go too. After a blank line, a heading or (for `-`) an
            // item, they stay as they were.
            Some(_) => {
                markdown
                    && prev.is_some_and(|p| {
                        !blank(p) && underlines(text, p, bytes.get(run) == Some(&b'-'))
                    })
            }
        };
        if takes {
            end = to;
        }
    }
    // The lines before and after, as (start, end) without their line ends.
    let next_of = |end: usize| {
        let next_start = end + line_end_at(text, end);
        (next_start > end && next_start < text.len()).then(|| line_from(next_start))
    };
    let mut next = next_of(end);
    // A bare `>` line at the quote's edge (a line outside the quote, or the text's
    // edge, beyond it) parts nothing once this line goes: it goes too, and the lines
    // beyond decide, so a quote left empty leaves no `>` and no doubled blank line.
    let mut start = start;
    if let Some(p) = prev
        && bare(p)
        && (p.0 == 0 || !quoted(line_before(p.0).0))
    {
        start = p.0;
        prev = (p.0 > 0).then(|| line_before(p.0));
    }
    if let Some(n) = next
        && bare(n)
        && next_of(n.1).is_none_or(|beyond| !quoted(beyond.0))
    {
        end = n.1;
        next = next_of(end);
    }
    let next_start = end + line_end_at(text, end);
    let (from, to) = match (prev, next) {
        // A line of text follows: this line and its line end.
        (_, Some(n)) if !blank(n) => (start, next_start),
        // A blank line follows and text is before: the line end before, and this line.
        (Some(p), Some(_)) if !blank(p) => (p.1, end),
        // In a quote, a bare `>` line before and a blank line after, which ends the quote:
        // the `>` line goes with this line, and the blank line stays to part the quote
        // from what follows.
        (Some(p), Some(n)) if quotes(n) == Some(0) && bare(p) => match p.0 {
            0 => (0, n.1 + line_end_at(text, n.1)),
            _ => (p.0 - line_end_before(text, p.0), end),
        },
        // Blank lines (or the start) on both sides: this line and the blank line after.
        (_, Some(n)) => (start, n.1 + line_end_at(text, n.1)),
        // The last line: the line end before it, and the blank line before that if any.
        (Some(p), None) if blank(p) => (p.0 - line_end_before(text, p.0), end),
        (Some(p), None) => (p.1, end),
        (None, None) => (start, end),
    };
    decorum_text::range_of(from..to)
}

/// What `fix remove` takes of an emptied list item's line ([`item_removal`]).
enum ItemRemoval {
    /// The edit itself: from the item's text to the text of the next line, which
    /// continues the item and moves up beside its marker.
    Join(TextRange),
    /// The item's line goes whole, as other lines do, up to this end (past a setext
    /// underline of the item's text).
    Lines(usize),
}

/// What goes of a list item's line whose markup starts at `line` (with its item's
/// details, `item`) when nothing but spaces would be left after the marker (or after a
/// heading's `#`s in the item, `heading`) up to `end` (the line's end); `kept` is where
/// the item's text began (after the marker's spaces and task box), or where the
/// heading's `#`s begin.
///
/// When the next line continues the item ([`item_text`]), the marker stays and that
/// line's text moves up beside it, after the spaces (and task box) that parted the
/// marker from the text before: `- Guaranteed\n  results.` reads `- results.` (then
/// `- Results.`, [`capitalise_after`]), and `- ## Guaranteed\n  results.` the same.
/// Keeping the text on the marker's line keeps the item as CommonMark reads it: the
/// item's content starts at the same column, so the lines after keep their place; a
/// marker left alone on its line could not start a list after a paragraph line
/// (`Hi.\n-` is a setext heading), and a next line indented four or more past it would
/// be code. When the next line is a setext underline of the item's text (`- Guaranteed\n
/// ---`), or a line of `=` or `-` under an emptied heading (which moved up would be a
/// thematic break, `- ---`), it goes with the text, and the line after it decides. Else
/// the item's line goes whole.
fn item_removal(
    text: &str,
    prose: &str,
    line: usize,
    item: Item,
    kept: usize,
    heading: bool,
    end: usize,
) -> ItemRemoval {
    let join = |at: usize| ItemRemoval::Join(decorum_text::range_of(kept..at));
    let next = end + line_end_at(text, end);
    let Some((at, extra)) = item_text(text, line, item, next) else {
        return ItemRemoval::Lines(end);
    };
    // An underline indented four or more past the item's content is text.
    let underline = (extra < 4)
        .then(|| underline_end(text, at, 0))
        .flatten()
        .filter(|&(run, _)| heading || blanked(text, prose, run));
    let Some((_, to)) = underline else {
        return join(at);
    };
    match item_text(text, line, item, to + line_end_at(text, to)) {
        Some((at, _)) => join(at),
        None => ItemRemoval::Lines(to),
    }
}

/// The end of the `#`s and spaces from byte `at` to the end of the line, when they are
/// a heading's closing sequence: a space or tab before, one `#` or more, and nothing but
/// spaces and tabs after. `## Guaranteed ##` emptied leaves no `## ##`.
fn closing_hashes_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let after_space = at
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(|b| matches!(b, b' ' | b'\t'));
    let rest = bytes.get(at..)?;
    let hashes = rest.iter().take_while(|&&b| b == b'#').count();
    let spaces = rest
        .get(hashes..)?
        .iter()
        .take_while(|&&b| matches!(b, b' ' | b'\t'))
        .count();
    let end = at + hashes + spaces;
    (after_space && hashes > 0 && matches!(bytes.get(end), None | Some(b'\n' | b'\r')))
        .then_some(end)
}

/// The line from byte `at`, when it is a setext heading's underline inside `depth`
/// quotes: that many `>`s (each after any spaces), at most three spaces more (four after
/// a `>`, whose first space belongs to it), a run of `=` or of `-`, and spaces or tabs;
/// with where the run starts and where the line ends. Reads that line only.
fn underline_end(text: &str, at: usize, depth: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let spaces = |i: usize| {
        bytes
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|&&b| b == b' ').count())
    };
    let mut i = at;
    for _ in 0..depth {
        i += spaces(i);
        if bytes.get(i) != Some(&b'>') {
            return None;
        }
        i += 1;
    }
    let indent = spaces(i);
    if indent > 3 + usize::from(depth > 0) {
        return None;
    }
    let run_start = i + indent;
    let c = *bytes.get(run_start).filter(|&&b| b == b'=' || b == b'-')?;
    let run = bytes
        .get(run_start..)?
        .iter()
        .take_while(|&&b| b == c)
        .count();
    let trailing = bytes
        .get(run_start + run..)?
        .iter()
        .take_while(|&&b| matches!(b, b' ' | b'\t'))
        .count();
    let end = run_start + run + trailing;
    matches!(bytes.get(end), None | Some(b'\n' | b'\r')).then_some((run_start, end))
}

/// The number of `>`s on the line `a..b` of the text when nothing else but spaces and
/// tabs is on it (0 for a blank line); `None` when anything else is.
fn quotes_only(text: &str, a: usize, b: usize) -> Option<usize> {
    let line = text.as_bytes().get(a..b)?;
    let mut quotes = 0;
    for &c in line {
        match c {
            b'>' => quotes += 1,
            b' ' | b'\t' => {}
            _ => return None,
        }
    }
    Some(quotes)
}

/// Whether a setext underline (of `-` when `dashes`, else of `=`) right under the line
/// `(a, b)` of the text would underline it, or run on from its text: the line holds text
/// that is not an ATX heading's, nor (for `-`, which after an item is a thematic break)
/// a list item's. Reads the line's first bytes only.
fn underlines(text: &str, (a, b): (usize, usize), dashes: bool) -> bool {
    let Some(line) = text.as_bytes().get(a..b) else {
        return false;
    };
    let lead = line
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'>'))
        .count();
    let rest = &line[lead..];
    match line_marker(rest) {
        Some(LineMarker::Heading) => false,
        Some(_) => !dashes,
        None => !rest.is_empty(),
    }
}

/// The ATX heading or list-item marker that starts `line` (a line's text after its
/// indentation and `>`s, without its line end), followed by a space, a tab or the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineMarker {
    /// One to six `#`.
    Heading,
    /// `-`, `*` or `+`.
    Bullet,
    /// One to nine digits, then `.` or `)`.
    Ordered { digits: usize },
}

fn line_marker(line: &[u8]) -> Option<LineMarker> {
    let spaced = |i: usize| matches!(line.get(i), None | Some(b' ' | b'\t'));
    let hashes = line.iter().take_while(|&&c| c == b'#').count();
    if (1..=6).contains(&hashes) && spaced(hashes) {
        return Some(LineMarker::Heading);
    }
    let digits = line.iter().take_while(|c| c.is_ascii_digit()).count();
    match line.get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 && spaced(1) => Some(LineMarker::Bullet),
        Some(b'.' | b')') if (1..=9).contains(&digits) && spaced(digits + 1) => {
            Some(LineMarker::Ordered { digits })
        }
        _ => None,
    }
}

/// What Markdown block markup stands alone before a removal ([`block_marker_before`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// A heading's `#`s, which start at `hashes`, perhaps in a list `item`: the line
    /// goes with the removal, with any closing `#`s, since a next line could not
    /// continue an empty heading; a next line that continues the item moves up beside
    /// the item's marker instead.
    Heading { hashes: usize, item: Option<Item> },
    /// A quote's `>`s (perhaps in list items): the line goes with the removal
    /// (CommonMark continues a quote lazily only while a paragraph in it is open).
    Quote,
    /// A list item's marker (and task box).
    Item(Item),
}

impl Marker {
    /// The list item whose next line may continue it: the item's own, or the one a
    /// heading stands in.
    fn item(self) -> Option<Item> {
        match self {
            Marker::Item(item)
            | Marker::Heading {
                item: Some(item), ..
            } => Some(item),
            _ => None,
        }
    }
}

/// A list item before a removal ([`Marker`]), whose next line continues it when
/// indented to the item's content: `content` is where the item's text began (after the
/// marker and a space), `quote_end` the byte after the last `>` before the marker, if
/// the item is in a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    content: usize,
    quote_end: Option<usize>,
}

/// The start of the line holding byte `at` when all before `at` on it is Markdown block
/// markup followed by a space or tab at `at`: a list item's marker (`-`, `*`, `+`, `1.`,
/// `1)`), perhaps with a task box (`[ ]`, `[x]`, `[X]`) after it and a space, or a
/// heading's (`#` to `######`), after any indentation, blockquote `>`s and list markers
/// (`- ## Title`, `> - text`), or `>`s alone; with what the innermost markup is. Reads
/// only those bytes, backwards.
fn block_marker_before(text: &str, at: usize) -> Option<(usize, Marker)> {
    let bytes = text.as_bytes();
    let is_space = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
    if !is_space(bytes.get(at)) {
        return None;
    }
    let byte = |i: usize| i.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let run = |from: usize, f: fn(&u8) -> bool| {
        (1..=from)
            .take_while(|&k| bytes.get(from - k).is_some_and(f))
            .count()
    };
    // The length of a list item's marker that ends just before byte `i` and has a space
    // or tab at `i`: a bullet, or one to nine digits and `.` or `)`.
    let item_marker = |i: usize| -> Option<usize> {
        if !is_space(bytes.get(i)) {
            return None;
        }
        match byte(i)? {
            b'-' | b'*' | b'+' => Some(1),
            b'.' | b')' => {
                let digits = run(i - 1, u8::is_ascii_digit);
                (1..=9).contains(&digits).then_some(digits + 1)
            }
            _ => None,
        }
    };
    // A task box stands after its item's marker and spaces: `at` moves to the first
    // space after the marker.
    let task = at
        .checked_sub(3)
        .and_then(|i| bytes.get(i..at))
        .is_some_and(|b| matches!(b, [b'[', b' ' | b'x' | b'X', b']']));
    let at = if task {
        let spaces = run(at - 3, |b| matches!(b, b' ' | b'\t'));
        if spaces == 0 {
            return None;
        }
        at - 3 - spaces
    } else {
        at
    };
    let (mut i, mut marker) = match byte(at) {
        Some(b'#') if !task => {
            let hashes = run(at, |b| *b == b'#');
            (hashes <= 6).then_some((
                at - hashes,
                Marker::Heading {
                    hashes: at - hashes,
                    item: None,
                },
            ))?
        }
        Some(b'>') if !task => (at, Marker::Quote),
        _ => {
            let len = item_marker(at)?;
            let item = Item {
                content: at + 1,
                quote_end: None,
            };
            (at - len, Marker::Item(item))
        }
    };
    // Indentation, blockquote markers and list items' markers, back to the line's start.
    loop {
        let item = match &mut marker {
            Marker::Item(item)
            | Marker::Heading {
                item: Some(item), ..
            } => Some(item),
            _ => None,
        };
        match byte(i) {
            Some(b' ' | b'\t') => i -= 1,
            Some(b'>') => {
                if let Some(Item {
                    quote_end: quote_end @ None,
                    ..
                }) = item
                {
                    *quote_end = Some(i);
                }
                i -= 1;
            }
            _ => {
                let Some(len) = item_marker(i) else {
                    break;
                };
                // A heading in a list item: the item's next line may continue it.
                if let Marker::Heading {
                    item: item @ None, ..
                } = &mut marker
                {
                    *item = Some(Item {
                        content: i + 1,
                        quote_end: None,
                    });
                }
                i -= len;
            }
        }
    }
    byte(i)
        .is_none_or(|b| matches!(b, b'\n' | b'\r'))
        .then_some((i, marker))
}

/// Where the text of the line starting at byte `next` begins, and how far it is
/// indented past the item's content, when that line continues the list item whose
/// marker line starts at `line`: it holds text indented at least to the item's content
/// (after the same `>`s, for an item in a quote), so an emptied item keeps its marker
/// (`-` then `  results.` is still an item). A line indented less, even text that
/// Markdown reads as a lazy continuation, would not continue an empty item: the marker
/// would be left holding nothing. `None` for a blank line too.
fn item_text(text: &str, line: usize, item: Item, next: usize) -> Option<(usize, usize)> {
    let Item { content, quote_end } = item;
    let rest = text.get(next..)?;
    let (rest, width) = match quote_end {
        Some(quote_end) => (
            rest.strip_prefix(text.get(line..quote_end)?)?,
            content - quote_end,
        ),
        None => (rest, content - line),
    };
    let mut indent = 0;
    for (i, b) in rest.bytes().enumerate() {
        match b {
            b' ' => indent += 1,
            b'\t' => indent += 4 - indent % 4,
            b'\n' | b'\r' => return None,
            _ => {
                return (indent >= width).then(|| (text.len() - rest.len() + i, indent - width));
            }
        }
    }
    None
}

/// The edit that removes `removed` (which holds the match `at`): when it starts a
/// sentence, the match starts with a capital and a word in lower case follows, that
/// word's first letter is capitalised in the same edit, so `A 67-year-old retired
/// firefighter came in.` becomes `Retired firefighter came in.` The word may start the
/// next line of the sentence: the edit then rewrites the line end and the indentation
/// and `>`s before the word as they were (`Hi. Guaranteed\nresults.` reads
/// `Hi.\nResults.`).
fn capitalise_after(
    text: &str,
    sentences: &[TextRange],
    at: TextRange,
    removed: TextRange,
) -> Edit {
    let plain = Edit {
        range: removed,
        new_text: String::new(),
    };
    let Some(sentence) = sentence_at(sentences, at.start()) else {
        return plain;
    };
    let starts = starts_sentence(text, sentence, usize::from(removed.start()));
    // The first letter or digit removed from the sentence: the match's, or that of the
    // article before it.
    let capital = decorum_text::slice(
        text,
        TextRange::new(removed.start().max(sentence.start()), at.end()),
    )
    .chars()
    .find(|c| c.is_alphanumeric())
    .is_some_and(char::is_uppercase);
    // The next word may start the next line, where a removal at a line's end leaves
    // it (`Hi. Guaranteed\nresults here.`): the line end, and the indentation and `>`s
    // before the word, stay as they are in the edit.
    let end = usize::from(removed.end());
    // A removal that took its whole line, line end and all, ends where the next line
    // starts: its indentation and `>`s come before the word.
    // Not when what it took ended a sentence of its own (`> Guaranteed.\n>\n> b`).
    let took_line_end = end > 0
        && matches!(text.as_bytes().get(end - 1), Some(b'\n' | b'\r'))
        && !decorum_text::slice(text, removed)
            .trim_end_matches(|c: char| c.is_whitespace() || c == '>')
            .ends_with(['.', '!', '?', '…']);
    let kept = text.get(end..).map_or(0, |rest| {
        if took_line_end {
            return rest.len() - rest.trim_start_matches([' ', '\t', '>']).len();
        }
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        match line_end_at(text, end + spaces) {
            0 => 0,
            n => {
                let next = &rest[spaces + n..];
                spaces + n + next.len() - next.trim_start_matches([' ', '\t', '>']).len()
            }
        }
    });
    let next = text
        .get(end + kept..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| c.is_lowercase());
    match next {
        Some(c) if starts && capital && end + kept < usize::from(sentence.end()) => {
            let mut new_text = text.get(end..end + kept).unwrap_or_default().to_string();
            new_text.extend(c.to_uppercase());
            Edit {
                range: decorum_text::range_of(
                    usize::from(removed.start())..end + kept + c.len_utf8(),
                ),
                new_text,
            }
        }
        _ => plain,
    }
}

/// Capitalises a replacement when the text it replaces starts with a capital.
fn match_case(original: &str, replacement: &str) -> String {
    let starts_upper = original.chars().next().is_some_and(char::is_uppercase);
    let rep_lower = replacement.chars().next().is_some_and(char::is_lowercase);
    if starts_upper && rep_lower {
        let mut chars = replacement.chars();
        let first: String = chars
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        return first + chars.as_str();
    }
    replacement.to_string()
}

/// Appends `s` to `out` on one line (its words joined by single spaces), shortened like
/// [`shorten`], without building the intermediate strings.
fn push_one_line(out: &mut String, s: &str, max: usize) {
    // Most matches are a few ASCII words apart by single spaces, which read as they are.
    if is_one_plain_line(s, max) {
        out.push_str(s);
        return;
    }
    push_words(out, s, max);
}

/// [`push_one_line`] for any text: its words, then the count of characters.
fn push_words(out: &mut String, s: &str, max: usize) {
    let from = out.len();
    for (k, word) in s.split_whitespace().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    let added = &out[from..];
    if added.chars().count() > max {
        let keep = added
            .char_indices()
            .nth(max.saturating_sub(1))
            .map_or(added.len(), |(i, _)| i);
        out.truncate(from + keep);
        out.push('…');
    }
}

/// True when `s` is what [`push_one_line`] makes of it: at most `max` bytes of printable
/// ASCII, words apart by single spaces, none before or after them.
fn is_one_plain_line(s: &str, max: usize) -> bool {
    if s.len() > max {
        return false;
    }
    let mut after_space = true;
    for &b in s.as_bytes() {
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if b.is_ascii_graphic() {
            after_space = false;
        } else {
            return false;
        }
    }
    !after_space
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

fn first_comparison(t: &TriggerIr) -> Option<&NumIr> {
    fn walk(c: &CondIr) -> Option<&NumIr> {
        match c {
            CondIr::Compare { lhs, .. } => Some(lhs),
            CondIr::And(p) | CondIr::Or(p) => p.iter().find_map(walk),
            CondIr::Not(i) | CondIr::Scoped(i, _) => walk(i),
            _ => None,
        }
    }
    match t {
        TriggerIr::Flag(c) | TriggerIr::Batch(c) => walk(c),
        TriggerIr::Require { when, .. } => walk(when),
    }
}

/// The conditions inside `share(...)` and `posts(...)` of batch rules, and for each,
/// its outcome in every post of the batch in order: where it holds (the range a finding
/// would count), or `None`.
struct PerPost<'a> {
    conds: Vec<&'a CondIr>,
    hits: Vec<Vec<Option<TextRange>>>,
    /// The leaves `conds` can ask for, and maybe more (see [`leaf_mask`]), made when the
    /// policy set was built.
    leaves: &'a [(u32, u64)],
}

impl<'a> PerPost<'a> {
    /// For the batch rules among `irs` (only rule `only` if given), with no post yet.
    fn new(irs: &'a [RuleIr], only: Option<usize>, leaves: &'a [(u32, u64)]) -> PerPost<'a> {
        let mut conds = Vec::new();
        for (i, ir) in irs.iter().enumerate() {
            if let TriggerIr::Batch(cond) = &ir.trigger
                && only.is_none_or(|o| o == i)
            {
                post_conditions(cond, &mut conds);
            }
        }
        PerPost {
            hits: vec![Vec::new(); conds.len()],
            leaves,
            conds,
        }
    }

    /// Where `cond` holds in each post, in order; empty for a condition `evaluate` did
    /// not collect (none: it collects those of every batch rule it evaluates).
    fn hits_of(&self, cond: &CondIr) -> &[Option<TextRange>] {
        self.conds
            .iter()
            .position(|known| std::ptr::eq(*known, cond))
            .and_then(|k| self.hits.get(k))
            .map_or(&[], Vec::as_slice)
    }
}

/// Where `cond` holds in the post of `ctx`, as a batch rule counts it: its first match,
/// or the post's first line; `None` where it does not hold.
fn counted_range(ctx: &PostCtx<'_>, cond: &CondIr) -> Option<TextRange> {
    let o = ctx.eval(cond, ctx.unit());
    o.truth.then(|| {
        o.hits
            .iter()
            .find_map(|h| h.primary)
            .unwrap_or_else(|| first_line(&ctx.draft.text, ctx.post))
    })
}

/// Adds the conditions inside `share(...)` and `posts(...)` of a batch trigger to `out`.
fn post_conditions<'a>(cond: &'a CondIr, out: &mut Vec<&'a CondIr>) {
    fn num<'a>(n: &'a NumIr, out: &mut Vec<&'a CondIr>) {
        match n {
            NumIr::Share(c) | NumIr::Posts(c) => out.push(c),
            NumIr::Add(a, b) | NumIr::Sub(a, b) | NumIr::Mul(a, b) | NumIr::Div(a, b) => {
                num(a, out);
                num(b, out);
            }
            NumIr::Const(_) | NumIr::Count(_) | NumIr::Field(_) => {}
        }
    }
    match cond {
        CondIr::And(parts) | CondIr::Or(parts) => {
            for p in parts {
                post_conditions(p, out);
            }
        }
        CondIr::Not(inner) | CondIr::Scoped(inner, _) => post_conditions(inner, out),
        CondIr::Compare { lhs, rhs, .. } => {
            num(lhs, out);
            num(rhs, out);
        }
        _ => {}
    }
}

/// What a batch rule's message can show of its batch.
#[derive(Clone, Copy)]
struct BatchFacts {
    /// The left side of the rule's first comparison (`{value}`), if it has one.
    value: Option<f64>,
    /// The posts in the batch (`{posts}`).
    posts: usize,
}

/// Evaluation across all posts of a batch.
struct BatchCtx<'a> {
    posts: &'a [(usize, &'a Post)],
    per_post: &'a PerPost<'a>,
}

impl BatchCtx<'_> {
    fn eval(&self, cond: &CondIr, counted: &mut Vec<(usize, TextRange)>) -> bool {
        match cond {
            CondIr::And(parts) => parts.iter().all(|p| self.eval(p, counted)),
            CondIr::Or(parts) => parts.iter().any(|p| self.eval(p, counted)),
            CondIr::Not(inner) => !self.eval(inner, &mut Vec::new()),
            CondIr::Compare { lhs, op, rhs } => {
                let l = self.num(lhs, counted);
                let r = self.num(rhs, counted);
                compare(l, *op, r)
            }
            // Rejected at compile time outside share()/posts().
            _ => false,
        }
    }

    fn num(&self, n: &NumIr, counted: &mut Vec<(usize, TextRange)>) -> f64 {
        match n {
            NumIr::Const(c) => *c,
            NumIr::Field(Field::Posts) => self.posts.len() as f64,
            NumIr::Share(c) | NumIr::Posts(c) => {
                let mut matching = 0usize;
                // What `counted` holds, for a lookup that does not grow with it: an
                // archive of many posts counts thousands.
                let mut seen: std::collections::HashSet<(usize, TextRange)> =
                    counted.iter().copied().collect();
                let hits = self.per_post.hits_of(c);
                for (&(d, _), hit) in self.posts.iter().zip(hits) {
                    if let Some(r) = *hit {
                        matching += 1;
                        if seen.insert((d, r)) {
                            counted.push((d, r));
                        }
                    }
                }
                if matches!(n, NumIr::Share(_)) {
                    matching as f64 / self.posts.len().max(1) as f64
                } else {
                    matching as f64
                }
            }
            NumIr::Add(a, b) => self.num(a, counted) + self.num(b, counted),
            NumIr::Sub(a, b) => self.num(a, counted) - self.num(b, counted),
            NumIr::Mul(a, b) => self.num(a, counted) * self.num(b, counted),
            NumIr::Div(a, b) => {
                let d = self.num(b, counted);
                if d == 0.0 {
                    0.0
                } else {
                    self.num(a, counted) / d
                }
            }
            NumIr::Count(_) | NumIr::Field(_) => 0.0,
        }
    }
}

/// Which of `hits` to report: not one whose primary range lies inside another hit's
/// (the wider range is the whole phrase: `(555) 010-0134`, not `010-0134`), nor a repeat
/// of an earlier one's (the first is kept); of the hits about the whole unit (no range),
/// the first. Sorted by start, longest first among equal starts, so a sweep over the
/// furthest end seen finds every contained range, however many hits a long post has.
fn outermost_hits(hits: &[Hit]) -> Vec<bool> {
    let mut keep = vec![true; hits.len()];
    let mut order: Vec<(TextSize, std::cmp::Reverse<TextSize>, usize)> = Vec::new();
    let mut whole_unit_seen = false;
    for (k, hit) in hits.iter().enumerate() {
        match hit.primary {
            Some(r) => order.push((r.start(), std::cmp::Reverse(r.end()), k)),
            None => {
                keep[k] = !whole_unit_seen;
                whole_unit_seen = true;
            }
        }
    }
    order.sort_unstable();
    let mut furthest: Option<TextSize> = None;
    for (_, std::cmp::Reverse(end), k) in order {
        // Everything before in this order starts at or before this range's start; one
        // that also ends at or after its end holds it (or equals it, and came first).
        if furthest.is_some_and(|f| f >= end) {
            keep[k] = false;
        }
        furthest = Some(furthest.map_or(end, |f| f.max(end)));
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A matched text shows in a message as it would through its words, whether it
        /// takes the shortcut for plain lines or not: spaces of every kind, doubled,
        /// leading and trailing, control and non-ASCII characters, and texts around the
        /// length limit.
        #[test]
        fn plain_lines_show_as_through_their_words(
            parts in proptest::collection::vec(
                prop_oneof![
                    4 => "[a-z]{1,6}",
                    3 => Just(" ".to_string()),
                    1 => prop::sample::select(vec!["\t", "\n", "\r\n", "\u{b}", "\u{c}", "\u{1f}", "\u{7f}", "\u{a0}", "\u{2003}", "é", "’", "🎉", ".", "-", "~"]).prop_map(str::to_string),
                ],
                0..24,
            ),
            max in 1usize..40,
        ) {
            let text: String = parts.concat();
            let (mut got, mut want) = ("“".to_string(), "“".to_string());
            push_one_line(&mut got, &text, max);
            push_words(&mut want, &text, max);
            prop_assert_eq!(got, want);
        }
    }

    proptest! {
        /// `fix remove` never panics, and its edit stays in the text, on character
        /// boundaries, splits no CRLF, adds at most a capital, holds the match and
        /// reaches over five line ends at most beside it, whatever markup, links,
        /// brackets, list, task, heading and quote markers (nested on one line too),
        /// closing `#`s, setext underlines, bare `>` lines of any depth, indented lines,
        /// articles, prepositions, commas, table pipes, HTML tags, definitions,
        /// punctuation, blank lines and line ends surround it, in Markdown and in plain
        /// text.
        #[test]
        fn removal_stays_around_the_match(
            parts in proptest::collection::vec(
                prop::sample::select(vec![
                    "Word", "word", "a", "the", " ", "  ", "\t", ",", ";", ".", "!", "…",
                    "*", "**", "_", "__", "~~", "`", "(", ")", "[", "]", "（", "）", "［",
                    "］", "](https://x.example)", "\"", "“", "”", "- ", "# ", "> ", "\n",
                    "\n\n", "\r\n", "\r\n\r\n", "\r", "\r\r", "é", "<!-- x -->",
                    "![", "](<a b>)", "](https://x.example \"t (\")", "][r]", "1. ", "10) ",
                    "## ", "+ ", "  ", "A ", "An ", "The ", ":", "?", "\\", "<", ">",
                    "- [ ] ", "[x] ", " ##", "#", "===", "---", "\n>\n", "\n  ", "\n    ",
                    "\n>> ", "\n>\n\n", "\n\n>\n> ", "- ## ", "- > ", ", ", "to ", "on ",
                    " for", "de ", "To ", " and ", "|", "| a |", "<div>", "</p>", "<!-- x",
                    "<span>", "<?", "[x]: u", "[^1]: ", "[^", "]:",
                ]),
                0..32,
            ),
            pick in any::<prop::sample::Index>(),
            plain in any::<bool>(),
        ) {
            let text: String = parts.concat();
            let format = if plain { DraftFormat::PlainText } else { DraftFormat::Markdown };
            let draft = decorum_draft::parse(&text, format, &Metadata::default());
            let words: Vec<usize> = text
                .match_indices("ord")
                .map(|(i, _)| i - 1)
                .collect();
            if words.is_empty() {
                return Ok(());
            }
            let r = TextRange::at(TextSize::from(*pick.get(&words) as u32), TextSize::from(4));
            let sentences = draft
                .posts
                .iter()
                .find(|p| p.range.contains_range(r))
                .map_or(&[][..], |p| &p.sentences[..]);
            let edit = removal_edit(&text, &draft.prose, !plain, sentences, r);
            let (s, e) = (usize::from(edit.range.start()), usize::from(edit.range.end()));
            prop_assert!(edit.range.contains_range(r), "{:?} {:?}", edit.range, r);
            prop_assert!(e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e));
            // A CRLF line end is never split.
            let splits = |at: usize| at > 0 && text.as_bytes().get(at - 1..=at) == Some(b"\r\n");
            prop_assert!(!splits(s) && !splits(e), "{:?} {:?}", edit.range, text);
            // Beside what the sentence and word rules take (a sentence may run over
            // lines), it reaches over five line ends at most: a bare `>` line at the
            // quote's edge on each side, a setext underline and a blank line.
            let inner = words_removal(&text, &draft.prose, sentences, r);
            let line_ends = |t: &str| t.matches(['\n', '\r']).count() - t.matches("\r\n").count();
            let around = line_ends(&text[s..e]) - line_ends(decorum_text::slice(&text, inner));
            prop_assert!(around <= 5, "{:?} {:?}", edit.range, text);
            // What it writes is the end of what it replaces, with at most the capital of
            // the next word or one backslash, which escapes a block marker, added.
            let written: Vec<char> = edit.new_text.replacen('\\', "", 1).chars().collect();
            let replaced: Vec<char> = text[s..e].chars().collect();
            let tail = replaced.len().checked_sub(written.len()).map(|i| &replaced[i..]);
            let changed = tail.map(|tail| tail.iter().zip(&written).filter(|(a, b)| a != b).count());
            let capital = tail.is_some_and(|tail| {
                tail.iter().zip(&written).all(|(a, b)| a == b || a.to_uppercase().eq([*b]))
            });
            let escaped = edit.new_text.contains('\\');
            prop_assert!(
                capital && changed <= Some(usize::from(!escaped)),
                "{:?} {:?}",
                edit,
                text
            );
            prop_assert!(!edit.new_text.replacen('\\', "", 1).contains('\\'), "{:?}", edit);
        }
    }

    proptest! {
        /// `fix remove` reads the same whatever the draft's line ends: a draft with `\n`
        /// and the same draft with `\r\n` or a lone `\r` read alike after it.
        #[test]
        fn removal_reads_the_same_whatever_the_line_ends(
            parts in proptest::collection::vec(
                prop::sample::select(vec![
                    "Word", "word", "a", "the", " ", "  ", "\t", ",", ";", ".", "!", "*", "**",
                    "_", "(", ")", "[", "]", "- ", "# ", "> ", "\n", "\n\n", "é", "1. ", "A ",
                    ":", "?", "<", ">", "===", "---", "\n>\n", "\n  ", ", ", "to ", " for",
                    "| a |", "<div>", "[x]: u", "[^1]: ", " and ",
                ]),
                0..24,
            ),
            pick in any::<prop::sample::Index>(),
            plain in any::<bool>(),
        ) {
            let text: String = parts.concat();
            let count = text.matches("ord").count();
            if count == 0 {
                return Ok(());
            }
            let k = pick.index(count);
            let format = if plain { DraftFormat::PlainText } else { DraftFormat::Markdown };
            let fixed = |end: &str| {
                let text = text.replace('\n', end);
                let Some((at, _)) = text.match_indices("ord").nth(k) else {
                    return String::new();
                };
                let draft = decorum_draft::parse(&text, format, &Metadata::default());
                let r = TextRange::at(TextSize::from(at as u32 - 1), TextSize::from(4));
                let sentences = draft
                    .posts
                    .iter()
                    .find(|p| p.range.contains_range(r))
                    .map_or(&[][..], |p| &p.sentences[..]);
                let edit = removal_edit(&text, &draft.prose, !plain, sentences, r);
                apply_edits(&text, &[edit]).replace(end, "\n")
            };
            let lf = fixed("\n");
            prop_assert_eq!(&lf, &fixed("\r\n"), "{:?}", text);
            prop_assert_eq!(&lf, &fixed("\r"), "{:?}", text);
        }
    }

    /// Contained and repeated ranges go, overlapping ones stay, the first of equals and
    /// of the whole-unit hits stays; the same whatever the order of the hits, and for
    /// many hits as for few (a naive pairwise check is the reference).
    #[test]
    fn only_the_outermost_hits_are_reported() {
        let hit = |range: Option<(u32, u32)>| Hit {
            primary: range.map(|(s, e)| TextRange::new(s.into(), e.into())),
            evidence: Vec::new(),
            left: None,
            right: None,
            pattern: None,
            unit: None,
        };
        let hits: Vec<Hit> = [
            Some((2, 4)),
            Some((0, 5)),
            Some((2, 4)),
            Some((6, 9)),
            None,
            Some((8, 12)),
            Some((6, 9)),
            None,
            Some((5, 5)),
        ]
        .into_iter()
        .map(hit)
        .collect();
        assert_eq!(
            outermost_hits(&hits),
            [false, true, false, true, true, true, false, false, false]
        );
        // Against the pairwise rule, on many hits in a scrambled order.
        let mut seed = 7u32;
        let many: Vec<Hit> = (0..500)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let start = (seed >> 8) % 300;
                let len = (seed >> 20) % 12;
                hit((seed % 17 != 0).then_some((start, start + len)))
            })
            .collect();
        let pairwise: Vec<bool> = many
            .iter()
            .enumerate()
            .map(|(k, h)| match h.primary {
                None => !many[..k].iter().any(|o| o.primary.is_none()),
                Some(r) => !many.iter().enumerate().any(|(j, o)| {
                    o.primary
                        .is_some_and(|p| p.contains_range(r) && (p != r || j < k))
                }),
            })
            .collect();
        assert_eq!(outermost_hits(&many), pairwise);
    }

    /// The matched text in a message reads as the words joined on one line, shortened
    /// to 80 characters with an ellipsis, exactly as joining and shortening would give.
    #[test]
    fn matched_text_goes_on_one_shortened_line() {
        let long = "word ".repeat(30);
        let emoji = "😀 é ".repeat(30);
        for s in [
            "",
            "   ",
            "my patient",
            "my\r\n  patient",
            "\tmy  45-year-old\n\npatient ",
            long.as_str(),
            emoji.as_str(),
            &"x".repeat(80),
            &"x".repeat(81),
        ] {
            for max in [1, 2, 48, 80] {
                let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
                let mut out = String::from("Before: ");
                push_one_line(&mut out, s, max);
                assert_eq!(
                    out,
                    format!("Before: {}", shorten(&joined, max)),
                    "{s:?} {max}"
                );
            }
        }
    }

    /// `text` after `fix remove` of the first `words` in it, parsed as `format`.
    fn remove_in(format: DraftFormat, text: &str, words: &str) -> String {
        let draft = decorum_draft::parse(text, format, &Metadata::default());
        let s = text.find(words).unwrap();
        let r = TextRange::at(TextSize::from(s as u32), TextSize::from(words.len() as u32));
        let post = draft
            .posts
            .iter()
            .find(|p| p.range.contains_range(r))
            .unwrap();
        apply_edits(
            text,
            &[removal_edit(
                text,
                &draft.prose,
                format == DraftFormat::Markdown,
                &post.sentences,
                r,
            )],
        )
    }

    /// Asserts each `(text, want)` of `cases`: removing `words` gives `want`, in Markdown
    /// and in plain text, with `\n`, `\r\n` and lone `\r` line ends alike.
    fn assert_removals_everywhere(cases: &[(&str, &str)], words: &str) {
        for end in ["\n", "\r\n", "\r"] {
            for (format, name) in [
                (DraftFormat::Markdown, "Markdown"),
                (DraftFormat::PlainText, "plain text"),
            ] {
                for (text, want) in cases {
                    let (text, want) = (text.replace('\n', end), want.replace('\n', end));
                    assert_eq!(remove_in(format, &text, words), want, "{name} {text:?}");
                }
            }
        }
    }

    /// [`remove_in`] a Markdown draft.
    fn remove(text: &str, words: &str) -> String {
        remove_in(DraftFormat::Markdown, text, words)
    }

    /// The word the removal tests take away, as `text` writes it.
    fn guaranteed(text: &str) -> &'static str {
        if text.contains("Guaranteed") {
            "Guaranteed"
        } else {
            "guaranteed"
        }
    }

    #[test]
    fn removing_all_a_sentence_says_removes_the_sentence() {
        assert_eq!(
            remove("My patient. I think so.\n", "My patient"),
            "I think so.\n"
        );
        assert_eq!(
            remove("I think so. My patient!\n", "My patient"),
            "I think so.\n"
        );
        assert_eq!(
            remove("Hello. “My patient.” Bye.\n", "My patient"),
            "Hello. Bye.\n"
        );
        // Words are left: only the match goes, and the next word starts the sentence.
        assert_eq!(
            remove("My patient waved. Bye.\n", "My patient"),
            "Waved. Bye.\n"
        );
        assert_eq!(
            remove("Bye. “My patient waved.”\n", "My patient"),
            "Bye. “Waved.”\n"
        );
        // Not at a sentence's start, or no capital removed: case is left alone.
        assert_eq!(
            remove("I saw My Patient wave.\n", "My Patient"),
            "I saw wave.\n"
        );
        assert_eq!(remove("my patient waved.\n", "my patient"), "waved.\n");
        // Markup that pairs up goes with the sentence; markup that would be left
        // unpaired (the next sentence closes this `**`) keeps it: only the match goes.
        assert_eq!(remove("**My patient.** Bye.\n", "My patient"), "Bye.\n");
        assert_eq!(remove("Hi. _**My patient!**_\n", "My patient"), "Hi.\n");
        assert_eq!(
            remove("**My patient. I think** so.\n", "My patient"),
            "**. I think** so.\n"
        );
    }

    /// Emphasis, strong, strike-through and code markers that would hold nothing go with
    /// the match, and the next word gets the capital the removed one had.
    #[test]
    fn removal_takes_markers_left_empty() {
        for (text, want) in [
            ("**Guaranteed** results.\n", "Results.\n"),
            ("__Guaranteed__ results.\n", "Results.\n"),
            ("*Guaranteed* results.\n", "Results.\n"),
            ("_Guaranteed_ results.\n", "Results.\n"),
            ("~~Guaranteed~~ results.\n", "Results.\n"),
            ("***Guaranteed*** results.\n", "Results.\n"),
            ("_**Guaranteed**_ results.\n", "Results.\n"),
            ("Our **guaranteed** results.\n", "Our results.\n"),
            ("Our results **guaranteed**.\n", "Our results.\n"),
            ("Our ~~guaranteed~~ results.\n", "Our results.\n"),
            // Markers around more than the match stay.
            ("**Guaranteed results** today.\n", "**Results** today.\n"),
            ("Our **guaranteed results**.\n", "Our **results**.\n"),
            // A `*` Markdown reads as typed is text.
            ("Our f*guaranteed* results.\n", "Our f** results.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
        // In plain text a `*` is text.
        assert_eq!(
            remove_in(
                DraftFormat::PlainText,
                "**Guaranteed** results.\n",
                "Guaranteed"
            ),
            "**** results.\n"
        );
    }

    /// Brackets that would hold nothing go with the match and one neighbouring space.
    #[test]
    fn removal_takes_brackets_left_empty() {
        for (text, want) in [
            ("Our tea (guaranteed) helps.\n", "Our tea helps.\n"),
            ("Our tea (guaranteed).\n", "Our tea.\n"),
            ("Our tea [guaranteed] helps.\n", "Our tea helps.\n"),
            ("Our tea （guaranteed） helps.\n", "Our tea helps.\n"),
            ("Our tea ［guaranteed］ helps.\n", "Our tea helps.\n"),
            ("Our tea ( guaranteed ) helps.\n", "Our tea helps.\n"),
            ("Our tea (**guaranteed**) helps.\n", "Our tea helps.\n"),
            ("Our tea **(guaranteed)** helps.\n", "Our tea helps.\n"),
            ("(Guaranteed) results.\n", "Results.\n"),
            // Brackets around more than the match stay.
            (
                "Our tea (guaranteed fast) helps.\n",
                "Our tea (fast) helps.\n",
            ),
            // Unlike brackets stay.
            ("Our tea (guaranteed] helps.\n", "Our tea (] helps.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
        assert_eq!(
            remove_in(
                DraftFormat::PlainText,
                "Our tea (guaranteed) helps.\n",
                "guaranteed"
            ),
            "Our tea helps.\n"
        );
    }

    /// A line left blank goes with one line end, and a paragraph left empty with one of
    /// its separating blank lines; with `\n`, `\r\n` and a lone `\r` alike.
    #[test]
    fn removal_leaves_no_blank_line_behind() {
        let cases = [
            ("Hi\n\nGuaranteed.\n\nBye\n", "Hi\n\nBye\n"),
            ("Hi\n\n  Guaranteed.  \n\nBye\n", "Hi\n\nBye\n"),
            ("Hi\n\n**Guaranteed.**\n\nBye\n", "Hi\n\nBye\n"),
            ("Hi\n\nGuaranteed.\n\n\nBye\n", "Hi\n\n\nBye\n"),
            ("Guaranteed.\n\nBye\n", "Bye\n"),
            ("Hi\n\nGuaranteed.\n", "Hi\n"),
            ("Hi\n\nGuaranteed.", "Hi"),
            ("Guaranteed.\n", "\n"),
            // A line inside a paragraph: its line end goes, not a blank line's.
            ("Hi.\nGuaranteed.\nBye.\n", "Hi.\nBye.\n"),
            ("Hi.\nGuaranteed.\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\nGuaranteed.\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\nGuaranteed.", "Hi."),
            // A sentence across lines keeps its next line, capitalised.
            (
                "Hi.\n\nGuaranteed\nresults here.\n",
                "Hi.\n\nResults here.\n",
            ),
            // Text left on the line: only the sentence goes.
            ("Hi\n\nGuaranteed. Bye\n", "Hi\n\nBye\n"),
        ];
        for end in ["\n", "\r\n", "\r"] {
            for (format, name) in [
                (DraftFormat::Markdown, "Markdown"),
                (DraftFormat::PlainText, "plain text"),
            ] {
                for (text, want) in cases {
                    if format == DraftFormat::PlainText && text.contains('*') {
                        continue;
                    }
                    let (text, want) = (text.replace('\n', end), want.replace('\n', end));
                    let words = if text.contains("Guaranteed.") {
                        "Guaranteed."
                    } else {
                        "Guaranteed"
                    };
                    assert_eq!(remove_in(format, &text, words), want, "{name} {text:?}");
                }
            }
        }
    }

    /// A link or image whose text would be left empty goes whole, with its destination,
    /// title or label; a link with more text keeps its markup.
    #[test]
    fn removal_takes_a_link_left_empty() {
        for (text, want) in [
            ("See [guaranteed](https://example.com) now.\n", "See now.\n"),
            (
                "See ![guaranteed](https://example.com/a.png) now.\n",
                "See now.\n",
            ),
            ("See [guaranteed](https://example.com).\n", "See.\n"),
            ("[Guaranteed](https://example.com) results.\n", "Results.\n"),
            (
                "See [**guaranteed**](https://example.com) now.\n",
                "See now.\n",
            ),
            (
                "See **[guaranteed](https://example.com)** now.\n",
                "See now.\n",
            ),
            // Parentheses that nest, a title, an `<destination>` with a space.
            (
                "See [guaranteed](https://example.com/a_(b)) now.\n",
                "See now.\n",
            ),
            (
                "See [guaranteed](https://example.com \"a (b\") now.\n",
                "See now.\n",
            ),
            ("See [guaranteed](<a b)c>) now.\n", "See now.\n"),
            // References, full, collapsed and shortcut: the definition stays.
            (
                "See [guaranteed][r] now.\n\n[r]: https://example.com\n",
                "See now.\n\n[r]: https://example.com\n",
            ),
            (
                "See [guaranteed][] now.\n\n[guaranteed]: https://example.com\n",
                "See now.\n\n[guaranteed]: https://example.com\n",
            ),
            (
                "See [guaranteed] now.\n\n[guaranteed]: https://example.com\n",
                "See now.\n\n[guaranteed]: https://example.com\n",
            ),
            // A link with more text keeps its markup.
            (
                "See [guaranteed results](https://example.com) now.\n",
                "See [results](https://example.com) now.\n",
            ),
            // Brackets that are no link are text brackets, and go as such.
            ("See [guaranteed] now.\n", "See now.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
        // In plain text the brackets are text and the destination stays.
        assert_eq!(
            remove_in(
                DraftFormat::PlainText,
                "See [guaranteed](https://example.com) now.\n",
                "guaranteed"
            ),
            "See (https://example.com) now.\n"
        );
    }

    /// A list item (task or not), heading or quote line left holding only its marker
    /// (and a heading's closing `#`s) goes whole, with one line end, and with one blank
    /// line when it stood between two; with `\n`, `\r\n` and a lone `\r` alike. An
    /// item whose next line is indented to its content keeps its marker, and that line's
    /// text moves up beside it (on a line of its own it would leave the item, or the
    /// item would read otherwise); a less indented line, which could not continue an
    /// empty item, does not keep it.
    #[test]
    fn removal_takes_an_emptied_item_or_heading() {
        let cases = [
            ("Hi\n\n- Guaranteed.\n", "Hi\n"),
            ("Hi\n\n- Guaranteed.\n- Bye.\n", "Hi\n\n- Bye.\n"),
            ("- Hi.\n- Guaranteed\n- Bye.\n", "- Hi.\n- Bye.\n"),
            ("- Hi.\n  * Guaranteed\n- Bye.\n", "- Hi.\n- Bye.\n"),
            ("+ Hi.\n+   Guaranteed.\n\nBye.\n", "+ Hi.\n\nBye.\n"),
            ("1. Hi.\n2. Guaranteed.\n3. Bye.\n", "1. Hi.\n3. Bye.\n"),
            ("1) Hi.\n10) Guaranteed.\n", "1) Hi.\n"),
            ("Hi.\n\n# Guaranteed\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\n### Guaranteed!\nBye.\n", "Hi.\n\nBye.\n"),
            ("> Hi.\n> Guaranteed.\n> Bye.\n", "> Hi.\n> Bye.\n"),
            ("> - Hi.\n> - Guaranteed.\n", "> - Hi.\n"),
            ("Hi.\n\n- **Guaranteed**\n- Bye.\n", "Hi.\n\n- Bye.\n"),
            // The next line continues the item: the marker stays.
            // The next line continues the item: the marker stays, and that line's text
            // moves up beside it, after the spaces that were there.
            ("- guaranteed\n  results.\n", "- results.\n"),
            (
                "- Hi.\n- Guaranteed\n  **Bold** claim.\n",
                "- Hi.\n- **Bold** claim.\n",
            ),
            ("- Guaranteed\n  #flu season\n", "- #flu season\n"),
            ("10. Guaranteed\n    1.5 mg daily\n", "10. 1.5 mg daily\n"),
            ("> - guaranteed\n>   more text\n", "> - more text\n"),
            ("- guaranteed\n\tresults.\n", "- results.\n"),
            ("-   guaranteed\n    results.\n", "-   results.\n"),
            // A marker alone after a paragraph line would make it a heading, and a line
            // four past a lone marker would be code: the text moves up.
            ("Hi.\n- guaranteed\n  results.\n", "Hi.\n- results.\n"),
            ("- guaranteed\n      results.\n", "- results.\n"),
            // A task list item goes as any item does; its box stays with moved-up text.
            ("- [ ] Guaranteed.\n- [x] Bye.\n", "- [x] Bye.\n"),
            ("Hi.\n\n- [x] Guaranteed!\n", "Hi.\n"),
            ("1. [X] Hi.\n2. [ ] Guaranteed\n", "1. [X] Hi.\n"),
            ("- [ ] guaranteed\n  results.\n", "- [ ] results.\n"),
            ("> - [x] guaranteed\n>   more text\n", "> - [x] more text\n"),
            ("- [ ] Guaranteed\nBye.\n", "Bye.\n"),
            // A heading's closing `#`s go with it.
            ("Hi.\n\n## Guaranteed ##\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\n### Guaranteed! ######  \nBye.\n", "Hi.\n\nBye.\n"),
            ("> ## Guaranteed #\n> Bye.\n", "> Bye.\n"),
            // A heading in a list item goes as the item does, and a line that
            // continues the item moves up beside the item's marker (an underline under
            // the heading with the heading: moved up, `- ---` is a thematic break).
            ("- ## Guaranteed\n- Bye.\n", "- Bye.\n"),
            ("Hi.\n\n- ## Guaranteed ##\n", "Hi.\n"),
            ("1. ### Guaranteed\n2. Bye.\n", "2. Bye.\n"),
            ("- ## guaranteed\n  results.\n", "- results.\n"),
            ("> - ## guaranteed\n>   results.\n", "> - results.\n"),
            ("- ## guaranteed\n  ---\n  more.\n", "- more.\n"),
            ("- ## Guaranteed\n  ===\n- Bye.\n", "- Bye.\n"),
            // So do an item in an item and a quote in an item on the same line.
            ("- - Guaranteed\n- Bye.\n", "- Bye.\n"),
            ("- > Guaranteed\n- Bye.\n", "- Bye.\n"),
            // Indented less than the item's content, or a quote line: an empty marker
            // could not hold the next line, so the line goes.
            ("- Guaranteed\nBye.\n", "Bye.\n"),
            ("10. Guaranteed\n  Bye.\n", "  Bye.\n"),
            ("> Guaranteed\nBye.\n", "Bye.\n"),
            ("> - Guaranteed\n  Bye.\n", "  Bye.\n"),
            // Text before the match on the line, or no space after the marker: it stays.
            ("- Our guaranteed\n- Bye.\n", "- Our\n- Bye.\n"),
            ("####### Guaranteed.\n", "#######\n"),
        ];
        for end in ["\n", "\r\n", "\r"] {
            for (format, name) in [
                (DraftFormat::Markdown, "Markdown"),
                (DraftFormat::PlainText, "plain text"),
            ] {
                for (text, want) in cases {
                    let (text, want) = (text.replace('\n', end), want.replace('\n', end));
                    if format == DraftFormat::PlainText && text.contains("**") {
                        continue;
                    }
                    let words = ["Guaranteed.", "Guaranteed!", "guaranteed", "Guaranteed"]
                        .into_iter()
                        .find(|w| text.contains(w))
                        .unwrap();
                    assert_eq!(remove_in(format, &text, words), want, "{name} {text:?}");
                }
            }
        }
        // In Markdown the moved-up text starts the item's sentence: it takes the capital.
        assert_eq!(
            remove("- Guaranteed\n  results.\n", "Guaranteed"),
            "- Results.\n"
        );
        assert_eq!(
            remove("> - [ ] Guaranteed\n>   results.\n", "Guaranteed"),
            "> - [ ] Results.\n"
        );
    }

    /// A setext heading emptied of its only line takes its underline (`===` left alone
    /// would be text, `---` a thematic break), in a quote and in a list item too; a
    /// heading with another line keeps it, and in plain text the line is text.
    #[test]
    fn removal_takes_a_setext_underline() {
        let cases = [
            ("Hi.\n\nGuaranteed\n==========\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\nGuaranteed!\n---\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Guaranteed\n===\nBye.\n", "Bye.\n"),
            ("Hi.\n\nGuaranteed\n   ---  \n", "Hi.\n"),
            (
                "> Hi.\n>\n> Guaranteed\n> ===\n> Bye.\n",
                "> Hi.\n>\n> Bye.\n",
            ),
            ("- Guaranteed\n  ---\n  more.\n", "- more.\n"),
            ("- Hi.\n- Guaranteed\n  ===\n- Bye.\n", "- Hi.\n- Bye.\n"),
            // The heading keeps its other line, and its underline.
            ("Hi.\nGuaranteed\n---\n\nBye.\n", "Hi.\n---\n\nBye.\n"),
            // After an ATX heading, `---` is a thematic break of its own, and `===` a
            // paragraph: after a blank line they stay as they were.
            ("Hi.\n\n# Guaranteed\n---\n", "Hi.\n\n---\n"),
            ("Hi.\n\n# Guaranteed\n===\n", "Hi.\n\n===\n"),
            // Under a paragraph line they would make it a heading (or run on from an
            // item's text): they go with the emptied heading's or item's line.
            ("Hi.\n# Guaranteed\n---\n", "Hi.\n"),
            ("Hi.\n## Guaranteed\n===\nBye.\n", "Hi.\nBye.\n"),
            ("Hi.\n- Guaranteed\n---\n", "Hi.\n"),
            ("- Hi.\n- Guaranteed\n===\n", "- Hi.\n"),
            ("> Hi.\n> # Guaranteed\n> ---\n> Bye.\n", "> Hi.\n> Bye.\n"),
            // After an item, `---` stays a thematic break; after a heading, both stay.
            ("- Hi.\n- Guaranteed\n---\n", "- Hi.\n---\n"),
            ("# Hi\n# Guaranteed\n===\n", "# Hi\n===\n"),
        ];
        for end in ["\n", "\r\n", "\r"] {
            for (text, want) in cases {
                let (text, want) = (text.replace('\n', end), want.replace('\n', end));
                assert_eq!(remove(&text, "Guaranteed"), want, "{text:?}");
            }
            // In plain text the lines are text.
            for (text, want) in [
                ("Hi.\n\nGuaranteed\n===\n\nBye.\n", "Hi.\n\n===\n\nBye.\n"),
                ("Hi.\n# Guaranteed\n===\n", "Hi.\n===\n"),
            ] {
                let (text, want) = (text.replace('\n', end), want.replace('\n', end));
                assert_eq!(
                    remove_in(DraftFormat::PlainText, &text, "Guaranteed"),
                    want,
                    "{text:?}"
                );
            }
        }
    }

    /// In a quote a line of its `>`s alone is a blank line: an emptied quote line
    /// between two takes one, and between one and a blank line that ends the quote,
    /// takes the `>` line; with `\n`, `\r\n` and a lone `\r` alike.
    #[test]
    fn removal_leaves_no_doubled_bare_quote_line() {
        let cases = [
            ("> a\n>\n> Guaranteed.\n>\n> b\n", "> a\n>\n> b\n"),
            ("> a\n>  \n> Guaranteed.\n>\n> b\n", "> a\n>  \n> b\n"),
            ("> a\n>\n> Guaranteed.\n\nBye.\n", "> a\n\nBye.\n"),
            ("> a\n>\n> Guaranteed.\n", "> a\n"),
            (">\n> Guaranteed.\n\nBye.\n", "Bye.\n"),
            ("> Guaranteed.\n>\n> b\n", "> b\n"),
            ("Hi.\n\n> Guaranteed.\n>\n> b\n", "Hi.\n\n> b\n"),
            (
                "> > a\n> >\n> > Guaranteed.\n> >\n> > b\n",
                "> > a\n> >\n> > b\n",
            ),
            ("> - a\n>\n> - Guaranteed.\n>\n> - b\n", "> - a\n>\n> - b\n"),
            // Text on a side: the line goes with one line end, as outside a quote.
            ("> a\n> Guaranteed.\n>\n> b\n", "> a\n>\n> b\n"),
            // A line of fewer `>`s is a blank line too (it ends the inner quote).
            ("> a\n>\n>> Guaranteed.\n>>\n> b\n", "> a\n>\n> b\n"),
            ("> a\n>\n>> Guaranteed.\n\nBye.\n", "> a\n\nBye.\n"),
            ("> a\n>> Guaranteed.\n>\n> b\n", "> a\n>\n> b\n"),
            // A bare `>` line at the quote's edge goes with it: a quote left empty
            // leaves no `>` and no two blank lines in a row.
            ("> a\n>> Guaranteed.\n>\n", "> a\n"),
            ("Hi.\n\n> Guaranteed.\n>\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\n>\n> Guaranteed.\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\n>\n> Guaranteed.\n>\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n\n>\n> Guaranteed.\n>\n\nBye.\n", "Hi.\n\nBye.\n"),
            ("Hi.\n>\n> Guaranteed.\n", "Hi.\n"),
            ("> a\n> Guaranteed.\n>\n\nBye.\n", "> a\n\nBye.\n"),
        ];
        assert_removals_everywhere(&cases, "Guaranteed.");
    }

    /// Text left after a removal that started a line's text would start the line: the
    /// spaces before it go (four would make code), and in Markdown a block marker it
    /// starts with is escaped, so it stays the text it was (`\\- x`, not a list item);
    /// in plain text nothing is markup. A line that starts as it did, or a heading's
    /// text, is left alone; with `\n`, `\r\n` and a lone `\r` alike.
    #[test]
    fn removal_leaves_no_block_marker_starting_a_line() {
        // The draft, then what it reads in Markdown and in plain text.
        let cases = [
            ("Guaranteed ##\n", "\\##\n", "##\n"),
            (
                "Hi.\n\nGuaranteed ## x\n",
                "Hi.\n\n\\## x\n",
                "Hi.\n\n## x\n",
            ),
            ("Guaranteed - fast\n", "\\- fast\n", "- fast\n"),
            (
                "Hi.\nGuaranteed + fast\n",
                "Hi.\n\\+ fast\n",
                "Hi.\n+ fast\n",
            ),
            ("Guaranteed * fast\n", "\\* fast\n", "* fast\n"),
            ("Guaranteed\t- x\n", "\\- x\n", "- x\n"),
            ("Guaranteed 1. x\n", "1\\. x\n", "1. x\n"),
            ("Guaranteed 12) x\n", "12\\) x\n", "12) x\n"),
            ("Guaranteed > x\n", "\\> x\n", "> x\n"),
            // Underlines, thematic breaks and fences.
            ("Hi.\nGuaranteed ===\n", "Hi.\n\\===\n", "Hi.\n===\n"),
            ("Hi.\nGuaranteed --\n", "Hi.\n\\--\n", "Hi.\n--\n"),
            ("Hi.\nGuaranteed * * *\n", "Hi.\n\\* * *\n", "Hi.\n* * *\n"),
            ("Hi.\nGuaranteed ___\n", "Hi.\n\\___\n", "Hi.\n___\n"),
            ("Hi.\nGuaranteed ```\n", "Hi.\n\\```\n", "Hi.\n```\n"),
            ("Hi.\nGuaranteed ~~~ x\n", "Hi.\n\\~~~ x\n", "Hi.\n~~~ x\n"),
            // HTML blocks and footnote definitions, which interrupt a paragraph.
            (
                "Hi.\nGuaranteed <div> x\n",
                "Hi.\n\\<div> x\n",
                "Hi.\n<div> x\n",
            ),
            ("Guaranteed </P>\n", "\\</P>\n", "</P>\n"),
            // A link in angle brackets is no tag: it stays a link.
            (
                "Hi.\n\nGuaranteed <https://example.com>\n",
                "Hi.\n\n<https://example.com>\n",
                "Hi.\n\n<https://example.com>\n",
            ),
            (
                "Guaranteed <rosa@example.com>\n",
                "<rosa@example.com>\n",
                "<rosa@example.com>\n",
            ),
            ("Hi.\nGuaranteed <pre>\n", "Hi.\n\\<pre>\n", "Hi.\n<pre>\n"),
            (
                "Hi.\nGuaranteed <?x ?>\n",
                "Hi.\n\\<?x ?>\n",
                "Hi.\n<?x ?>\n",
            ),
            (
                "Hi.\nGuaranteed <!X y>\n",
                "Hi.\n\\<!X y>\n",
                "Hi.\n<!X y>\n",
            ),
            (
                "Hi.\nGuaranteed [^1]: x\n",
                "Hi.\n\\[^1]: x\n",
                "Hi.\n[^1]: x\n",
            ),
            // A link reference definition and a line of one other tag, where a
            // paragraph starts (after a blank line, at an item's start, in a new quote).
            (
                "Hi.\n\nGuaranteed [x]: https://example.com\n",
                "Hi.\n\n\\[x]: https://example.com\n",
                "Hi.\n\n[x]: https://example.com\n",
            ),
            (
                "- Guaranteed [x]: https://example.com\n",
                "- \\[x]: https://example.com\n",
                "- [x]: https://example.com\n",
            ),
            (
                "Hi.\n> Guaranteed [x]: y\n",
                "Hi.\n> \\[x]: y\n",
                "Hi.\n> [x]: y\n",
            ),
            ("Guaranteed <span>\nx\n", "\\<span>\nx\n", "<span>\nx\n"),
            // After a quote's or an item's marker, the text starts the line as well.
            ("- Guaranteed - x\n", "- \\- x\n", "- - x\n"),
            ("- Guaranteed ##\n", "- \\##\n", "- ##\n"),
            ("> Guaranteed #\n", "> \\#\n", "> #\n"),
            ("> Guaranteed # x\n", "> \\# x\n", "> # x\n"),
            // Spaces that would lead the line go.
            ("Guaranteed     results.\n", "Results.\n", "Results.\n"),
            ("> Guaranteed   results.\n", "> Results.\n", "> Results.\n"),
            // No marker, text before the removal, a heading's text, or a line that
            // starts as it did: left alone.
            ("Guaranteed #1 results\n", "#1 results\n", "#1 results\n"),
            ("Guaranteed -5 kg\n", "-5 kg\n", "-5 kg\n"),
            ("Our guaranteed - x\n", "Our - x\n", "Our - x\n"),
            ("# Guaranteed - x\n", "# - x\n", "# - x\n"),
            ("Hi.\nGuaranteed\n- x\n", "Hi.\n- x\n", "Hi.\n- x\n"),
            // Inside a paragraph these render the same; a comment shows nothing either
            // way (and a waiver must stay one); a table row's pipe, escaped or not,
            // would not keep the row's cells.
            (
                "Hi.\nGuaranteed [x]: https://example.com\n",
                "Hi.\n[x]: https://example.com\n",
                "Hi.\n[x]: https://example.com\n",
            ),
            ("Hi.\nGuaranteed <span>\n", "Hi.\n<span>\n", "Hi.\n<span>\n"),
            (
                "> Hi.\n> Guaranteed [x]: y\n",
                "> Hi.\n> [x]: y\n",
                "> Hi.\n> [x]: y\n",
            ),
            ("Guaranteed <!-- x -->\n", "<!-- x -->\n", "<!-- x -->\n"),
            ("Guaranteed <divs> x\n", "<divs> x\n", "<divs> x\n"),
            ("Guaranteed [x] y\n", "[x] y\n", "[x] y\n"),
            ("Hi.\nGuaranteed | a |\n", "Hi.\n| a |\n", "Hi.\n| a |\n"),
        ];
        for end in ["\n", "\r\n", "\r"] {
            for (text, markdown, plain) in cases {
                let [text, markdown, plain] = [text, markdown, plain].map(|t| t.replace('\n', end));
                let words = guaranteed(&text);
                assert_eq!(remove(&text, words), markdown, "{text:?}");
                assert_eq!(
                    remove_in(DraftFormat::PlainText, &text, words),
                    plain,
                    "plain text {text:?}"
                );
            }
        }
        // Markers that went with the match leave the text at the line's start too.
        assert_eq!(remove("**Guaranteed** - x\n", "Guaranteed"), "\\- x\n");
        assert_eq!(
            remove("Hi.\n\n**Guaranteed** 1) x\n", "Guaranteed"),
            "Hi.\n\n1\\) x\n"
        );
    }

    /// When the removal took the start of a sentence that goes on, the word that now
    /// starts it takes the capital: on the next line too (the line end, indentation and
    /// `>`s stay), and after a list item's marker in a plain-text draft, whose sentence
    /// holds the marker; with `\n`, `\r\n` and a lone `\r` alike.
    #[test]
    fn removal_capitalises_the_word_that_starts_the_sentence() {
        let cases = [
            ("Hi. Guaranteed\nresults here.\n", "Hi.\nResults here.\n"),
            (
                "> Hi. Guaranteed\n> results here.\n",
                "> Hi.\n> Results here.\n",
            ),
            (
                "- Hi. Guaranteed\n  results here.\n",
                "- Hi.\n  Results here.\n",
            ),
            ("- Guaranteed\n  results.\n", "- Results.\n"),
            ("Hi.\n- Guaranteed\n  results.\n", "Hi.\n- Results.\n"),
            ("> - Guaranteed\n>   results.\n", "> - Results.\n"),
            ("- The Guaranteed,\n  result.\n", "- Result.\n"),
            ("- Guaranteed results.\n", "- Results.\n"),
            // The removal took its whole line, line end and all.
            ("> Guaranteed\n> results here.\n", "> Results here.\n"),
            ("Guaranteed\n  results.\n", "  Results.\n"),
            // Another paragraph, or the removal did not start the sentence.
            (
                "Hi. Guaranteed\n\nresults here.\n",
                "Hi.\n\nresults here.\n",
            ),
            (
                "Hi. Our Guaranteed\nresults here.\n",
                "Hi. Our\nresults here.\n",
            ),
        ];
        assert_removals_everywhere(&cases, "Guaranteed");
    }

    /// A comma, semicolon or colon left just before the sentence's final punctuation, or
    /// before another such mark, goes.
    #[test]
    fn removal_takes_a_dangling_separator() {
        for (text, want) in [
            ("Our results, guaranteed.\n", "Our results.\n"),
            ("Our results; guaranteed!\n", "Our results!\n"),
            ("Our results: guaranteed?\n", "Our results?\n"),
            ("Our results, **guaranteed**.\n", "Our results.\n"),
            ("Our results, (guaranteed).\n", "Our results.\n"),
            ("Our results, guaranteed. Bye.\n", "Our results. Bye.\n"),
            // Words after the removal, or no mark before it: nothing more goes.
            ("Our results, guaranteed today.\n", "Our results, today.\n"),
            ("Our results guaranteed.\n", "Our results.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
    }

    /// An article that starts the sentence, left alone before punctuation, goes with
    /// the punctuation and spaces after the match, and the next word gets the article's
    /// capital; before a word it stays (it may read on: `A teacher came in`).
    #[test]
    fn removal_takes_an_article_that_starts_the_sentence() {
        for (text, want) in [
            ("A 45-year-old, came in.\n", "Came in.\n"),
            ("Hi. An 80-year-old; came in.\n", "Hi. Came in.\n"),
            ("Hi. “The 45-year-old: came in.”\n", "Hi. “Came in.”\n"),
            ("Hi. A **45-year-old**, came in.\n", "Hi. Came in.\n"),
            ("a 45-year-old, came in.\n", "came in.\n"),
            // Only punctuation would be left: the sentence goes.
            ("Hi. A 45-year-old! Bye.\n", "Hi. Bye.\n"),
            ("Hi.\n\nThe 45-year-old.\n\nBye.\n", "Hi.\n\nBye.\n"),
            // A word follows, or the article does not start the sentence: it stays.
            ("A 45-year-old came in.\n", "A came in.\n"),
            ("A 45-year-old teacher came in.\n", "A teacher came in.\n"),
            ("Plan A 45-year-old, came in.\n", "Plan A, came in.\n"),
            ("Hi. Tea 45-year-old, came in.\n", "Hi. Tea, came in.\n"),
        ] {
            let age = if text.contains("80-") {
                "80-year-old"
            } else {
                "45-year-old"
            };
            assert_eq!(remove(text, age), want, "{text:?}");
        }
    }

    /// An article left alone between two punctuation marks goes too (between two commas,
    /// with both: it was an aside); a word that may be a label, or an article with words
    /// around it, stays.
    #[test]
    fn removal_takes_an_article_left_alone() {
        for (text, words, want) in [
            (
                "My patient Rosa Example, a 94-year-old, is home.",
                "94-year-old",
                "My patient Rosa Example is home.",
            ),
            ("My patient, an 89-year-old.", "89-year-old", "My patient."),
            (
                "Our tea; the guaranteed: calm.",
                "guaranteed",
                "Our tea: calm.",
            ),
            (
                "My patient, a **94-year-old**, is home.",
                "94-year-old",
                "My patient is home.",
            ),
            // Not alone: a word follows, or no punctuation is before.
            (
                "My patient, a 45-year-old teacher, quit.",
                "45-year-old",
                "My patient, a teacher, quit.",
            ),
            (
                "Take a guaranteed, simple step.",
                "guaranteed",
                "Take a, simple step.",
            ),
            // A capital may be a label.
            ("Vitamins C, A guaranteed.", "guaranteed", "Vitamins C, A."),
            (
                "We offer plan a guaranteed.",
                "guaranteed",
                "We offer plan a.",
            ),
        ] {
            assert_eq!(remove(text, words), want, "{text:?}");
        }
    }

    /// A removal that starts its sentence takes a comma, semicolon or colon after it, and
    /// the spaces after that, so no mark leads the sentence; the next word takes the
    /// capital. The same code serves an article that starts the sentence.
    #[test]
    fn removal_takes_a_separator_that_would_lead_the_sentence() {
        for (text, want) in [
            ("Guaranteed, results here.\n", "Results here.\n"),
            ("Hi. Guaranteed; results here.\n", "Hi. Results here.\n"),
            ("Hi. Guaranteed:  results here.\n", "Hi. Results here.\n"),
            ("Hi. **Guaranteed**, results here.\n", "Hi. Results here.\n"),
            ("“Guaranteed, results here.”\n", "“Results here.”\n"),
            ("guaranteed, results here.\n", "results here.\n"),
            // The line left empty goes, and the next line takes the capital.
            ("Guaranteed,\nresults here.\n", "Results here.\n"),
            // Not at the sentence's start: the mark stays.
            ("Our guaranteed, results here.\n", "Our, results here.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
        assert_eq!(
            remove_in(
                DraftFormat::PlainText,
                "- Guaranteed, results here.\n",
                "Guaranteed"
            ),
            "- Results here.\n"
        );
    }

    /// An aside between two commas goes with both commas; in a list one comma stays:
    /// when the words after it start with a conjunction or, unless the aside started with
    /// an article, hold another comma or a conjunction before the sentence ends.
    #[test]
    fn removal_takes_an_aside_with_its_commas() {
        for (text, want) in [
            ("Our tea, guaranteed, helps.\n", "Our tea helps.\n"),
            ("Our tea, guaranteed, is calm.\n", "Our tea is calm.\n"),
            (
                "Our tea, **guaranteed**, helps you sleep.\n",
                "Our tea helps you sleep.\n",
            ),
            (
                "Rosa, a guaranteed, is home and well.\n",
                "Rosa is home and well.\n",
            ),
            // A list: one comma stays.
            (
                "We sell apples, guaranteed, pears and figs.\n",
                "We sell apples, pears and figs.\n",
            ),
            (
                "We sell apples, guaranteed, pears, figs.\n",
                "We sell apples, pears, figs.\n",
            ),
            (
                "We sell apples, guaranteed, and pears.\n",
                "We sell apples, and pears.\n",
            ),
            (
                "Vendemos peras, guaranteed, higos y uvas.\n",
                "Vendemos peras, higos y uvas.\n",
            ),
            (
                "We met a nurse, a guaranteed, and a doctor.\n",
                "We met a nurse, and a doctor.\n",
            ),
            // A conjunction later in the sentence reads as a list too: one comma stays.
            (
                "Our tea, guaranteed, helps you sleep and wake.\n",
                "Our tea, helps you sleep and wake.\n",
            ),
            // No space after the second comma: one comma stays, or the words join.
            ("Our tea, guaranteed,helps.\n", "Our tea,helps.\n"),
            // Other marks: as before, the first goes.
            ("Our tea; guaranteed, helps.\n", "Our tea, helps.\n"),
            ("Our tea, guaranteed; calm.\n", "Our tea; calm.\n"),
        ] {
            assert_eq!(remove(text, guaranteed(text)), want, "{text:?}");
        }
    }

    /// A preposition left directly before another, or before punctuation, goes with the
    /// removal: only the one word just before it, whole, lower case or starting the
    /// sentence; `a` only before another preposition.
    #[test]
    fn removal_takes_a_dangling_preposition() {
        for (text, words, want) in [
            (
                "Thanks to Mr. Example for the cookies.\n",
                "Mr. Example",
                "Thanks for the cookies.\n",
            ),
            (
                "She came in on Tuesday for her cleaning.\n",
                "Tuesday",
                "She came in for her cleaning.\n",
            ),
            ("She came in on Tuesday.\n", "Tuesday", "She came in.\n"),
            (
                "She came in on Tuesday, and left.\n",
                "Tuesday",
                "She came in, and left.\n",
            ),
            (
                "A gift from **Rosa** with love.\n",
                "Rosa",
                "A gift with love.\n",
            ),
            ("Fui a Madrid con Ana.\n", "Madrid", "Fui con Ana.\n"),
            ("Vino el lunes por Rosa.\n", "Rosa", "Vino el lunes.\n"),
            (
                "Un regalo de Rosa para ti.\n",
                "Rosa",
                "Un regalo para ti.\n",
            ),
            // Starting the sentence: it takes what would lead the sentence, or gives the
            // capital to the next word.
            (
                "Hi. To Rosa, thanks for all.\n",
                "Rosa",
                "Hi. Thanks for all.\n",
            ),
            (
                "To Rosa for the help, thanks.\n",
                "Rosa",
                "For the help, thanks.\n",
            ),
            ("Hi. To Rosa. Bye.\n", "Rosa", "Hi. Bye.\n"),
            // A word follows, the word is part of another, `a`, or a capital mid-sentence:
            // it stays.
            (
                "Thanks to Mr. Example and Rosa.\n",
                "Mr. Example",
                "Thanks to and Rosa.\n",
            ),
            (
                "Please check-in Tuesday.\n",
                "Tuesday",
                "Please check-in.\n",
            ),
            ("Fui a Madrid.\n", "Madrid", "Fui a.\n"),
            (
                "We offer plan a guaranteed.\n",
                "guaranteed",
                "We offer plan a.\n",
            ),
            ("Read Letters To Rosa.\n", "Rosa", "Read Letters To.\n"),
            // Only the one just before the removal.
            ("Log in on Tuesday.\n", "Tuesday", "Log in.\n"),
            // Before a time that takes no preposition it is a verb's particle.
            (
                "She came in this morning with chest pain.\n",
                "this morning",
                "She came in with chest pain.\n",
            ),
            ("Log in today.\n", "today", "Log in.\n"),
            // A mark between the word and the match: the word ends its clause, and stays.
            (
                "Whitening you can count on, guaranteed.\n",
                "guaranteed",
                "Whitening you can count on.\n",
            ),
            (
                "Something to look forward to, guaranteed!\n",
                "guaranteed",
                "Something to look forward to!\n",
            ),
            // An aside that started with the preposition goes with both its commas.
            (
                "She came in, on 12/03/2026, for her first cleaning in years.\n",
                "12/03/2026",
                "She came in for her first cleaning in years.\n",
            ),
        ] {
            assert_eq!(remove(text, words), want, "{text:?}");
        }
    }

    /// A removal at the end of a line takes the spaces before it and those after it, so
    /// none trails the line; two or more after it stay (a Markdown line break); with
    /// `\n`, `\r\n` and a lone `\r` alike.
    #[test]
    fn removal_leaves_no_space_trailing_a_line() {
        let cases = [
            ("Our results guaranteed\nBye.\n", "Our results\nBye.\n"),
            ("Our results guaranteed \nBye.\n", "Our results\nBye.\n"),
            ("Our results  guaranteed\t\nBye.\n", "Our results\nBye.\n"),
            ("Our results guaranteed ", "Our results"),
            ("Our results guaranteed  \nBye.\n", "Our results  \nBye.\n"),
        ];
        assert_removals_everywhere(&cases, "guaranteed");
    }

    #[test]
    fn removal_swallows_one_space() {
        let text = "My patient, a 45-year-old teacher, quit.";
        let s = text.find("45-year-old").unwrap();
        let r = TextRange::at(TextSize::from(s as u32), TextSize::from(11));
        let fixed = apply_edits(
            text,
            &[Edit {
                range: removal_range(text, r),
                new_text: String::new(),
            }],
        );
        assert_eq!(fixed, "My patient, a teacher, quit.");
    }

    #[test]
    fn replacement_keeps_a_leading_capital() {
        assert_eq!(
            match_case("Committed suicide", "died by suicide"),
            "Died by suicide"
        );
        assert_eq!(
            match_case("committed suicide", "died by suicide"),
            "died by suicide"
        );
    }

    #[test]
    fn waiver_prefixes() {
        assert!(waiver_covers("hc.privacy", "hc.privacy.client-story"));
        assert!(!waiver_covers("hc.priv", "hc.privacy.client-story"));
        assert!(waiver_covers(
            "hc.privacy.client-story",
            "hc.privacy.client-story"
        ));
    }
}
