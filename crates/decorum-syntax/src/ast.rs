//! The syntax tree of a policy file.
//!
//! The tree mirrors what the author wrote, in order, with a UTF-8 byte range on every
//! node, so that validation can point at the exact text and the formatter can rebuild the
//! file. Meaning (which names exist, what a rule's effective severity is) is decided later
//! by the engine; nothing here resolves names.

use decorum_text::TextRange;

/// A parsed policy file: its version line and top-level items in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFile {
    /// The `decorum N` line, when it parsed (a version too large for a `u32` reads as
    /// `u32::MAX`, which no Decorum understands).
    pub version: Option<Spanned<u32>>,
    /// Top-level items that parsed, in source order.
    pub items: Vec<Item>,
    /// Term sets and rules that did not parse, by the name they were given, so that a
    /// reference to one is not reported as unknown on top of its own syntax error.
    pub failed: Vec<FailedItem>,
}

impl PolicyFile {
    /// The `policy` declaration, if the file has one.
    pub fn policy(&self) -> Option<&PolicyDecl> {
        self.items.iter().find_map(|item| match item {
            Item::Policy(policy) => Some(policy),
            _ => None,
        })
    }

    /// The rules of the file in source order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleDecl> {
        self.items.iter().filter_map(|item| match item {
            Item::Rule(rule) => Some(rule),
            _ => None,
        })
    }

    /// The term sets of the file in source order.
    pub fn term_sets(&self) -> impl Iterator<Item = &TermsDecl> {
        self.items.iter().filter_map(|item| match item {
            Item::Terms(terms) => Some(terms),
            _ => None,
        })
    }

    /// The imports of the file in source order.
    pub fn imports(&self) -> impl Iterator<Item = &ImportDecl> {
        self.items.iter().filter_map(|item| match item {
            Item::Import(import) => Some(import),
            _ => None,
        })
    }
}

/// A `terms` or `rule` item that did not parse (or nested too deeply): only its kind and
/// the name written after its keyword are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedItem {
    /// What the item would have defined.
    pub kind: FailedKind,
    /// The name written after the keyword.
    pub name: Name,
}

/// The kind of a [`FailedItem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedKind {
    /// A `terms NAME = ...` item.
    Terms,
    /// A `rule NAME { ... }` item.
    Rule,
}

/// A value with the range it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub range: TextRange,
}

/// An identifier: a term set, rule, parameter, alias or tag name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name as written.
    pub text: String,
    /// Where it was written.
    pub range: TextRange,
}

/// A dotted reference such as `hc.privacy.client-story`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The segments, at least one.
    pub segments: Vec<Name>,
    /// The whole path.
    pub range: TextRange,
}

impl Path {
    /// The path as written, segments joined with dots.
    pub fn dotted(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join(".")
    }
}

/// A string literal, already unescaped (and, for `"""` strings, dedented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// The string's value.
    pub value: String,
    /// The literal including its quotes.
    pub range: TextRange,
    /// True for a `"""` string.
    pub triple: bool,
}

/// A regular expression literal `/body/flags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexLit {
    /// The pattern between the slashes, with `\/` turned into `/`.
    pub pattern: String,
    /// The flags after the closing slash (`i`, `m`, `s`, `x`, `u`).
    pub flags: String,
    /// The whole literal.
    pub range: TextRange,
    /// The body between the slashes as written, for pointing inside the pattern.
    pub body_range: TextRange,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `policy NAME "description"`
    Policy(PolicyDecl),
    /// `import "path" as alias`
    Import(ImportDecl),
    /// `terms NAME = ...`
    Terms(TermsDecl),
    /// `rule NAME { ... }`
    Rule(RuleDecl),
    /// `use PATH { ... }`
    Use(UseDecl),
    /// `extend PATH += ...`
    Extend(ExtendDecl),
    /// `disable PATH because "reason"`
    Disable(DisableDecl),
}

