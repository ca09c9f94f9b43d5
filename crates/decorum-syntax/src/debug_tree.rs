//! A compact, stable text rendering of a syntax tree, for snapshot tests and `--debug`.
//!
//! One node per line, indented by depth, with its byte range; string values are quoted
//! with Rust escapes so snapshots stay one line per node.

use std::fmt::Write;

use decorum_text::TextRange;

use crate::ast::*;

/// Renders a parse (tree and errors) as indented text.
pub fn debug_tree(parse: &crate::Parse) -> String {
    render(parse, true)
}

/// The same rendering without byte ranges: two parses that differ only in layout,
/// comments and redundant parentheses render the same. The formatter uses it to prove
/// that it changed nothing but layout.
pub fn shape_tree(parse: &crate::Parse) -> String {
    render(parse, false)
}

fn render(parse: &crate::Parse, ranges: bool) -> String {
    let mut p = Printer {
        out: String::new(),
        ranges,
    };
    if let Some(v) = &parse.file.version {
        p.line(0, &format!("version {}", v.value), v.range);
    }
    for item in &parse.file.items {
        p.item(item);
    }
    for err in &parse.errors {
        let help = err
            .help
            .as_deref()
            .map(|h| format!(" (help: {h})"))
            .unwrap_or_default();
        p.line(0, &format!("error: {}{help}", err.message), err.range);
    }
    p.out
}

struct Printer {
    out: String,
    ranges: bool,
}

