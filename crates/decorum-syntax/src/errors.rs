//! Syntax errors in human words.
//!
//! pest reports which grammar rules it expected; authors should never see those names.
//! [`from_pest`] turns them into phrases such as "a string" or "`}`", groups the many
//! clause keywords of a rule into one phrase, and adds advice for common slips.

use decorum_text::{TextRange, TextSize};
use pest::error::{ErrorVariant, InputLocation};

use crate::parser::Rule;

/// A problem in the syntax of a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem is (an empty range marks a position).
    pub range: TextRange,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl SyntaxError {
    /// An error with a message and no advice yet.
    pub fn new(range: TextRange, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            range,
            message: message.into(),
            help: None,
        }
    }

    /// Adds advice.
    pub fn with_help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }
}

/// The closest candidate to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, candidate);
        let close = score > 0.84
            || strsim::damerau_levenshtein(word, candidate)
                <= word.len().min(candidate.len()) / 4 + 1
                && word.len() > 2;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Converts a pest error in a chunk starting at `offset` into a [`SyntaxError`].
pub(crate) fn from_pest(err: pest::error::Error<Rule>, source: &str, offset: usize) -> SyntaxError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let ErrorVariant::ParsingError { positives, .. } = err.variant.clone() else {
        let found = describe_found(source, pos.min(source.len()));
        let at = TextSize::from((offset + pos.min(source.len())) as u32);
        return SyntaxError::new(TextRange::empty(at), format!("unexpected {}", found.phrase));
    };
    let mut pos = pos.min(source.len());
    // "Expected `]`, found the end of the item" belongs at the end of the last line
    // written, not at the start of the next item.
    if source
        .get(pos..)
        .is_some_and(|rest| rest.trim_matches(is_grammar_space).is_empty())
    {
        pos = (source.get(..pos))
            .map(|s| s.trim_end_matches(is_grammar_space).len())
            .unwrap_or(pos);
    }
    let found = describe_found(source, pos);
    let at = TextSize::from((offset + pos) as u32);
    let range = TextRange::at(at, TextSize::from(found.len as u32));

    if let Some(error) = unclosed_triple_string(source, pos, offset) {
        return error;
    }
    if let Some(error) = curly_closed_string(source, pos, &positives, &found, range) {
        return error;
    }
    if found.text.starts_with('"') && expects_string(&positives) {
        return SyntaxError::new(range, "this string is not closed")
            .with_help("close the string with `\"` on the same line, or use `\"\"\"` for text over several lines");
    }
    // `[/abc]`: the regex runs to the end of its line, so pest stops at its opening `/`.
    if found.text == "/"
        && positives.contains(&Rule::term)
        && !crate::parser::regex_end(source.as_bytes(), pos)
            .checked_sub(1)
            .is_some_and(|last| last > pos && source.as_bytes().get(last) == Some(&b'/'))
    {
        return SyntaxError::new(range, "this regex is not closed").with_help(
            "close the regex with `/` on the same line, as in `[/abc/]`; write `\\/` for a slash inside it",
        );
    }
    if let Some(error) = non_ascii_name(source, offset, pos, &positives, &found) {
        return error;
    }
    if let Some(error) = negation_option_in_rule(source, offset, pos, &positives) {
        return error;
    }
    let phrases = expected_phrases(&positives);
    let expected = join_or(&phrases);

    let mut message = if expected.is_empty() {
        format!("unexpected {}", found.phrase)
    } else {
        format!("expected {expected}, found {}", found.phrase)
    };
    let mut help = hint(source, pos, &positives, &found);
    if help.is_none() && found.text.chars().next().is_some_and(char::is_alphabetic) {
        let keywords: Vec<String> = positives
            .iter()
            .filter_map(|r| {
                format!("{r:?}")
                    .strip_prefix("K_")
                    .map(|k| k.to_lowercase().replace('_', "-"))
            })
            .collect();
        let clause_keywords = [
            "severity", "title", "message", "link", "explain", "tags", "param", "flag", "when",
            "unless", "fix", "example",
        ];
        let candidates = keywords.iter().map(String::as_str).chain(
            clause_keywords
                .iter()
                .copied()
                .filter(|_| positives.contains(&Rule::K_TITLE)),
        );
        if let Some(s) = did_you_mean(found.text, candidates) {
            help = Some(format!("did you mean `{s}`?"));
        }
    }
    // `™`, `érror`: whatever is not ASCII outside strings and comments is an error; say
    // so, and what to type when there is an ASCII form.
    if help.is_none() && found.lookalike.is_none() && !found.text.is_ascii() {
        let keywords = keywords();
        let keyword = ascii_name(found.text).and_then(|ascii| {
            keywords
                .iter()
                .find(|k| **k == ascii)
                .map(String::as_str)
                .or_else(|| did_you_mean(&ascii, keywords.iter().map(String::as_str)))
                .map(str::to_string)
        });
        help = Some(match keyword {
            Some(k) => format!("did you mean `{k}`? Outside strings and comments a policy is plain ASCII"),
            None => "delete it, or put it inside a string: outside strings and comments a policy is plain ASCII".into(),
        });
    }
    if found.text.starts_with('\'') {
        message = format!("{message}; strings use double quotes");
        help = Some("write \"like this\"".into());
    }
    if let Some(lookalike) = found.lookalike {
        if lookalike.kind == LookalikeKind::Quote {
            message = format!("{message}; policy strings use straight quotes `\"`");
        }
        help = Some(lookalike_help(lookalike, source, pos));
    }
    let mut error = SyntaxError::new(range, message);
    if let Some(help) = help {
        error = error.with_help(help);
    }
    error
}

struct Found<'a> {
    phrase: String,
    text: &'a str,
    len: usize,
    /// Set when the token is a character that looks like another or cannot be seen.
    lookalike: Option<Lookalike>,
}

/// Whether the grammar skips `c` between tokens (its `WHITESPACE`: space, tab, the
/// byte-order mark and line breaks). Other characters Unicode calls white space (a
/// no-break space, a form feed, U+3000) are errors the reader must be shown, so a line
/// of them is not the end of an item.
pub(crate) fn is_grammar_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{FEFF}' | '\n' | '\r')
}

/// Names the token at `pos` the way a reader sees it.
fn describe_found(source: &str, pos: usize) -> Found<'_> {
    let rest = source.get(pos..).unwrap_or("");
    if rest.trim_end_matches(is_grammar_space).is_empty() {
        return Found {
            phrase: "the end of the item".into(),
            text: "",
            len: 0,
            lookalike: None,
        };
    }
    let Some(first) = rest.chars().next() else {
        return Found {
            phrase: "the end of the item".into(),
            text: "",
            len: 0,
            lookalike: None,
        };
    };
    if first == '\n' || first == '\r' {
        return Found {
            phrase: "the end of the line".into(),
            text: "",
            len: 0,
            lookalike: None,
        };
    }
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let len = if word_len > 0 {
        word_len
    } else {
        first.len_utf8()
    };
    let text = &rest[..len];
    let lookalike = Lookalike::of(first);
    let phrase = if first == '"' {
        "a string".to_string()
    } else if let Some(lookalike) = lookalike {
        lookalike.phrase()
    } else {
        show_word(text)
    };
    Found {
        phrase,
        text,
        len,
        lookalike,
    }
}