impl Item {
    /// The item's whole range.
    pub fn range(&self) -> TextRange {
        match self {
            Item::Policy(x) => x.range,
            Item::Import(x) => x.range,
            Item::Terms(x) => x.range,
            Item::Rule(x) => x.range,
            Item::Use(x) => x.range,
            Item::Extend(x) => x.range,
            Item::Disable(x) => x.range,
        }
    }
}

/// `policy NAME "description"`: names the file's policy; rule ids are `NAME.rule`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDecl {
    /// The dotted policy name, e.g. `hc.privacy`.
    pub name: Path,
    /// An optional one-line description.
    pub description: Option<StrLit>,
    /// The whole item.
    pub range: TextRange,
}

/// `import "std/healthcare" as hc`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDecl {
    /// What to import: `std/...`, a library name, or a path relative to this file.
    pub source: StrLit,
    /// The local name; defaults to the last segment of the source.
    pub alias: Option<Name>,
    /// The whole item.
    pub range: TextRange,
}

/// `terms NAME = EXPR options...`
#[derive(Debug, Clone, PartialEq)]
pub struct TermsDecl {
    /// The set's name.
    pub name: Name,
    /// Its members.
    pub expr: TermExpr,
    /// Options after the expression, in source order.
    pub options: Vec<TermOption>,
    /// The whole item.
    pub range: TextRange,
}

/// An option of a term set.
#[derive(Debug, Clone, PartialEq)]
pub enum TermOption {
    /// `masked`: also match forms with letters masked, like `f*ck` or `sh!t`.
    Masked(TextRange),
    /// `case-sensitive`: literals match only with the case written.
    CaseSensitive(TextRange),
    /// `unless negated`: drop matches that a nearby negation cancels (`no cure`).
    UnlessNegated(TextRange),
    /// `unless quoted`: drop matches inside a quotation (`Posts like "my patient..."`).
    UnlessQuoted(TextRange),
    /// `allow EXPR`: drop matches that overlap a match of the allowlist.
    Allow(TermExpr, TextRange),
}

/// A term-set expression: lists, references, unions and differences.
#[derive(Debug, Clone, PartialEq)]
pub enum TermExpr {
    /// `["a", /b/i]`
    List(TermList),
    /// A reference to another set.
    Ref(Path),
    /// `A + B` or `A - B`.
    Binary {
        /// Union or difference.
        op: SetOp,
        /// Left operand.
        lhs: Box<TermExpr>,
        /// Right operand.
        rhs: Box<TermExpr>,
        /// The whole expression.
        range: TextRange,
    },
}

impl TermExpr {
    /// The expression's range.
    pub fn range(&self) -> TextRange {
        match self {
            TermExpr::List(list) => list.range,
            TermExpr::Ref(path) => path.range,
            TermExpr::Binary { range, .. } => *range,
        }
    }
}

/// Set operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `+`: matches of either side.
    Union,
    /// `-`: matches of the left side that overlap no match of the right side.
    Difference,
}

/// `[term, term, ...]`
#[derive(Debug, Clone, PartialEq)]
pub struct TermList {
    /// The terms in order.
    pub terms: Vec<Term>,
    /// The brackets and everything between.
    pub range: TextRange,
}

/// One member of a term list.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// A phrase or a regex.
    pub pattern: TermPattern,
    /// `-> "replacement"`: the suggested wording that `fix replace` offers.
    pub replacement: Option<StrLit>,
    /// The whole term.
    pub range: TextRange,
}

/// What a term matches.
#[derive(Debug, Clone, PartialEq)]
pub enum TermPattern {
    /// A word or phrase, matched case-insensitively on whole words.
    Phrase(StrLit),
    /// A regular expression, matched on the original text.
    Regex(RegexLit),
}

/// `rule NAME { clauses }`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    /// The rule's id within its policy.
    pub name: Name,
    /// The clauses in source order.
    pub clauses: Vec<RuleClause>,
    /// The whole item.
    pub range: TextRange,
}

impl RuleDecl {
    /// The first severity clause.
    pub fn severity(&self) -> Option<&SeverityClause> {
        self.clauses.iter().find_map(|c| match c {
            RuleClause::Severity(s) => Some(s),
            _ => None,
        })
    }

