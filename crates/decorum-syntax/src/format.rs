//! The formatter behind `decorum fmt` and the language server's formatting: one
//! canonical layout, no options.
//!
//! Layout: two-space indentation; one clause per line inside `rule { }`; a blank line
//! between top-level items, except between one-line items of the same kind (imports,
//! one-line term sets, extends, disables) that were adjacent; a term list without
//! comments on one line when the list fits in 76 columns (room for `terms name = ` and
//! options within 100), else its terms packed into lines of at most 100 columns; a
//! list with comments one term per line with a trailing comma; conditions and numbers
//! with single spaces around operators and only the parentheses precedence needs, on one
//! line when the clause fits in 100 columns, else broken before each top-level `or` (or
//! `and`) with continuation lines two spaces deeper (parenthesised parts break the same
//! way, one step further in). Columns count characters, not bytes. A comment
//! followed by a blank line keeps the blank line before its item. Strings, regexes and
//! numbers are kept exactly as written (a `"""` string is only re-indented with its
//! clause).
//!
//! Comments are never lost or reordered: each is attached to the item, clause or term
//! it precedes or ends the line of (a comment after a rule's closing brace is the
//! rule's, one between its name and its brace ends the header line); a comment in a
//! place the layout does not know (in the middle of a condition, inside a term, between
//! a parameter's `=` and its list) keeps that clause or term exactly as written. Before
//! returning, the formatter parses its own output and refuses when the syntax tree or the
//! sequence of comments differs from the input's.

use decorum_text::{TextRange, TextSize};

use crate::ast::*;
use crate::debug_tree::shape_tree;
use crate::errors::SyntaxError;
use crate::parser::parse;
use crate::strings::dedent_triple;

/// Width beyond which a term list is laid out one term per line.
const MAX_WIDTH: usize = 100;

/// How much deeper a continuation line of a condition is indented than its clause.
const CONTINUATION: &str = "  ";
const INDENT: &str = "  ";

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not parse; formatting would guess.
    Syntax(Vec<SyntaxError>),
    /// The formatter's output would have changed the meaning or lost a comment (a bug in
    /// the formatter): nothing is written.
    Unsafe(String),
}

/// Formats a policy file. The result parses to the same tree with the same comments.
pub fn format(original: &str) -> Result<String, FormatError> {
    let parsed = parse(original);
    if !parsed.errors.is_empty() {
        return Err(FormatError::Syntax(parsed.errors));
    }
    // A lone CR ends a line as LF does; reading it as LF (same length, same offsets) keeps
    // the layout code to one line break. The file's own ending is put back below.
    let lf_text;
    let text = if original.contains('\r') {
        lf_text = lone_cr_as_lf(original);
        lf_text.as_str()
    } else {
        original
    };
    let comments = comments(text, &parsed.file);
    let mut f = Formatter {
        src: text,
        comments: &comments,
        next: 0,
        out: String::new(),
        last: TextSize::from(0),
        fence: None,
    };
    f.file(&parsed.file);
    let mut out = f.out;
    // Keep the file's line endings and byte-order mark: they are the author's, not layout.
    // A file that mixes them takes the ending of its first line (see `line_ending`).
    match decorum_text::line_ending(original) {
        "\n" => {}
        ending => out = out.replace("\r\n", "\n").replace('\n', ending),
    }
    if text.starts_with(decorum_text::BOM) {
        out.insert(0, decorum_text::BOM);
    }

    // Prove it: same tree (layout aside), same comments in the same order.
    let again = parse(&out);
    if !again.errors.is_empty() {
        return Err(FormatError::Unsafe(format!(
            "the formatted text does not parse: {}",
            again.errors[0].message
        )));
    }
    if shape_tree(&again) != shape_tree(&parsed) {
        return Err(FormatError::Unsafe(
            "formatting would change the policy's syntax tree".into(),
        ));
    }
    let before: Vec<&str> = comments.iter().map(|c| c.text.as_str()).collect();
    let after_comments = self::comments(&out, &again.file);
    let after: Vec<&str> = after_comments.iter().map(|c| c.text.as_str()).collect();
    if before != after {
        return Err(FormatError::Unsafe(
            "formatting would lose or reorder a comment".into(),
        ));
    }
    Ok(out)
}

/// A `#` comment: its range (to the end of the line, trailing spaces excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comment {
    range: TextRange,
    text: String,
}