/// What a [`Lookalike`] stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LookalikeKind {
    /// A typographic quote where a straight `"` belongs.
    Quote,
    /// A typographic dash where a `-` belongs.
    Dash,
    /// A space other than the ordinary one.
    Space,
    /// A character that shows nothing ([`decorum_text::invisible`]: zero-width, a
    /// direction mark, a joiner...), a control, or a line or paragraph separator.
    Invisible,
    /// A full-width form of an ASCII character (U+FF01..U+FF5E), as an input method for
    /// Chinese, Japanese or Korean types them.
    FullWidth,
    /// A combining mark with no letter of its own to sit on ([`is_combining_mark`]).
    Mark,
}

/// A character that a word processor, a chat app or a web page puts where a policy needs
/// plain ASCII, and that an error must not show as is: shown, it reads as the character
/// it imitates (`“` as `"`), or as nothing at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lookalike {
    /// The character itself.
    pub(crate) char: char,
    /// Its name in plain words.
    pub(crate) name: &'static str,
    /// What it stands in for, which decides what to type instead.
    pub(crate) kind: LookalikeKind,
}

impl Lookalike {
    /// The lookalike `c` is, if it is one. Tabs and line breaks are ordinary.
    pub(crate) fn of(c: char) -> Option<Lookalike> {
        use LookalikeKind::*;
        let (name, kind) = match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2018}' | '\u{2019}'
            | '\u{201A}' | '\u{201B}' => ("a curly quote", Quote),
            '\u{00AB}' | '\u{00BB}' | '\u{2039}' | '\u{203A}' => ("a guillemet", Quote),
            '\u{2032}' | '\u{2033}' => ("a prime mark", Quote),
            '\u{FF02}' => ("a full-width quote", Quote),
            c if full_width_to_ascii(c).is_some() => ("a full-width", FullWidth),
            '\u{2010}' => ("a hyphen", Dash),
            '\u{2011}' => ("a non-breaking hyphen", Dash),
            '\u{2012}' => ("a figure dash", Dash),
            '\u{2013}' => ("an en dash", Dash),
            '\u{2014}' => ("an em dash", Dash),
            '\u{2212}' => ("a minus sign", Dash),
            '\u{00A0}' => ("a no-break space", Space),
            '\u{202F}' => ("a narrow no-break space", Space),
            '\u{2007}' => ("a figure space", Space),
            '\u{3000}' => ("an ideographic space", Space),
            '\u{1680}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}' => {
                ("a typographic space", Space)
            }
            // Separators break a line in an editor but not in a policy: as good as
            // invisible there, though they are spaces rather than characters that show
            // nothing.
            '\u{2028}' => ("a line separator", Invisible),
            '\u{2029}' => ("a paragraph separator", Invisible),
            '\t' | '\n' | '\r' => return None,
            c if c.is_control() => ("a control character", Invisible),
            // Every character that shows nothing of its own, named as Decorum names it
            // everywhere.
            c => match decorum_text::invisible::name(c) {
                Some(name) => (name, Invisible),
                None if is_combining_mark(c) => ("a combining mark", Mark),
                None => return None,
            },
        };
        Some(Lookalike {
            char: c,
            name,
            kind,
        })
    }

    /// How an error names it: the character itself only where it can be seen and is not
    /// mistaken for what it imitates once named, with its code point always.
    pub(crate) fn phrase(self) -> String {
        let code = code_point(self.char);
        match self.kind {
            LookalikeKind::Quote | LookalikeKind::Dash | LookalikeKind::FullWidth => {
                format!("{} {} ({code})", self.name, self.char)
            }
            LookalikeKind::Space | LookalikeKind::Invisible | LookalikeKind::Mark => {
                format!("{} ({code})", self.name)
            }
        }
    }
}

/// What to type instead of the lookalike at `pos`. For an opening quote, the string
/// retyped with straight quotes when its closing quote is on the same line.
pub(crate) fn lookalike_help(lookalike: Lookalike, source: &str, pos: usize) -> String {
    match lookalike.kind {
        LookalikeKind::Quote => {
            let rest = source.get(pos + lookalike.char.len_utf8()..).unwrap_or("");
            let line = rest.split(['\n', '\r']).next().unwrap_or("");
            // `’` is also an apostrophe (`don’t`): only a double quote closes for sure.
            let closing = line.find(|c: char| c == '"' || is_double_lookalike(c));
            match closing {
                Some(end) if end > 0 && is_double_lookalike(lookalike.char) => {
                    let inner = line[..end].replace('\\', "\\\\").replace('"', "\\\"");
                    format!("type the string with straight quotes: \"{inner}\"")
                }
                _ => "type a straight quote `\"` instead; a string is written \"like this\"".into(),
            }
        }
        LookalikeKind::Dash => "type a plain hyphen `-` instead".into(),
        LookalikeKind::Space => "replace it with an ordinary space".into(),
        LookalikeKind::Invisible => "delete it: it cannot be seen, and text pasted from a web page or a word processor often carries one".into(),
        LookalikeKind::FullWidth => {
            // `ｗｏｒｄｓ` is retyped whole.
            let ascii: String = source
                .get(pos..)
                .unwrap_or("")
                .chars()
                .map_while(full_width_to_ascii)
                .collect();
            format!("type the ASCII `{ascii}` instead: outside strings and comments a policy is plain ASCII")
        }
        LookalikeKind::Mark => "delete it, or type the accented letter inside a string: outside strings and comments a policy is plain ASCII".into(),
    }
}

/// A typographic quote that stands for `"` (not `’`, which is also an apostrophe).
fn is_double_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2033}'
            | '\u{FF02}'
    )
}

/// Whether a string may start where pest stopped: then a `"` it could not read opens a
/// string that is not closed. Inside a term list pest expects a `term`, and after `param
/// x =` a `value`, rather than the string rules themselves.
fn expects_string(positives: &[Rule]) -> bool {
    positives.iter().any(|r| {
        matches!(
            r,
            Rule::string | Rule::plain_string | Rule::string_inner | Rule::term | Rule::value
        )
    })
}

/// Rules that stand where a name may be written: a name itself, or an expression that
/// may start with one (a set name, a post field, a parameter).
fn expects_name(positives: &[Rule]) -> bool {
    positives.iter().any(|r| {
        begins_condition(r)
            || matches!(
                r,
                Rule::ident
                    | Rule::path
                    | Rule::dotted_name
                    | Rule::term_expr
                    | Rule::term_operand
                    | Rule::value
            )
    })
}