    /// The first text clause of the given kind.
    pub fn text(&self, kind: TextKind) -> Option<&StrLit> {
        self.clauses.iter().find_map(|c| match c {
            RuleClause::Text(k, s) if *k == kind => Some(s),
            _ => None,
        })
    }

    /// All tags of all `tags` clauses.
    pub fn tags(&self) -> impl Iterator<Item = &Name> {
        self.clauses.iter().flat_map(|c| match c {
            RuleClause::Tags(tags, _) => tags.as_slice(),
            _ => &[],
        })
    }

    /// The parameters declared by the rule.
    pub fn params(&self) -> impl Iterator<Item = &ParamDecl> {
        self.clauses.iter().filter_map(|c| match c {
            RuleClause::Param(p) => Some(p),
            _ => None,
        })
    }

    /// The examples in source order.
    pub fn examples(&self) -> impl Iterator<Item = &Example> {
        self.clauses.iter().filter_map(|c| match c {
            RuleClause::Example(e) => Some(e),
            _ => None,
        })
    }
}

/// One clause of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleClause {
    /// `severity error locked`
    Severity(SeverityClause),
    /// `title`, `message`, `link` or `explain` with its string.
    Text(TextKind, StrLit),
    /// `tags a, b`
    Tags(Vec<Name>, TextRange),
    /// `param NAME = VALUE`
    Param(ParamDecl),
    /// `flag when COND` / `flag batch when COND` / `when COND require COND`
    Trigger(Trigger),
    /// `unless COND`
    Unless(Cond, TextRange),
    /// `fix ...`
    Fix(FixDecl),
    /// `example flags ...` / `example passes ...`
    Example(Example),
}

impl RuleClause {
    /// The clause's range.
    pub fn range(&self) -> TextRange {
        match self {
            RuleClause::Severity(s) => s.range,
            RuleClause::Text(_, s) => s.range,
            RuleClause::Tags(_, r) | RuleClause::Unless(_, r) => *r,
            RuleClause::Param(p) => p.range,
            RuleClause::Trigger(t) => t.range(),
            RuleClause::Fix(f) => f.range,
            RuleClause::Example(e) => e.range,
        }
    }
}

/// The kinds of text clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// `title`: a short name for the problem.
    Title,
    /// `message`: what the writer sees, with `{placeholders}`.
    Message,
    /// `link`: the primary source.
    Link,
    /// `explain`: why it matters and what to write instead.
    Explain,
}

impl TextKind {
    /// The keyword that introduces the clause.
    pub fn keyword(self) -> &'static str {
        match self {
            TextKind::Title => "title",
            TextKind::Message => "message",
            TextKind::Link => "link",
            TextKind::Explain => "explain",
        }
    }
}

/// The severities, from most to least serious... in reverse: `Hint < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Shown faintly; never fails a check by default.
    Hint,
    /// Worth knowing.
    Info,
    /// Probably wrong.
    Warning,
    /// Must be fixed before publishing.
    Error,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ];

    /// The keyword for the severity.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a severity keyword.
    pub fn from_keyword(word: &str) -> Option<Severity> {
        Some(match word {
            "hint" => Severity::Hint,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// `severity LEVEL [locked]`
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityClause {
    /// The level.
    pub level: Spanned<Severity>,
    /// Where `locked` was written, if it was.
    pub locked: Option<TextRange>,
    /// The whole clause.
    pub range: TextRange,
}

/// `param NAME = VALUE`
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// The parameter's name.
    pub name: Name,
    /// Its default value.
    pub value: Value,
    /// The whole clause.
    pub range: TextRange,
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `12` or `2.5`
    Number(Spanned<f64>),
    /// `12%`, stored as a fraction (0.12).
    Percent(Spanned<f64>),
    /// `true` / `false`
    Bool(Spanned<bool>),
    /// `"text"`
    Str(StrLit),
    /// A term-set expression.
    Terms(TermExpr),
}

impl Value {
    /// The value's range.
    pub fn range(&self) -> TextRange {
        match self {
            Value::Number(n) | Value::Percent(n) => n.range,
            Value::Bool(b) => b.range,
            Value::Str(s) => s.range,
            Value::Terms(t) => t.range(),
        }
    }
}

/// How a `flag` clause reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// `flag when`: per post, a finding per hit.
    Each,
    /// `flag once when`: per post, all hits in one finding.
    Once,
    /// `flag batch when`: once over a batch of posts.
    Batch,
}

impl FlagKind {
    /// The clause's words up to the condition, as written: `flag once when`.
    pub fn words(self) -> &'static str {
        match self {
            FlagKind::Each => "flag when",
            FlagKind::Once => "flag once when",
            FlagKind::Batch => "flag batch when",
        }
    }
}

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `flag when COND`, `flag once when COND` or `flag batch when COND`.
    Flag {
        /// Which of the three.
        kind: FlagKind,
        /// The condition.
        cond: Cond,
        /// The whole clause.
        range: TextRange,
    },
    /// `when COND require COND`: every hit of the first without the second is flagged.
    Require {
        /// The situation that creates the obligation.
        when: Cond,
        /// What must then be present.
        require: Cond,
        /// The whole clause.
        range: TextRange,
    },
}

