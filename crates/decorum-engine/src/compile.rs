//! From parsed files to a [`PolicySet`]: name resolution, validation, compilation.
//!
//! The passes, in order: syntax errors become problems; each file gets a scope (its
//! policy name, term sets, rules and import aliases) and duplicate names are reported;
//! imports that failed or form a cycle are reported; the import depth of every file is
//! computed (overrides closer to a root win); `extend`, `use` and `disable` are resolved;
//! then every rule is compiled (parameters after overrides, conditions, fixes, message,
//! examples) and term sets are compiled on first use into the shared [`SetArena`].
//! Finally the matcher is built. Any error leaves the policy set unbuilt.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use decorum_syntax::*;
use decorum_text::{TextRange, TextSize};

use crate::audit::*;
use crate::check::PolicySet;
use crate::finding::*;
use crate::input::*;
use crate::ir::*;
use crate::sets::*;
use crate::symbols::*;
use crate::{Compiled, did_you_mean_text, nearest_name};

/// Compiles policy files into a [`PolicySet`].
pub fn compile(inputs: &PolicyInputs) -> Compiled {
    let mut c = Compiler::new(inputs);
    c.run();
    c.finish()
}

type RuleKey = (SourceId, String);

/// What is known about a file's names.
#[derive(Default)]
struct FileScope<'a> {
    policy: Option<String>,
    sets: HashMap<&'a str, &'a TermsDecl>,
    rules: HashMap<&'a str, &'a RuleDecl>,
    /// Names of term sets and rules whose item did not parse: references to them pass
    /// silently, as the file already has an error (the item's own) and nothing runs.
    failed: Vec<(Kind, &'a str)>,
    aliases: HashMap<String, (&'a ImportDecl, &'a ImportResolution)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Set,
    Rule,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Set => "term set",
            Kind::Rule => "rule",
        }
    }
}

/// Options that apply to the literal lists of one `terms` declaration.
#[derive(Clone, Copy, Default)]
struct LeafOptions {
    masked: bool,
    case_sensitive: bool,
}

enum SetState {
    InProgress,
    Done(SetId),
    Failed,
}

struct Override<'a> {
    depth: u32,
    source: SourceId,
    decl: &'a UseDecl,
}

struct Disable<'a> {
    source: SourceId,
    decl: &'a DisableDecl,
}

/// A rule's parameters while its conditions compile.
struct RuleCtx<'p> {
    source: SourceId,
    params: &'p HashMap<String, ParamValue>,
    batch: bool,
    in_post_function: bool,
    /// The fewest words and characters of the `in first N words` / `in first N chars`
    /// scopes the condition is inside: no unit it is evaluated on holds more, which
    /// bounds `words` and `chars` there.
    first_words: Option<u32>,
    first_chars: Option<u32>,
}

/// Value bounds of a numeric expression, for catching thresholds that can never hold.
#[derive(Clone, Copy)]
struct Bounds {
    lo: f64,
    hi: f64,
    /// A share or ratio, naturally compared with a percentage.
    ratio: bool,
    /// A literal or parameter written as a percentage.
    percent: bool,
}

impl Bounds {
    fn count() -> Bounds {
        Bounds {
            lo: 0.0,
            hi: f64::INFINITY,
            ratio: false,
            percent: false,
        }
    }
    fn any() -> Bounds {
        Bounds {
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
            ratio: false,
            percent: false,
        }
    }
}

/// An `extend` as compiled into its set: where it was written and the node of its terms.
#[derive(Debug, Clone)]
struct AppliedExtension {
    source: SourceId,
    range: TextRange,
    extra: SetId,
    /// `-=` rather than `+=`.
    remove: bool,
}

/// The set makes the rule fire more when it matches more.
const POSITIVE: u8 = 1;
/// The set makes the rule fire less when it matches more.
const NEGATIVE: u8 = 2;
/// The set is counted (`count`, `share`, `posts`): more matches may raise or lower a
/// number the rule compares, so it may fire more or less.
const COUNTED: u8 = 4;

/// How each set a rule reads affects it, found by walking its conditions and sets.
#[derive(Default)]
struct Polarities(HashMap<SetId, u8>);

impl Polarities {
    fn of(&self, set: SetId) -> u8 {
        self.0.get(&set).copied().unwrap_or(0)
    }

    fn flip(p: u8) -> u8 {
        ((p & POSITIVE) << 1) | ((p & NEGATIVE) >> 1) | (p & COUNTED)
    }

    fn set(&mut self, arena: &SetArena, set: SetId, p: u8) {
        let seen = self.of(set);
        if seen & p == p {
            return;
        }
        self.0.insert(set, seen | p);
        match arena.nodes.get(set.0 as usize) {
            Some(SetNode::Union(children)) => {
                for &c in children {
                    self.set(arena, c, p);
                }
            }
            Some(SetNode::Diff(a, b)) => {
                self.set(arena, *a, p);
                self.set(arena, *b, Self::flip(p));
            }
            Some(SetNode::Unnegated(n) | SetNode::Unquoted(n)) => self.set(arena, *n, p),
            Some(SetNode::Leaf(_)) | None => {}
        }
    }

    fn cond(&mut self, arena: &SetArena, c: &CondIr, p: u8) {
        match c {
            CondIr::And(parts) | CondIr::Or(parts) => {
                for part in parts {
                    self.cond(arena, part, p);
                }
            }
            CondIr::Not(inner) => self.cond(arena, inner, Self::flip(p)),
            CondIr::Scoped(inner, _) => self.cond(arena, inner, p),
            CondIr::Contains(set) => self.set(arena, *set, p),
            CondIr::Near { left, right, .. } => {
                self.set(arena, *left, p);
                self.set(arena, *right, p);
            }
            CondIr::Has(_) | CondIr::Meta { .. } => {}
            // More matches may raise or lower a number: both ways.
            CondIr::Compare { lhs, rhs, .. } => {
                self.num(arena, lhs);
                self.num(arena, rhs);
            }
        }
    }

    fn num(&mut self, arena: &SetArena, n: &NumIr) {
        match n {
            NumIr::Count(set) => self.set(arena, *set, COUNTED),
            NumIr::Share(c) | NumIr::Posts(c) => self.cond(arena, c, COUNTED),
            NumIr::Add(a, b) | NumIr::Sub(a, b) | NumIr::Mul(a, b) | NumIr::Div(a, b) => {
                self.num(arena, a);
                self.num(arena, b);
            }
            NumIr::Const(_) | NumIr::Field(_) => {}
        }
    }
}

struct Compiler<'a> {
    inputs: &'a PolicyInputs,
    problems: Vec<PolicyProblem>,
    scopes: Vec<FileScope<'a>>,
    depth: Vec<u32>,
    arena: SetArena,
    named: HashMap<(SourceId, String), SetState>,
    extends: HashMap<(SourceId, String), Vec<(SourceId, &'a ExtendDecl)>>,
    /// Every `extend` applied so far, for the locked-rule check.
    applied_extensions: Vec<AppliedExtension>,
    /// The named sets being compiled, outermost first, and the `extend`s being compiled
    /// (with how many sets were in progress when each began): a cycle closed through an
    /// `extend` in another file is shown with that `extend`.
    set_stack: Vec<(SourceId, String)>,
    extending: Vec<(usize, SourceId, TextRange)>,
    /// The rule being compiled: its parameters set by a `use` block, with where, so a
    /// problem with such a value is reported at the `use` rather than in the library.
    overridden_params: HashMap<String, (SourceId, TextRange)>,
    /// The rule being compiled: its parameters whose declaration was refused (a post
    /// field's name, a value that failed). Neither a `use` that sets one nor a condition
    /// that reads one is told that no such parameter exists, on top of the declaration's
    /// own error.
    failed_params: Vec<String>,
    overrides: HashMap<RuleKey, Vec<Override<'a>>>,
    disables: HashMap<RuleKey, Disable<'a>>,
    rules: Vec<Arc<RuleInfo>>,
    irs: Vec<RuleIr>,
    all_rule_ids: Vec<String>,
    audit: AuditTrail,
    symbols: SymbolIndex,
}

fn src(i: usize) -> SourceId {
    SourceId(i as u32)
}