impl Printer {
    fn line(&mut self, depth: usize, text: &str, range: TextRange) {
        if !self.ranges {
            let _ = writeln!(self.out, "{:indent$}{text}", "", indent = depth * 2);
            return;
        }
        let _ = writeln!(
            self.out,
            "{:indent$}{text} @{}..{}",
            "",
            u32::from(range.start()),
            u32::from(range.end()),
            indent = depth * 2
        );
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Policy(x) => {
                let desc = x
                    .description
                    .as_ref()
                    .map(|d| format!(" {:?}", d.value))
                    .unwrap_or_default();
                self.line(0, &format!("policy {}{desc}", x.name.dotted()), x.range);
            }
            Item::Import(x) => {
                let alias = x
                    .alias
                    .as_ref()
                    .map(|a| format!(" as {}", a.text))
                    .unwrap_or_default();
                self.line(0, &format!("import {:?}{alias}", x.source.value), x.range);
            }
            Item::Terms(x) => {
                self.line(0, &format!("terms {}", x.name.text), x.range);
                self.terms(1, &x.expr);
                for opt in &x.options {
                    match opt {
                        TermOption::Masked(r) => self.line(1, "option masked", *r),
                        TermOption::CaseSensitive(r) => self.line(1, "option case-sensitive", *r),
                        TermOption::UnlessNegated(r) => self.line(1, "option unless negated", *r),
                        TermOption::UnlessQuoted(r) => self.line(1, "option unless quoted", *r),
                        TermOption::Allow(e, r) => {
                            self.line(1, "option allow", *r);
                            self.terms(2, e);
                        }
                    }
                }
            }
            Item::Rule(x) => {
                self.line(0, &format!("rule {}", x.name.text), x.range);
                for clause in &x.clauses {
                    self.clause(1, clause);
                }
            }
            Item::Use(x) => {
                self.line(0, &format!("use {}", x.target.dotted()), x.range);
                for it in &x.items {
                    match it {
                        UseItem::Severity(s) => self.severity(1, s),
                        UseItem::Example(e) => self.clause(1, &RuleClause::Example(e.clone())),
                        UseItem::Assign {
                            name,
                            add,
                            value,
                            range,
                        } => {
                            let op = if *add { "+=" } else { "=" };
                            self.line(1, &format!("set {} {op}", name.text), *range);
                            self.value(2, value);
                        }
                    }
                }
            }
            Item::Extend(x) => {
                let op = if x.remove { "-=" } else { "+=" };
                self.line(0, &format!("extend {} {op}", x.target.dotted()), x.range);
                self.terms(1, &x.expr);
            }
            Item::Disable(x) => {
                let reason = x
                    .reason
                    .as_ref()
                    .map(|r| format!(" because {:?}", r.value))
                    .unwrap_or_default();
                self.line(
                    0,
                    &format!("disable {}{reason}", x.target.dotted()),
                    x.range,
                );
            }
        }
    }

    fn severity(&mut self, depth: usize, s: &SeverityClause) {
        let locked = if s.locked.is_some() { " locked" } else { "" };
        self.line(
            depth,
            &format!("severity {}{locked}", s.level.value.as_str()),
            s.range,
        );
    }

    fn clause(&mut self, depth: usize, clause: &RuleClause) {
        match clause {
            RuleClause::Severity(s) => self.severity(depth, s),
            RuleClause::Text(kind, s) => {
                self.line(depth, &format!("{} {:?}", kind.keyword(), s.value), s.range)
            }
            RuleClause::Tags(tags, r) => {
                let names: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
                self.line(depth, &format!("tags {}", names.join(", ")), *r);
            }
            RuleClause::Param(p) => {
                self.line(depth, &format!("param {}", p.name.text), p.range);
                self.value(depth + 1, &p.value);
            }
            RuleClause::Trigger(Trigger::Flag { kind, cond, range }) => {
                self.line(depth, kind.words(), *range);
                self.cond(depth + 1, cond);
            }
            RuleClause::Trigger(Trigger::Require {
                when,
                require,
                range,
            }) => {
                self.line(depth, "when ... require", *range);
                self.cond(depth + 1, when);
                self.cond(depth + 1, require);
            }
            RuleClause::Unless(c, r) => {
                self.line(depth, "unless", *r);
                self.cond(depth + 1, c);
            }
            RuleClause::Fix(f) => {
                let text = match &f.kind {
                    FixKind::Replace(Some(s)) => format!("fix replace {:?}", s.value),
                    FixKind::Replace(None) => "fix replace (suggestion)".to_string(),
                    FixKind::Remove => "fix remove".to_string(),
                    FixKind::Append(s) => format!("fix append {:?}", s.value),
                    FixKind::Prepend(s) => format!("fix prepend {:?}", s.value),
                };
                self.line(depth, &text, f.range);
            }
            RuleClause::Example(e) => {
                let text = match &e.expect {
                    ExampleExpect::Flags(Some(at)) => {
                        format!("example flags {:?} at {:?}", e.text.value, at.value)
                    }
                    ExampleExpect::Flags(None) => format!("example flags {:?}", e.text.value),
                    ExampleExpect::Passes => format!("example passes {:?}", e.text.value),
                };
                self.line(depth, &text, e.range);
            }
        }
    }

    fn value(&mut self, depth: usize, value: &Value) {
        match value {
            Value::Number(n) => self.line(depth, &format!("number {}", n.value), n.range),
            Value::Percent(n) => self.line(depth, &format!("percent {}", n.value), n.range),
            Value::Bool(b) => self.line(depth, &format!("bool {}", b.value), b.range),
            Value::Str(s) => self.line(depth, &format!("string {:?}", s.value), s.range),
            Value::Terms(t) => self.terms(depth, t),
        }
    }

    fn terms(&mut self, depth: usize, expr: &TermExpr) {
        match expr {
            TermExpr::List(list) => {
                self.line(depth, "list", list.range);
                for term in &list.terms {
                    let mut text = match &term.pattern {
                        TermPattern::Phrase(s) => format!("phrase {:?}", s.value),
                        TermPattern::Regex(r) => format!("regex /{}/{}", r.pattern, r.flags),
                    };
                    if let Some(rep) = &term.replacement {
                        let _ = write!(text, " -> {:?}", rep.value);
                    }
                    self.line(depth + 1, &text, term.range);
                }
            }
            TermExpr::Ref(path) => self.line(depth, &format!("ref {}", path.dotted()), path.range),
            TermExpr::Binary {
                op,
                lhs,
                rhs,
                range,
            } => {
                self.line(
                    depth,
                    if *op == SetOp::Union {
                        "union"
                    } else {
                        "difference"
                    },
                    *range,
                );
                self.terms(depth + 1, lhs);
                self.terms(depth + 1, rhs);
            }
        }
    }

    fn cond(&mut self, depth: usize, cond: &Cond) {
        match &cond.kind {
            CondKind::And(parts) | CondKind::Or(parts) => {
                let word = if matches!(cond.kind, CondKind::And(_)) {
                    "and"
                } else {
                    "or"
                };
                self.line(depth, word, cond.range);
                for p in parts {
                    self.cond(depth + 1, p);
                }
            }
            CondKind::Not(inner) => {
                self.line(depth, "not", cond.range);
                self.cond(depth + 1, inner);
            }
            CondKind::Scoped(inner, scope) => {
                self.line(depth, &format!("in {}", scope.value), cond.range);
                self.cond(depth + 1, inner);
            }
            CondKind::Contains(t) => {
                self.line(depth, "contains", cond.range);
                self.terms(depth + 1, t);
            }
            CondKind::Near {
                left,
                right,
                distance,
                ordered,
            } => {
                let ord = if *ordered { ", ordered" } else { "" };
                self.line(
                    depth,
                    &format!("near {} words{ord}", distance.value),
                    cond.range,
                );
                self.terms(depth + 1, left);
                self.terms(depth + 1, right);
            }
            CondKind::Has(key) => self.line(depth, &format!("has meta {:?}", key.key), cond.range),
            CondKind::Meta { key, test } => {
                let lit = |l: &MetaLiteral| match l {
                    MetaLiteral::Str(s) => format!("{:?}", s.value),
                    MetaLiteral::Number(n) => n.value.to_string(),
                    MetaLiteral::Bool(b) => b.value.to_string(),
                };
                let text = match test {
                    MetaTest::Eq(l) => format!("meta {:?} == {}", key.key, lit(l)),
                    MetaTest::Ne(l) => format!("meta {:?} != {}", key.key, lit(l)),
                    MetaTest::In(list) => {
                        let vals: Vec<String> =
                            list.iter().map(|s| format!("{:?}", s.value)).collect();
                        format!("meta {:?} in [{}]", key.key, vals.join(", "))
                    }
                };
                self.line(depth, &text, cond.range);
            }
            CondKind::Compare { lhs, op, rhs } => {
                self.line(depth, &format!("compare {}", op.value.as_str()), cond.range);
                self.num(depth + 1, lhs);
                self.num(depth + 1, rhs);
            }
        }
    }

    fn num(&mut self, depth: usize, num: &NumExpr) {
        match &num.kind {
            NumKind::Number(n) => self.line(depth, &format!("number {n}"), num.range),
            NumKind::Percent(n) => self.line(depth, &format!("percent {n}"), num.range),
            NumKind::Name(n) => self.line(depth, &format!("name {}", n.text), num.range),
            NumKind::Count(t) => {
                self.line(depth, "count", num.range);
                self.terms(depth + 1, t);
            }
            NumKind::Share(c) | NumKind::Posts(c) => {
                let word = if matches!(num.kind, NumKind::Share(_)) {
                    "share"
                } else {
                    "posts"
                };
                self.line(depth, word, num.range);
                self.cond(depth + 1, c);
            }
            NumKind::Binary(l, op, r) => {
                let o = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                };
                self.line(depth, &format!("arith {o}"), num.range);
                self.num(depth + 1, l);
                self.num(depth + 1, r);
            }
        }
    }
}