/// Rules pest names where a condition, or a number in one, begins.
fn begins_condition(rule: &Rule) -> bool {
    matches!(
        rule,
        Rule::num_expr
            | Rule::num_term
            | Rule::num_name
            | Rule::cond
            | Rule::or_expr
            | Rule::and_expr
            | Rule::unary
            | Rule::scoped
            | Rule::comparison
    )
}

/// `terms naïve = [...]`, `rule café {`, `contains сet` (a Cyrillic `с`): names are
/// ASCII, since rule ids are typed in waiver comments and on command lines and appear in
/// SARIF. pest stops at the first non-ASCII letter, which cuts the name short; the error
/// names the whole word and the character, and says what to type.
fn non_ascii_name(
    source: &str,
    offset: usize,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<SyntaxError> {
    let c = found.text.chars().next()?;
    let is_mark = found
        .lookalike
        .is_some_and(|l| l.kind == LookalikeKind::Mark);
    if c.is_ascii() || found.lookalike.is_some() && !is_mark {
        return None;
    }
    let before = source.get(..pos)?;
    let start = before
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .len();
    let cut_short = before[start..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if !(cut_short || c.is_alphabetic() && expects_name(positives)) {
        return None;
    }
    let rest = source.get(pos..)?;
    let end = pos
        + rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || is_combining_mark(c)))
            .unwrap_or(rest.len());
    let word = source.get(start..end)?;
    let what = found
        .lookalike
        .map(Lookalike::phrase)
        .unwrap_or_else(|| format!("{c} ({})", code_point(c)));
    let range = TextRange::new(
        TextSize::from((offset + start) as u32),
        TextSize::from((offset + end) as u32),
    );
    let rule = "a name is an ASCII letter or `_`, then ASCII letters, digits, `_` and `-`: names are typed in waiver comments and on command lines";
    let help = match ascii_name(word) {
        Some(ascii) => format!("write `{ascii}` instead; {rule}"),
        None => format!("write the name in ASCII; {rule}"),
    };
    Some(
        SyntaxError::new(
            range,
            format!("names are ASCII-only, and `{word}` has {what}"),
        )
        .with_help(help),
    )
}

/// A word of policy text as an error shows it: in backticks, with the code point of its
/// first character that is not ASCII (`с`, Cyrillic, reads as `c` otherwise).
pub(crate) fn show_word(text: &str) -> String {
    match text.chars().find(|c| !c.is_ascii()) {
        None => format!("`{text}`"),
        Some(c) if text.chars().nth(1).is_none() => format!("`{text}` ({})", code_point(c)),
        Some(c) => format!("`{text}` (its {c} is {})", code_point(c)),
    }
}

/// Every keyword of the language, as written.
fn keywords() -> Vec<String> {
    Rule::all_rules()
        .iter()
        .filter_map(|r| {
            format!("{r:?}")
                .strip_prefix("K_")
                .map(|k| k.to_lowercase().replace('_', "-"))
        })
        .collect()
}

/// `U+00E9`, as errors write a code point.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// A character of the Combining Diacritical Marks blocks: an accent typed apart from its
/// letter (`e` + U+0301 is `é`). Shown alone it sits on whatever precedes it, so an error
/// names it by its code point.
pub(crate) fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The ASCII form of a full-width ASCII character (U+FF01..U+FF5E), which an input method
/// for Chinese, Japanese or Korean types in place of the ASCII one.
fn full_width_to_ascii(c: char) -> Option<char> {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(u32::from(c) - 0xFEE0)
    } else {
        None
    }
}

/// `naïve` → `naive`: the name with accents dropped and full-width letters made ASCII,
/// when every character has an ASCII form and the result is a name.
fn ascii_name(word: &str) -> Option<String> {
    const FOLDS: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("çćĉċč", "c"),
        ("ďđð", "d"),
        ("èéêëēĕėęě", "e"),
        ("ĝğġģ", "g"),
        ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"),
        ("ĵ", "j"),
        ("ķ", "k"),
        ("ĺļľŀł", "l"),
        ("ñńņň", "n"),
        ("òóôõöøōŏő", "o"),
        ("ŕŗř", "r"),
        ("śŝşš", "s"),
        ("ţťŧ", "t"),
        ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"),
        ("ýÿŷ", "y"),
        ("źżž", "z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("œ", "oe"),
        ("þ", "th"),
    ];
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_ascii() {
            out.push(c);
        } else if let Some(a) = full_width_to_ascii(c) {
            out.push(a);
        } else {
            let lower = c.to_lowercase().next()?;
            let (_, folded) = FOLDS.iter().find(|(from, _)| from.contains(lower))?;
            if c.is_uppercase() {
                out.push_str(&folded.to_uppercase());
            } else {
                out.push_str(folded);
            }
        }
    }
    let valid = out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && out
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some(out)
}

/// `title "Don't worry”`: a string opened with `"` and closed with a curly quote runs to
/// the end of the line. Says which character ended it instead of only "not closed".
fn curly_closed_string(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
    range: TextRange,
) -> Option<SyntaxError> {
    if !found.text.starts_with('"') || source.get(pos..)?.starts_with("\"\"\"") {
        return None;
    }
    if !expects_string(positives) {
        return None;
    }
    let line = source.get(pos + 1..)?.split(['\n', '\r']).next()?;
    let closing = line.chars().rev().find(|&c| is_double_lookalike(c))?;
    let lookalike = Lookalike::of(closing)?;
    Some(
        SyntaxError::new(
            range,
            format!(
                "this string is not closed: it ends with {}, and policy strings use straight quotes `\"`",
                lookalike.phrase()
            ),
        )
        .with_help(format!("replace the {} with `\"`", lookalike.char)),
    )
}

const RULE_CLAUSES: &[Rule] = &[
    Rule::K_SEVERITY,
    Rule::K_TITLE,
    Rule::K_MESSAGE,
    Rule::K_LINK,
    Rule::K_EXPLAIN,
    Rule::K_TAGS,
    Rule::K_PARAM,
    Rule::K_FLAG,
    Rule::K_WHEN,
    Rule::K_UNLESS,
    Rule::K_FIX,
    Rule::K_EXAMPLE,
];

const CONDITION_STARTS: &[Rule] = &[
    Rule::K_CONTAINS,
    Rule::K_NEAR,
    Rule::K_HAS,
    Rule::K_NOT,
    Rule::meta_ref,
    Rule::num_expr,
    Rule::num_name,
    Rule::K_COUNT,
    Rule::K_SHARE,
    Rule::K_POSTS,
    Rule::paren_cond,
    Rule::comparison,
];