impl<'a> Compiler<'a> {
    fn new(inputs: &'a PolicyInputs) -> Compiler<'a> {
        Compiler {
            inputs,
            problems: Vec::new(),
            scopes: Vec::new(),
            depth: Vec::new(),
            arena: SetArena::default(),
            named: HashMap::new(),
            extends: HashMap::new(),
            applied_extensions: Vec::new(),
            set_stack: Vec::new(),
            extending: Vec::new(),
            overridden_params: HashMap::new(),
            failed_params: Vec::new(),
            overrides: HashMap::new(),
            disables: HashMap::new(),
            rules: Vec::new(),
            irs: Vec::new(),
            all_rule_ids: Vec::new(),
            audit: AuditTrail::default(),
            symbols: SymbolIndex::default(),
        }
    }

    fn problem(
        &mut self,
        source: SourceId,
        range: TextRange,
        level: ProblemLevel,
        code: &'static str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.problems.push(PolicyProblem::new(
            source, range, level, code, message, help,
        ));
    }

    /// Records on the last problem the text that fixes it when it replaces its range.
    fn replacement(&mut self, text: Option<String>) {
        if let (Some(last), Some(text)) = (self.problems.last_mut(), text) {
            last.replacement = Some(text);
        }
    }

    fn error(
        &mut self,
        source: SourceId,
        range: TextRange,
        code: &'static str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.problem(source, range, ProblemLevel::Error, code, message, help);
    }

    fn warning(
        &mut self,
        source: SourceId,
        range: TextRange,
        code: &'static str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.problem(source, range, ProblemLevel::Warning, code, message, help);
    }

    fn label(&mut self, source: SourceId, range: TextRange, message: impl Into<String>) {
        if let Some(last) = self.problems.last_mut() {
            last.labels.push(ProblemLabel {
                source,
                range,
                message: message.into(),
            });
        }
    }

    fn run(&mut self) {
        let inputs = self.inputs;
        for (i, source) in inputs.sources.iter().enumerate() {
            for err in &source.parse.errors {
                self.error(
                    src(i),
                    err.range,
                    "syntax",
                    err.message.clone(),
                    err.help.clone(),
                );
            }
        }
        for i in 0..inputs.sources.len() {
            let scope = self.build_scope(src(i));
            self.scopes.push(scope);
            self.define_symbols(src(i));
        }
        self.check_policy_names();
        self.check_imports();
        self.compute_depths();
        self.collect_adjustments();
        for i in 0..inputs.sources.len() {
            let file = &inputs.sources[i].parse.file;
            for rule in file.rules() {
                self.compile_rule(src(i), rule);
            }
            // Term sets nobody uses are still validated.
            for terms in file.term_sets() {
                self.named_set(src(i), &terms.name.text, (src(i), terms.name.range));
            }
        }
    }

    fn finish(mut self) -> Compiled {
        self.problems
            .sort_by_key(|p| (p.source, p.range.start(), p.range.end()));
        self.problems.dedup();
        let has_errors = self.problems.iter().any(|p| p.level == ProblemLevel::Error);
        if has_errors {
            return Compiled {
                policy_set: None,
                problems: self.problems,
                audit: self.audit,
                symbols: self.symbols,
            };
        }
        let matcher = match Matcher::build(&self.arena) {
            Ok(m) => m,
            Err(message) => {
                let source = self.inputs.roots.first().copied().unwrap_or(SourceId(0));
                self.error(
                    source,
                    TextRange::empty(TextSize::from(0)),
                    "too-large",
                    format!("the combined term sets are too large to compile: {message}"),
                    Some("split very large regexes or term lists, or disable unused rules".into()),
                );
                return Compiled {
                    policy_set: None,
                    problems: self.problems,
                    audit: self.audit,
                    symbols: self.symbols,
                };
            }
        };
        // The roots, and every file of the workspace's own that they import: not the
        // standard library's files nor a shared library's, whose examples are their
        // authors' tests.
        let tested = (0..self.inputs.sources.len() as u32)
            .map(SourceId)
            .filter(|&id| self.inputs.roots.contains(&id) || self.is_own(id))
            .collect();
        let set = PolicySet::new(
            self.rules,
            self.irs,
            self.arena,
            matcher,
            self.all_rule_ids,
            tested,
        );
        Compiled {
            policy_set: Some(set),
            problems: self.problems,
            audit: self.audit,
            symbols: self.symbols,
        }
    }

    // ----------------------------------------------------------------- file scopes

    /// Lists what a file defines, for navigation in editors.
    fn define_symbols(&mut self, id: SourceId) {
        let file = &self.inputs.sources[id.0 as usize].parse.file;
        let policy = self.scopes[id.0 as usize]
            .policy
            .clone()
            .unwrap_or_default();
        for item in &file.items {
            match item {
                Item::Policy(p) => self.symbols.definitions.push(Definition {
                    key: SymbolKey {
                        source: id,
                        kind: SymbolKind::Policy,
                        name: p.name.dotted(),
                    },
                    qualified: p.name.dotted(),
                    name_range: p.name.range,
                    range: p.range,
                    container: None,
                }),
                Item::Terms(t) => self.symbols.definitions.push(Definition {
                    key: SymbolKey {
                        source: id,
                        kind: SymbolKind::TermSet,
                        name: t.name.text.clone(),
                    },
                    qualified: format!("{policy}.{}", t.name.text),
                    name_range: t.name.range,
                    range: t.range,
                    container: None,
                }),
                Item::Rule(r) => {
                    self.symbols.definitions.push(Definition {
                        key: SymbolKey {
                            source: id,
                            kind: SymbolKind::Rule,
                            name: r.name.text.clone(),
                        },
                        qualified: format!("{policy}.{}", r.name.text),
                        name_range: r.name.range,
                        range: r.range,
                        container: None,
                    });
                    for p in r.params() {
                        self.symbols.definitions.push(Definition {
                            key: SymbolKey {
                                source: id,
                                kind: SymbolKind::Param,
                                name: p.name.text.clone(),
                            },
                            qualified: format!("{policy}.{}.{}", r.name.text, p.name.text),
                            name_range: p.name.range,
                            range: p.range,
                            container: Some(r.name.text.clone()),
                        });
                    }
                    for (n, e) in r.examples().enumerate() {
                        self.symbols.definitions.push(Definition {
                            key: SymbolKey {
                                source: id,
                                kind: SymbolKind::Example,
                                name: format!("{}#{}", r.name.text, n + 1),
                            },
                            qualified: format!("{policy}.{} example {}", r.name.text, n + 1),
                            name_range: e.range,
                            range: e.range,
                            container: Some(r.name.text.clone()),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn build_scope(&mut self, id: SourceId) -> FileScope<'a> {
        let source = &self.inputs.sources[id.0 as usize];
        let file = &source.parse.file;
        let mut scope = FileScope::default();
        let mut policy_seen: Option<TextRange> = None;
        let mut import_index = 0usize;
        for item in &file.items {
            match item {
                Item::Policy(p) => {
                    if let Some(first) = policy_seen {
                        self.error(
                            id,
                            p.range,
                            "duplicate",
                            "a file declares its policy once",
                            Some("remove this `policy` line".into()),
                        );
                        self.label(id, first, "first declared here");
                    } else {
                        policy_seen = Some(p.range);
                        scope.policy = Some(p.name.dotted());
                    }
                }
                Item::Terms(t) => {
                    if let Some(prev) = scope.sets.get(t.name.text.as_str()) {
                        let prev_range = prev.name.range;
                        self.error(
                            id,
                            t.name.range,
                            "duplicate",
                            format!("the term set `{}` is defined twice", t.name.text),
                            Some("rename one of them, or merge their terms".into()),
                        );
                        self.label(id, prev_range, "first defined here");
                    } else {
                        scope.sets.insert(&t.name.text, t);
                    }
                }
                Item::Rule(r) => {
                    if let Some(prev) = scope.rules.get(r.name.text.as_str()) {
                        let prev_range = prev.name.range;
                        self.error(
                            id,
                            r.name.range,
                            "duplicate",
                            format!("the rule `{}` is defined twice", r.name.text),
                            Some("rule names are ids: give each rule its own".into()),
                        );
                        self.label(id, prev_range, "first defined here");
                    } else {
                        scope.rules.insert(&r.name.text, r);
                    }
                }
                Item::Import(imp) => {
                    let Some(resolution) = source.imports.get(import_index) else {
                        import_index += 1;
                        continue;
                    };
                    import_index += 1;
                    let alias = match &imp.alias {
                        Some(a) => a.text.clone(),
                        None => default_alias(&imp.source.value),
                    };
                    if alias.is_empty() {
                        self.error(
                            id,
                            imp.source.range,
                            "import",
                            "this import needs a name",
                            Some("add `as NAME`".into()),
                        );
                        continue;
                    }
                    if let Some((prev, _)) = scope.aliases.get(&alias) {
                        let prev_range = prev.range;
                        self.error(
                            id,
                            imp.range,
                            "duplicate",
                            format!("two imports are named `{alias}`"),
                            Some("give one of them another name with `as NAME`".into()),
                        );
                        self.label(id, prev_range, "first import with that name");
                        continue;
                    }
                    scope.aliases.insert(alias, (imp, resolution));
                }
                _ => {}
            }
        }
        for f in &file.failed {
            let kind = match f.kind {
                FailedKind::Terms => Kind::Set,
                FailedKind::Rule => Kind::Rule,
            };
            scope.failed.push((kind, f.name.text.as_str()));
        }
        if scope.policy.is_none() && source.parse.errors.is_empty() {
            let at = file.version.map(|v| v.range).unwrap_or_default();
            self.error(
                id,
                at,
                "missing-policy",
                "this file does not name its policy",
                Some("add a line such as `policy acme.social` after `decorum 1`; rule ids are the policy name plus the rule name".into()),
            );
        }
        scope
    }

    fn check_policy_names(&mut self) {
        let mut seen: HashMap<String, SourceId> = HashMap::new();
        for i in 0..self.scopes.len() {
            let Some(name) = self.scopes[i].policy.clone() else {
                continue;
            };
            let range = self.inputs.sources[i]
                .parse
                .file
                .policy()
                .map(|p| p.name.range)
                .unwrap_or_default();
            if let Some(&first) = seen.get(&name) {
                let first_range = self.inputs.sources[first.0 as usize]
                    .parse
                    .file
                    .policy()
                    .map(|p| p.name.range)
                    .unwrap_or_default();
                // Reported in the author's own file, where the name can change, rather than
                // in the standard library or a vendored library, whatever the load order.
                let (here, here_range, there, there_range) =
                    if self.is_own(first) && !self.is_own(src(i)) {
                        (first, first_range, src(i), range)
                    } else {
                        (src(i), range, first, first_range)
                    };
                let there_source = &self.inputs.sources[there.0 as usize];
                let there_path = there_source.path.clone();
                let help = if there_source.builtin {
                    let last = name.rsplit('.').next().unwrap_or(&name);
                    format!(
                        "the standard library's policy has this name, and rule ids start with the policy name: name yours after your organisation, e.g. `policy acme.{last}`"
                    )
                } else {
                    "rule ids start with the policy name, so every file needs its own".into()
                };
                self.error(
                    here,
                    here_range,
                    "duplicate",
                    format!("the policy name `{name}` is also used by {there_path}"),
                    Some(help),
                );
                self.label(there, there_range, "the other policy with this name");
            } else {
                seen.insert(name, src(i));
            }
        }
    }

    /// Whether a file is the workspace's own: neither the standard library nor a file of
    /// a vendored library, which the author does not edit.
    fn is_own(&self, id: SourceId) -> bool {
        self.inputs
            .source(id)
            .is_some_and(|s| !s.builtin && !s.shared_library)
    }

    // --------------------------------------------------------------------- imports

    fn import_targets(resolution: &ImportResolution) -> Vec<SourceId> {
        match resolution {
            ImportResolution::File(id) => vec![*id],
            ImportResolution::Folder(list) => list.iter().map(|(_, id)| *id).collect(),
            ImportResolution::Failed { .. } => Vec::new(),
        }
    }

    fn check_imports(&mut self) {
        let inputs = self.inputs;
        for (i, source) in inputs.sources.iter().enumerate() {
            for (imp, resolution) in source.parse.file.imports().zip(&source.imports) {
                if let ImportResolution::Failed { message, help } = resolution {
                    self.error(
                        src(i),
                        imp.source.range,
                        "import",
                        message.clone(),
                        help.clone(),
                    );
                }
                for target in Self::import_targets(resolution) {
                    if inputs.source(target).is_none() {
                        self.error(
                            src(i),
                            imp.source.range,
                            "import",
                            "this import points to a file that was not loaded",
                            None,
                        );
                    }
                }
            }
        }
        // Cycles: depth-first search with colours; report the import that closes a cycle.
        let n = inputs.sources.len();
        let mut colour = vec![0u8; n];
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            let mut path: Vec<usize> = vec![start];
            colour[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                // (target, range of the import, whether the import names a folder)
                let edges: Vec<(usize, TextRange, bool)> = inputs.sources[node]
                    .parse
                    .file
                    .imports()
                    .zip(&inputs.sources[node].imports)
                    .flat_map(|(imp, res)| {
                        let folder = matches!(res, ImportResolution::Folder(_));
                        Self::import_targets(res)
                            .into_iter()
                            .map(move |t| (t.0 as usize, imp.source.range, folder))
                    })
                    .filter(|(t, ..)| *t < n)
                    .collect();
                if *next >= edges.len() {
                    colour[node] = 2;
                    stack.pop();
                    path.pop();
                    continue;
                }
                let (target, range, folder) = edges[*next];
                *next += 1;
                match colour[target] {
                    0 => {
                        colour[target] = 1;
                        stack.push((target, 0));
                        path.push(target);
                    }
                    // No third file to move anything into: the import itself is the slip.
                    1 if target == node => {
                        let (message, help) = if folder {
                            (
                                "this import includes this file itself: it names the folder the file is in",
                                "import the other files of the folder one by one, or move this file out of the folder",
                            )
                        } else {
                            (
                                "this file imports itself",
                                "remove this import: a file names its own term sets and rules without an alias (`my_terms`, not `alias.my_terms`)",
                            )
                        };
                        self.error(src(node), range, "import-cycle", message, Some(help.into()));
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == target).unwrap_or(0);
                        let mut names: Vec<String> = path[from..]
                            .iter()
                            .map(|&p| inputs.sources[p].path.clone())
                            .collect();
                        names.push(inputs.sources[target].path.clone());
                        self.error(
                            src(node),
                            range,
                            "import-cycle",
                            format!("import cycle: {}", names.join(" → ")),
                            Some(
                                "move what both files need into a third file that both import"
                                    .into(),
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    /// Each file's import depth: 0 for a root, one more than the nearest file importing
    /// it otherwise. A root that another root imports (`policies = ["policy"]` lists a
    /// folder, whose files import each other) counts as imported, so the file importing
    /// it wins over its `use` blocks as for any other import. Roots that only roots in a
    /// cycle import (the cycle is reported on its own) are roots again.
    fn compute_depths(&mut self) {
        let n = self.inputs.sources.len();
        let roots: Vec<usize> = self.inputs.roots.iter().map(|r| r.0 as usize).collect();
        // Files reached from a root through at least one import.
        let mut reached = vec![false; n];
        let mut queue: VecDeque<usize> = roots.iter().copied().collect();
        while let Some(node) = queue.pop_front() {
            for t in self.imports_of(node) {
                if !reached[t] {
                    reached[t] = true;
                    queue.push_back(t);
                }
            }
        }
        self.depth = vec![u32::MAX; n];
        let unimported = roots.iter().copied().filter(|&r| !reached[r]).collect();
        self.spread_depths(unimported);
        let left = roots
            .iter()
            .copied()
            .filter(|&r| self.depth[r] == u32::MAX)
            .collect();
        self.spread_depths(left);
    }

    /// Gives `seeds` depth 0 and the files they import, not yet given one, their distance.
    fn spread_depths(&mut self, seeds: Vec<usize>) {
        for &seed in &seeds {
            self.depth[seed] = 0;
        }
        let mut queue = VecDeque::from(seeds);
        while let Some(node) = queue.pop_front() {
            let d = self.depth[node];
            for t in self.imports_of(node) {
                if self.depth[t] == u32::MAX {
                    self.depth[t] = d + 1;
                    queue.push_back(t);
                }
            }
        }
    }

    /// The files that file `node` imports, as indices of `inputs.sources`.
    fn imports_of(&self, node: usize) -> Vec<usize> {
        let n = self.inputs.sources.len();
        self.inputs.sources.get(node).map_or(Vec::new(), |source| {
            source
                .imports
                .iter()
                .flat_map(Self::import_targets)
                .map(|t| t.0 as usize)
                .filter(|&t| t < n)
                .collect()
        })
    }

    // ------------------------------------------------------------ name resolution

    /// Resolves a dotted path to a term set or rule: `name` in this file, `alias.name`
    /// for an imported file, `alias.module.name` for an imported folder.
    fn resolve(&mut self, from: SourceId, path: &Path, kind: Kind) -> Option<(SourceId, &'a str)> {
        let found = self.resolve_name(from, path, kind)?;
        self.symbols.references.push(Reference {
            source: from,
            range: path.range,
            target: SymbolKey {
                source: found.0,
                kind: match kind {
                    Kind::Set => SymbolKind::TermSet,
                    Kind::Rule => SymbolKind::Rule,
                },
                name: found.1.to_string(),
            },
        });
        Some(found)
    }

    fn resolve_name(
        &mut self,
        from: SourceId,
        path: &Path,
        kind: Kind,
    ) -> Option<(SourceId, &'a str)> {
        let segments = &path.segments;
        let first = segments.first()?;
        if segments.len() == 1 {
            if let Some(name) = self.lookup(from, &first.text, kind) {
                return Some((from, name));
            }
            self.unknown_name(from, from, first, kind);
            return None;
        }
        let scope = &self.scopes[from.0 as usize];
        let Some(&(_, resolution)) = scope.aliases.get(&first.text) else {
            if self.qualified_id(from, path, kind) {
                return None;
            }
            let scope = &self.scopes[from.0 as usize];
            let aliases: Vec<String> = scope.aliases.keys().cloned().collect();
            let nearest = nearest_name(&first.text, aliases.iter().map(String::as_str));
            let help = match &nearest {
                Some(name) => Some(format!(
                    "{} To use another file's names, `import` it first.",
                    did_you_mean_text(name)
                )),
                None if aliases.is_empty() => Some(format!(
                    "import the policy that defines it, e.g. `import \"std/healthcare\" as {}`",
                    first.text
                )),
                None => Some(format!("imports in this file: {}", sorted_join(&aliases))),
            };
            self.error(
                from,
                first.range,
                "unknown-name",
                format!("there is no import named `{}`", first.text),
                help,
            );
            self.replacement(nearest);
            return None;
        };
        let last = segments.last()?;
        let target = match resolution {
            ImportResolution::Failed { .. } => return None,
            ImportResolution::File(id) => {
                if segments.len() != 2 {
                    if self.qualified_id(from, path, kind) {
                        return None;
                    }
                    // `priv.privacy.client-story` where `priv` is the privacy file.
                    let meant = self
                        .lookup(*id, &last.text, kind)
                        .map(|name| format!("{}.{name}", first.text));
                    self.error(
                        from,
                        path.range,
                        "unknown-name",
                        format!(
                            "`{}` imports a single file; write `{}.NAME`",
                            first.text, first.text
                        ),
                        meant.as_deref().map(did_you_mean_text),
                    );
                    self.replacement(meant);
                    return None;
                }
                *id
            }
            ImportResolution::Folder(modules) => {
                if segments.len() < 3 {
                    self.folder_needs_module(from, path, modules, kind);
                    return None;
                }
                let module: Vec<&str> = segments[1..segments.len() - 1]
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect();
                let module = module.join(".");
                let Some((_, id)) = modules.iter().find(|(m, _)| m.replace('/', ".") == module)
                else {
                    if self.qualified_id(from, path, kind) {
                        return None;
                    }
                    let names: Vec<String> =
                        modules.iter().map(|(m, _)| m.replace('/', ".")).collect();
                    let range = TextRange::new(
                        segments[1].range.start(),
                        segments[segments.len() - 2].range.end(),
                    );
                    let nearest = nearest_name(&module, names.iter().map(String::as_str));
                    let help = nearest.as_deref().map(did_you_mean_text).or_else(|| {
                        Some(format!("files in `{}`: {}", first.text, names.join(", ")))
                    });
                    self.error(
                        from,
                        range,
                        "unknown-name",
                        format!("`{}` has no policy file `{module}`", first.text),
                        help,
                    );
                    self.replacement(nearest);
                    return None;
                };
                *id
            }
        };
        if let Some(name) = self.lookup(target, &last.text, kind) {
            return Some((target, name));
        }
        if self.failed_to_parse(target, &last.text, kind) {
            return None;
        }
        // `hc.advice.client-story` where another file of the folder has it.
        if let ImportResolution::Folder(modules) = resolution {
            let elsewhere: Vec<String> = modules
                .iter()
                .filter(|(_, id)| self.lookup(*id, &last.text, kind).is_some())
                .map(|(m, _)| format!("{}.{}.{}", first.text, m.replace('/', "."), last.text))
                .collect();
            if let [one] = elsewhere.as_slice() {
                let place = &self.inputs.sources[target.0 as usize].path;
                self.error(
                    from,
                    path.range,
                    "unknown-name",
                    format!(
                        "there is no {} named `{}` in {place}",
                        kind.noun(),
                        last.text
                    ),
                    Some(did_you_mean_text(one)),
                );
                self.replacement(Some(one.clone()));
                return None;
            }
        }
        self.unknown_name(from, target, last, kind);
        None
    }

    /// `disable hc.privacy.client-story` in a file that imported the library under
    /// another alias (or named it by a library's policy name): the path is the id of a
    /// rule or set that this file can see, but a file names what it imports through the
    /// import's alias, as `use` does. Reports the spelling this file must use and returns
    /// true, or returns false when the path is no such id.
    fn qualified_id(&mut self, from: SourceId, path: &Path, kind: Kind) -> bool {
        let Some((last, policy)) = path.segments.split_last() else {
            return false;
        };
        let policy = policy
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let name = last.text.as_str();
        let defines = |id: SourceId| {
            self.scopes
                .get(id.0 as usize)
                .is_some_and(|s| s.policy.as_deref() == Some(policy.as_str()))
                && self.lookup(id, name, kind).is_some()
        };
        let spelling = if defines(from) {
            Some(name.to_string())
        } else {
            // In the order of the imports, so that the suggestion does not change between
            // runs when two imports reach the file.
            let mut aliases: Vec<(&String, &ImportResolution, TextRange)> = self.scopes
                [from.0 as usize]
                .aliases
                .iter()
                .map(|(alias, (imp, res))| (alias, *res, imp.range))
                .collect();
            aliases.sort_by_key(|(.., range)| range.start());
            aliases.iter().find_map(|(alias, res, _)| match res {
                ImportResolution::File(id) if defines(*id) => Some(format!("{alias}.{name}")),
                ImportResolution::Folder(modules) => modules
                    .iter()
                    .find(|(_, id)| defines(*id))
                    .map(|(m, _)| format!("{alias}.{}.{name}", m.replace('/', "."))),
                _ => None,
            })
        };
        let Some(spelling) = spelling else {
            return false;
        };
        let dotted = path.dotted();
        let (message, help) = if spelling == name {
            (
                format!(
                    "`{dotted}` is the id of this file's own {}; here it is `{name}`",
                    kind.noun()
                ),
                format!(
                    "a file names its own {}s without its policy name: write `{name}`",
                    kind.noun()
                ),
            )
        } else {
            let alias = spelling.split('.').next().unwrap_or_default();
            (
                format!(
                    "`{dotted}` is the {}'s id; this file names it `{spelling}`",
                    kind.noun()
                ),
                format!(
                    "a file names what it imports through the import's alias (`{alias}`), whatever the policy is called: write `{spelling}`"
                ),
            )
        };
        self.error(from, path.range, "unknown-name", message, Some(help));
        self.replacement(Some(spelling));
        true
    }

    /// `hc.client-story` where `hc` imports a folder: the name lacks its file. Suggests
    /// the file that defines it (`hc.privacy.client-story`), or the files that do, or the
    /// closest name any file defines.
    fn folder_needs_module(
        &mut self,
        from: SourceId,
        path: &Path,
        modules: &[(String, SourceId)],
        kind: Kind,
    ) {
        let (Some(alias), Some(name)) = (path.segments.first(), path.segments.last()) else {
            return;
        };
        let (alias, name) = (&alias.text, &name.text);
        let module_name = |m: &str| m.replace('/', ".");
        let defining: Vec<String> = modules
            .iter()
            .filter(|(_, id)| self.lookup(*id, name, kind).is_some())
            .map(|(m, _)| format!("{alias}.{}.{name}", module_name(m)))
            .collect();
        let message = format!("`{alias}` imports a folder of policies; name the file too");
        let files = modules
            .iter()
            .map(|(m, _)| module_name(m))
            .collect::<Vec<_>>()
            .join(", ");
        match defining.as_slice() {
            [one] => {
                self.error(
                    from,
                    path.range,
                    "unknown-name",
                    message,
                    Some(did_you_mean_text(one)),
                );
                self.replacement(Some(one.clone()));
            }
            [] => {
                // Every name of this kind in the folder, spelt as this file would write it.
                let mut spelt: Vec<(String, String)> = Vec::new();
                for (m, id) in modules {
                    let Some(scope) = self.scopes.get(id.0 as usize) else {
                        continue;
                    };
                    let names: Vec<&str> = match kind {
                        Kind::Set => scope.sets.keys().copied().collect(),
                        Kind::Rule => scope.rules.keys().copied().collect(),
                    };
                    for n in names {
                        spelt.push((n.to_string(), format!("{alias}.{}.{n}", module_name(m))));
                    }
                }
                let nearest = nearest_name(name, spelt.iter().map(|(n, _)| n.as_str()))
                    .and_then(|n| spelt.iter().find(|(m, _)| *m == n))
                    .map(|(_, full)| full.clone());
                let help = match &nearest {
                    Some(full) => did_you_mean_text(full),
                    None => format!(
                        "no file in it has a {} named `{name}`; files in it: {files}",
                        kind.noun()
                    ),
                };
                self.error(
                    from,
                    path.range,
                    "unknown-name",
                    format!("{message}: `{alias}.FILE.{name}`"),
                    Some(help),
                );
                self.replacement(nearest);
            }
            several => self.error(
                from,
                path.range,
                "unknown-name",
                format!("{message}: `{alias}.FILE.{name}`"),
                Some(format!(
                    "several files in it have a {} named `{name}`: {}",
                    kind.noun(),
                    several.join(", ")
                )),
            ),
        }
    }

    fn lookup(&self, file: SourceId, name: &str, kind: Kind) -> Option<&'a str> {
        let scope = self.scopes.get(file.0 as usize)?;
        match kind {
            Kind::Set => scope.sets.get_key_value(name).map(|(k, _)| *k),
            Kind::Rule => scope.rules.get_key_value(name).map(|(k, _)| *k),
        }
    }

    /// Whether `file` tried to define `name` as a `kind` in an item that did not parse.
    fn failed_to_parse(&self, file: SourceId, name: &str, kind: Kind) -> bool {
        self.scopes
            .get(file.0 as usize)
            .is_some_and(|s| s.failed.contains(&(kind, name)))
    }

    /// What to write for a name that is nothing like any defined: the names of that kind
    /// (`place` is " in FILE" for another file's), or how to define one.
    fn names_to_write(names: &[&str], kind: Kind, place: &str, own: bool) -> String {
        /// Enough to pick from; a long list would hide the message.
        const SHOWN: usize = 12;
        let noun = kind.noun();
        let place = if place.is_empty() {
            " in this file"
        } else {
            place
        };
        if names.is_empty() {
            return match (kind, own) {
                (Kind::Set, true) => "define it with `terms NAME = [\"...\"]`".into(),
                (Kind::Rule, true) => "define it with `rule NAME { flag when ... }`".into(),
                (_, false) => format!("there are no {noun}s{place}"),
            };
        }
        let mut sorted = names.to_vec();
        sorted.sort_unstable();
        let more = sorted.len().saturating_sub(SHOWN);
        sorted.truncate(SHOWN);
        let list = sorted.join(", ");
        if more > 0 {
            format!("{noun}s{place}: {list} and {more} more")
        } else {
            format!("{noun}s{place}: {list}")
        }
    }

    fn unknown_name(&mut self, from: SourceId, target: SourceId, name: &Name, kind: Kind) {
        // The item's own syntax error is the one to show.
        if self.failed_to_parse(target, &name.text, kind) {
            return;
        }
        let scope = &self.scopes[target.0 as usize];
        let (same, other): (Vec<&str>, Vec<&str>) = match kind {
            Kind::Set => (
                scope.sets.keys().copied().collect(),
                scope.rules.keys().copied().collect(),
            ),
            Kind::Rule => (
                scope.rules.keys().copied().collect(),
                scope.sets.keys().copied().collect(),
            ),
        };
        let place = if from == target {
            String::new()
        } else {
            format!(" in {}", self.inputs.sources[target.0 as usize].path)
        };
        if other.contains(&name.text.as_str()) {
            let other_kind = if kind == Kind::Set {
                Kind::Rule
            } else {
                Kind::Set
            };
            self.error(
                from,
                name.range,
                "wrong-kind",
                format!(
                    "`{}` is a {}, not a {}",
                    name.text,
                    other_kind.noun(),
                    kind.noun()
                ),
                Some(match kind {
                    Kind::Set => "conditions match term sets, not rules: name a `terms` set here, or define one with `terms NAME = [\"...\"]`".into(),
                    Kind::Rule => "`use` and `disable` name a rule: to change a term set, write `extend NAME += [\"...\"]`".into(),
                }),
            );
            return;
        }
        // A name may hold `-`, so `a-b` is one name: meant as `a - b` (the matches of `a`
        // that are not matches of `b`) when its pieces are sets of the file.
        let subtraction =
            "is a single name; to take one set's matches out of another's, put spaces around `-`";
        let message = format!("there is no {} named `{}`{place}", kind.noun(), name.text);
        let pieces: Vec<&str> = name.text.split('-').collect();
        let set_here = kind == Kind::Set && from == target;
        if set_here && pieces.len() > 1 && pieces.iter().all(|p| same.contains(p)) {
            let spaced = pieces.join(" - ");
            let help = format!("`{}` {subtraction}: `{spaced}`", name.text);
            self.error(from, name.range, "unknown-name", message, Some(help));
            self.replacement(Some(spaced));
            return;
        }
        let nearest = nearest_name(&name.text, same.iter().copied());
        let help = match &nearest {
            Some(nearest) => did_you_mean_text(nearest),
            None if set_here && pieces.len() > 1 => format!("`{}` {subtraction}", name.text),
            None => Self::names_to_write(&same, kind, &place, from == target),
        };
        self.error(from, name.range, "unknown-name", message, Some(help));
        self.replacement(nearest);
    }

    // --------------------------------------------------- extend, use and disable

    fn collect_adjustments(&mut self) {
        let inputs = self.inputs;
        for (i, source) in inputs.sources.iter().enumerate() {
            let id = src(i);
            for item in &source.parse.file.items {
                match item {
                    Item::Extend(ext) => {
                        if let Some((file, name)) = self.resolve(id, &ext.target, Kind::Set) {
                            self.extends
                                .entry((file, name.to_string()))
                                .or_default()
                                .push((id, ext));
                        }
                    }
                    Item::Use(u) => {
                        if let Some((file, name)) = self.resolve(id, &u.target, Kind::Rule) {
                            let depth = self.depth.get(i).copied().unwrap_or(u32::MAX);
                            self.overrides
                                .entry((file, name.to_string()))
                                .or_default()
                                .push(Override {
                                    depth,
                                    source: id,
                                    decl: u,
                                });
                        }
                    }
                    Item::Disable(d) => {
                        let Some(reason) = &d.reason else {
                            self.error(
                                id,
                                d.range,
                                "disable-reason",
                                format!("`disable {}` needs a reason", d.target.dotted()),
                                Some(format!("write `disable {} because \"why this rule does not apply here\"`; the reason is shown in audits", d.target.dotted())),
                            );
                            continue;
                        };
                        if reason.value.trim().is_empty() {
                            self.error(id, reason.range, "disable-reason", "the reason for `disable` is empty", Some("say why the rule does not apply; the reason is shown in audits".into()));
                            continue;
                        }
                        if let Some((file, name)) = self.resolve(id, &d.target, Kind::Rule) {
                            let earlier = self.disables.insert(
                                (file, name.to_string()),
                                Disable {
                                    source: id,
                                    decl: d,
                                },
                            );
                            // Only one reason reaches the audit: say which.
                            if let Some(earlier) = earlier {
                                self.warning(
                                    id,
                                    d.range,
                                    "duplicate",
                                    format!("`{}` is disabled twice; the audit shows this reason, not the other", d.target.dotted()),
                                    Some("keep one `disable` with the reason that holds".into()),
                                );
                                self.label(
                                    earlier.source,
                                    earlier.decl.range,
                                    "also disabled here",
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Warns where two files imported at the same depth (siblings, neither importing the
    /// other), two `use` blocks of one file, or one block twice, set a rule's severity or
    /// one of its parameters to different values: the later one wins, which nothing else
    /// would tell the author. Not where a file nearer the root sets the same thing: its
    /// value wins over all of theirs.
    ///
    /// Only the settings in `applied` (their file and clause) take part: one refused (a
    /// value of another kind than its parameter's, a parameter the rule does not have, a
    /// lock) is an error where the overrides were applied, and wins nothing.
    fn warn_sibling_conflicts(
        &mut self,
        id: &str,
        overrides: &[Override<'_>],
        applied: &[(SourceId, TextRange)],
    ) {
        // What each `use` sets, as (what, value as written, value to compare, range), in
        // winning order: `5` and `5.0` (or `"a"` and `"\u{61}"`) set the same value.
        let settings = |o: &Override<'_>| -> Vec<(String, String, String, TextRange)> {
            let text = self.inputs.source(o.source).map_or("", |s| &*s.text);
            o.decl
                .items
                .iter()
                .filter(|item| match item {
                    UseItem::Severity(sev) => applied.contains(&(o.source, sev.range)),
                    UseItem::Assign { range, .. } => applied.contains(&(o.source, *range)),
                    UseItem::Example(_) => false,
                })
                .filter_map(|item| match item {
                    UseItem::Severity(sev) => {
                        let level = sev.level.value.as_str().to_string();
                        Some(("severity".to_string(), level.clone(), level, sev.range))
                    }
                    UseItem::Assign {
                        name,
                        add: false,
                        value,
                        range,
                    } => {
                        let written = decorum_text::slice(text, value.range()).to_string();
                        let compared = match value {
                            Value::Number(n) => format!("number {}", n.value),
                            Value::Percent(p) => format!("percent {}", p.value),
                            Value::Bool(b) => format!("bool {}", b.value),
                            Value::Str(s) => format!("string {}", s.value),
                            Value::Terms(_) => format!("terms {written}"),
                        };
                        Some((
                            format!("parameter `{}`", name.text),
                            written,
                            compared,
                            *range,
                        ))
                    }
                    _ => None,
                })
                .collect()
        };
        // Worked out once per `use`, then compared pairwise.
        let all: Vec<_> = overrides.iter().map(settings).collect();
        let mut warnings = Vec::new();
        let beside =
            "set it in one place, or in the file that imports both, whose `use` wins over theirs";
        let once = "set it once: only the last value counts";
        // Whether a file nearer the root sets `what` too: its value is the one in force,
        // so which of the farther values would win is moot and warns of nothing.
        let decided_nearer = |i: usize, what: &str| {
            overrides.iter().zip(&all).any(|(o, settings)| {
                o.depth < overrides[i].depth && settings.iter().any(|(w, ..)| w == what)
            })
        };
        for (i, later) in overrides.iter().enumerate() {
            // The same setting twice in one block (`share = 20% share = 30%`).
            for (k, (what, value, compared, range)) in all[i].iter().enumerate() {
                if decided_nearer(i, what) {
                    continue;
                }
                let clash = all[i][..k]
                    .iter()
                    .rev()
                    .find(|(w, ..)| w == what)
                    .filter(|(_, _, c, _)| c != compared);
                if let Some((_, earlier_value, _, earlier_range)) = clash {
                    warnings.push((
                        later.source,
                        *range,
                        format!("`{id}`: its {what} is set to `{value}` here and to `{earlier_value}` earlier in this block; this value wins, as the later one"),
                        later.source,
                        *earlier_range,
                        once,
                    ));
                }
            }
            // Against the earlier blocks at the same depth: the nearest earlier block of
            // the same file, and every sibling file's (the last setting of the same thing
            // in each). Of a block's settings of one thing, the last is the one in force;
            // the others were compared with it above.
            for (k, (what, value, compared, range)) in all[i].iter().enumerate() {
                if all[i][k + 1..].iter().any(|(w, ..)| w == what) || decided_nearer(i, what) {
                    continue;
                }
                let mut same_file_seen = false;
                for j in (0..i).rev() {
                    let earlier = &overrides[j];
                    if earlier.depth != later.depth {
                        continue;
                    }
                    let same_file = earlier.source == later.source;
                    if same_file && same_file_seen {
                        continue;
                    }
                    let Some((_, earlier_value, earlier_compared, earlier_range)) =
                        all[j].iter().rev().find(|(w, ..)| w == what)
                    else {
                        continue;
                    };
                    same_file_seen |= same_file;
                    if earlier_compared == compared {
                        continue;
                    }
                    let (message, help) = if same_file {
                        (
                            format!(
                                "`{id}`: its {what} is set to `{value}` here and to `{earlier_value}` in an earlier `use` of this file; this value wins, as the later one"
                            ),
                            once,
                        )
                    } else {
                        (
                            format!(
                                "`{id}`: its {what} is set to `{value}` here and to `{earlier_value}` in a file imported beside this one; this value wins, as the later import"
                            ),
                            beside,
                        )
                    };
                    warnings.push((
                        later.source,
                        *range,
                        message,
                        earlier.source,
                        *earlier_range,
                        help,
                    ));
                }
            }
        }
        for (source, range, message, other, other_range, help) in warnings {
            self.warning(source, range, "use-conflict", message, Some(help.into()));
            self.label(other, other_range, "also set here");
        }
    }

    // ------------------------------------------------------------------- term sets

    /// The compiled set for a named `terms` declaration, including every `extend` of it.
    /// `used_at` is the reference being compiled (its file and range), where a cycle is
    /// reported: an `extend` in another file can close the cycle.
    fn named_set(
        &mut self,
        file: SourceId,
        name: &str,
        used_at: (SourceId, TextRange),
    ) -> Option<SetId> {
        let key = (file, name.to_string());
        match self.named.get(&key) {
            Some(SetState::Done(id)) => return Some(*id),
            Some(SetState::Failed) => return None,
            Some(SetState::InProgress) => {
                self.error(
                    used_at.0,
                    used_at.1,
                    "set-cycle",
                    format!("the term set `{name}` is defined in terms of itself"),
                    Some("a set cannot include itself, directly or through other sets".into()),
                );
                // Every `extend` begun while this set was in progress is part of the
                // cycle (but for the one holding the reference, which the error shows).
                let from = self.set_stack.iter().position(|k| *k == key).unwrap_or(0);
                let through: Vec<(SourceId, TextRange)> = self
                    .extending
                    .iter()
                    .filter(|(depth, ..)| *depth > from)
                    .map(|&(_, ext_file, ext_range)| (ext_file, ext_range))
                    .filter(|&(ext_file, ext_range)| {
                        ext_file != used_at.0 || !ext_range.contains_range(used_at.1)
                    })
                    .collect();
                for (ext_file, ext_range) in through {
                    self.label(ext_file, ext_range, "the cycle goes through this `extend`");
                }
                self.named.insert(key, SetState::Failed);
                return None;
            }
            None => {}
        }
        let decl = self.scopes[file.0 as usize].sets.get(name).copied()?;
        self.named.insert(key.clone(), SetState::InProgress);
        self.set_stack.push(key.clone());
        let mut opts = LeafOptions::default();
        let mut negated = false;
        let mut quoted = false;
        let mut allow = None;
        for opt in &decl.options {
            match opt {
                TermOption::Masked(_) => opts.masked = true,
                TermOption::CaseSensitive(_) => opts.case_sensitive = true,
                TermOption::UnlessNegated(_) => negated = true,
                TermOption::UnlessQuoted(_) => quoted = true,
                TermOption::Allow(expr, _) => allow = Some(expr),
            }
        }
        if opts.masked && opts.case_sensitive {
            if let Some(r) = decl.options.iter().find_map(|o| match o {
                TermOption::CaseSensitive(r) => Some(*r),
                _ => None,
            }) {
                self.error(
                    file,
                    r,
                    "options",
                    "a set cannot be both `masked` and `case-sensitive`",
                    Some("masked forms have no case to keep; drop one of the options".into()),
                );
            }
        }
        let empty = HashMap::new();
        let mut node = self.compile_terms(file, &empty, &decl.expr, opts);
        let extensions = self.extends.get(&key).cloned().unwrap_or_default();
        for (ext_file, ext) in extensions {
            self.extending
                .push((self.set_stack.len(), ext_file, ext.range));
            let extra = self.compile_terms(ext_file, &empty, &ext.expr, opts);
            self.extending.pop();
            let Some(extra) = extra else {
                continue;
            };
            self.applied_extensions.push(AppliedExtension {
                source: ext_file,
                range: ext.range,
                extra,
                remove: ext.remove,
            });
            let policy = self.scopes[file.0 as usize]
                .policy
                .clone()
                .unwrap_or_default();
            let terms = self
                .inputs
                .source(ext_file)
                .map(|src| decorum_text::slice(&src.text, ext.expr.range()).to_string())
                .unwrap_or_default();
            self.audit.extends.push(ExtendRecord {
                set: format!("{policy}.{name}"),
                remove: ext.remove,
                terms,
                source: ext_file,
                range: ext.range,
            });
            node = node.map(|base| {
                if ext.remove {
                    self.arena.add_node(SetNode::Diff(base, extra))
                } else {
                    self.arena.add_node(SetNode::Union(vec![base, extra]))
                }
            });
        }
        if let (Some(base), Some(allow)) = (node, allow) {
            let allow_opts = LeafOptions {
                masked: false,
                case_sensitive: opts.case_sensitive,
            };
            node = self
                .compile_terms(file, &empty, allow, allow_opts)
                .map(|a| self.arena.add_node(SetNode::Diff(base, a)));
        }
        if negated {
            node = node.map(|n| self.arena.add_node(SetNode::Unnegated(n)));
        }
        if quoted {
            node = node.map(|n| self.arena.add_node(SetNode::Unquoted(n)));
        }
        let state = match node {
            Some(id) => SetState::Done(id),
            None => SetState::Failed,
        };
        self.named.insert(key, state);
        self.set_stack.pop();
        node
    }

    /// Compiles a term expression written in `file`. Names refer to the rule's term-set
    /// parameters first, then to sets.
    fn compile_terms(
        &mut self,
        file: SourceId,
        params: &HashMap<String, ParamValue>,
        expr: &TermExpr,
        opts: LeafOptions,
    ) -> Option<SetId> {
        match expr {
            TermExpr::List(list) => {
                let mut patterns = Vec::new();
                for term in &list.terms {
                    if let Some(p) = self.compile_term(file, term, opts) {
                        patterns.push(p);
                    }
                }
                Some(self.arena.add_node(SetNode::Leaf(patterns)))
            }
            TermExpr::Ref(path) => {
                if path.segments.len() == 1
                    && let Some(value) = params.get(&path.segments[0].text)
                {
                    return match value {
                        ParamValue::Terms(id) => Some(*id),
                        other => {
                            self.error(
                                file,
                                path.range,
                                "type",
                                format!(
                                    "the parameter `{}` is {}, not a term set",
                                    path.dotted(),
                                    other.kind_name()
                                ),
                                Some(format!("a term set is needed here: give `{}` a list of terms, e.g. `param {} = [\"...\"]`, or name a `terms` set", path.dotted(), path.dotted())),
                            );
                            None
                        }
                    };
                }
                if path.segments.len() == 1 && self.failed_params.contains(&path.segments[0].text) {
                    return None;
                }
                let (target, name) = self.resolve(file, path, Kind::Set)?;
                self.named_set(target, name, (file, path.range))
            }
            TermExpr::Binary { op, lhs, rhs, .. } => {
                let l = self.compile_terms(file, params, lhs, opts);
                let r = self.compile_terms(file, params, rhs, opts);
                let (l, r) = (l?, r?);
                Some(self.arena.add_node(match op {
                    SetOp::Union => SetNode::Union(vec![l, r]),
                    SetOp::Difference => SetNode::Diff(l, r),
                }))
            }
        }
    }

    fn compile_term(&mut self, file: SourceId, term: &Term, opts: LeafOptions) -> Option<u32> {
        let replacement = term.replacement.as_ref().map(|r| r.value.clone());
        let kind = match &term.pattern {
            TermPattern::Phrase(s) => {
                let norm = decorum_draft::normalize_str(&s.value);
                let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
                if norm.is_empty() {
                    self.error(
                        file,
                        s.range,
                        "empty-term",
                        "this term is empty, so it would never match",
                        Some("remove it, or write the word or phrase to match".into()),
                    );
                    return None;
                }
                if opts.masked {
                    PatternKind::Masked { norm }
                } else {
                    let exact = opts.case_sensitive.then(|| s.value.clone());
                    PatternKind::Phrase { norm, exact }
                }
            }
            TermPattern::Regex(re) => {
                if !self.check_regex(file, re) {
                    return None;
                }
                PatternKind::Regex {
                    source: re.pattern.clone(),
                    flags: re.flags.clone(),
                }
            }
        };
        Some(self.arena.add_pattern(Pattern { kind, replacement }))
    }

    /// Validates a regex literal, pointing inside it on error.
    fn check_regex(&mut self, file: SourceId, re: &RegexLit) -> bool {
        for (i, flag) in re.flags.char_indices() {
            if !matches!(flag, 'i' | 'm' | 's' | 'x' | 'u') {
                let at = re.range.end() - TextSize::from((re.flags.len() - i) as u32);
                self.error(
                    file,
                    TextRange::at(at, TextSize::from(flag.len_utf8() as u32)),
                    "regex",
                    format!("unknown regex flag `{flag}`"),
                    Some("flags are i (ignore case), m (multi-line), s (dot matches newline), x (verbose), u (Unicode, always on)".into()),
                );
                return false;
            }
        }
        let mut parser = regex_syntax::ast::parse::ParserBuilder::new()
            .ignore_whitespace(re.flags.contains('x'))
            .build();
        if let Err(err) = parser.parse(&re.pattern) {
            {
                let span = err.span();
                let start = body_offset(re, span.start.offset);
                let end = body_offset(re, span.end.offset).max(start);
                let range = TextRange::new(
                    re.body_range.start() + size(start),
                    re.body_range.start()
                        + size(
                            end.max(start + 1)
                                .min(u32::from(re.body_range.len()) as usize),
                        ),
                );
                self.error(
                    file,
                    range,
                    "regex",
                    format!("invalid regex: {}", err.kind()),
                    Some(
                        "regexes use Rust's syntax (https://docs.rs/regex); escape `/` as `\\/`"
                            .into(),
                    ),
                );
                return false;
            }
        }
        match validate_regex(&re.pattern, &re.flags) {
            Err(message) => {
                let short = message
                    .lines()
                    .last()
                    .unwrap_or(&message)
                    .trim()
                    .to_string();
                self.error(
                    file,
                    re.range,
                    "regex",
                    format!("invalid regex: {short}"),
                    None,
                );
                false
            }
            Ok(matches_empty) => {
                if matches_empty {
                    self.error(
                        file,
                        re.range,
                        "regex",
                        "this regex can match empty text, so it would flag every position",
                        Some("require at least one character, e.g. use `+` instead of `*`".into()),
                    );
                    return false;
                }
                true
            }
        }
    }

    // ----------------------------------------------------------------------- rules

    fn compile_rule(&mut self, file: SourceId, rule: &'a RuleDecl) {
        let inputs = self.inputs;
        let policy = self.scopes[file.0 as usize]
            .policy
            .clone()
            .unwrap_or_default();
        let id = format!("{policy}.{}", rule.name.text);
        self.all_rule_ids.push(id.clone());
        let key: RuleKey = (file, rule.name.text.clone());

        // Clauses that may appear once.
        let mut seen: HashMap<&'static str, TextRange> = HashMap::new();
        let mut trigger = None;
        for clause in &rule.clauses {
            let once = match clause {
                RuleClause::Severity(_) => Some("severity"),
                RuleClause::Text(kind, _) => Some(kind.keyword()),
                RuleClause::Trigger(_) => Some("flag when"),
                _ => None,
            };
            if let Some(word) = once {
                if let Some(first) = seen.get(word) {
                    let first = *first;
                    let (msg, help) = if word == "flag when" {
                        (
                            "a rule has one `flag when` or `when ... require` clause".to_string(),
                            "combine conditions with `or`, or write a second rule",
                        )
                    } else {
                        (
                            format!("a rule has one `{word}` clause"),
                            "remove one of them",
                        )
                    };
                    self.error(file, clause.range(), "duplicate", msg, Some(help.into()));
                    self.label(file, first, "first one here");
                } else {
                    seen.insert(word, clause.range());
                }
            }
            if let RuleClause::Trigger(t) = clause
                && trigger.is_none()
            {
                trigger = Some(t);
            }
        }
        let Some(trigger) = trigger else {
            self.error(
                file,
                rule.name.range,
                "no-trigger",
                format!(
                    "the rule `{}` never fires: it has no `flag when` clause",
                    rule.name.text
                ),
                Some("add `flag when CONDITION`, e.g. `flag when contains my_terms`".into()),
            );
            return;
        };
        let flag = match trigger {
            Trigger::Flag { kind, .. } => Some(*kind),
            Trigger::Require { .. } => None,
        };
        let (batch, once) = (flag == Some(FlagKind::Batch), flag == Some(FlagKind::Once));

        // Parameters: defaults, then overrides from the deepest importer to the root.
        let mut params: HashMap<String, ParamValue> = HashMap::new();
        self.overridden_params.clear();
        let mut param_ranges: HashMap<String, TextRange> = HashMap::new();
        self.failed_params.clear();
        for p in rule.params() {
            if let Some(first) = param_ranges.get(&p.name.text) {
                let first = *first;
                self.error(
                    file,
                    p.name.range,
                    "duplicate",
                    format!("the parameter `{}` is declared twice", p.name.text),
                    Some(format!("keep one `param {}` (a rule has one value for each parameter), or give the second another name", p.name.text)),
                );
                self.label(file, first, "first declared here");
                continue;
            }
            if Field::by_name(&p.name.text).is_some() {
                self.error(
                    file,
                    p.name.range,
                    "reserved",
                    format!(
                        "`{}` is a post field; a parameter cannot use its name",
                        p.name.text
                    ),
                    Some(format!(
                        "give the parameter another name, e.g. `max_{}`, and use that name in the rule",
                        p.name.text
                    )),
                );
                self.failed_params.push(p.name.text.clone());
                continue;
            }
            let empty = HashMap::new();
            if let Some(v) = self.param_value(file, &empty, &p.value) {
                params.insert(p.name.text.clone(), v);
                param_ranges.insert(p.name.text.clone(), p.name.range);
            } else {
                self.failed_params.push(p.name.text.clone());
            }
        }

        // Severity.
        let own = rule.severity();
        let default_level = own.map(|s| s.level.value).unwrap_or(Severity::Warning);
        let locked = own.is_some_and(|s| s.locked.is_some());
        let mut severity = default_level;
        let mut origin = SeverityOrigin::Default {
            source: file,
            range: own.map(|s| s.range).unwrap_or(rule.name.range),
        };
        let mut overrides = self.overrides.remove(&key).unwrap_or_default();
        overrides.sort_by_key(|o| std::cmp::Reverse(o.depth));
        // The sibling conflicts are reported ahead of what applying the overrides finds
        // (moved there below), among the settings that were applied.
        let conflicts_at = self.problems.len();
        let recorded = self.audit.overrides.len();
        // Where the rule was locked, and at which severity: by its own `locked`, or by a
        // `use ... { severity LEVEL locked }` in a file between it and the root, which
        // binds the files nearer the root (the overrides come in that order).
        let mut lock: Option<(Severity, SourceId, TextRange)> = locked.then(|| {
            let at = own.and_then(|s| s.locked).unwrap_or(rule.name.range);
            (default_level, file, at)
        });
        for o in &overrides {
            // A file's own lock does not bind the rest of its `use` block, and a lock
            // set by a `use` binds only files nearer the root: not a sibling at the same
            // depth, whose `use` may come before or after it in import order (the two
            // are then a `use-conflict`, the later one winning, whatever the order).
            let depth_of = |id: SourceId| self.depth.get(id.0 as usize).copied();
            let binding = lock.filter(|&(_, by, _)| {
                by != o.source && (by == file || depth_of(o.source) < depth_of(by))
            });
            for item in &o.decl.items {
                match item {
                    // Collected with the rule's own examples below.
                    UseItem::Example(_) => {}
                    UseItem::Severity(s) => {
                        if let Some((floor, by, at)) = binding
                            && s.level.value < floor
                        {
                            self.error(
                                o.source,
                                s.level.range,
                                "locked",
                                format!("`{id}` is locked at `{}`; it cannot be lowered to `{}`", floor.as_str(), s.level.value.as_str()),
                                Some("a locked rule can be raised but not lowered or disabled; to exempt one draft, add a waiver comment with a reason".into()),
                            );
                            self.label(by, at, "locked here");
                            continue;
                        }
                        self.audit.overrides.push(OverrideRecord {
                            rule: id.clone(),
                            change: OverrideChange::Severity {
                                from: severity,
                                to: s.level.value,
                                locked: s.locked,
                            },
                            source: o.source,
                            range: s.range,
                        });
                        severity = s.level.value;
                        if let Some(at) = s.locked {
                            lock = Some((severity, o.source, at));
                        }
                        origin = SeverityOrigin::Override {
                            source: o.source,
                            range: s.range,
                        };
                    }
                    UseItem::Assign {
                        name,
                        add,
                        value,
                        range,
                    } => {
                        // Whether a new value loosens the rule or tightens it depends on
                        // how the rule uses it (a threshold, a list of flagged words, an
                        // allowlist), so a locked rule keeps its parameters.
                        if let Some((_, by, at)) = binding
                            && params.contains_key(&name.text)
                        {
                            self.error(
                                o.source,
                                *range,
                                "locked",
                                format!("`{id}` is locked; its parameter `{}` cannot be changed", name.text),
                                Some("a locked rule can be raised but not otherwise changed; to exempt one draft, add a waiver comment with a reason".into()),
                            );
                            self.label(by, at, "locked here");
                            continue;
                        }
                        let Some(current) = params.get(&name.text).cloned() else {
                            if self.failed_params.contains(&name.text) {
                                continue;
                            }
                            let names: Vec<&str> =
                                param_ranges.keys().map(String::as_str).collect();
                            let nearest = nearest_name(&name.text, names.iter().copied());
                            let help = nearest.as_deref().map(did_you_mean_text).or_else(|| {
                                Some(if names.is_empty() {
                                    format!("`{id}` has no parameters")
                                } else {
                                    format!("its parameters: {}", sorted_join(&names))
                                })
                            });
                            self.error(
                                o.source,
                                name.range,
                                "unknown-name",
                                format!("`{id}` has no parameter `{}`", name.text),
                                help,
                            );
                            self.replacement(nearest);
                            continue;
                        };
                        let empty = HashMap::new();
                        let Some(new) = self.param_value(o.source, &empty, value) else {
                            continue;
                        };
                        let same_kind =
                            std::mem::discriminant(&current) == std::mem::discriminant(&new);
                        if !same_kind {
                            let help = match (&current, &new) {
                                // `0.5` is most likely meant as a fraction: `0.5%`
                                // would set a threshold a hundred times lower.
                                (ParamValue::Percent(_), ParamValue::Number(n))
                                    if *n > 0.0 && *n < 1.0 =>
                                {
                                    Some(format!(
                                        "write it as a percentage: `{}%` for the fraction {}, or `{}%` if it is already in percent",
                                        format_number(*n * 100.0),
                                        format_number(*n),
                                        format_number(*n)
                                    ))
                                }
                                (ParamValue::Percent(_), ParamValue::Number(n)) => Some(format!(
                                    "write it as a percentage, e.g. `{}%`",
                                    format_number(*n)
                                )),
                                (current, _) => Some(current.how_to_write()),
                            };
                            self.error(
                                o.source,
                                value.range(),
                                "type",
                                format!(
                                    "`{}` is {}, but this value is {}",
                                    name.text,
                                    current.kind_name(),
                                    new.kind_name()
                                ),
                                help,
                            );
                            continue;
                        }
                        let written = self
                            .inputs
                            .source(o.source)
                            .map(|src| decorum_text::slice(&src.text, value.range()).to_string())
                            .unwrap_or_default();
                        self.audit.overrides.push(OverrideRecord {
                            rule: id.clone(),
                            change: OverrideChange::Param {
                                name: name.text.clone(),
                                from: current.display(),
                                to: if *add {
                                    format!("+= {written}")
                                } else {
                                    written
                                },
                                add: *add,
                            },
                            source: o.source,
                            range: *range,
                        });
                        let merged = match (current, new, *add) {
                            (ParamValue::Terms(old), ParamValue::Terms(extra), true) => {
                                ParamValue::Terms(
                                    self.arena.add_node(SetNode::Union(vec![old, extra])),
                                )
                            }
                            (_, _, true) => {
                                self.error(
                                    o.source,
                                    *range,
                                    "type",
                                    format!(
                                        "`+=` adds terms to a term-set parameter; `{}` is not one",
                                        name.text
                                    ),
                                    Some("use `=` to set it".into()),
                                );
                                continue;
                            }
                            (_, new, false) => new,
                        };
                        self.overridden_params
                            .insert(name.text.clone(), (o.source, value.range()));
                        params.insert(name.text.clone(), merged);
                    }
                }
            }
        }
        let applied: Vec<(SourceId, TextRange)> = (self.audit.overrides[recorded..].iter())
            .map(|o| (o.source, o.range))
            .collect();
        let checked = self.problems.len();
        self.warn_sibling_conflicts(&id, &overrides, &applied);
        let conflicts = self.problems.len() - checked;
        if let Some(moved) = self.problems.get_mut(conflicts_at..) {
            moved.rotate_right(conflicts);
        }

        let locked_now = lock.is_some();
        let disabled = match (self.disables.remove(&key), lock) {
            (Some(d), Some((_, by, at))) => {
                self.error(
                    d.source,
                    d.decl.range,
                    "locked",
                    format!("`{id}` is locked and cannot be disabled"),
                    Some("a locked rule protects something the library's authors consider non-negotiable; to exempt one draft, add a waiver comment with a reason".into()),
                );
                self.label(by, at, "locked here");
                false
            }
            (Some(d), None) => {
                // A `use` of a disabled rule changes nothing and its examples never run;
                // `decorum audit` lists its changes as having no effect. Said where the
                // author can act: in the workspace's own files.
                for o in &overrides {
                    if !self.is_own(o.source) {
                        continue;
                    }
                    self.warning(
                        o.source,
                        o.decl.target.range,
                        "no-effect",
                        format!("`{id}` is disabled, so this `use` has no effect: its settings do not apply and its examples do not run"),
                        Some("remove this `use`, or the `disable` if the rule should run".into()),
                    );
                    self.label(d.source, d.decl.range, "disabled here");
                }
                self.audit.disables.push(DisableRecord {
                    rule: id.clone(),
                    reason: d
                        .decl
                        .reason
                        .as_ref()
                        .map(|r| r.value.clone())
                        .unwrap_or_default(),
                    source: d.source,
                    range: d.decl.range,
                });
                true
            }
            (None, _) => false,
        };

        // Conditions.
        let ctx = RuleCtx {
            source: file,
            params: &params,
            batch,
            in_post_function: false,
            first_words: None,
            first_chars: None,
        };
        let trigger_ir = match trigger {
            Trigger::Flag {
                kind: FlagKind::Each | FlagKind::Once,
                cond,
                ..
            } => self.compile_cond(&ctx, cond).map(TriggerIr::Flag),
            Trigger::Flag {
                kind: FlagKind::Batch,
                cond,
                ..
            } => self.compile_cond(&ctx, cond).map(TriggerIr::Batch),
            Trigger::Require { when, require, .. } => {
                let w = self.compile_cond(&ctx, when);
                let r = self.compile_cond(&ctx, require);
                match (w, r) {
                    (Some(when), Some(require)) => Some(TriggerIr::Require { when, require }),
                    _ => None,
                }
            }
        };
        let mut unless = Vec::new();
        for clause in &rule.clauses {
            if let RuleClause::Unless(c, r) = clause {
                if batch {
                    self.error(
                        file,
                        *r,
                        "batch",
                        "`unless` does not apply to batch rules",
                        Some("put the exception inside `share(...)` or `posts(...)`".into()),
                    );
                    continue;
                }
                if let Some(ir) = self.compile_cond(&ctx, c) {
                    unless.push(ir);
                }
            }
        }

        // Fixes.
        let mut fixes = Vec::new();
        for clause in &rule.clauses {
            let RuleClause::Fix(f) = clause else { continue };
            if batch {
                self.error(file, f.range, "batch", "batch rules cannot carry fixes", Some("a batch finding is about the calendar as a whole; explain what to change in `explain`".into()));
                continue;
            }
            if once && matches!(f.kind, FixKind::Replace(_) | FixKind::Remove) {
                self.error(
                    file,
                    f.range,
                    "fix",
                    "a `flag once` rule reports all of a post's matches as one finding, so `fix replace` or `fix remove` would change only the first",
                    Some("use `fix append` or `fix prepend`, or `flag when` for one finding (and fix) per match".into()),
                );
                continue;
            }
            fixes.push(match &f.kind {
                FixKind::Replace(Some(s)) => FixIr::Replace(s.value.clone()),
                FixKind::Replace(None) => {
                    let has = trigger_ir.as_ref().is_some_and(|t| self.trigger_has_replacements(t));
                    if !has && trigger_ir.is_some() {
                        self.warning(file, f.range, "fix", "`fix replace` without text uses the terms' suggested replacements, but none of this rule's terms has one", Some("write `\"term\" -> \"better wording\"` in the term set, or `fix replace \"text\"`".into()));
                    }
                    FixIr::ReplaceWithSuggestion
                }
                FixKind::Remove => FixIr::Remove,
                FixKind::Append(s) | FixKind::Prepend(s) => {
                    let prepend = matches!(f.kind, FixKind::Prepend(_));
                    if s.value.trim().is_empty() {
                        let clause = if prepend { "prepend" } else { "append" };
                        self.error(file, s.range, "fix", format!("`fix {clause}` needs the text to add"), None);
                        continue;
                    }
                    if prepend && s.value.trim().contains(['\n', '\r']) {
                        self.error(
                            file,
                            s.range,
                            "fix",
                            "`fix prepend` adds text to the start of the first line, so it cannot hold a line break",
                            Some("write the text on one line; for a paragraph of its own, use `fix append`".into()),
                        );
                        continue;
                    }
                    if prepend {
                        FixIr::Prepend(s.value.trim().to_string())
                    } else {
                        FixIr::Append(s.value.clone())
                    }
                }
            });
        }

        // Message.
        let value_is_percent = trigger_ir.as_ref().is_some_and(first_comparison_is_percent);
        let message = match rule.text(TextKind::Message) {
            Some(m) => self.compile_message(file, m, &params, batch),
            None => Vec::new(),
        };

        // Examples: the rule's own, then those importers wrote in `use` blocks.
        let mut examples = Vec::new();
        for ex in rule.examples() {
            if let Some(info) = self.example(file, ex) {
                examples.push(info);
            }
        }
        for o in &overrides {
            for item in &o.decl.items {
                if let UseItem::Example(ex) = item
                    && let Some(info) = self.example(o.source, ex)
                {
                    examples.push(info);
                }
            }
        }

        // A title, message, link or explanation shows as it is written: with no text, a
        // finding (or `decorum explain`) would show nothing in its place.
        for clause in &rule.clauses {
            let RuleClause::Text(kind, text) = clause else {
                continue;
            };
            if !text.value.trim().is_empty() {
                continue;
            }
            let (what, help) = match kind {
                TextKind::Title => (
                    "this title is empty, so a finding would show no title",
                    "write a short name for the problem, as in `title \"Do not name competitors\"`, or leave `title` out: the title is then the rule's name",
                ),
                TextKind::Message => (
                    "this message is empty, so a finding would say nothing",
                    "write what the writer should know, as in `message \"Names a competitor: {match}\"`, or leave `message` out: the finding then shows the title",
                ),
                TextKind::Link => (
                    "this link is empty",
                    "write the http(s) address of the source behind the rule, as in `link \"https://example.org/guidance\"`, or leave `link` out",
                ),
                TextKind::Explain => (
                    "this explanation is empty, so `decorum explain` would show nothing",
                    "say why the rule matters and what to write instead, as in `explain \"\"\"...\"\"\"`, or leave `explain` out",
                ),
            };
            self.error(file, text.range, "empty-text", what, Some(help.into()));
        }
        for text_kind in [TextKind::Link] {
            if let Some(link) = rule.text(text_kind)
                && !link.value.trim().is_empty()
                && !(link.value.starts_with("https://") || link.value.starts_with("http://"))
            {
                self.warning(
                    file,
                    link.range,
                    "link",
                    "a link should be an http(s) address",
                    None,
                );
            }
        }

        let Some(trigger_ir) = trigger_ir else { return };
        if disabled {
            return;
        }
        if let Some((_, by, at)) = lock {
            self.check_locked_extensions(file, &id, &trigger_ir, &unless, (by, at));
            self.audit.locks.push(LockRecord {
                rule: id.clone(),
                source: by,
                range: at,
            });
        }
        let required_patterns = self.required_patterns(&trigger_ir);
        let info = RuleInfo {
            id,
            title: rule
                .text(TextKind::Title)
                .map(|t| t.value.clone())
                .unwrap_or_else(|| rule.name.text.clone()),
            message_template: rule.text(TextKind::Message).map(|t| t.value.clone()),
            explain: rule.text(TextKind::Explain).map(|t| t.value.clone()),
            link: rule.text(TextKind::Link).map(|t| t.value.clone()),
            tags: rule.tags().map(|t| t.text.clone()).collect(),
            severity,
            severity_origin: origin,
            locked: locked_now,
            batch,
            source: Some(file),
            name_range: rule.name.range,
            examples,
        };
        let _ = inputs;
        self.rules.push(Arc::new(info));
        self.irs.push(RuleIr {
            trigger: trigger_ir,
            once,
            unless,
            fixes,
            message,
            required_patterns,
            value_is_percent,
        });
    }

    /// Refuses every `extend`, written outside the locked rule's own file and the file
    /// that locked it (`lock`: where), whose terms the rule reads as exceptions: `+=` on
    /// a set the rule subtracts, allows or negates, `-=` on a set it flags, and either
    /// inside a count or a share (where more matches may loosen it). Adding flagged terms
    /// (`+=` on what it flags) tightens it and stays.
    fn check_locked_extensions(
        &mut self,
        file: SourceId,
        id: &str,
        trigger: &TriggerIr,
        unless: &[CondIr],
        lock: (SourceId, TextRange),
    ) {
        let foreign: Vec<AppliedExtension> = self
            .applied_extensions
            .iter()
            .filter(|e| e.source != file && e.source != lock.0)
            .cloned()
            .collect();
        if foreign.is_empty() {
            return;
        }
        let mut reach = Polarities::default();
        match trigger {
            TriggerIr::Flag(c) | TriggerIr::Batch(c) => reach.cond(&self.arena, c, POSITIVE),
            TriggerIr::Require { when, require } => {
                reach.cond(&self.arena, when, POSITIVE);
                reach.cond(&self.arena, require, NEGATIVE);
            }
        }
        for c in unless {
            reach.cond(&self.arena, c, NEGATIVE);
        }
        let help = "a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason";
        for ext in foreign {
            let reached = reach.of(ext.extra);
            // An exception (or a flagged term taken away) is named first: it loosens the
            // rule whatever the counts do.
            let message = match (reached & NEGATIVE != 0, reached & COUNTED != 0, ext.remove) {
                (true, _, true) => format!(
                    "this `extend` would loosen `{id}`, which is locked: it takes away terms the rule flags"
                ),
                (true, _, false) => format!(
                    "this `extend` would loosen `{id}`, which is locked: the rule reads these terms as exceptions"
                ),
                (false, true, true) => format!(
                    "this `extend` could loosen `{id}`, which is locked: it takes away terms the rule counts (in `count`, `share` or `posts`), where fewer matches can mean fewer findings"
                ),
                (false, true, false) => format!(
                    "this `extend` could loosen `{id}`, which is locked: the rule counts these terms (in `count`, `share` or `posts`), where more matches can mean fewer findings"
                ),
                (false, false, _) => continue,
            };
            self.error(ext.source, ext.range, "locked", message, Some(help.into()));
            self.label(lock.0, lock.1, "locked here");
        }
    }

    fn example(&mut self, file: SourceId, ex: &Example) -> Option<ExampleInfo> {
        let expect = match &ex.expect {
            ExampleExpect::Passes => ExpectedOutcome::Passes,
            ExampleExpect::Flags(None) => ExpectedOutcome::Flags(None),
            ExampleExpect::Flags(Some(at)) => {
                if at.value.is_empty() || !ex.text.value.contains(&at.value) {
                    self.error(
                        file,
                        at.range,
                        "example",
                        "this span does not occur in the example's text",
                        Some("`at` names the exact text the finding should underline".into()),
                    );
                    return None;
                }
                ExpectedOutcome::Flags(Some(at.value.clone()))
            }
        };
        Some(ExampleInfo {
            text: ex.text.value.clone(),
            expect,
            source: file,
            range: ex.range,
        })
    }

    fn param_value(
        &mut self,
        file: SourceId,
        params: &HashMap<String, ParamValue>,
        value: &Value,
    ) -> Option<ParamValue> {
        Some(match value {
            Value::Number(n) => ParamValue::Number(n.value),
            Value::Percent(n) => ParamValue::Percent(n.value),
            Value::Bool(b) => ParamValue::Bool(b.value),
            Value::Str(s) => ParamValue::Str(s.value.clone()),
            Value::Terms(t) => {
                ParamValue::Terms(self.compile_terms(file, params, t, LeafOptions::default())?)
            }
        })
    }

    fn trigger_has_replacements(&self, t: &TriggerIr) -> bool {
        let mut sets = Vec::new();
        match t {
            TriggerIr::Flag(c) | TriggerIr::Batch(c) => collect_sets(c, &mut sets),
            TriggerIr::Require { when, .. } => collect_sets(when, &mut sets),
        }
        sets.iter().any(|s| self.arena.has_replacements(*s))
    }

    /// The patterns at least one of which must match for the trigger to be true.
    fn required_patterns(&self, t: &TriggerIr) -> Option<Vec<u32>> {
        let cond = match t {
            TriggerIr::Flag(c) => c,
            TriggerIr::Require { when, .. } => when,
            TriggerIr::Batch(_) => return None,
        };
        let mut out = self.requirement(cond)?;
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    fn requirement(&self, cond: &CondIr) -> Option<Vec<u32>> {
        match cond {
            CondIr::Contains(set) => {
                let mut v = Vec::new();
                self.arena.positive_patterns(*set, &mut v);
                Some(v)
            }
            CondIr::Near { left, right, .. } => {
                let mut l = Vec::new();
                self.arena.positive_patterns(*left, &mut l);
                let mut r = Vec::new();
                self.arena.positive_patterns(*right, &mut r);
                Some(if l.len() <= r.len() { l } else { r })
            }
            CondIr::And(parts) => parts
                .iter()
                .filter_map(|p| self.requirement(p))
                .min_by_key(Vec::len),
            CondIr::Or(parts) => {
                let mut all = Vec::new();
                for p in parts {
                    all.extend(self.requirement(p)?);
                }
                Some(all)
            }
            CondIr::Scoped(inner, _) => self.requirement(inner),
            CondIr::Compare { lhs, op, rhs } => {
                // `count(S) > 2`, `count(S) / words > 12%`: false while S has no match.
                let NumIr::Const(c) = rhs else { return None };
                let set = zero_when_empty(lhs)?;
                let false_at_zero = match op {
                    CmpOp::Gt => *c >= 0.0,
                    CmpOp::Ge => *c > 0.0,
                    CmpOp::Eq => *c != 0.0,
                    CmpOp::Lt => *c <= 0.0,
                    CmpOp::Le => *c < 0.0,
                    CmpOp::Ne => false,
                };
                if !false_at_zero {
                    return None;
                }
                let mut v = Vec::new();
                self.arena.positive_patterns(set, &mut v);
                Some(v)
            }
            CondIr::Not(_) | CondIr::Has(_) | CondIr::Meta { .. } => None,
        }
    }

    /// Whether `range` of `file` overlaps one of the file's syntax errors.
    fn in_syntax_error(&self, file: SourceId, range: TextRange) -> bool {
        self.inputs.source(file).is_some_and(|s| {
            s.parse
                .errors
                .iter()
                .any(|e| e.range.intersect(range).is_some_and(|r| !r.is_empty()))
        })
    }

    fn compile_message(
        &mut self,
        file: SourceId,
        m: &StrLit,
        params: &HashMap<String, ParamValue>,
        batch: bool,
    ) -> Vec<MessagePart> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let value = &m.value;
        let mut rest = value.as_str();
        // Literal text: `}}` is a literal `}`, as `{{` is a literal `{` (a single `}`
        // is one too).
        let literal = |text: &mut String, s: &str| text.push_str(&s.replace("}}", "}"));
        while let Some(open) = rest.find('{') {
            literal(&mut text, &rest[..open]);
            let after = &rest[open + 1..];
            if let Some(stripped) = after.strip_prefix('{') {
                text.push('{');
                rest = stripped;
                continue;
            }
            let Some(close) = after.find('}') else {
                text.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = after[..close].trim();
            // Braces inside a bad escape (`\u{110000}`, whose raw text the value keeps)
            // are no placeholder: the syntax error is the one to report.
            let at = placeholder_range(m, open + (value.len() - rest.len()), close + 2);
            if at != m.range && self.in_syntax_error(file, at) {
                text.push_str(&rest[open..open + close + 2]);
                rest = &after[close + 1..];
                continue;
            }
            let part = match name {
                "match" => Some(MessagePart::Matched(MatchedPart::Primary)),
                "left" => Some(MessagePart::Matched(MatchedPart::Left)),
                "right" => Some(MessagePart::Matched(MatchedPart::Right)),
                "value" => Some(MessagePart::Value),
                "channel" => Some(MessagePart::Channel),
                _ => Field::by_name(name)
                    .map(MessagePart::Field)
                    .or_else(|| params.get(name).map(|p| MessagePart::Param(p.display()))),
            };
            match part {
                Some(p) => {
                    if batch && matches!(p, MessagePart::Matched(_)) {
                        self.warning(file, at, "placeholder", format!("`{{{name}}}` shows matched text, which a batch finding does not have"), Some("use `{value}` for the measured share".into()));
                    }
                    if batch
                        && (matches!(p, MessagePart::Field(f) if f != Field::Posts)
                            || matches!(p, MessagePart::Channel))
                    {
                        self.warning(file, at, "placeholder", format!("`{{{name}}}` is about one post, which a batch finding does not have"), Some("use `{posts}` for the number of posts or `{value}` for the measured share".into()));
                    }
                    if matches!(p, MessagePart::Param(_))
                        && matches!(params.get(name), Some(ParamValue::Terms(_)))
                    {
                        // A set may hold regexes and thousands of terms: no one text.
                        self.warning(file, at, "placeholder", format!("`{{{name}}}` is a term-set parameter, which a message cannot show: the finding would read `(term set)`"), Some(match batch {
                            false => "use `{match}` for the text the rule flagged, or write the terms themselves into the message",
                            true => "write the terms themselves into the message",
                        }.into()));
                    }
                    if !text.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(p);
                }
                // A parameter whose declaration was refused has its own error.
                None if self.failed_params.iter().any(|p| p == name) => {}
                None => {
                    let mut known: Vec<&str> = vec!["match", "left", "right", "value", "channel"];
                    known.extend(Field::ALL.iter().map(|(n, _, _)| *n));
                    known.extend(params.keys().map(String::as_str));
                    let nearest = nearest_name(name, known.iter().copied());
                    let help = nearest.as_deref().map(did_you_mean_text).or_else(|| {
                        Some(format!(
                            "placeholders: {}; write `{{{{` for a literal brace",
                            known.join(", ")
                        ))
                    });
                    // Points at the placeholder when the string has no escapes.
                    self.error(
                        file,
                        at,
                        "placeholder",
                        format!("unknown placeholder `{{{name}}}`"),
                        help,
                    );
                    // Only when the range is the placeholder itself, braces included.
                    if at != m.range {
                        self.replacement(nearest.map(|c| format!("{{{c}}}")));
                    }
                    text.push_str(&rest[open..open + close + 2]);
                }
            }
            rest = &after[close + 1..];
        }
        literal(&mut text, rest);
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        parts
    }

    // ------------------------------------------------------------------ conditions

    fn compile_cond(&mut self, ctx: &RuleCtx<'_>, cond: &Cond) -> Option<CondIr> {
        let file = ctx.source;
        let post_level = ctx.batch && !ctx.in_post_function;
        match &cond.kind {
            CondKind::And(parts) | CondKind::Or(parts) => {
                let mut out = Vec::new();
                let mut ok = true;
                for p in parts {
                    match self.compile_cond(ctx, p) {
                        Some(ir) => out.push(ir),
                        None => ok = false,
                    }
                }
                ok.then_some(if matches!(cond.kind, CondKind::And(_)) {
                    CondIr::And(out)
                } else {
                    CondIr::Or(out)
                })
            }
            CondKind::Not(inner) => self
                .compile_cond(ctx, inner)
                .map(|c| CondIr::Not(Box::new(c))),
            CondKind::Scoped(inner, scope) => {
                if post_level {
                    self.batch_needs_function(file, cond.range);
                    return None;
                }
                match scope.value {
                    Scope::FirstWords(0) | Scope::FirstChars(0) => {
                        self.error(
                            file,
                            scope.range,
                            "threshold",
                            "a scope of 0 words or characters is always empty",
                            Some("use at least 1".into()),
                        );
                        return None;
                    }
                    _ => {}
                }
                // A unit inside the opening words of another lies within them too
                // (sentences and paragraphs are cut at the enclosing unit); `in post` is
                // the whole post again.
                let narrow = |limit: Option<u32>, n: u32| Some(limit.map_or(n, |l| l.min(n)));
                let (first_words, first_chars) = match scope.value {
                    Scope::FirstWords(n) => (narrow(ctx.first_words, n), ctx.first_chars),
                    Scope::FirstChars(n) => (ctx.first_words, narrow(ctx.first_chars, n)),
                    Scope::Sentence | Scope::Paragraph => (ctx.first_words, ctx.first_chars),
                    Scope::Post => (None, None),
                };
                let inner_ctx = RuleCtx {
                    first_words,
                    first_chars,
                    ..*ctx
                };
                self.compile_cond(&inner_ctx, inner)
                    .map(|c| CondIr::Scoped(Box::new(c), scope.value))
            }
            CondKind::Contains(expr) => {
                if post_level {
                    self.batch_needs_function(file, cond.range);
                    return None;
                }
                self.compile_terms(file, ctx.params, expr, LeafOptions::default())
                    .map(CondIr::Contains)
            }
            CondKind::Near {
                left,
                right,
                distance,
                ordered,
            } => {
                if post_level {
                    self.batch_needs_function(file, cond.range);
                    return None;
                }
                if distance.value > 200 {
                    self.error(file, distance.range, "threshold", format!("`near` within {} words is not a proximity", distance.value), Some("for matches anywhere in the same paragraph or post, use `contains a and contains b in paragraph`".into()));
                    return None;
                }
                let l = self.compile_terms(file, ctx.params, left, LeafOptions::default());
                let r = self.compile_terms(file, ctx.params, right, LeafOptions::default());
                Some(CondIr::Near {
                    left: l?,
                    right: r?,
                    distance: distance.value,
                    ordered: *ordered,
                })
            }
            CondKind::Has(key) => {
                if post_level {
                    self.batch_needs_function(file, cond.range);
                    return None;
                }
                Some(CondIr::Has(key.key.clone()))
            }
            CondKind::Meta { key, test } => {
                if post_level {
                    self.batch_needs_function(file, cond.range);
                    return None;
                }
                let channel = key.key == "channel";
                // A channel is compared as the channel it names (`twitter` is `x`): the
                // policy's side once here, the draft's on each check.
                let text = |s: &StrLit| match channel {
                    true => decorum_draft::channel_id(&s.value).into_owned(),
                    false => s.value.clone(),
                };
                let lit = |l: &MetaLiteral| match l {
                    MetaLiteral::Str(s) => MetaValueIr::Str(text(s)),
                    MetaLiteral::Number(n) => MetaValueIr::Num(n.value),
                    MetaLiteral::Bool(b) => MetaValueIr::Bool(b.value),
                };
                if channel {
                    let values: Vec<&StrLit> = match test {
                        MetaTest::Eq(MetaLiteral::Str(s)) | MetaTest::Ne(MetaLiteral::Str(s)) => {
                            vec![s]
                        }
                        MetaTest::In(list) => list.iter().collect(),
                        _ => Vec::new(),
                    };
                    for v in values {
                        self.check_channel(file, v);
                    }
                }
                let test = match test {
                    MetaTest::Eq(l) => MetaTestIr::Eq(lit(l)),
                    MetaTest::Ne(l) => MetaTestIr::Ne(lit(l)),
                    MetaTest::In(list) => {
                        MetaTestIr::In(list.iter().map(|s| MetaValueIr::Str(text(s))).collect())
                    }
                };
                Some(CondIr::Meta {
                    key: key.key.clone(),
                    test,
                    channel,
                })
            }
            CondKind::Compare { lhs, op, rhs } => {
                if self.unquoted_metadata_value(ctx, lhs, op.value, rhs) {
                    return None;
                }
                let l = self.compile_num(ctx, lhs);
                let r = self.compile_num(ctx, rhs);
                let ((l, lb), (r, rb)) = (l?, r?);
                self.check_threshold(ctx, lhs, lb, op.value, rhs, rb);
                Some(CondIr::Compare {
                    lhs: l,
                    op: op.value,
                    rhs: r,
                })
            }
        }
    }

    /// `channel == x`: metadata compared with a word written without quotes, which the
    /// grammar reads as a comparison of two numbers. One error, at the word, saying to
    /// quote it (rather than two saying neither side is a post field). `true` when
    /// reported.
    fn unquoted_metadata_value(
        &mut self,
        ctx: &RuleCtx<'_>,
        lhs: &NumExpr,
        op: CmpOp,
        rhs: &NumExpr,
    ) -> bool {
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return false;
        }
        let bare = |n: &'_ NumExpr| match &n.kind {
            NumKind::Name(name) => Some(name.clone()),
            _ => None,
        };
        let (Some(left), Some(right)) = (bare(lhs), bare(rhs)) else {
            return false;
        };
        let is_metadata = |n: &Name| {
            MetaRef::BARE_KEYS.contains(&n.text.as_str()) && !ctx.params.contains_key(&n.text)
        };
        let is_number = |n: &Name| {
            Field::by_name(&n.text).is_some()
                || ctx.params.contains_key(&n.text)
                || self.failed_params.contains(&n.text)
        };
        let (key, word) = match (is_metadata(&left), is_metadata(&right)) {
            (true, false) => (left, right),
            (false, true) => (right, left),
            _ => return false,
        };
        if is_number(&word) {
            return false;
        }
        let quoted = format!("\"{}\"", word.text);
        self.error(
            ctx.source,
            word.range,
            "unknown-name",
            format!(
                "`{}` is metadata, compared with text in quotes: without quotes, `{}` reads as a post field or parameter, and there is none of that name",
                key.text, word.text
            ),
            Some(format!("write `{} {} {quoted}`", key.text, op.as_str())),
        );
        self.replacement(Some(quoted));
        true
    }

    fn batch_needs_function(&mut self, file: SourceId, range: TextRange) {
        self.error(
            file,
            range,
            "batch",
            "in a `flag batch` rule, conditions about a post go inside `share(...)` or `posts(...)`",
            Some("e.g. `flag batch when share(contains advert) > 20%`".into()),
        );
    }

    fn check_channel(&mut self, file: SourceId, value: &StrLit) {
        let v = value.value.to_lowercase();
        if known_channels().contains(&v.as_str()) {
            return;
        }
        if let Some(s) = decorum_syntax::did_you_mean(&v, known_channels().iter().copied()) {
            self.warning(
                file,
                value.range,
                "channel",
                format!("`{}` is not a channel Decorum knows", value.value),
                Some(format!("did you mean `{s}`?")),
            );
        }
    }

    fn compile_num(&mut self, ctx: &RuleCtx<'_>, num: &NumExpr) -> Option<(NumIr, Bounds)> {
        let file = ctx.source;
        match &num.kind {
            NumKind::Number(n) => Some((
                NumIr::Const(*n),
                Bounds {
                    lo: *n,
                    hi: *n,
                    ratio: false,
                    percent: false,
                },
            )),
            NumKind::Percent(p) => Some((
                NumIr::Const(*p),
                Bounds {
                    lo: *p,
                    hi: *p,
                    ratio: false,
                    percent: true,
                },
            )),
            NumKind::Count(expr) => {
                if ctx.batch && !ctx.in_post_function {
                    self.batch_needs_function(file, num.range);
                    return None;
                }
                let set = self.compile_terms(file, ctx.params, expr, LeafOptions::default())?;
                Some((NumIr::Count(set), Bounds::count()))
            }
            NumKind::Share(c) | NumKind::Posts(c) => {
                let share = matches!(num.kind, NumKind::Share(_));
                let word = if share { "share" } else { "posts" };
                if !ctx.batch {
                    self.error(file, num.range, "batch", format!("`{word}(...)` counts posts of a batch; it works only in `flag batch when` rules"), Some("write `flag batch when ...`".into()));
                    return None;
                }
                if ctx.in_post_function {
                    self.error(
                        file,
                        num.range,
                        "batch",
                        format!("`{word}(...)` cannot be nested inside `share` or `posts`"),
                        None,
                    );
                    return None;
                }
                let inner = RuleCtx {
                    source: ctx.source,
                    params: ctx.params,
                    batch: true,
                    in_post_function: true,
                    first_words: None,
                    first_chars: None,
                };
                let ir = self.compile_cond(&inner, c)?;
                if share {
                    Some((
                        NumIr::Share(Box::new(ir)),
                        Bounds {
                            lo: 0.0,
                            hi: 1.0,
                            ratio: true,
                            percent: false,
                        },
                    ))
                } else {
                    Some((NumIr::Posts(Box::new(ir)), Bounds::count()))
                }
            }
            NumKind::Name(name) => {
                if let Some(value) = ctx.params.get(&name.text) {
                    return match value {
                        ParamValue::Number(n) => Some((
                            NumIr::Const(*n),
                            Bounds {
                                lo: *n,
                                hi: *n,
                                ratio: false,
                                percent: false,
                            },
                        )),
                        ParamValue::Percent(p) => Some((
                            NumIr::Const(*p),
                            Bounds {
                                lo: *p,
                                hi: *p,
                                ratio: false,
                                percent: true,
                            },
                        )),
                        other => {
                            self.error(
                                file,
                                name.range,
                                "type",
                                format!(
                                    "the parameter `{}` is {}, not a number",
                                    name.text,
                                    other.kind_name()
                                ),
                                Some(format!("a number is needed here: give `{}` a number or a percentage, e.g. `param {} = 3`", name.text, name.text)),
                            );
                            None
                        }
                    };
                }
                let Some(field) = Field::by_name(&name.text) else {
                    if self.failed_params.contains(&name.text) {
                        return None;
                    }
                    let mut known: Vec<&str> = Field::ALL.iter().map(|(n, _, _)| *n).collect();
                    // Sorted: a hash map's order differs from run to run.
                    let mut params: Vec<&str> = ctx.params.keys().map(String::as_str).collect();
                    params.sort_unstable();
                    known.extend(params);
                    let metadata = MetaRef::BARE_KEYS.contains(&name.text.as_str());
                    let nearest =
                        nearest_name(&name.text, known.iter().copied()).filter(|_| !metadata);
                    let help = if metadata {
                        // `channel > 3`, `channel == words`: metadata is no number.
                        Some(format!(
                            "`{}` is metadata, compared with text in quotes, as in `{} == \"x\"`; numbers can use: {}",
                            name.text,
                            name.text,
                            known.join(", ")
                        ))
                    } else {
                        nearest
                            .as_deref()
                            .map(did_you_mean_text)
                            .or_else(|| Some(format!("numbers can use: {}", known.join(", "))))
                    };
                    self.error(
                        file,
                        name.range,
                        "unknown-name",
                        format!("there is no post field or parameter named `{}`", name.text),
                        help,
                    );
                    self.replacement(nearest);
                    return None;
                };
                if field == Field::Posts && !ctx.batch {
                    self.error(file, name.range, "batch", "`posts` counts the posts of a batch; it works only in `flag batch when` rules", None);
                    return None;
                }
                if field != Field::Posts && ctx.batch && !ctx.in_post_function {
                    self.batch_needs_function(file, num.range);
                    return None;
                }
                let most = match field {
                    Field::Words => ctx.first_words,
                    Field::Chars => ctx.first_chars,
                    _ => None,
                };
                let bounds = Bounds {
                    hi: most.map_or(f64::INFINITY, f64::from),
                    ..Bounds::count()
                };
                Some((NumIr::Field(field), bounds))
            }
            NumKind::Binary(l, op, r) => {
                let lhs = self.compile_num(ctx, l);
                let rhs = self.compile_num(ctx, r);
                let ((l, lb), (r, rb)) = (lhs?, rhs?);
                let (ir, bounds) = match op {
                    ArithOp::Add => (
                        NumIr::Add(Box::new(l), Box::new(r)),
                        Bounds {
                            lo: lb.lo + rb.lo,
                            hi: lb.hi + rb.hi,
                            ratio: lb.ratio || rb.ratio,
                            percent: lb.percent && rb.percent,
                        },
                    ),
                    ArithOp::Sub => (
                        NumIr::Sub(Box::new(l), Box::new(r)),
                        Bounds {
                            lo: lb.lo - rb.hi,
                            hi: lb.hi - rb.lo,
                            ratio: lb.ratio || rb.ratio,
                            percent: lb.percent && rb.percent,
                        },
                    ),
                    ArithOp::Mul => {
                        let b = if lb.lo >= 0.0 && rb.lo >= 0.0 {
                            Bounds {
                                lo: lb.lo * rb.lo,
                                hi: mul_hi(lb.hi, rb.hi),
                                ratio: false,
                                percent: false,
                            }
                        } else {
                            Bounds::any()
                        };
                        (NumIr::Mul(Box::new(l), Box::new(r)), b)
                    }
                    ArithOp::Div => {
                        let b = if lb.lo >= 0.0 && rb.lo >= 0.0 {
                            Bounds {
                                lo: 0.0,
                                hi: f64::INFINITY,
                                ratio: true,
                                percent: false,
                            }
                        } else {
                            Bounds {
                                ratio: true,
                                ..Bounds::any()
                            }
                        };
                        (NumIr::Div(Box::new(l), Box::new(r)), b)
                    }
                };
                Some((ir, bounds))
            }
        }
    }

    /// Reports comparisons that can never hold (errors) or always hold (warnings).
    fn check_threshold(
        &mut self,
        ctx: &RuleCtx<'_>,
        lhs: &NumExpr,
        lb: Bounds,
        op: CmpOp,
        rhs: &NumExpr,
        rb: Bounds,
    ) {
        let (file, first_words, first_chars) = (ctx.source, ctx.first_words, ctx.first_chars);
        // Normalise to `expr op constant`. The messages name the side the expression is
        // on, with the operator as read from it: `0 - 5 > words` is `words < -5`, "the
        // right side ... is never < -5".
        let (expr_b, c, op, constant_range, expr_range, side) = if rb.lo == rb.hi {
            (lb, rb.lo, op, rhs.range, lhs.range, "left")
        } else if lb.lo == lb.hi {
            let flipped = match op {
                CmpOp::Gt => CmpOp::Lt,
                CmpOp::Ge => CmpOp::Le,
                CmpOp::Lt => CmpOp::Gt,
                CmpOp::Le => CmpOp::Ge,
                other => other,
            };
            (rb, lb.lo, flipped, lhs.range, rhs.range, "right")
        } else {
            return;
        };
        let constant_b = if rb.lo == rb.hi { rb } else { lb };
        let (lo, hi) = (expr_b.lo, expr_b.hi);
        // Neither side varies with the post (`3 > 5`, `words * 0 > 3`): the comparison
        // is decided here, once.
        let fixed = lo == hi;
        let never = match op {
            CmpOp::Gt => c >= hi,
            CmpOp::Ge => c > hi,
            CmpOp::Lt => c <= lo,
            CmpOp::Le => c < lo,
            CmpOp::Eq => c < lo || c > hi,
            CmpOp::Ne => fixed && c == lo,
        };
        let always = match op {
            CmpOp::Gt => c < lo,
            CmpOp::Ge => c <= lo,
            CmpOp::Lt => c > hi,
            CmpOp::Le => c >= hi,
            CmpOp::Eq => fixed && c == lo,
            CmpOp::Ne => c < lo || c > hi,
        };
        let shown = if constant_b.percent {
            format_percent(c)
        } else {
            format_number(c)
        };
        let span = |lo: f64, hi: f64, pct: bool| {
            let f = |x: f64| {
                if pct {
                    format_percent(x)
                } else {
                    format_number(x)
                }
            };
            if hi.is_infinite() {
                format!("at least {}", f(lo))
            } else if lo.is_infinite() {
                format!("at most {}", f(hi))
            } else if lo == hi {
                format!("always {}", f(lo))
            } else {
                format!("between {} and {}", f(lo), f(hi))
            }
        };
        // A threshold set by a `use` block is reported there, with a note where the rule
        // compares with it.
        let constant = if rb.lo == rb.hi { rhs } else { lhs };
        let overridden = match &constant.kind {
            NumKind::Name(n) => self.overridden_params.get(&n.text).copied(),
            _ => None,
        };
        let (at_file, at_range) = overridden.unwrap_or((file, constant_range));
        // A share runs from 0% to 100%; a ratio of counts with no upper limit (chars per
        // word) is a plain number.
        let pct = expr_b.ratio && hi.is_finite();
        // Never holds because the value is too small to reach the threshold.
        let above = c >= hi;
        if never {
            let help = if fixed {
                format!(
                    "the {side} side does not depend on the post: compare a count or a post field, e.g. `words > 3`"
                )
            } else if pct {
                "shares and ratios run from 0% to 100%".into()
            } else if expr_b.ratio {
                "a ratio of counts is never negative".into()
            } else if let (true, Some(n)) = (above, first_words) {
                format!(
                    "`in first {n} words` holds at most {n} words: widen the scope or lower the threshold"
                )
            } else if let (true, Some(n)) = (above, first_chars) {
                format!(
                    "`in first {n} chars` holds at most {n} characters: widen the scope or lower the threshold"
                )
            } else {
                "counts are never negative".into()
            };
            self.error(
                at_file,
                at_range,
                "threshold",
                format!("this comparison can never hold: the {side} side is {}, so it is never {} {shown}", span(lo, hi, pct), op.as_str()),
                Some(help),
            );
        } else if always {
            let message = if fixed {
                format!(
                    "this comparison always holds: the {side} side is {}, so it is always {} {shown}",
                    span(lo, hi, pct),
                    op.as_str()
                )
            } else {
                format!(
                    "this comparison always holds: the {side} side is {}",
                    span(lo, hi, pct)
                )
            };
            self.warning(
                at_file,
                at_range,
                "threshold",
                message,
                Some("the rule would flag every post; check the threshold".into()),
            );
        } else {
            // About the rule's expression (an override cannot turn a number into a
            // percentage: that is a type error), so reported in the rule's file.
            if constant_b.percent && !expr_b.ratio {
                self.warning(
                    file,
                    expr_range,
                    "threshold",
                    format!(
                        "compares a count with {shown}; a percentage only makes sense for a ratio"
                    ),
                    Some("divide by a total, e.g. `count(first_person) / words > 12%`".into()),
                );
            }
            return;
        }
        if overridden.is_some() {
            self.label(file, constant_range, "the rule compares with it here");
        }
    }
}

/// Every channel name a policy may write: each known channel, followed by its other
/// names (`x`, `twitter`, `bluesky`, ...), from decorum-draft, which compares channels.
/// `channel == "..."` with another value is a warning, and suggestions and completion
/// offer these.
pub(crate) fn known_channels() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| decorum_draft::channel_names().collect())
}

/// The set whose absence makes the expression 0 (`count(S)`, `count(S) / x`,
/// `count(S) * x`; division by zero is 0 too).
fn zero_when_empty(n: &NumIr) -> Option<SetId> {
    match n {
        NumIr::Count(s) => Some(*s),
        NumIr::Div(a, _) => zero_when_empty(a),
        NumIr::Mul(a, b) => zero_when_empty(a).or_else(|| zero_when_empty(b)),
        _ => None,
    }
}

fn mul_hi(a: f64, b: f64) -> f64 {
    if a == 0.0 || b == 0.0 { 0.0 } else { a * b }
}

fn collect_sets(c: &CondIr, out: &mut Vec<SetId>) {
    match c {
        CondIr::And(p) | CondIr::Or(p) => p.iter().for_each(|x| collect_sets(x, out)),
        CondIr::Not(_) => {}
        CondIr::Scoped(inner, _) => collect_sets(inner, out),
        CondIr::Contains(s) => out.push(*s),
        CondIr::Near { left, right, .. } => {
            out.push(*left);
            out.push(*right);
        }
        CondIr::Has(_) | CondIr::Meta { .. } | CondIr::Compare { .. } => {}
    }
}

/// True when the first comparison in the trigger compares against a percentage or a share.
fn first_comparison_is_percent(t: &TriggerIr) -> bool {
    fn walk(c: &CondIr) -> Option<bool> {
        match c {
            // A ratio reads as a percentage when it is compared with a fraction (`12%`,
            // `0.5`); `words / sentences > 20` is a plain number.
            CondIr::Compare { lhs, rhs, .. } => Some(match lhs {
                NumIr::Share(_) => true,
                NumIr::Div(..) => !matches!(rhs, NumIr::Const(c) if *c > 1.0),
                _ => false,
            }),
            CondIr::And(p) | CondIr::Or(p) => p.iter().find_map(walk),
            CondIr::Not(i) | CondIr::Scoped(i, _) => walk(i),
            _ => None,
        }
    }
    match t {
        TriggerIr::Flag(c) | TriggerIr::Batch(c) => walk(c).unwrap_or(false),
        TriggerIr::Require { when, .. } => walk(when).unwrap_or(false),
    }
}

/// The default alias of an import: the last segment of its path, without `.decorum`.
pub(crate) fn default_alias(source: &str) -> String {
    let last = source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let last = last.strip_suffix(".decorum").unwrap_or(last);
    last.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Maps an offset in the unescaped regex pattern back to the body as written
/// (`\/` in the body is `/` in the pattern).
fn body_offset(re: &RegexLit, pattern_offset: usize) -> usize {
    let escapes = re
        .pattern
        .get(..pattern_offset)
        .map(|p| p.matches('/').count())
        .unwrap_or(0);
    pattern_offset + escapes
}

fn placeholder_range(m: &StrLit, offset_in_value: usize, len: usize) -> TextRange {
    if m.triple {
        return m.range;
    }
    // The value equals the body when the string has no escapes; otherwise fall back to
    // the whole string.
    let body_len = u32::from(m.range.len()).saturating_sub(2) as usize;
    if body_len != m.value.len() {
        return m.range;
    }
    TextRange::at(m.range.start() + size(1 + offset_in_value), size(len))
}

fn size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

fn sorted_join<S: AsRef<str>>(names: &[S]) -> String {
    let mut v: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    v.sort_unstable();
    v.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names a policy may write for a channel: the known channels with their other
    /// names beside them, as decorum-draft's alias table maps them.
    #[test]
    fn known_channel_names_are_the_channels_and_their_aliases() {
        assert_eq!(
            known_channels(),
            [
                "x",
                "twitter",
                "bluesky",
                "threads",
                "instagram",
                "linkedin",
                "facebook",
                "mastodon",
                "tiktok",
                "youtube",
                "blog",
                "newsletter",
                "website",
                "email",
            ]
        );
    }
}