impl Trigger {
    /// The clause's range.
    pub fn range(&self) -> TextRange {
        match self {
            Trigger::Flag { range, .. } | Trigger::Require { range, .. } => *range,
        }
    }
}

/// A condition with its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// What the condition is.
    pub kind: CondKind,
    /// Where it was written.
    pub range: TextRange,
}

/// The kinds of condition.
#[derive(Debug, Clone, PartialEq)]
pub enum CondKind {
    /// `A and B and ...`
    And(Vec<Cond>),
    /// `A or B or ...`
    Or(Vec<Cond>),
    /// `not A`
    Not(Box<Cond>),
    /// `A in sentence` and friends.
    Scoped(Box<Cond>, Spanned<Scope>),
    /// `contains SET`
    Contains(TermExpr),
    /// `near(A, B, N words[, ordered])`
    Near {
        /// The first set.
        left: TermExpr,
        /// The second set.
        right: TermExpr,
        /// At most this many words between the two matches.
        distance: Spanned<u32>,
        /// True when the left match must come first.
        ordered: bool,
    },
    /// `has meta.KEY`
    Has(MetaRef),
    /// `channel == "x"`, `meta.k != 3`, `type in ["ad", "promo"]`
    Meta {
        /// The metadata key.
        key: MetaRef,
        /// The comparison.
        test: MetaTest,
    },
    /// `NUM op NUM`
    Compare {
        /// Left side.
        lhs: NumExpr,
        /// Operator.
        op: Spanned<CmpOp>,
        /// Right side.
        rhs: NumExpr,
    },
}

/// A metadata key in a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaRef {
    /// The key: `channel`, `type` or what follows `meta.`.
    pub key: String,
    /// Where it was written.
    pub range: TextRange,
}

impl MetaRef {
    /// The keys a condition names without `meta.` (the grammar's `K_CHANNEL` and
    /// `K_TYPE`); every other key is written `meta.KEY`. Compared with text, never a
    /// number.
    pub const BARE_KEYS: [&'static str; 2] = ["channel", "type"];
}

/// A test of a metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaTest {
    /// `== VALUE`
    Eq(MetaLiteral),
    /// `!= VALUE`
    Ne(MetaLiteral),
    /// `in ["a", "b"]`
    In(Vec<StrLit>),
}

/// A literal a metadata value is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaLiteral {
    /// A string, compared case-insensitively.
    Str(StrLit),
    /// A number.
    Number(Spanned<f64>),
    /// A boolean.
    Bool(Spanned<bool>),
}

/// The unit a scoped condition is evaluated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each sentence on its own.
    Sentence,
    /// Each paragraph on its own.
    Paragraph,
    /// The whole post.
    Post,
    /// The opening N words of the enclosing unit.
    FirstWords(u32),
    /// The opening N characters of the enclosing unit.
    FirstChars(u32),
}

