//! The compiled form of rules: conditions over term-set ids, numbers already resolved.
//!
//! Compilation turns names into ids and parameters into constants, so evaluation never
//! looks anything up by name.

use decorum_syntax::{CmpOp, Scope};

use crate::sets::SetId;

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CondIr {
    And(Vec<CondIr>),
    Or(Vec<CondIr>),
    Not(Box<CondIr>),
    Scoped(Box<CondIr>, Scope),
    Contains(SetId),
    Near {
        left: SetId,
        right: SetId,
        distance: u32,
        ordered: bool,
    },
    Has(String),
    Meta {
        key: String,
        test: MetaTestIr,
        /// The key is `channel`, whose values compare as [`decorum_draft::channel_id`].
        channel: bool,
    },
    Compare {
        lhs: NumIr,
        op: CmpOp,
        rhs: NumIr,
    },
}

/// A compiled metadata test. String comparisons ignore case.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MetaTestIr {
    Eq(MetaValueIr),
    Ne(MetaValueIr),
    In(Vec<MetaValueIr>),
}

/// A literal compared with a metadata value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MetaValueIr {
    Str(String),
    Num(f64),
    Bool(bool),
}

/// A compiled numeric expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumIr {
    Const(f64),
    Count(SetId),
    Field(Field),
    Share(Box<CondIr>),
    Posts(Box<CondIr>),
    Add(Box<NumIr>, Box<NumIr>),
    Sub(Box<NumIr>, Box<NumIr>),
    Mul(Box<NumIr>, Box<NumIr>),
    /// Division by zero gives 0, so an empty post has a 0% ratio rather than no ratio.
    Div(Box<NumIr>, Box<NumIr>),
}

/// The numeric fields of a post (or of the unit a condition is evaluated in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Words,
    Sentences,
    Paragraphs,
    Length,
    Chars,
    Limit,
    Hashtags,
    Mentions,
    Links,
    Emoji,
    /// Number of posts in the batch (batch rules only).
    Posts,
}

impl Field {
    /// Every field with its name and what it measures, for validation and docs.
    pub(crate) const ALL: &'static [(&'static str, Field, &'static str)] = &[
        ("words", Field::Words, "words in the unit"),
        ("sentences", Field::Sentences, "sentences in the unit"),
        ("paragraphs", Field::Paragraphs, "paragraphs in the unit"),
        (
            "length",
            Field::Length,
            "the post's length as its channel counts it",
        ),
        ("chars", Field::Chars, "characters in the unit"),
        (
            "limit",
            Field::Limit,
            "the channel's length limit (unlimited when unknown)",
        ),
        ("hashtags", Field::Hashtags, "hashtags in the unit"),
        ("mentions", Field::Mentions, "@mentions in the unit"),
        ("links", Field::Links, "links in the unit"),
        ("emoji", Field::Emoji, "emoji in the post"),
        ("posts", Field::Posts, "posts in the batch"),
    ];

    pub(crate) fn by_name(name: &str) -> Option<Field> {
        Field::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, f, _)| *f)
    }
}

/// What makes a compiled rule fire.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TriggerIr {
    Flag(CondIr),
    Batch(CondIr),
    Require { when: CondIr, require: CondIr },
}

/// A compiled fix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FixIr {
    Replace(String),
    ReplaceWithSuggestion,
    Remove,
    Append(String),
    /// The text, trimmed; a space follows it when inserted.
    Prepend(String),
}

/// A piece of a message template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MessagePart {
    Text(String),
    /// `{match}`, `{left}`, `{right}`
    Matched(MatchedPart),
    /// `{words}`, `{length}`, ...
    Field(Field),
    /// `{channel}`
    Channel,
    /// `{value}`: the left side of the rule's first comparison.
    Value,
    /// A parameter, already formatted.
    Param(String),
}

/// Which matched text a placeholder shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchedPart {
    Primary,
    Left,
    Right,
}

/// A parameter's value after overrides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ParamValue {
    Number(f64),
    Percent(f64),
    Bool(bool),
    Str(String),
    Terms(SetId),
}

impl ParamValue {
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            ParamValue::Number(_) => "a number",
            ParamValue::Percent(_) => "a percentage",
            ParamValue::Bool(_) => "true or false",
            ParamValue::Str(_) => "a string",
            ParamValue::Terms(_) => "a term set",
        }
    }

    /// How to write a value of this kind, for a value of another kind.
    pub(crate) fn how_to_write(&self) -> String {
        match self {
            ParamValue::Number(n) => format!("write a number, e.g. `{}`", format_number(*n)),
            ParamValue::Percent(p) => {
                format!("write a percentage, e.g. `{}`", format_percent(*p))
            }
            ParamValue::Bool(_) => "write `true` or `false`, without quotes".into(),
            ParamValue::Str(_) => "write text in quotes, e.g. `\"...\"`".into(),
            ParamValue::Terms(_) => {
                "write a list of terms, e.g. `[\"phrase\"]`, or the name of a term set".into()
            }
        }
    }

    pub(crate) fn display(&self) -> String {
        match self {
            ParamValue::Number(n) => format_number(*n),
            ParamValue::Percent(p) => format_percent(*p),
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::Str(s) => s.clone(),
            ParamValue::Terms(_) => "(term set)".to_string(),
        }
    }
}

/// Formats a fraction as a percentage: a whole percent when it is one, else one decimal
/// (more when one would end in a zero: `20.04%`, not `20.0%`).
pub(crate) fn format_percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        return format!("{}%", p.round() as i64);
    }
    // Never shown as a whole number it is not: 10 adverts in 49 posts read as "20%"
    // beside "aim for at most 20%". One decimal, more while they would all be zeros.
    let mut shown = String::new();
    for decimals in 1..=4 {
        shown = format!("{p:.decimals$}");
        if !shown.ends_with('0') {
            break;
        }
    }
    format!("{shown}%")
}

/// Formats a number without a trailing `.0`.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A compiled rule, ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct RuleIr {
    pub(crate) trigger: TriggerIr,
    /// `flag once`: a post's hits make one finding.
    pub(crate) once: bool,
    pub(crate) unless: Vec<CondIr>,
    pub(crate) fixes: Vec<FixIr>,
    pub(crate) message: Vec<MessagePart>,
    /// When the rule can only fire in a post where one of these patterns matched;
    /// `None` means it must always be evaluated.
    pub(crate) required_patterns: Option<Vec<u32>>,
    /// True when the `{value}` placeholder is used and the first comparison's left side
    /// shows as a percentage.
    pub(crate) value_is_percent: bool,
}

#[cfg(test)]
mod tests {
    use super::format_percent;

    #[test]
    fn a_percent_is_never_shown_as_a_whole_number_it_is_not() {
        let shown: Vec<String> = [0.2, 10.0 / 49.0, 1.0 / 3.0, 0.05, 0.200_4, 0.120_5, 1.0]
            .into_iter()
            .map(format_percent)
            .collect();
        assert_eq!(
            shown,
            ["20%", "20.4%", "33.3%", "5%", "20.04%", "12.05%", "100%"]
        );
    }
}