fn expected_phrases(positives: &[Rule]) -> Vec<String> {
    let mut rules: Vec<Rule> = positives.to_vec();
    let mut phrases = Vec::new();
    let clause_hits = rules.iter().filter(|r| RULE_CLAUSES.contains(r)).count();
    if clause_hits >= 4 {
        rules.retain(|r| !RULE_CLAUSES.contains(r));
        phrases.push(
            "a rule clause (`severity`, `title`, `message`, `flag when`, `fix`, `example`, ...)"
                .to_string(),
        );
    }
    let cond_hits = rules
        .iter()
        .filter(|r| CONDITION_STARTS.contains(r))
        .count();
    if cond_hits >= 3 {
        rules.retain(|r| !CONDITION_STARTS.contains(r));
        phrases.push("a condition (`contains`, `near(...)`, `not`, a comparison, ...)".to_string());
    }
    let option_hits = [
        Rule::opt_masked,
        Rule::opt_case,
        Rule::opt_negation,
        Rule::opt_quotation,
        Rule::opt_allow,
        Rule::K_MASKED,
        Rule::K_CASE_SENSITIVE,
        Rule::K_ALLOW,
    ]
    .iter()
    .filter(|r| rules.contains(r))
    .count();
    if option_hits >= 2 {
        rules.retain(|r| {
            !matches!(
                r,
                Rule::opt_masked
                    | Rule::opt_case
                    | Rule::opt_negation
                    | Rule::opt_quotation
                    | Rule::opt_allow
                    | Rule::K_MASKED
                    | Rule::K_CASE_SENSITIVE
                    | Rule::K_ALLOW
                    | Rule::K_UNLESS
            )
        });
        phrases.push(
            "a term-set option (`masked`, `case-sensitive`, `unless negated`, `unless quoted`, \
             `allow [...]`)"
                .to_string(),
        );
    }
    for rule in rules {
        if let Some(p) = rule_phrase(rule) {
            phrases.push(p.to_string());
        }
    }
    // Stable, readable order: keywords and names first as pest listed them.
    let mut seen = std::collections::HashSet::new();
    phrases.retain(|p| seen.insert(p.clone()));
    phrases
}

fn join_or(phrases: &[String]) -> String {
    match phrases {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The words for a grammar rule, or `None` for rules a user never needs to hear about.
fn rule_phrase(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "the end of the item",
        header | K_DECORUM => "`decorum 1`",
        version | integer => "a whole number",
        item | item_alone | header_item | file => "a top-level item",
        policy_decl | K_POLICY => "`policy`",
        import_decl | K_IMPORT => "`import`",
        terms_decl | K_TERMS => "`terms`",
        use_decl | K_USE => "`use`",
        extend_decl | K_EXTEND => "`extend`",
        disable_decl | K_DISABLE => "`disable`",
        rule_decl | K_RULE => "`rule`",
        K_AS => "`as`",
        K_BECAUSE => "`because \"reason\"`",
        extend_op => "`+=` or `-=`",
        assign_op => "`=` or `+=`",
        assignment => "a parameter assignment (`name = value`)",
        term_option | opt_masked | K_MASKED => "`masked`",
        opt_case | K_CASE_SENSITIVE => "`case-sensitive`",
        opt_negation | K_NEGATED => "`unless negated`",
        opt_quotation | K_QUOTED => "`unless quoted`",
        opt_allow | K_ALLOW => "`allow [...]`",
        term_expr | term_operand => "a term set (a `[...]` list or a set name)",
        set_op => "a set operator (`+`, `-`)",
        paren_terms => "`(`",
        term_list => "a term list `[...]`",
        term => "a term (a \"phrase\" or a /regex/)",
        regex => "a /regex/",
        regex_body => "a regex pattern",
        regex_flags => "regex flags",
        rule_item | severity_clause | K_SEVERITY => "`severity`",
        severity => "a severity (`error`, `warning`, `info` or `hint`)",
        K_ERROR => "`error`",
        K_WARNING => "`warning`",
        K_INFO => "`info`",
        K_HINT => "`hint`",
        locked | K_LOCKED => "`locked`",
        title_clause | K_TITLE => "`title`",
        message_clause | K_MESSAGE => "`message`",
        link_clause | K_LINK => "`link`",
        explain_clause | K_EXPLAIN => "`explain`",
        tags_clause | K_TAGS => "`tags`",
        param_clause | K_PARAM => "`param`",
        flag_clause | K_FLAG => "`flag when`",
        batch | K_BATCH => "`batch`",
        once | K_ONCE => "`once`",
        require_clause | K_REQUIRE => "`require`",
        K_WHEN => "`when`",
        unless_clause | K_UNLESS => "`unless`",
        fix_clause | K_FIX => "`fix`",
        fix_replace | K_REPLACE => "`replace`",
        fix_remove | K_REMOVE => "`remove`",
        fix_append | K_APPEND => "`append \"text\"`",
        fix_prepend | K_PREPEND => "`prepend \"text\"`",
        example_clause | K_EXAMPLE => "`example`",
        example_flags | K_FLAGS => "`flags \"text\"`",
        example_passes | K_PASSES => "`passes \"text\"`",
        K_AT => "`at \"span\"`",
        value => "a value (a number, a percentage, a string, `true`/`false` or a term set)",
        cond | or_expr | and_expr | unary | scoped | primary => "a condition",
        not_op | K_NOT => "`not`",
        K_OR => "`or`",
        K_AND => "`and`",
        K_IN => "`in`",
        paren_cond => "`(`",
        contains_cond | K_CONTAINS => "`contains`",
        near_cond | K_NEAR => "`near(...)`",
        K_WORDS => "`words`",
        K_CHARS => "`chars`",
        ordered | K_ORDERED => "`ordered`",
        has_cond | K_HAS => "`has`",
        meta_cond | meta_ref | K_CHANNEL | K_TYPE => {
            "a metadata key (`channel`, `type` or `meta.NAME`)"
        }
        meta_eq | eq_op => "`==` or `!=`",
        meta_in => "`in [...]`",
        meta_key => "a metadata key name",
        comparison => "a comparison",
        cmp_op => "a comparison operator (`>`, `>=`, `<`, `<=`, `==`, `!=`)",
        scope | K_SENTENCE | K_PARAGRAPH | K_POST | first_scope | K_FIRST => {
            "a scope (`sentence`, `paragraph`, `post` or `first N words`)"
        }
        num_expr | num_term | num_factor | paren_num | num_name => "a number or a post field",
        count_fn | K_COUNT => "`count(...)`",
        share_fn | K_SHARE => "`share(...)`",
        posts_fn | K_POSTS => "`posts(...)`",
        add_op | mul_op => "an arithmetic operator (`+`, `-`, `*`, `/`)",
        percent => "a percentage",
        number => "a number",
        boolean => "`true` or `false`",
        ident => "a name",
        path | dotted_name => "a name",
        string | triple_string | plain_string => "a string",
        string_inner | triple_inner => "the rest of the string",
        P_LBRACE => "`{`",
        P_RBRACE => "`}`",
        P_LBRACKET => "`[`",
        P_RBRACKET => "`]`",
        P_LPAREN => "`(`",
        P_RPAREN => "`)`",
        P_COMMA => "`,`",
        P_ARROW => "`->`",
        P_EQ => "`=`",
        _ => return None,
    })
}