/// The scope as written after `in`: `sentence`, `first 12 words`...
impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Sentence => f.write_str("sentence"),
            Scope::Paragraph => f.write_str("paragraph"),
            Scope::Post => f.write_str("post"),
            Scope::FirstWords(n) => write!(f, "first {n} words"),
            Scope::FirstChars(n) => write!(f, "first {n} chars"),
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

/// A numeric expression.
#[derive(Debug, Clone, PartialEq)]
pub struct NumExpr {
    /// What the expression is.
    pub kind: NumKind,
    /// Where it was written.
    pub range: TextRange,
}

/// The kinds of numeric expression.
#[derive(Debug, Clone, PartialEq)]
pub enum NumKind {
    /// A number literal.
    Number(f64),
    /// A percentage literal, stored as a fraction.
    Percent(f64),
    /// `count(SET)`: matches of the set in the unit.
    Count(TermExpr),
    /// `share(COND)`: fraction of the batch's posts where the condition holds.
    Share(Box<Cond>),
    /// `posts(COND)`: number of the batch's posts where the condition holds.
    Posts(Box<Cond>),
    /// A post field (`words`, `length`, ...) or a rule parameter.
    Name(Name),
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Binary(Box<NumExpr>, ArithOp, Box<NumExpr>),
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// `fix ...`
#[derive(Debug, Clone, PartialEq)]
pub struct FixDecl {
    /// What the fix does.
    pub kind: FixKind,
    /// The whole clause.
    pub range: TextRange,
}

/// The kinds of fix.
#[derive(Debug, Clone, PartialEq)]
pub enum FixKind {
    /// Replace the flagged text with the given text, or with the matched term's
    /// suggested replacement (`"a" -> "b"`) when no text is given.
    Replace(Option<StrLit>),
    /// Remove the flagged text.
    Remove,
    /// Add text at the end of the post (a disclaimer, a risk statement).
    Append(StrLit),
    /// Add text at the start of the post's first block (a disclosure such as `#ad`).
    Prepend(StrLit),
}

/// `example flags "text" at "span"` or `example passes "text"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Whether the rule must fire.
    pub expect: ExampleExpect,
    /// The draft text.
    pub text: StrLit,
    /// The whole clause.
    pub range: TextRange,
}

/// What an example expects.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleExpect {
    /// The rule fires; when a span is given, one finding's primary range is its first
    /// occurrence in the text.
    Flags(Option<StrLit>),
    /// The rule does not fire.
    Passes,
}

/// `use PATH { items }`: adjusts an imported rule.
#[derive(Debug, Clone, PartialEq)]
pub struct UseDecl {
    /// The rule.
    pub target: Path,
    /// New severity and parameter values.
    pub items: Vec<UseItem>,
    /// The whole item.
    pub range: TextRange,
}

/// One adjustment inside `use`.
#[derive(Debug, Clone, PartialEq)]
pub enum UseItem {
    /// `severity LEVEL [locked]`
    Severity(SeverityClause),
    /// `example flags ...` / `example passes ...`: an importer's test of the adjusted rule.
    Example(Example),
    /// `NAME = VALUE` or `NAME += TERMS`
    Assign {
        /// The parameter.
        name: Name,
        /// True for `+=` (add to a term-set parameter).
        add: bool,
        /// The new value.
        value: Value,
        /// The whole assignment.
        range: TextRange,
    },
}

/// `extend PATH += EXPR` or `-= EXPR`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtendDecl {
    /// The term set to change.
    pub target: Path,
    /// True for `-=`.
    pub remove: bool,
    /// The terms to add or take away.
    pub expr: TermExpr,
    /// The whole item.
    pub range: TextRange,
}

/// `disable PATH because "reason"`
#[derive(Debug, Clone, PartialEq)]
pub struct DisableDecl {
    /// The rule.
    pub target: Path,
    /// The reason (required; its absence is a validation error).
    pub reason: Option<StrLit>,
    /// The whole item.
    pub range: TextRange,
}