/// Finds every comment: `#` outside strings and regexes, to the end of the line.
/// `text` with every CR that no LF follows replaced by LF.
fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn comments(text: &str, file: &PolicyFile) -> Vec<Comment> {
    let mut atoms: Vec<TextRange> = Vec::new();
    collect_atoms(file, &mut atoms);
    atoms.sort_by_key(|r| r.start());
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut atom = 0usize;
    while i < bytes.len() {
        while atom < atoms.len() && usize::from(atoms[atom].end()) <= i {
            atom += 1;
        }
        if let Some(a) = atoms.get(atom)
            && usize::from(a.start()) <= i
        {
            i = usize::from(a.end());
            continue;
        }
        if bytes[i] == b'#' {
            // Up to the line break, which for the grammar is also a lone `\r`.
            let end = text[i..]
                .find(['\n', '\r'])
                .map(|n| i + n)
                .unwrap_or(text.len());
            let body = text[i..end].trim_end();
            out.push(Comment {
                range: TextRange::at(size(i), size(body.len())),
                text: body.to_string(),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

fn collect_atoms(file: &PolicyFile, out: &mut Vec<TextRange>) {
    for item in &file.items {
        match item {
            Item::Policy(p) => out.extend(p.description.as_ref().map(|d| d.range)),
            Item::Import(i) => out.push(i.source.range),
            Item::Terms(t) => {
                term_atoms(&t.expr, out);
                for o in &t.options {
                    if let TermOption::Allow(e, _) = o {
                        term_atoms(e, out);
                    }
                }
            }
            Item::Rule(r) => {
                for c in &r.clauses {
                    clause_atoms(c, out);
                }
            }
            Item::Use(u) => {
                for it in &u.items {
                    match it {
                        UseItem::Severity(_) => {}
                        UseItem::Example(e) => example_atoms(e, out),
                        UseItem::Assign { value, .. } => value_atoms(value, out),
                    }
                }
            }
            Item::Extend(e) => term_atoms(&e.expr, out),
            Item::Disable(d) => out.extend(d.reason.as_ref().map(|r| r.range)),
        }
    }
}

fn example_atoms(e: &Example, out: &mut Vec<TextRange>) {
    out.push(e.text.range);
    if let ExampleExpect::Flags(Some(at)) = &e.expect {
        out.push(at.range);
    }
}

fn value_atoms(v: &Value, out: &mut Vec<TextRange>) {
    match v {
        Value::Str(s) => out.push(s.range),
        Value::Terms(t) => term_atoms(t, out),
        _ => {}
    }
}

fn clause_atoms(c: &RuleClause, out: &mut Vec<TextRange>) {
    match c {
        RuleClause::Text(_, s) => out.push(s.range),
        RuleClause::Param(p) => value_atoms(&p.value, out),
        RuleClause::Trigger(Trigger::Flag { cond, .. }) => cond_atoms(cond, out),
        RuleClause::Trigger(Trigger::Require { when, require, .. }) => {
            cond_atoms(when, out);
            cond_atoms(require, out);
        }
        RuleClause::Unless(cond, _) => cond_atoms(cond, out),
        RuleClause::Fix(f) => match &f.kind {
            FixKind::Replace(Some(s)) | FixKind::Append(s) | FixKind::Prepend(s) => {
                out.push(s.range);
            }
            _ => {}
        },
        RuleClause::Example(e) => example_atoms(e, out),
        RuleClause::Severity(_) | RuleClause::Tags(..) => {}
    }
}

fn term_atoms(t: &TermExpr, out: &mut Vec<TextRange>) {
    match t {
        TermExpr::List(l) => {
            for term in &l.terms {
                match &term.pattern {
                    TermPattern::Phrase(s) => out.push(s.range),
                    TermPattern::Regex(r) => out.push(r.range),
                }
                out.extend(term.replacement.as_ref().map(|r| r.range));
            }
        }
        TermExpr::Ref(_) => {}
        TermExpr::Binary { lhs, rhs, .. } => {
            term_atoms(lhs, out);
            term_atoms(rhs, out);
        }
    }
}

fn cond_atoms(c: &Cond, out: &mut Vec<TextRange>) {
    match &c.kind {
        CondKind::And(p) | CondKind::Or(p) => p.iter().for_each(|x| cond_atoms(x, out)),
        CondKind::Not(i) | CondKind::Scoped(i, _) => cond_atoms(i, out),
        CondKind::Contains(t) => term_atoms(t, out),
        CondKind::Near { left, right, .. } => {
            term_atoms(left, out);
            term_atoms(right, out);
        }
        CondKind::Meta { test, .. } => match test {
            MetaTest::Eq(MetaLiteral::Str(s)) | MetaTest::Ne(MetaLiteral::Str(s)) => {
                out.push(s.range)
            }
            MetaTest::In(list) => out.extend(list.iter().map(|s| s.range)),
            _ => {}
        },
        CondKind::Compare { lhs, rhs, .. } => {
            num_atoms(lhs, out);
            num_atoms(rhs, out);
        }
        CondKind::Has(_) => {}
    }
}

fn num_atoms(n: &NumExpr, out: &mut Vec<TextRange>) {
    match &n.kind {
        NumKind::Count(t) => term_atoms(t, out),
        NumKind::Share(c) | NumKind::Posts(c) => cond_atoms(c, out),
        NumKind::Binary(a, _, b) => {
            num_atoms(a, out);
            num_atoms(b, out);
        }
        _ => {}
    }
}

/// Columns a line takes: characters, not bytes (a list of Hebrew words or emoji is no
/// wider than one of ASCII words of as many characters).
fn width(s: &str) -> usize {
    s.chars().count()
}

fn size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

struct Formatter<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// Index of the next comment not yet written.
    next: usize,
    out: String,
    /// End of the last source element written, for blank-line decisions.
    last: TextSize,
    /// While set, no comment after it ends a line written now (see [`Formatter::rule`]).
    fence: Option<TextSize>,
}

impl Formatter<'_> {
    fn slice(&self, r: TextRange) -> &str {
        decorum_text::slice(self.src, r)
    }

    /// True when the source between two offsets holds an empty line.
    fn blank_between(&self, from: TextSize, to: TextSize) -> bool {
        let gap = decorum_text::slice(self.src, TextRange::new(from.min(to), to));
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() >= 3
            && lines[1..lines.len() - 1]
                .iter()
                .any(|l| l.trim().is_empty())
    }

    fn has_comment_within(&self, r: TextRange) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.range.start() > r.start() && c.range.start() < r.end())
    }

    /// Writes every pending comment that starts before `before`, one per line.
    fn leading(&mut self, before: TextSize, indent: &str) {
        while let Some(c) = self.comments.get(self.next) {
            if c.range.start() >= before {
                break;
            }
            if !self.out.is_empty()
                && self.blank_between(self.last, c.range.start())
                && !self.out.ends_with("{\n")
                && !self.out.ends_with("[\n")
            {
                self.ensure_blank_line();
            }
            self.out.push_str(indent);
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.last = c.range.end();
            self.next += 1;
        }
    }

    /// Appends the comment that ends the source line of `after`, if any.
    fn trailing(&mut self, after: TextSize) {
        let Some(c) = self.comments.get(self.next) else {
            return;
        };
        if c.range.start() < after || self.fence.is_some_and(|f| c.range.start() > f) {
            return;
        }
        let gap = decorum_text::slice(self.src, TextRange::new(after, c.range.start()));
        if gap.contains('\n')
            || !gap
                .chars()
                .all(|ch| ch.is_whitespace() || ch == ',' || ch == '{' || ch == '}')
        {
            return;
        }
        // Inserted before the newline the caller already wrote.
        let had_newline = self.out.ends_with('\n');
        if had_newline {
            self.out.pop();
        }
        self.out.push_str("  ");
        self.out.push_str(&c.text);
        if had_newline {
            self.out.push('\n');
        }
        self.last = c.range.end();
        self.next += 1;
    }

    fn ensure_blank_line(&mut self) {
        if self.out.is_empty() || self.out.ends_with("\n\n") {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out.push('\n');
    }

    fn file(&mut self, file: &PolicyFile) {
        if let Some(v) = &file.version {
            self.leading(v.range.start(), "");
            // A header comment (a licence, say) set apart by a blank line stays apart.
            if self.next > 0 && self.blank_between(self.last, v.range.start()) {
                self.ensure_blank_line();
            }
            if self.has_comment_within(v.range) {
                self.verbatim(v.range, "");
            } else {
                self.out.push_str(&format!("decorum {}\n", v.value));
                self.last = v.range.end();
                self.trailing(v.range.end());
            }
        }
        let mut previous: Option<&Item> = None;
        for item in &file.items {
            let separate = match previous {
                None => !matches!(item, Item::Policy(_)),
                Some(prev) => {
                    let same_kind_one_liners = one_line_kind(prev).is_some()
                        && one_line_kind(prev) == one_line_kind(item)
                        && self.single_line(item)
                        && self.single_line(prev);
                    !same_kind_one_liners
                        || self.blank_between(prev.range().end(), item.range().start())
                }
            };
            // Comments before the item stay with it, after the blank line.
            if separate {
                self.ensure_blank_line();
            }
            let before = self.next;
            self.leading(item.range().start(), "");
            // A comment set apart from the item by a blank line stays apart.
            if self.next > before && self.blank_between(self.last, item.range().start()) {
                self.ensure_blank_line();
            }
            self.item(item);
            previous = Some(item);
        }
        let end = size(self.src.len());
        if self.next < self.comments.len() {
            if self.blank_between(self.last, self.comments[self.next].range.start()) {
                self.ensure_blank_line();
            }
            self.leading(end, "");
        }
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Whether an item will be written on one line.
    fn single_line(&self, item: &Item) -> bool {
        match item {
            Item::Terms(t) => {
                !self.has_comment_within(t.range)
                    && self
                        .terms_inline(&t.expr)
                        .is_some_and(|s| width(&s) + width(&t.name.text) + 9 <= MAX_WIDTH)
            }
            Item::Rule(_) => false,
            Item::Use(u) => {
                u.items.len() == 1
                    && !matches!(u.items[0], UseItem::Example(_))
                    && !self.has_comment_within(u.range)
            }
            _ => !self.has_comment_within(item.range()),
        }
    }

    fn verbatim(&mut self, r: TextRange, indent: &str) {
        let text = self.slice(r).to_string();
        self.out.push_str(indent);
        self.out.push_str(&text);
        self.out.push('\n');
        self.skip_comments_before(r.end());
        self.last = r.end();
        self.trailing(r.end());
    }

    /// Marks the comments before `end` as written: they are part of text copied as is.
    fn skip_comments_before(&mut self, end: TextSize) {
        while self
            .comments
            .get(self.next)
            .is_some_and(|c| c.range.start() < end)
        {
            self.next += 1;
        }
    }

    fn item(&mut self, item: &Item) {
        let range = item.range();
        match item {
            Item::Rule(rule) => return self.rule(rule),
            Item::Use(u) => return self.use_decl(u),
            Item::Terms(t) if !self.comment_outside_lists(t) => return self.terms_decl(t),
            _ => {}
        }
        if self.has_comment_within(range) {
            return self.verbatim(range, "");
        }
        let line = match item {
            Item::Policy(p) => {
                let desc = p
                    .description
                    .as_ref()
                    .map(|d| format!(" {}", self.slice(d.range)))
                    .unwrap_or_default();
                format!("policy {}{desc}", p.name.dotted())
            }
            Item::Import(i) => {
                let alias = i
                    .alias
                    .as_ref()
                    .map(|a| format!(" as {}", a.text))
                    .unwrap_or_default();
                format!("import {}{alias}", self.slice(i.source.range))
            }
            Item::Extend(e) => format!(
                "extend {} {} {}",
                e.target.dotted(),
                if e.remove { "-=" } else { "+=" },
                self.terms(&e.expr, "")
            ),
            Item::Disable(d) => {
                let reason = d
                    .reason
                    .as_ref()
                    .map(|r| format!(" because {}", self.slice(r.range)))
                    .unwrap_or_default();
                format!("disable {}{reason}", d.target.dotted())
            }
            Item::Terms(t) => self.terms_decl_text(t, ""),
            Item::Rule(_) | Item::Use(_) => String::new(),
        };
        self.out.push_str(&line);
        self.out.push('\n');
        self.last = range.end();
        self.trailing(range.end());
    }

    /// True when a comment sits inside a term set but outside its lists (between options,
    /// after `=`): then the declaration is kept as written.
    fn comment_outside_lists(&self, t: &TermsDecl) -> bool {
        let mut lists = Vec::new();
        list_ranges(&t.expr, &mut lists);
        for o in &t.options {
            if let TermOption::Allow(e, _) = o {
                list_ranges(e, &mut lists);
            }
        }
        self.comments[self.next..]
            .iter()
            .filter(|c| c.range.start() > t.range.start() && c.range.start() < t.range.end())
            .any(|c| !lists.iter().any(|l| l.contains_range(c.range)))
    }

    fn terms_decl(&mut self, t: &TermsDecl) {
        let text = self.terms_decl_text(t, "");
        self.out.push_str(&text);
        self.out.push('\n');
        self.last = t.range.end();
        self.trailing(t.range.end());
    }

    fn terms_decl_text(&mut self, t: &TermsDecl, indent: &str) -> String {
        let mut s = format!("terms {} = {}", t.name.text, self.terms(&t.expr, indent));
        for o in &t.options {
            match o {
                TermOption::Masked(_) => s.push_str(" masked"),
                TermOption::CaseSensitive(_) => s.push_str(" case-sensitive"),
                TermOption::UnlessNegated(_) => s.push_str(" unless negated"),
                TermOption::UnlessQuoted(_) => s.push_str(" unless quoted"),
                TermOption::Allow(e, _) => {
                    let e = self.terms(e, indent);
                    s.push_str(" allow ");
                    s.push_str(&e);
                }
            }
        }
        s
    }

    /// A term expression; lists with comments or too long go one term per line at
    /// `indent` plus one level.
    fn terms(&mut self, t: &TermExpr, indent: &str) -> String {
        match t {
            TermExpr::Ref(p) => p.dotted(),
            TermExpr::Binary { op, lhs, rhs, .. } => {
                let l = self.terms(lhs, indent);
                let r = self.terms(rhs, indent);
                let r = if matches!(**rhs, TermExpr::Binary { .. }) {
                    format!("({r})")
                } else {
                    r
                };
                format!("{l} {} {r}", if *op == SetOp::Union { "+" } else { "-" })
            }
            TermExpr::List(list) => {
                let inline = self.list_inline(list);
                if self.has_comment_within(list.range) {
                    return self.list_block(list, indent);
                }
                if let Some(s) = inline.filter(|s| width(s) + indent.len() + 24 <= MAX_WIDTH) {
                    return s;
                }
                self.list_filled(list, indent)
            }
        }
    }

    fn list_inline(&self, list: &TermList) -> Option<String> {
        let terms: Vec<String> = list.terms.iter().map(|t| self.term(t)).collect();
        Some(format!("[{}]", terms.join(", ")))
    }

    fn terms_inline(&self, t: &TermExpr) -> Option<String> {
        match t {
            TermExpr::Ref(p) => Some(p.dotted()),
            TermExpr::List(l) => self.list_inline(l),
            TermExpr::Binary { lhs, rhs, .. } => Some(format!(
                "{} + {}",
                self.terms_inline(lhs)?,
                self.terms_inline(rhs)?
            )),
        }
    }

    fn term(&self, t: &Term) -> String {
        let pattern = match &t.pattern {
            TermPattern::Phrase(s) => self.slice(s.range).to_string(),
            TermPattern::Regex(r) => self.slice(r.range).to_string(),
        };
        match &t.replacement {
            Some(r) => format!("{pattern} -> {}", self.slice(r.range)),
            None => pattern,
        }
    }

    /// A long list without comments: terms packed into lines of at most 100 columns,
    /// like a paragraph, so lexicons stay readable.
    fn list_filled(&self, list: &TermList, indent: &str) -> String {
        let inner = format!("{indent}{INDENT}");
        let mut out = String::from("[\n");
        let mut line = String::new();
        for term in &list.terms {
            let piece = format!("{},", self.term(term));
            if !line.is_empty() && inner.len() + width(&line) + 1 + width(&piece) > MAX_WIDTH {
                out.push_str(&inner);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&piece);
        }
        if !line.is_empty() {
            out.push_str(&inner);
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(indent);
        out.push(']');
        out
    }

    /// A list one term per line. Comments inside go with the term they precede or end.
    fn list_block(&mut self, list: &TermList, indent: &str) -> String {
        let inner = format!("{indent}{INDENT}");
        // Written into a separate buffer: the caller places it after `name = `.
        let saved = std::mem::take(&mut self.out);
        self.out.push('[');
        let open = list.range.start() + TextSize::from(1);
        self.last = open;
        self.out.push('\n');
        self.trailing(open);
        for term in &list.terms {
            self.leading(term.range.start(), &inner);
            // A comment inside the term (before or after its `->`) keeps the term as
            // written, so the comment stays beside the part it is about.
            let text = if self.has_comment_within(term.range) {
                self.skip_comments_before(term.range.end());
                self.slice(term.range).to_string()
            } else {
                self.term(term)
            };
            self.out.push_str(&inner);
            self.out.push_str(&text);
            self.out.push_str(",\n");
            self.last = term.range.end();
            self.trailing(term.range.end());
        }
        let close = list.range.end() - TextSize::from(1);
        self.leading(close, &inner);
        self.out.push_str(indent);
        self.out.push(']');
        self.last = list.range.end();
        std::mem::replace(&mut self.out, saved)
    }

    fn rule(&mut self, rule: &RuleDecl) {
        self.out.push_str(&format!("rule {} {{\n", rule.name.text));
        let brace = self.src[usize::from(rule.name.range.end())..]
            .find('{')
            .map(|n| rule.name.range.end() + size(n + 1))
            .unwrap_or(rule.name.range.end());
        // A comment after the name (`rule r  # why`, the brace on the next line) or after
        // the brace ends the header line; a second one goes inside, as the first line.
        let before = self.next;
        self.trailing(rule.name.range.end());
        self.last = brace;
        if self.next == before {
            self.trailing(brace);
        }
        // The clauses' line-end comments stop at the closing brace: one after it, on the
        // rule's last line (`rule r { flag when ... }  # why`), is the rule's.
        let close = rule.range.end() - TextSize::from(1);
        let fence = self.fence.replace(close);
        let mut previous_end: Option<TextSize> = None;
        for clause in &rule.clauses {
            let range = clause.range();
            if let Some(prev) = previous_end
                && self.blank_between(prev, range.start())
                && self
                    .comments
                    .get(self.next)
                    .is_none_or(|c| c.range.start() > range.start())
            {
                self.out.push('\n');
            }
            self.leading(range.start(), INDENT);
            self.clause(clause, INDENT);
            previous_end = Some(range.end());
        }
        self.fence = fence;
        self.leading(close, INDENT);
        self.out.push_str("}\n");
        self.last = rule.range.end();
        self.trailing(rule.range.end());
    }

    fn clause(&mut self, clause: &RuleClause, indent: &str) {
        let range = clause.range();
        // A parameter's list lays out the comments inside it; any other comment in the
        // clause (`param t = # why` before the list) keeps the clause as written.
        let lists_only = match clause {
            RuleClause::Param(ParamDecl {
                value: Value::Terms(TermExpr::List(list)),
                ..
            }) => !self.comments[self.next..].iter().any(|c| {
                c.range.start() > range.start()
                    && c.range.start() < range.end()
                    && !list.range.contains_range(c.range)
            }),
            _ => false,
        };
        if self.has_comment_within(range) && !lists_only {
            return self.verbatim(range, indent);
        }
        let text = match clause {
            RuleClause::Severity(s) => severity_text(s),
            RuleClause::Text(kind, s) => format!("{} {}", kind.keyword(), self.string(s, indent)),
            RuleClause::Tags(tags, _) => {
                let names: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
                format!("tags {}", names.join(", "))
            }
            RuleClause::Param(p) => {
                format!("param {} = {}", p.name.text, self.value(&p.value, indent))
            }
            RuleClause::Trigger(Trigger::Flag { kind, cond, .. }) => {
                let head = format!("{} ", kind.words());
                let cond = self.cond_wrapped(cond, indent, indent.len() + head.len());
                head + &cond
            }
            RuleClause::Trigger(Trigger::Require { when, require, .. }) => {
                let flat = format!("when {} require {}", self.cond(when), self.cond(require));
                if indent.len() + width(&flat) <= MAX_WIDTH {
                    flat
                } else {
                    // The obligation on a line of its own, each side wrapped.
                    let when = self.cond_wrapped(when, indent, indent.len() + "when ".len());
                    let continuation = format!("{indent}{CONTINUATION}");
                    let require =
                        self.cond_wrapped(require, indent, continuation.len() + "require ".len());
                    format!("when {when}\n{continuation}require {require}")
                }
            }
            RuleClause::Unless(c, _) => {
                let head = "unless ";
                head.to_owned() + &self.cond_wrapped(c, indent, indent.len() + head.len())
            }
            RuleClause::Fix(f) => match &f.kind {
                FixKind::Replace(Some(s)) => format!("fix replace {}", self.slice(s.range)),
                FixKind::Replace(None) => "fix replace".to_string(),
                FixKind::Remove => "fix remove".to_string(),
                FixKind::Append(s) => format!("fix append {}", self.string(s, indent)),
                FixKind::Prepend(s) => format!("fix prepend {}", self.string(s, indent)),
            },
            RuleClause::Example(e) => self.example(e, indent),
        };
        self.out.push_str(indent);
        self.out.push_str(&text);
        self.out.push('\n');
        self.last = range.end();
        self.trailing(range.end());
    }

    fn example(&self, e: &Example, indent: &str) -> String {
        match &e.expect {
            ExampleExpect::Flags(Some(at)) => format!(
                "example flags {} at {}",
                self.string(&e.text, indent),
                self.slice(at.range)
            ),
            ExampleExpect::Flags(None) => format!("example flags {}", self.string(&e.text, indent)),
            ExampleExpect::Passes => format!("example passes {}", self.string(&e.text, indent)),
        }
    }

    fn value(&mut self, v: &Value, indent: &str) -> String {
        match v {
            Value::Number(n) | Value::Percent(n) => self.slice(n.range).to_string(),
            Value::Bool(b) => b.value.to_string(),
            Value::Str(s) => self.string(s, indent),
            Value::Terms(t) => self.terms(t, indent),
        }
    }

    /// A string as written; a multi-line `"""` string is laid out afresh from its value,
    /// one level deeper than its clause, which never changes the value (checked).
    fn string(&self, s: &StrLit, indent: &str) -> String {
        let written = self.slice(s.range);
        if !s.triple || !written.contains('\n') {
            return written.to_string();
        }
        let inner_indent = format!("{indent}{INDENT}");
        let mut out = String::from("\"\"\"\n");
        for line in s.value.split('\n') {
            if !line.is_empty() {
                out.push_str(&inner_indent);
                out.push_str(line);
            }
            out.push('\n');
        }
        out.push_str(&inner_indent);
        out.push_str("\"\"\"");
        let inner = &out[3..out.len() - 3];
        if dedent_triple(inner) == s.value && !s.value.contains("\"\"\"") {
            out
        } else {
            written.to_string()
        }
    }

    fn use_decl(&mut self, u: &UseDecl) {
        let range = u.range;
        if self.has_comment_within(range) && u.items.is_empty() {
            return self.verbatim(range, "");
        }
        let one_line = u.items.len() == 1
            && !self.has_comment_within(range)
            && !matches!(u.items[0], UseItem::Example(_));
        if one_line {
            let item = self.use_item(&u.items[0], "");
            let line = format!("use {} {{ {item} }}", u.target.dotted());
            if width(&line) <= MAX_WIDTH && !item.contains('\n') {
                self.out.push_str(&line);
                self.out.push('\n');
                self.last = range.end();
                self.trailing(range.end());
                return;
            }
        }
        self.out
            .push_str(&format!("use {} {{\n", u.target.dotted()));
        let brace = self.src[usize::from(u.target.range.end())..]
            .find('{')
            .map(|n| u.target.range.end() + size(n + 1))
            .unwrap_or(u.target.range.end());
        self.last = brace;
        self.trailing(brace);
        for item in &u.items {
            let r = use_item_range(item);
            self.leading(r.start(), INDENT);
            if self.has_comment_within(r) {
                self.verbatim(r, INDENT);
                continue;
            }
            let text = self.use_item(item, INDENT);
            self.out.push_str(INDENT);
            self.out.push_str(&text);
            self.out.push('\n');
            self.last = r.end();
            self.trailing(r.end());
        }
        let close = range.end() - TextSize::from(1);
        self.leading(close, INDENT);
        self.out.push_str("}\n");
        self.last = range.end();
        self.trailing(range.end());
    }

    fn use_item(&mut self, item: &UseItem, indent: &str) -> String {
        match item {
            UseItem::Severity(s) => severity_text(s),
            UseItem::Example(e) => self.example(e, indent),
            UseItem::Assign {
                name, add, value, ..
            } => {
                format!(
                    "{} {} {}",
                    name.text,
                    if *add { "+=" } else { "=" },
                    self.value(value, indent)
                )
            }
        }
    }

    // ------------------------------------------------------------- conditions

    /// A condition starting at column `column` of a clause indented by `indent`: on one
    /// line when it fits in [`MAX_WIDTH`], else broken before its top-level `or`s (or
    /// `and`s), each continuation line indented one step more than the clause, and
    /// parenthesised parts broken the same way one step further in.
    fn cond_wrapped(&self, c: &Cond, indent: &str, column: usize) -> String {
        let flat = self.cond(c);
        if column + width(&flat) <= MAX_WIDTH {
            return flat;
        }
        let continuation = format!("{indent}{CONTINUATION}");
        match &c.kind {
            CondKind::Or(parts) => self.joined(parts, "or", &continuation, column, false),
            CondKind::And(parts) => self.joined(parts, "and", &continuation, column, true),
            CondKind::Not(inner) if matches!(inner.kind, CondKind::And(_) | CondKind::Or(_)) => {
                format!(
                    "not ({})",
                    self.cond_wrapped(inner, &continuation, column + "not (".len())
                )
            }
            CondKind::Scoped(inner, scope)
                if matches!(
                    inner.kind,
                    CondKind::And(_) | CondKind::Or(_) | CondKind::Not(_) | CondKind::Scoped(..)
                ) =>
            {
                let wrapped = self.cond_wrapped(inner, &continuation, column + 1);
                format!("({wrapped}) in {}", scope.value)
            }
            _ => flat,
        }
    }

    /// Parts joined by `word`, the first at `column`, the others on lines of their own
    /// after `continuation`; in an `and`, `or` parts keep their parentheses.
    fn joined(
        &self,
        parts: &[Cond],
        word: &str,
        continuation: &str,
        column: usize,
        parenthesise_or: bool,
    ) -> String {
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            let at = if i == 0 {
                column
            } else {
                out.push('\n');
                out.push_str(continuation);
                out.push_str(word);
                out.push(' ');
                continuation.len() + word.len() + 1
            };
            let text = if parenthesise_or && matches!(part.kind, CondKind::Or(_)) {
                let inner = format!("{continuation}{CONTINUATION}");
                format!("({})", self.cond_wrapped(part, &inner, at + 1))
            } else {
                self.cond_wrapped(part, continuation, at)
            };
            out.push_str(&text);
        }
        out
    }

    fn cond(&self, c: &Cond) -> String {
        match &c.kind {
            CondKind::Or(parts) => parts
                .iter()
                .map(|p| self.cond(p))
                .collect::<Vec<_>>()
                .join(" or "),
            CondKind::And(parts) => parts
                .iter()
                .map(|p| {
                    if matches!(p.kind, CondKind::Or(_)) {
                        format!("({})", self.cond(p))
                    } else {
                        self.cond(p)
                    }
                })
                .collect::<Vec<_>>()
                .join(" and "),
            CondKind::Not(inner) => {
                let s = self.cond(inner);
                if matches!(inner.kind, CondKind::And(_) | CondKind::Or(_)) {
                    format!("not ({s})")
                } else {
                    format!("not {s}")
                }
            }
            CondKind::Scoped(inner, scope) => {
                let s = self.cond(inner);
                let s = if matches!(
                    inner.kind,
                    CondKind::And(_) | CondKind::Or(_) | CondKind::Not(_) | CondKind::Scoped(..)
                ) {
                    format!("({s})")
                } else {
                    s
                };
                format!("{s} in {}", scope.value)
            }
            CondKind::Contains(t) => format!("contains {}", self.terms_plain(t)),
            CondKind::Near {
                left,
                right,
                distance,
                ordered,
            } => format!(
                "near({}, {}, {} words{})",
                self.terms_plain(left),
                self.terms_plain(right),
                distance.value,
                if *ordered { ", ordered" } else { "" }
            ),
            CondKind::Has(key) => format!("has {}", meta_ref(key)),
            CondKind::Meta { key, test } => match test {
                MetaTest::Eq(l) => format!("{} == {}", meta_ref(key), self.meta_lit(l)),
                MetaTest::Ne(l) => format!("{} != {}", meta_ref(key), self.meta_lit(l)),
                MetaTest::In(list) => {
                    let items: Vec<&str> = list.iter().map(|s| self.slice(s.range)).collect();
                    format!("{} in [{}]", meta_ref(key), items.join(", "))
                }
            },
            CondKind::Compare { lhs, op, rhs } => format!(
                "{} {} {}",
                self.num(lhs, 0),
                op.value.as_str(),
                self.num(rhs, 0)
            ),
        }
    }

    /// A term expression inside a condition: always on one line.
    fn terms_plain(&self, t: &TermExpr) -> String {
        match t {
            TermExpr::Ref(p) => p.dotted(),
            TermExpr::List(l) => self.list_inline(l).unwrap_or_default(),
            TermExpr::Binary { op, lhs, rhs, .. } => {
                let r = self.terms_plain(rhs);
                let r = if matches!(**rhs, TermExpr::Binary { .. }) {
                    format!("({r})")
                } else {
                    r
                };
                format!(
                    "{} {} {r}",
                    self.terms_plain(lhs),
                    if *op == SetOp::Union { "+" } else { "-" }
                )
            }
        }
    }

    fn meta_lit(&self, l: &MetaLiteral) -> String {
        match l {
            MetaLiteral::Str(s) => self.slice(s.range).to_string(),
            MetaLiteral::Number(n) => self.slice(n.range).to_string(),
            MetaLiteral::Bool(b) => b.value.to_string(),
        }
    }

    /// A numeric expression; `min` is the precedence its context requires (0 any,
    /// 1 additive, 2 multiplicative operand).
    fn num(&self, n: &NumExpr, min: u8) -> String {
        match &n.kind {
            NumKind::Number(_) | NumKind::Percent(_) => self
                .slice(n.range)
                .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace())
                .to_string(),
            NumKind::Name(name) => name.text.clone(),
            NumKind::Count(t) => format!("count({})", self.terms_plain(t)),
            NumKind::Share(c) => format!("share({})", self.cond(c)),
            NumKind::Posts(c) => format!("posts({})", self.cond(c)),
            NumKind::Binary(a, op, b) => {
                let prec = match op {
                    ArithOp::Add | ArithOp::Sub => 1,
                    ArithOp::Mul | ArithOp::Div => 2,
                };
                let sym = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                };
                // Left-associative: the right operand needs parentheses at equal precedence.
                let s = format!("{} {sym} {}", self.num(a, prec), self.num(b, prec + 1));
                if prec < min { format!("({s})") } else { s }
            }
        }
    }
}

fn meta_ref(key: &MetaRef) -> String {
    match key.key.as_str() {
        bare if MetaRef::BARE_KEYS.contains(&bare) => key.key.clone(),
        other => format!("meta.{other}"),
    }
}

fn severity_text(s: &SeverityClause) -> String {
    let locked = if s.locked.is_some() { " locked" } else { "" };
    format!("severity {}{locked}", s.level.value.as_str())
}

fn use_item_range(item: &UseItem) -> TextRange {
    match item {
        UseItem::Severity(s) => s.range,
        UseItem::Example(e) => e.range,
        UseItem::Assign { range, .. } => *range,
    }
}

fn list_ranges(t: &TermExpr, out: &mut Vec<TextRange>) {
    match t {
        TermExpr::List(l) => out.push(l.range),
        TermExpr::Ref(_) => {}
        TermExpr::Binary { lhs, rhs, .. } => {
            list_ranges(lhs, out);
            list_ranges(rhs, out);
        }
    }
}

/// The kind of a top-level item that is usually a one-liner, for grouping.
fn one_line_kind(item: &Item) -> Option<u8> {
    match item {
        Item::Import(_) => Some(1),
        Item::Terms(_) => Some(2),
        Item::Extend(_) => Some(3),
        Item::Disable(_) => Some(4),
        Item::Use(_) => Some(5),
        Item::Policy(_) | Item::Rule(_) => None,
    }
}