/// Advice for slips that have a well-known cause.
fn hint(source: &str, pos: usize, positives: &[Rule], found: &Found<'_>) -> Option<String> {
    let before = source.get(..pos).unwrap_or("");
    if positives.contains(&Rule::string_inner)
        || found.text.is_empty() && before.matches('"').count() % 2 == 1
    {
        return Some("close the string with `\"` on the same line, or use `\"\"\"` for text over several lines".into());
    }
    if found.text == "}" && positives.contains(&Rule::EOI) {
        // pest read a whole item, whose braces (if any) are balanced.
        return Some("this `}` closes nothing: the item before it is complete; delete it".into());
    }
    if let Some(help) = misplaced_item(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = missing_name(before, positives, found) {
        return Some(help);
    }
    if positives.contains(&Rule::K_BECAUSE) {
        return Some("every `disable` needs a reason: `disable NAME because \"why\"`".into());
    }
    if let Some(help) = unknown_severity(before, positives, found) {
        return Some(help);
    }
    // `in first N` takes either unit; `near(a, b, N words)` only words.
    if positives.contains(&Rule::K_CHARS) {
        return Some(
            "write the scope as `first N words` or `first N chars`, e.g. `in first 20 words`"
                .into(),
        );
    }
    if positives.contains(&Rule::K_WORDS) {
        return Some("write the distance as `N words`, e.g. `near(a, b, 8 words)`".into());
    }
    if let Some(help) = string_for_term_set(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = text_compared_with_a_number(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = bare_word_term(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = bare_word_text(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = option_in_extend(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = option_in_condition(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = second_scope(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = spaced_set_name(source, pos, positives, found) {
        return Some(help);
    }
    if matches!(found.text, "&&" | "&") {
        return Some("combine conditions with `and`".into());
    }
    if matches!(found.text, "|" | "||") {
        return Some("combine conditions with `or`, and term sets with `+`".into());
    }
    if positives.contains(&Rule::ident) && RESERVED.contains(&found.text) {
        return Some(format!(
            "`{}` is a reserved word; choose another name",
            found.text
        ));
    }
    if let Some(help) = policy_name(source, pos, positives, found) {
        return Some(help);
    }
    if found.text == "!" {
        return Some("negate a condition with `not`".into());
    }
    if found.text == "=" && positives.contains(&Rule::cmp_op) {
        return Some("compare with `==`".into());
    }
    // `flag when contans ["x"]`, `flag when contians a`: the misspelt word reads as a
    // number (a field or a parameter), so the parser wants a comparison; the word is what
    // to fix.
    let opens_operand = matches!(found.text, "[" | "(" | "\"" | "/");
    let starts_word = found
        .text
        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    if positives.contains(&Rule::cmp_op) && (opens_operand || starts_word) {
        const CONDITION_WORDS: &[&str] = &["contains", "near", "has", "count", "share", "posts"];
        let word = before
            .trim_end()
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .next()
            .unwrap_or("");
        // Before a word, only a near miss: `chars x` is a field followed by a slip, not
        // a misspelt `share`.
        let suggestion = did_you_mean(word, CONDITION_WORDS.iter().copied()).filter(|s| {
            opens_operand
                || word.chars().next() == s.chars().next()
                    && word.len().abs_diff(s.len()) <= 1
                    && strsim::damerau_levenshtein(word, s) <= 2
        });
        if let Some(s) = suggestion {
            return Some(format!(
                "did you mean `{s}`? `{word}` reads as a number here"
            ));
        }
    }
    if let Some(help) = negative_number(source, pos, positives, found) {
        return Some(help);
    }
    if let Some(help) = slash_in_regex(source, pos, positives) {
        return Some(help);
    }
    if found.phrase == "the end of the item"
        && before.matches('{').count() > before.matches('}').count()
    {
        return Some("a `}` is missing: close the rule's `{`".into());
    }
    None
}

/// `severity critical`, in a rule or a `use` block: the four severities, and the nearest
/// one when the word is a near miss (`severity eror`). A word that is not ASCII
/// (`érror`) gets the help about characters instead.
fn unknown_severity(before: &str, positives: &[Rule], found: &Found<'_>) -> Option<String> {
    if !positives.contains(&Rule::severity)
        || !found.text.is_ascii()
        || before.split_whitespace().next_back() != Some("severity")
    {
        return None;
    }
    let levels = "a severity is `error`, `warning`, `info` or `hint`, as in `severity error`";
    Some(
        match did_you_mean(
            found.text,
            crate::Severity::ALL.map(crate::Severity::as_str),
        ) {
            Some(level) => {
                format!(
                    "did you mean `{level}`? A severity is `error`, `warning`, `info` or `hint`"
                )
            }
            None => levels.to_string(),
        },
    )
}

/// `use {`, `rule {`, `extend += [...]`, `disable because "..."`: the item's keyword with
/// no name after it. Says what the name names, with the item written out.
fn missing_name(before: &str, positives: &[Rule], found: &Found<'_>) -> Option<String> {
    let wants_name = positives
        .iter()
        .any(|r| matches!(r, Rule::ident | Rule::path));
    let words: Vec<&str> = before
        .split(['\n', '\r'])
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect();
    let keyword = match words.as_slice() {
        // `because` reads as the rule's name, so pest stops at the reason.
        ["disable", "because"] if found.text.starts_with('"') => "disable",
        [keyword]
            if wants_name
                && !found
                    .text
                    .starts_with(|c: char| c.is_alphanumeric() || c == '_') =>
        {
            keyword
        }
        _ => return None,
    };
    Some(
        match keyword {
            "rule" => "a rule needs a name: `rule my-rule { ... }`",
            "terms" => "a term set needs a name: `terms my-terms = [...]`",
            "use" => "a `use` names the rule it adjusts: `use ALIAS.RULE { ... }`, as in `use hc.privacy.client-story { severity error }`",
            "extend" => "an `extend` names the term set it changes: `extend ALIAS.SET += [...]`",
            "disable" => "a `disable` names the rule it switches off: `disable ALIAS.RULE because \"why\"`",
            _ => return None,
        }
        .into(),
    )
}

/// Words that cannot be names (the grammar's `reserved`).
const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "when", "require", "unless", "allow", "masked", "contains", "near",
    "has", "true", "false",
];

/// `  rule t { ... }`: the parser starts an item only at a line that begins with its
/// keyword, so an indented item, or one after another on the same line, is read as part
/// of the item above. Either that item is complete (pest wants it to end) or its `{` is
/// still open, and the advice differs.
fn misplaced_item(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    let keyword = found.text;
    // The keywords the parser's chunker starts an item at; the `decorum` version line is
    // no item.
    if keyword == "decorum" || !crate::parser::ITEM_KEYWORDS.contains(&keyword) {
        return None;
    }
    let before = source.get(..pos)?;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let starts_line = before[line_start..].trim().is_empty();
    const ITEMS: &str = "top-level items (`policy`, `import`, `terms`, `rule`, `use`, `extend`, `disable`) start at the beginning of a line";
    // Only a line that begins with the keyword: elsewhere inside a rule
    // (`flag when contains a rule`) a slip in the clause is likelier.
    if starts_line && open_braces(before) > 0 {
        return Some(format!(
            "the `{{` above is not closed: close it with `}}` before this line; {ITEMS}"
        ));
    }
    if !positives.contains(&Rule::EOI) {
        return None;
    }
    // After an item on the same line, only a keyword that goes on as an item does:
    // `terms a = ["x"] terms` may be a slip in the expression.
    let rest_of_line = source
        .get(pos + keyword.len()..)?
        .split(['\n', '\r'])
        .next()?;
    if !starts_line && (!rest_of_line.starts_with([' ', '\t']) || rest_of_line.trim().is_empty()) {
        return None;
    }
    // A keyword in column 0 starts an item of its own, so it never lands here; should
    // it, there would be no indentation to remove.
    if starts_line && before[line_start..].is_empty() {
        return None;
    }
    Some(if starts_line {
        format!("remove the indentation before `{keyword}`: {ITEMS}")
    } else {
        format!("start `{keyword}` on a line of its own: {ITEMS}")
    })
}

/// How many `{` are open at the end of `text`, outside strings, regexes and comments.
fn open_braces(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // The last significant byte: a `/` after `[` or `,` opens a regex, else it divides.
    let mut prev = b' ';
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i = match b {
            b'#' => line_end(bytes, i),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                let from = i + 3;
                bytes[from..]
                    .windows(3)
                    .position(|w| w == b"\"\"\"")
                    .map_or(bytes.len(), |at| from + at + 3)
            }
            b'"' => closing(bytes, i, b'"'),
            b'/' if matches!(prev, b'[' | b',') => closing(bytes, i, b'/'),
            b'{' => {
                depth += 1;
                i + 1
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i + 1
            }
            _ => i + 1,
        };
        if !b.is_ascii_whitespace() {
            prev = b;
        }
    }
    depth
}

/// The offset of the line break at or after `from`, or the end.
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| matches!(b, b'\n' | b'\r'))
        .map_or(bytes.len(), |at| from + at)
}

/// The offset just past the unescaped `quote` that closes the string or regex opened at
/// `open`, or its line's end when it is not closed there.
fn closing(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if !matches!(bytes.get(i + 1), None | Some(b'\n' | b'\r')) => i += 2,
            b'\n' | b'\r' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `["x", y]`: a bare word where a term belongs. Quotes the words up to the `,`, `]` or
/// `->` that ends the term on its line; without one, where the term ends is unknown.
fn bare_word_term(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    if !positives.contains(&Rule::term)
        || !found
            .text
            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    let line = source.get(pos..)?.split(['\n', '\r', '#']).next()?;
    let end = [line.find(','), line.find(']'), line.find("->")]
        .into_iter()
        .flatten()
        .min()?;
    let words = line[..end].trim_end();
    // What a string would need escaped, or show differently from what it holds, is left
    // to the general rule.
    if words.is_empty()
        || words.contains(['"', '\\', '/', '['])
        || words.chars().any(|c| Lookalike::of(c).is_some())
    {
        return None;
    }
    const TERMS: &str = "a term is a phrase in double quotes or a regex between slashes";
    // A regex of letters, digits, spaces, `_` and `-` matches those words and nothing else.
    let plain = words
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-'));
    Some(if plain {
        format!("{TERMS}: write `\"{words}\"`, or `/{words}/` for a regex")
    } else {
        format!("{TERMS}: write `\"{words}\"`")
    })
}

/// `title Hello there`, `channel in [x, "y"]`: a bare word where text in quotes goes (a
/// title, a message, an item of a list of channels or types). The help quotes the words
/// up to the end of the item, as `bare_word_term` does for terms.
fn bare_word_text(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    if !positives.contains(&Rule::string)
        || positives.contains(&Rule::term)
        || !found.text.starts_with(char::is_alphanumeric)
    {
        return None;
    }
    let line = source.get(pos..)?.split(['\n', '\r', '#']).next()?;
    let end = [line.find(','), line.find(']'), line.find('}')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(line.len());
    let words = line[..end].trim_end();
    if words.is_empty()
        || words.contains(['"', '\\'])
        || words.chars().any(|c| Lookalike::of(c).is_some())
    {
        return None;
    }
    Some(format!("write text in double quotes: `\"{words}\"`"))
}

/// `contains (term set)`: a second word after a set's name, where a set operator or the
/// end of the expression goes. A name is one word; sets combine with `+` and `-`.
fn spaced_set_name(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if !positives.contains(&Rule::set_op)
        || found.text.is_empty()
        || !found.text.chars().all(is_name_char)
    {
        return None;
    }
    let before = source.get(..pos)?;
    let trimmed = before.trim_end_matches(is_grammar_space);
    if trimmed.len() == before.len() {
        return None;
    }
    let previous: String = trimmed
        .chars()
        .rev()
        .take_while(|&c| is_name_char(c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if previous.is_empty() || !previous.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(format!(
        "a set's name is one word (`{previous}-{word}` or `{previous}_{word}`); to combine sets, join them with `+` or `-`",
        word = found.text
    ))
}

/// `extend SET += [...] masked`: an `extend` takes a term expression and nothing more.
/// Options travel with a named set into the sets built from it, so terms that need one
/// go in a set of their own, which the `extend` then names.
fn option_in_extend(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    const OPTIONS: &[&str] = &["masked", "case-sensitive", "unless", "allow"];
    let decl = source.trim_start().strip_prefix("extend")?;
    if !OPTIONS.contains(&found.text) || !positives.contains(&Rule::EOI) {
        return None;
    }
    let option = match found.text {
        "unless" => {
            let next = source
                .get(pos + "unless".len()..)?
                .split_whitespace()
                .next();
            match next {
                Some("quoted") => "unless quoted",
                _ => "unless negated",
            }
        }
        "allow" => "allow [...]",
        other => other,
    };
    // `SET +=` as written, when it can be read back.
    let (set, op) = ["+=", "-="]
        .iter()
        .find_map(|op| {
            let (set, _) = decl.split_once(op)?;
            is_dotted_name(set.trim()).then_some((set.trim(), *op))
        })
        .unwrap_or(("SET", "+="));
    Some(format!(
        "an `extend` takes no options: it only adds terms to a set (`+=`) or takes them away (`-=`). To give your terms `{option}`, put them in a set of your own and extend with its name: `terms mine = [...] {option}`, then `extend {set} {op} mine`"
    ))
}

/// What to do to give the terms a condition names an option, which only a `terms` line
/// takes:
/// `before` is the condition up to the option, ending with the set (a name, or `[...]`
/// written in place).
fn option_on_terms_line(before: &str, option: &str) -> String {
    let before = before.trim_end_matches(is_grammar_space);
    let name_len = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let name = before.get(before.len() - name_len..).unwrap_or("");
    // After a scope (`contains painless in sentence`) the last word is no set's name.
    const SCOPES: &[&str] = &[
        "sentence",
        "sentences",
        "paragraph",
        "post",
        "words",
        "chars",
    ];
    let named_set = !before.ends_with(']') && !SCOPES.contains(&name);
    if named_set && is_dotted_name(name) && !name.contains('.') {
        return format!("write it on the set's own line, `terms {name} = [...] {option}`");
    }
    format!(
        "declare the terms as a set with it, `terms NAME = [...] {option}`, and write `contains NAME` in the condition"
    )
}

/// `contains ["x"] masked` (or `case-sensitive`, `allow [...]`) in a condition: options
/// belong to a `terms` line. pest stops at the option.
fn option_in_condition(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    let option = match found.text {
        "masked" | "case-sensitive" => found.text,
        "allow" => "allow [...]",
        _ => return None,
    };
    if !positives.contains(&Rule::set_op) {
        return None;
    }
    let how = option_on_terms_line(source.get(..pos)?, option);
    Some(format!(
        "`{option}` is an option of a term set, which only a `terms` line takes: {how}"
    ))
}

/// `flag when contains ["painless"] unless negated` in a rule: `unless` starts the rule's
/// `unless` clause there, `negated` reads as a number, and pest stops at whatever follows
/// (often the next line). The error belongs at `unless negated` (or `unless quoted`), an
/// option of a term set that only a `terms` line takes.
fn negation_option_in_rule(
    source: &str,
    offset: usize,
    pos: usize,
    positives: &[Rule],
) -> Option<SyntaxError> {
    if !positives.contains(&Rule::cmp_op) {
        return None;
    }
    let before = source.get(..pos)?.trim_end_matches(is_grammar_space);
    let word = ["negated", "quoted"]
        .into_iter()
        .find(|w| before.ends_with(w))?;
    let rest = before.get(..before.len() - word.len())?;
    // `negated` must be a word of its own, after `unless` and spaces.
    let gap = rest.len() - rest.trim_end_matches(is_grammar_space).len();
    let head = rest
        .trim_end_matches(is_grammar_space)
        .strip_suffix("unless")?;
    if gap == 0 || head.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let option = format!("unless {word}");
    let start = offset + head.len();
    let end = offset + before.len();
    let range = TextRange::new(
        TextSize::from(u32::try_from(start).ok()?),
        TextSize::from(u32::try_from(end).ok()?),
    );
    Some(
        SyntaxError::new(
            range,
            format!("`{option}` is an option of a term set, not a condition: here it starts a rule's `unless` clause"),
        )
        .with_help(option_on_terms_line(head, &option)),
    )
}

/// `contains a in sentence in post`: a condition has at most one scope; pest stops at
/// the second `in`.
fn second_scope(source: &str, pos: usize, positives: &[Rule], found: &Found<'_>) -> Option<String> {
    if found.text != "in" || positives.contains(&Rule::K_IN) {
        return None;
    }
    let before = source.get(..pos)?;
    let words: Vec<&str> = before.split_whitespace().rev().take(4).collect();
    let scoped = match words.as_slice() {
        ["sentence" | "paragraph" | "post", "in", ..] => true,
        ["words" | "chars", n, "first", "in"] => n.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    if !scoped {
        return None;
    }
    Some(
        "a condition takes one scope: keep one of its `in ...`; to scope a scoped condition again, put it in parentheses, as in `(contains a in sentence) in post`"
            .into(),
    )
}

/// `policy "acme"`, `policy 1acme`, `policy acme.`: pest wants a name part of the policy
/// name, and says only "a name".
fn policy_name(source: &str, pos: usize, positives: &[Rule], found: &Found<'_>) -> Option<String> {
    if !positives
        .iter()
        .any(|r| matches!(r, Rule::ident | Rule::dotted_name))
    {
        return None;
    }
    let before = source.get(..pos)?.trim_start();
    let name_so_far = before.strip_prefix("policy")?;
    if !name_so_far
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || matches!(c, '_' | '-' | '.'))
    {
        return None;
    }
    const NAME: &str = "a policy name is one or more names joined by dots, such as `acme.social`; each starts with an ASCII letter or `_`, then ASCII letters, digits, `_` and `-`";
    // Only for the whole name: after `policy acme.` the string is not the name.
    let quoted = (found.text.starts_with('"') && name_so_far.trim().is_empty())
        .then(|| source.get(pos + 1..))
        .flatten()
        .and_then(|rest| rest.split(['"', '\n', '\r']).next())
        .filter(|inner| is_dotted_name(inner));
    Some(match quoted {
        Some(inner) => format!(
            "write the name without quotes: `policy {inner}`; {NAME}. A description in quotes may follow the name"
        ),
        None => NAME.to_string(),
    })
}

/// Whether `text` is a policy name: names joined by dots.
fn is_dotted_name(text: &str) -> bool {
    text.split('.').all(|part| {
        !RESERVED.contains(&part)
            && part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// `explain """` with no closing `"""` anywhere after it: the grammar reads `""` as an
/// empty string and stops at the third quote, which alone would read as "found a string".
/// The chunker lets an open `"""` run to the end of the file, so the chunk holds all
/// that follows.
fn unclosed_triple_string(source: &str, pos: usize, offset: usize) -> Option<SyntaxError> {
    const TRIPLE: &str = "\"\"\"";
    let start = (pos.saturating_sub(2)..=pos)
        .find(|&s| source.get(s..).is_some_and(|rest| rest.starts_with(TRIPLE)))?;
    if source.get(start + TRIPLE.len()..)?.contains(TRIPLE) {
        return None;
    }
    let at = TextSize::from((offset + start) as u32);
    Some(
        SyntaxError::new(
            TextRange::at(at, TextSize::from(TRIPLE.len() as u32)),
            "this `\"\"\"` string is not closed",
        )
        .with_help(
            "close it with `\"\"\"` where its text ends; until then everything after it, to the end of the file, is read as its text",
        ),
    )
}

/// `contains "x"`: a term set is a list, even of one phrase.
fn string_for_term_set(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    if !found.text.starts_with('"')
        || !positives
            .iter()
            .any(|r| matches!(r, Rule::term_expr | Rule::term_operand))
    {
        return None;
    }
    let line = source.get(pos..)?.split(['\n', '\r']).next()?;
    // The closing quote: the first `"` after the opening one that no `\` escapes (`\\`
    // is an escaped backslash, so the quote after it closes).
    let bytes = line.as_bytes();
    let mut close = None;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                close = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    Some(match close {
        Some(end) => format!(
            "a term set is a list in brackets, even of one phrase: `[{}]`",
            &line[..=end]
        ),
        None => "a term set is a list in brackets, even of one phrase: `[\"my phrase\"]`; this string is not closed either".into(),
    })
}

/// `chanel == "x"`: only metadata compares with text, so a misspelt `channel` reads as a
/// number (a parameter) and the text after `==` is where the parser stops.
fn text_compared_with_a_number(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    let numeric = positives.iter().any(|r| {
        matches!(
            r,
            Rule::num_expr | Rule::num_term | Rule::num_factor | Rule::num_name | Rule::paren_num
        )
    });
    if !found.text.starts_with('"') || !numeric {
        return None;
    }
    let before = source.get(..pos)?.trim_end();
    let before = before
        .strip_suffix("==")
        .or_else(|| before.strip_suffix("!="))?
        .trim_end();
    let word = before
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .next()
        .filter(|w| !w.is_empty())?;
    const FIELDS: &str = "`channel`, `type` or `meta.KEY`";
    Some(match did_you_mean(word, crate::MetaRef::BARE_KEYS) {
        Some(field) => {
            format!("did you mean `{field}`? Only metadata is compared with text: {FIELDS}")
        }
        None => format!(
            "`{word}` is not metadata: only {FIELDS} is compared with text, e.g. `meta.{word} == \"x\"`"
        ),
    })
}

/// `words < -5`: the grammar has no negative literals (no count, length or share is
/// below zero); a negative value is written as a subtraction.
fn negative_number(
    source: &str,
    pos: usize,
    positives: &[Rule],
    found: &Found<'_>,
) -> Option<String> {
    let digits = found.text.strip_prefix('-')?;
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if positives == [Rule::integer] {
        return Some(
            "write a whole number without a sign, e.g. `near(a, b, 8 words)` or `first 20 words`"
                .into(),
        );
    }
    // A parameter's value and a metadata test take a literal, with no arithmetic.
    if positives.contains(&Rule::value) || positives.contains(&Rule::number) {
        return Some(
            "numbers are written without a sign, and a parameter or metadata value here cannot be negative"
                .into(),
        );
    }
    // `flag when -1 > 2`: at the start of a condition pest names the condition.
    if !positives.iter().any(begins_condition) {
        return None;
    }
    let rest = source.get(pos + 1..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '%'))
        .unwrap_or(rest.len());
    let number = &rest[..end];
    Some(format!(
        "numbers are written without a sign; for a negative value subtract, as in `0 - {number}`; a count, a length or a share is never below 0"
    ))
}

/// `[/and/or/]`: the second `/` closed the regex (and `or` became its flags). Shows the
/// regex with its inner slashes escaped, when the term's end can be found on the line.
fn slash_in_regex(source: &str, pos: usize, positives: &[Rule]) -> Option<String> {
    if !positives
        .iter()
        .any(|r| matches!(r, Rule::P_RBRACKET | Rule::P_COMMA | Rule::P_ARROW))
    {
        return None;
    }
    let before = source.get(..pos)?;
    let flags_start = before
        .trim_end_matches(|c: char| c.is_ascii_lowercase())
        .len();
    let closed = before.get(..flags_start)?.strip_suffix('/')?;
    // The opening `/`: the last one before the closing one that no `\` escapes (a regex
    // holds no other).
    let bytes = closed.as_bytes();
    let open = (0..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b'/' && (i == 0 || bytes[i - 1] != b'\\'))?;
    let general = "a `/` ends a regex; write `\\/` for a slash inside one".to_string();
    // The opening `/` must follow `[` or `,`, as every regex does; else this is no regex.
    if !closed[..open].trim_end().ends_with(['[', ',']) {
        return None;
    }
    // The term ends at the first `/` on the line that is followed by flags and then `,`,
    // `]`, `->` or the end of the line.
    let line = source.get(pos..)?.split(['\n', '\r']).next()?;
    let end = line
        .char_indices()
        .filter(|&(_, c)| c == '/')
        .map(|(i, _)| i)
        .find(|&i| {
            let after = line[i + 1..].trim_start_matches(|c: char| c.is_ascii_lowercase());
            let after = after.trim_start();
            after.is_empty() || after.starts_with([',', ']']) || after.starts_with("->")
        });
    let Some(end) = end else {
        return Some(general);
    };
    let flags_len = line[end + 1..]
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(line.len() - end - 1);
    let body = &closed[open + 1..];
    let read_as_flags = before.get(flags_start..)?;
    let inner = format!("{body}/{read_as_flags}{}", &line[..end]);
    let flags = &line[end + 1..end + 1 + flags_len];
    let mut escaped = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                escaped.push(c);
                if let Some(next) = chars.next() {
                    escaped.push(next);
                }
            }
            '/' => escaped.push_str("\\/"),
            _ => escaped.push(c),
        }
    }
    Some(format!("{general}: `/{escaped}/{flags}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character that shows nothing ([`decorum_text::invisible`]) is named in an
    /// error by the name Decorum gives it, with its code point, and the advice to delete
    /// it: a direction mark or an invisible operator as much as a zero-width space.
    #[test]
    fn every_invisible_character_is_named_with_its_code_point() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let Some(name) = decorum_text::invisible::name(c) else {
                continue;
            };
            let lookalike = Lookalike::of(c);
            assert_eq!(
                lookalike.map(|l| (l.name, l.kind)),
                Some((name, LookalikeKind::Invisible)),
                "{c:?}"
            );
        }
        let errors = |source: &str| -> Vec<String> {
            crate::parse(source)
                .errors
                .iter()
                .map(|e| format!("{} ({})", e.message, e.help.as_deref().unwrap_or("")))
                .collect()
        };
        for (c, phrase) in [
            ('\u{200E}', "a text-direction mark (U+200E)"),
            ('\u{2062}', "an invisible operator (U+2062)"),
            ('\u{E0067}', "a tag character (U+E0067)"),
            ('\u{3164}', "a Hangul filler (U+3164)"),
        ] {
            let source =
                format!("decorum 1\npolicy p\nrule r{c} {{\n  flag when contains [\"x\"]\n}}\n");
            assert_eq!(
                errors(&source),
                [format!(
                    "expected `{{`, found {phrase} (delete it: it cannot be seen, and text pasted from a web page or a word processor often carries one)"
                )],
                "{c:?}"
            );
        }
    }

    /// A line holding only a character that Unicode calls white space but the grammar
    /// does not skip (a form feed, a no-break space) is an error at that character, named
    /// with its code point: not "found the end of the item" at the end of the line
    /// before.
    #[test]
    fn a_line_of_white_space_the_grammar_does_not_skip_is_named_where_it_is() {
        for c in [
            '\u{0B}', '\u{0C}', '\u{85}', '\u{A0}', '\u{2028}', '\u{3000}',
        ] {
            for line in [format!("{c}"), format!("  {c}  ")] {
                let source = format!(
                    "decorum 1\npolicy p\nrule r {{ flag when contains [\"a\"] }}\n{line}\nrule s {{ flag when contains [\"b\"] }}\n"
                );
                let errors = crate::parse(&source).errors;
                let [error] = errors.as_slice() else {
                    panic!("{c:?}: {errors:?}");
                };
                let at = source.find(c).unwrap_or(0);
                assert_eq!(usize::from(error.range.start()), at, "{c:?}: {error:?}");
                let code = format!("(U+{:04X})", u32::from(c));
                assert!(error.message.contains(&code), "{c:?}: {}", error.message);
                assert!(
                    !error.message.contains("found the end"),
                    "{}",
                    error.message
                );
            }
        }
    }
}
