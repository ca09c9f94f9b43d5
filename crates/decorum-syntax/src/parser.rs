//! From source text to [`PolicyFile`]: item chunking, pest, and tree building.
//!
//! A file is split into top-level items at lines that start with an item keyword
//! (outside `"""` strings). Each chunk is parsed on its own, so an error in one rule is
//! reported and the parser carries on with the next item. pest spans are converted to
//! file-level [`TextRange`]s here and nowhere else.

use decorum_text::{TextRange, TextSize};
use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::*;
use crate::errors::{
    Lookalike, SyntaxError, from_pest, is_grammar_space, lookalike_help, show_word,
};
use crate::strings::{dedent_triple, unescape};

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/decorum.pest"]
pub(crate) struct PestParser;

/// The result of parsing one file: whatever parsed, plus every error found.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// The syntax tree of the items that parsed.
    pub file: PolicyFile,
    /// Errors in source order; empty when the file is well-formed.
    pub errors: Vec<SyntaxError>,
}

/// The language versions this parser understands.
pub const SUPPORTED_VERSION: u32 = 1;

/// How deeply `(` and `[` may nest in one item; deeper input is refused before it can
/// exhaust the stack of the parser or of the passes after it.
const MAX_NESTING: usize = 64;

/// How deep one item's expression tree may grow. Brackets are limited by [`MAX_NESTING`]
/// before parsing, but chains nest too: `not not x` is a `not` inside a `not`, and
/// `1 + 2 + 3` an addition inside an addition. Thousands of them made the passes after
/// the parser (compiling, evaluating, formatting, dropping the tree) overflow the stack.
const MAX_DEPTH: usize = 256;

/// The offset of the first bracket that nests deeper than [`MAX_NESTING`], outside strings,
/// regexes and comments.
fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut prev = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 3;
                prev = b'"';
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if starts_regex(prev) => {
                i = regex_end(bytes, i);
                prev = b'/';
                continue;
            }
            b'#' => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'#') {
            prev = b;
        }
        i += 1;
    }
    None
}

/// Whether a `/` after the significant byte `prev` opens a regex. Regexes are terms, which
/// follow `[` or `,` in a term list; everywhere else (`count(a) / words`) `/` divides.
/// Brackets, quotes, `#` and braces inside a regex are its own (`/[[:alpha:]]"#ad/`), so
/// the scans before parsing must skip it as the grammar does.
fn starts_regex(prev: u8) -> bool {
    matches!(prev, b'[' | b',')
}

/// The offset just past the regex whose opening `/` is at `open`: past its closing `/`,
/// or at the line break (or the end) where an unterminated one stops. As the grammar's
/// `regex_body`: a backslash escapes any character but a line break.
pub(crate) fn regex_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if !matches!(bytes.get(i + 1), None | Some(b'\n' | b'\r')) => i += 2,
            b'/' => return i + 1,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Keywords that start a top-level item, and so a chunk (the advice on a misplaced item
/// in `errors.rs` reads them too).
pub(crate) const ITEM_KEYWORDS: &[&str] = &[
    "decorum", "policy", "import", "terms", "rule", "use", "extend", "disable",
];

/// Parses a policy file. Never panics; every problem becomes a [`SyntaxError`].
pub fn parse(text: &str) -> Parse {
    let mut items = Vec::new();
    let mut failed = Vec::new();
    let mut errors = Vec::new();
    let mut version = None;
    let mut seen_content = false;
    // Whether an item has been read, so a line that cannot start one may continue it.
    let mut after_item = false;
    // Set while the lines in column 1 after an item that ended too early are read: the
    // error at its end said to indent them, so they get no error of their own.
    let mut continuation = false;

    let chunks = chunks(text);
    for (index, chunk) in chunks.iter().enumerate() {
        let source = &text[chunk.start..chunk.end];
        let offset = chunk.start;
        let Some((start, keyword)) = leading_word(source) else {
            // Only comments and blank lines.
            continue;
        };
        if keyword == "decorum" {
            match PestParser::parse(Rule::header_item, source) {
                Ok(mut pairs) => {
                    let header = pairs.next().and_then(|p| find(p, Rule::header));
                    if let Some(header) = header {
                        let builder = Builder {
                            offset,
                            errors: &mut errors,
                            depth: 0,
                            too_deep: false,
                            too_large: false,
                        };
                        let parsed = builder.header(header);
                        if seen_content || version.is_some() {
                            errors.push(
                                SyntaxError::new(
                                    parsed.range,
                                    "the `decorum` version line must come first, once",
                                )
                                .with_help("move `decorum 1` to the top of the file"),
                            );
                        } else {
                            version = Some(parsed);
                        }
                    }
                }
                Err(err) => {
                    let mut error = from_pest(err, source, offset);
                    if error.help.is_none() {
                        error = error.with_help(format!(
                            "the version line is `decorum {SUPPORTED_VERSION}`: the language version is a whole number"
                        ));
                    }
                    errors.push(error);
                }
            }
            seen_content = true;
            continue;
        }
        // A pasted character before `decorum 1` gets its own error (below), which says
        // to delete it; that the version line is missing would not be true.
        if !seen_content && lone_lookalike(keyword).is_none() {
            errors.push(
                SyntaxError::new(
                    TextRange::empty(TextSize::from(offset as u32)),
                    "a policy file must start with its language version, `decorum 1`",
                )
                .with_help("add the line `decorum 1` at the top of the file"),
            );
        }
        seen_content = true;
        if let Some(at) = too_deep(source) {
            let range = TextRange::at(TextSize::from((offset + at) as u32), TextSize::from(1));
            errors.push(
                SyntaxError::new(
                    range,
                    format!("brackets are nested more than {MAX_NESTING} levels deep here"),
                )
                .with_help("split the expression into named term sets"),
            );
            failed.extend(failed_item(source, offset, (start, keyword)));
            continue;
        }
        if !ITEM_KEYWORDS.contains(&keyword) {
            if !(continuation && is_continuation(keyword)) {
                errors.push(unknown_item(source, offset, (start, keyword), after_item));
            }
            continue;
        }
        after_item = true;
        continuation = false;
        match PestParser::parse(Rule::item_alone, source) {
            Ok(mut pairs) => {
                let Some(top) = pairs.next() else { continue };
                let mut builder = Builder {
                    offset,
                    errors: &mut errors,
                    depth: 0,
                    too_deep: false,
                    too_large: false,
                };
                for pair in top.into_inner() {
                    if pair.as_rule() == Rule::EOI {
                        continue;
                    }
                    let item = builder.item(pair);
                    match item.filter(|_| !builder.too_deep && !builder.too_large) {
                        Some(item) => items.push(item),
                        None => failed.extend(failed_item(source, offset, (start, keyword))),
                    }
                    builder.too_deep = false;
                    builder.too_large = false;
                }
            }
            Err(err) => {
                let mut error = from_pest(err, source, offset);
                // `terms q = (jobs +` and `places)` on the next line, in column 1: the
                // item ended where its next line began one of its own.
                let at_end = source
                    .get(usize::from(error.range.end()).saturating_sub(offset)..)
                    .is_some_and(only_trivia);
                let next = chunks
                    .get(index + 1)
                    .and_then(|next| text.get(next.start..next.end));
                if let Some(next) = next.filter(|_| at_end)
                    && leading_word(next).is_some_and(|(_, word)| is_continuation(word))
                {
                    let line = next.split(['\n', '\r']).next().unwrap_or("").trim_end();
                    let line = match line.char_indices().nth(40) {
                        Some((cut, _)) => format!("{}...", &line[..cut]),
                        None => line.to_string(),
                    };
                    error.help = Some(format!(
                        "a line that starts in column 1 begins a new item, so this one ended before `{line}`: indent the lines that continue it"
                    ));
                    continuation = true;
                }
                errors.push(error);
                failed.extend(failed_item(source, offset, (start, keyword)));
            }
        }
    }
    if !seen_content {
        errors.push(
            SyntaxError::new(
                TextRange::empty(TextSize::from(0)),
                "this policy file is empty",
            )
            .with_help("start it with `decorum 1` and a `policy` line"),
        );
    }
    if let Some(v) = &version
        && v.value != SUPPORTED_VERSION
    {
        // The version as written: the digits that end the version line (a comment may
        // stand between `decorum` and them), whether or not they fit a `u32`.
        let line = text
            .get(usize::from(v.range.start())..usize::from(v.range.end()))
            .unwrap_or("");
        let written = &line[line.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
        errors.push(
            SyntaxError::new(
                v.range,
                format!(
                    "this file is written for language version {written}, but this Decorum understands version {SUPPORTED_VERSION}"
                ),
            )
            .with_help("upgrade Decorum, or write `decorum 1` if the file uses only version 1"),
        );
    }
    errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    Parse {
        file: PolicyFile {
            version,
            items,
            failed,
        },
        errors,
    }
}

/// The kind and name of a `terms` or `rule` chunk that did not parse, read from its text:
/// the name is the identifier right after the keyword, on the same line.
fn failed_item(source: &str, offset: usize, (at, keyword): (usize, &str)) -> Option<FailedItem> {
    let kind = match keyword {
        "terms" => FailedKind::Terms,
        "rule" => FailedKind::Rule,
        _ => return None,
    };
    let after = source.get(at + keyword.len()..)?;
    let rest = after.trim_start_matches([' ', '\t']);
    if rest.len() == after.len() {
        return None;
    }
    let start = at + keyword.len() + (after.len() - rest.len());
    let name = first_word(rest);
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let start = offset + start;
    Some(FailedItem {
        kind,
        name: Name {
            text: name.to_string(),
            range: TextRange::at(
                TextSize::from(start as u32),
                TextSize::from(name.len() as u32),
            ),
        },
    })
}

/// Whether a line in column 1 that starts with `word` may continue the item above: it
/// starts no item, and is no misspelt item keyword (a lookalike character is neither).
fn is_continuation(word: &str) -> bool {
    !ITEM_KEYWORDS.contains(&word)
        && lone_lookalike(word).is_none()
        && crate::errors::did_you_mean(word, ITEM_KEYWORDS.iter().copied()).is_none()
}

/// Whether `text` holds only blank lines and comments.
fn only_trivia(text: &str) -> bool {
    text.split(['\n', '\r']).all(|line| {
        let line = line.trim_matches(is_grammar_space);
        line.is_empty() || line.starts_with('#')
    })
}

/// The error for a chunk whose first word starts no item. `after_item`: an item came
/// before, which the line may have been meant to continue.
fn unknown_item(
    source: &str,
    offset: usize,
    (start, keyword): (usize, &str),
    after_item: bool,
) -> SyntaxError {
    let range = TextRange::at(
        TextSize::from((offset + start) as u32),
        TextSize::from(keyword.len() as u32),
    );
    if let Some(lookalike) = lone_lookalike(keyword) {
        return SyntaxError::new(
            range,
            format!("{} cannot start a top-level item", lookalike.phrase()),
        )
        .with_help(lookalike_help(lookalike, source, start));
    }
    let mut err = SyntaxError::new(
        range,
        format!("{} cannot start a top-level item", show_word(keyword)),
    );
    let suggestion = crate::errors::did_you_mean(keyword, ITEM_KEYWORDS.iter().copied());
    err = match suggestion {
        Some(s) => err.with_help(format!(
            "did you mean `{s}`? Top-level items start with `policy`, `import`, `terms`, `rule`, `use`, `extend` or `disable`"
        )),
        None if after_item => err.with_help(
            "top-level items start with `policy`, `import`, `terms`, `rule`, `use`, `extend` or `disable`; clauses such as `title` belong inside a `rule { ... }`. A line that starts in column 1 begins a new item: to continue the item above, indent it",
        ),
        None => err.with_help(
            "top-level items start with `policy`, `import`, `terms`, `rule`, `use`, `extend` or `disable`; clauses such as `title` belong inside a `rule { ... }`",
        ),
    };
    err
}

/// The lookalike character `word` is, when it is one character that is one.
fn lone_lookalike(word: &str) -> Option<Lookalike> {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Lookalike::of(c),
        _ => None,
    }
}

/// A byte range of the file holding one top-level item (or the header).
struct Chunk {
    start: usize,
    end: usize,
}

/// Splits the file into items. A line starts a new item when it begins in column 0
/// with an item keyword, or with any word while no `{` is open, ignoring `"""` strings,
/// plain strings and comments. A missing `}` therefore swallows at most the lines up to
/// the next item keyword.
fn chunks(text: &str) -> Vec<Chunk> {
    let mut starts = vec![0usize];
    let mut scan = Scan::default();
    let mut line_start = 0usize;
    for line in lines_inclusive(text) {
        let content = line.strip_prefix(decorum_text::BOM).unwrap_or(line);
        if !scan.in_triple && line_start != 0 {
            let word = first_word(content);
            let starts_item =
                ITEM_KEYWORDS.contains(&word) || (scan.depth == 0 && !word.is_empty());
            if starts_item {
                starts.push(line_start);
                scan.depth = 0;
            }
        }
        scan.line(content);
        line_start += line.len();
    }
    let mut chunks = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        chunks.push(Chunk { start, end });
    }
    chunks
}

/// The lines of `text`, each with its line break: LF, CRLF or a lone CR, as for the
/// grammar's `NEWLINE` and for `LineIndex`.
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// The identifier-like word at the very start of a line (column 0), or `""`.
fn first_word(line: &str) -> &str {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    &line[..end]
}

/// Lexical state carried from line to line while chunking.
#[derive(Default)]
struct Scan {
    in_triple: bool,
    depth: usize,
    /// The last significant byte outside comments, to tell a regex from a division.
    prev: u8,
}

impl Scan {
    fn line(&mut self, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut in_plain = false;
        while i < bytes.len() {
            if self.in_triple {
                if bytes[i..].starts_with(b"\"\"\"") {
                    self.in_triple = false;
                    i += 3;
                } else {
                    i += 1;
                }
                continue;
            }
            if in_plain {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        in_plain = false;
                        i += 1;
                    }
                    _ => i += 1,
                }
                continue;
            }
            let b = bytes[i];
            match b {
                b'#' => return,
                b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                    self.in_triple = true;
                    i += 3;
                }
                b'"' => {
                    in_plain = true;
                    i += 1;
                }
                b'/' if starts_regex(self.prev) => i = regex_end(bytes, i),
                b'{' => {
                    self.depth += 1;
                    i += 1;
                }
                b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    i += 1;
                }
                _ => i += 1,
            }
            if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                self.prev = b;
            }
        }
    }
}

/// The first word of a chunk after blank lines and comments, if any, with its byte
/// offset in `source`.
fn leading_word(source: &str) -> Option<(usize, &str)> {
    let mut line_start = 0;
    for line in source.split(['\n', '\r']) {
        let start = line_start + (line.len() - line.trim_start_matches(is_grammar_space).len());
        line_start += line.len() + 1;
        let trimmed = line.trim_matches(is_grammar_space);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let end = trimmed
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(trimmed.len());
        if end == 0 {
            // Starts with punctuation: report it as the "word".
            let first = trimmed.chars().next()?;
            return Some((start, &trimmed[..first.len_utf8()]));
        }
        return Some((start, &trimmed[..end]));
    }
    None
}

fn find(pair: Pair<'_, Rule>, rule: Rule) -> Option<Pair<'_, Rule>> {
    if pair.as_rule() == rule {
        return Some(pair);
    }
    pair.into_inner().find_map(|p| find(p, rule))
}

/// True for pairs that are keyword tokens, which the tree does not keep.
fn is_keyword(rule: Rule) -> bool {
    let name = format!("{rule:?}");
    name.starts_with("K_") || name.starts_with("P_")
}

/// The non-keyword children of a pair.
fn kids(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// Builds tree nodes from pest pairs of one chunk, shifting spans by `offset`.
struct Builder<'e> {
    offset: usize,
    errors: &'e mut Vec<SyntaxError>,
    /// How deep the expression being built is nested (see [`MAX_DEPTH`]).
    depth: usize,
    /// Set when an item nested too deeply: it is left out whole, so that a rule without
    /// its condition does not also read as a rule with none.
    too_deep: bool,
    /// Set when a number in the item does not fit: the item is left out whole too, so
    /// that no check after the parser judges the stand-in value (`first 0 words` is an
    /// empty scope) beside the error that says what is wrong.
    too_large: bool,
}

impl Builder<'_> {
    /// The range of a pair without the whitespace and comments pest skips after its last
    /// token (a rule ending in `x?` or `x*` keeps that skip in its span).
    fn range(&self, pair: &Pair<'_, Rule>) -> TextRange {
        let start = pair.as_span().start();
        let mut last = pair.clone();
        // Compound-atomic rules end exactly at their span; only normal rules can carry a skip.
        while !matches!(
            last.as_rule(),
            Rule::string | Rule::regex | Rule::meta_ref | Rule::path | Rule::dotted_name
        ) {
            let Some(child) = last.clone().into_inner().last() else {
                break;
            };
            last = child;
        }
        let end = last.as_span().end().max(start);
        TextRange::new(
            TextSize::from((self.offset + start) as u32),
            TextSize::from((self.offset + end) as u32),
        )
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>, help: Option<String>) {
        let mut err = SyntaxError::new(range, message);
        if let Some(help) = help {
            err = err.with_help(help);
        }
        self.errors.push(err);
    }

    /// The version line. A version too large for a `u32` is no version this parser
    /// understands; it reads as `u32::MAX`, and the error shows the digits as written.
    fn header(&self, pair: Pair<'_, Rule>) -> Spanned<u32> {
        let range = self.range(&pair);
        let value = kids(pair)
            .next()
            .map_or(0, |v| v.as_str().parse::<u32>().unwrap_or(u32::MAX));
        Spanned { value, range }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let range = self.range(&pair);
        Some(match pair.as_rule() {
            Rule::policy_decl => {
                let mut it = kids(pair);
                let name = self.path(it.next()?);
                let description = it.next().map(|s| self.string(s));
                Item::Policy(PolicyDecl {
                    name,
                    description,
                    range,
                })
            }
            Rule::import_decl => {
                let mut it = kids(pair);
                let source = self.string(it.next()?);
                let alias = it.next().map(|a| self.name(a));
                Item::Import(ImportDecl {
                    source,
                    alias,
                    range,
                })
            }
            Rule::terms_decl => {
                let mut it = kids(pair);
                let name = self.name(it.next()?);
                let expr = self.term_expr(it.next()?)?;
                let mut options = Vec::new();
                for opt in it {
                    let r = self.range(&opt);
                    options.push(match opt.as_rule() {
                        Rule::opt_masked => TermOption::Masked(r),
                        Rule::opt_case => TermOption::CaseSensitive(r),
                        Rule::opt_negation => TermOption::UnlessNegated(r),
                        Rule::opt_quotation => TermOption::UnlessQuoted(r),
                        Rule::opt_allow => {
                            let inner = kids(opt).next()?;
                            TermOption::Allow(self.term_expr(inner)?, r)
                        }
                        _ => continue,
                    });
                }
                Item::Terms(TermsDecl {
                    name,
                    expr,
                    options,
                    range,
                })
            }
            Rule::rule_decl => {
                let mut it = kids(pair);
                let name = self.name(it.next()?);
                let clauses = it.filter_map(|c| self.rule_clause(c)).collect();
                Item::Rule(RuleDecl {
                    name,
                    clauses,
                    range,
                })
            }
            Rule::use_decl => {
                let mut it = kids(pair);
                let target = self.path(it.next()?);
                let mut items = Vec::new();
                for p in it {
                    let r = self.range(&p);
                    match p.as_rule() {
                        Rule::severity_clause => items.push(UseItem::Severity(self.severity(p))),
                        Rule::example_clause => {
                            if let Some(RuleClause::Example(e)) = self.rule_clause(p) {
                                items.push(UseItem::Example(e));
                            }
                        }
                        Rule::assignment => {
                            let mut a = kids(p);
                            let name = self.name(a.next()?);
                            let add = a.next()?.as_str() == "+=";
                            let value = self.value(a.next()?)?;
                            items.push(UseItem::Assign {
                                name,
                                add,
                                value,
                                range: r,
                            });
                        }
                        _ => {}
                    }
                }
                Item::Use(UseDecl {
                    target,
                    items,
                    range,
                })
            }
            Rule::extend_decl => {
                let mut it = kids(pair);
                let target = self.path(it.next()?);
                let remove = it.next()?.as_str() == "-=";
                let expr = self.term_expr(it.next()?)?;
                Item::Extend(ExtendDecl {
                    target,
                    remove,
                    expr,
                    range,
                })
            }
            Rule::disable_decl => {
                let mut it = kids(pair);
                let target = self.path(it.next()?);
                let reason = it.next().map(|s| self.string(s));
                Item::Disable(DisableDecl {
                    target,
                    reason,
                    range,
                })
            }
            _ => return None,
        })
    }

    fn rule_clause(&mut self, pair: Pair<'_, Rule>) -> Option<RuleClause> {
        let range = self.range(&pair);
        Some(match pair.as_rule() {
            Rule::severity_clause => RuleClause::Severity(self.severity(pair)),
            Rule::title_clause => {
                RuleClause::Text(TextKind::Title, self.string(kids(pair).next()?))
            }
            Rule::message_clause => {
                RuleClause::Text(TextKind::Message, self.string(kids(pair).next()?))
            }
            Rule::link_clause => RuleClause::Text(TextKind::Link, self.string(kids(pair).next()?)),
            Rule::explain_clause => {
                RuleClause::Text(TextKind::Explain, self.string(kids(pair).next()?))
            }
            Rule::tags_clause => {
                RuleClause::Tags(kids(pair).map(|t| self.name(t)).collect(), range)
            }
            Rule::param_clause => {
                let mut it = kids(pair);
                let name = self.name(it.next()?);
                let value = self.value(it.next()?)?;
                RuleClause::Param(ParamDecl { name, value, range })
            }
            Rule::flag_clause => {
                let mut kind = FlagKind::Each;
                let mut cond = None;
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::batch => kind = FlagKind::Batch,
                        Rule::once => kind = FlagKind::Once,
                        Rule::cond => cond = self.cond(p),
                        _ => {}
                    }
                }
                RuleClause::Trigger(Trigger::Flag {
                    kind,
                    cond: cond?,
                    range,
                })
            }
            Rule::require_clause => {
                let mut it = kids(pair);
                let when = self.cond(it.next()?)?;
                let require = self.cond(it.next()?)?;
                RuleClause::Trigger(Trigger::Require {
                    when,
                    require,
                    range,
                })
            }
            Rule::unless_clause => RuleClause::Unless(self.cond(kids(pair).next()?)?, range),
            Rule::fix_clause => {
                let inner = kids(pair).next()?;
                let kind = match inner.as_rule() {
                    Rule::fix_replace => {
                        FixKind::Replace(kids(inner).next().map(|s| self.string(s)))
                    }
                    Rule::fix_remove => FixKind::Remove,
                    Rule::fix_append => FixKind::Append(self.string(kids(inner).next()?)),
                    Rule::fix_prepend => FixKind::Prepend(self.string(kids(inner).next()?)),
                    _ => return None,
                };
                RuleClause::Fix(FixDecl { kind, range })
            }
            Rule::example_clause => {
                let inner = kids(pair).next()?;
                let (expect, text) = match inner.as_rule() {
                    Rule::example_flags => {
                        let mut it = kids(inner);
                        let text = self.string(it.next()?);
                        let at = it.next().map(|s| self.string(s));
                        (ExampleExpect::Flags(at), text)
                    }
                    Rule::example_passes => {
                        (ExampleExpect::Passes, self.string(kids(inner).next()?))
                    }
                    _ => return None,
                };
                RuleClause::Example(Example {
                    expect,
                    text,
                    range,
                })
            }
            _ => return None,
        })
    }

    fn severity(&mut self, pair: Pair<'_, Rule>) -> SeverityClause {
        let range = self.range(&pair);
        let mut level = Spanned {
            value: Severity::Warning,
            range,
        };
        let mut locked = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::severity => {
                    let r = self.range(&p);
                    let value =
                        Severity::from_keyword(p.as_str().trim()).unwrap_or(Severity::Warning);
                    level = Spanned { value, range: r };
                }
                Rule::locked => locked = Some(self.range(&p)),
                _ => {}
            }
        }
        SeverityClause {
            level,
            locked,
            range,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<Value> {
        let inner = kids(pair).next()?;
        let range = self.range(&inner);
        Some(match inner.as_rule() {
            Rule::percent => Value::Percent(Spanned {
                value: self.percent(&inner),
                range,
            }),
            Rule::number => Value::Number(Spanned {
                value: self.number(&inner),
                range,
            }),
            Rule::boolean => Value::Bool(Spanned {
                value: inner.as_str() == "true",
                range,
            }),
            Rule::string => Value::Str(self.string(inner)),
            Rule::term_expr => Value::Terms(self.term_expr(inner)?),
            _ => return None,
        })
    }

    fn number(&mut self, pair: &Pair<'_, Rule>) -> f64 {
        match pair.as_str().parse::<f64>() {
            Ok(n) if n.is_finite() => n,
            _ => {
                let r = self.range(pair);
                self.too_large = true;
                self.error(
                    r,
                    "this number is too large",
                    Some("write a smaller number".into()),
                );
                0.0
            }
        }
    }

    fn percent(&mut self, pair: &Pair<'_, Rule>) -> f64 {
        let digits = pair.as_str().trim_end_matches('%');
        match digits.parse::<f64>() {
            Ok(n) if n.is_finite() => n / 100.0,
            _ => {
                let r = self.range(pair);
                self.too_large = true;
                self.error(
                    r,
                    "this percentage is too large",
                    Some("write a smaller percentage".into()),
                );
                0.0
            }
        }
    }

    fn integer(&mut self, pair: &Pair<'_, Rule>) -> u32 {
        match pair.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                let r = self.range(pair);
                self.too_large = true;
                self.error(
                    r,
                    "this number is too large",
                    Some("use a number below 4294967296".into()),
                );
                0
            }
        }
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            range: self.range(&pair),
        }
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Path {
        let range = self.range(&pair);
        let segments = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.name(p))
            .collect();
        Path { segments, range }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let range = self.range(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return StrLit {
                value: String::new(),
                range,
                triple: false,
            };
        };
        let triple = inner.as_rule() == Rule::triple_string;
        let body = inner.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        if triple {
            return StrLit {
                value: dedent_triple(body),
                range,
                triple,
            };
        }
        let body_start = range.start() + TextSize::from(1);
        let value = match unescape(body) {
            Ok(v) => v,
            Err((at, len, message)) => {
                let r = TextRange::at(
                    body_start + TextSize::from(at as u32),
                    TextSize::from(len as u32),
                );
                self.error(
                    r,
                    message,
                    Some("escapes are \\\" \\\\ \\n \\t and \\u{XXXX}".into()),
                );
                body.to_string()
            }
        };
        StrLit {
            value,
            range,
            triple,
        }
    }

    /// Builds a node `by` levels deeper than the current one, or reports that the item
    /// nests deeper than [`MAX_DEPTH`] (once per item) and builds nothing.
    fn nested<T>(
        &mut self,
        by: usize,
        range: TextRange,
        build: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let was = self.depth;
        if self.too_deep {
            return None;
        }
        self.depth = was.saturating_add(by);
        if self.depth > MAX_DEPTH {
            self.depth = was;
            self.too_deep = true;
            self.errors.push(
                SyntaxError::new(
                    range,
                    format!(
                        "this expression nests more than {MAX_DEPTH} levels deep (each `not` and each operator of a chain is a level)"
                    ),
                )
                .with_help("split it into named term sets and simpler conditions"),
            );
            return None;
        }
        let built = build(self);
        self.depth = was;
        built
    }

    /// How many levels a chain (`a + b - c`, `x * y`, children every other one an
    /// operator) adds to the tree: one per operator, as each nests the chain so far.
    fn chain_levels(pair: &Pair<'_, Rule>) -> usize {
        kids(pair.clone()).count() / 2
    }

    fn term_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TermExpr> {
        let range = self.range(&pair);
        let by = Self::chain_levels(&pair);
        self.nested(by, range, |b| b.term_chain(pair))
    }

    fn term_chain(&mut self, pair: Pair<'_, Rule>) -> Option<TermExpr> {
        let range = self.range(&pair);
        let mut it = kids(pair);
        let mut acc = self.term_operand(it.next()?)?;
        while let Some(op) = it.next() {
            let op = if op.as_str() == "-" {
                SetOp::Difference
            } else {
                SetOp::Union
            };
            let rhs = self.term_operand(it.next()?)?;
            let range = TextRange::new(acc.range().start(), rhs.range().end());
            acc = TermExpr::Binary {
                op,
                lhs: Box::new(acc),
                rhs: Box::new(rhs),
                range,
            };
        }
        let _ = range;
        Some(acc)
    }

    fn term_operand(&mut self, pair: Pair<'_, Rule>) -> Option<TermExpr> {
        match pair.as_rule() {
            Rule::term_list => {
                let range = self.range(&pair);
                let mut terms = Vec::new();
                for term in kids(pair) {
                    let range = self.range(&term);
                    let mut it = kids(term);
                    let Some(first) = it.next() else { continue };
                    let pattern = match first.as_rule() {
                        Rule::regex => TermPattern::Regex(self.regex(first)),
                        _ => TermPattern::Phrase(self.string(first)),
                    };
                    let replacement = it.next().map(|s| self.string(s));
                    terms.push(Term {
                        pattern,
                        replacement,
                        range,
                    });
                }
                Some(TermExpr::List(TermList { terms, range }))
            }
            Rule::paren_terms => self.term_expr(kids(pair).next()?),
            Rule::path => Some(TermExpr::Ref(self.path(pair))),
            Rule::term_expr => self.term_expr(pair),
            _ => None,
        }
    }

    fn regex(&mut self, pair: Pair<'_, Rule>) -> RegexLit {
        let range = self.range(&pair);
        let mut body = "";
        let mut body_range = range;
        let mut flags = String::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::regex_body => {
                    body = p.as_str();
                    body_range = self.range(&p);
                }
                Rule::regex_flags => flags = p.as_str().to_string(),
                _ => {}
            }
        }
        RegexLit {
            pattern: body.replace("\\/", "/"),
            flags,
            range,
            body_range,
        }
    }

    fn cond(&mut self, pair: Pair<'_, Rule>) -> Option<Cond> {
        let range = self.range(&pair);
        // The levels this node adds to the tree: one per `not`, one for `and`/`or` with
        // several parts and for `in SCOPE`; brackets add none of their own.
        let by = match pair.as_rule() {
            Rule::unary => kids(pair.clone())
                .filter(|p| p.as_rule() == Rule::not_op)
                .count(),
            Rule::or_expr | Rule::and_expr | Rule::scoped => {
                usize::from(kids(pair.clone()).nth(1).is_some())
            }
            _ => 0,
        };
        self.nested(by, range, |b| b.cond_node(pair))
    }

    fn cond_node(&mut self, pair: Pair<'_, Rule>) -> Option<Cond> {
        let range = self.range(&pair);
        match pair.as_rule() {
            Rule::cond => self.cond(kids(pair).next()?),
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut parts: Vec<Cond> = Vec::new();
                for p in kids(pair) {
                    parts.push(self.cond(p)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                let kind = if is_or {
                    CondKind::Or(parts)
                } else {
                    CondKind::And(parts)
                };
                Some(Cond { kind, range })
            }
            Rule::unary => {
                let mut nots = Vec::new();
                let mut inner = None;
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::not_op => nots.push(self.range(&p).start()),
                        _ => inner = self.cond(p),
                    }
                }
                let mut cond = inner?;
                for start in nots.into_iter().rev() {
                    let range = TextRange::new(start, cond.range.end());
                    cond = Cond {
                        kind: CondKind::Not(Box::new(cond)),
                        range,
                    };
                }
                Some(cond)
            }
            Rule::scoped => {
                let mut it = kids(pair);
                let inner = self.cond(it.next()?)?;
                let Some(scope) = it.next() else {
                    return Some(inner);
                };
                let scope = self.scope(scope)?;
                Some(Cond {
                    kind: CondKind::Scoped(Box::new(inner), scope),
                    range,
                })
            }
            Rule::paren_cond => {
                let mut inner = self.cond(kids(pair).next()?)?;
                inner.range = range;
                Some(inner)
            }
            Rule::contains_cond => {
                let expr = self.term_operand(kids(pair).next()?)?;
                Some(Cond {
                    kind: CondKind::Contains(expr),
                    range,
                })
            }
            Rule::near_cond => {
                let mut left = None;
                let mut right = None;
                let mut distance = None;
                let mut ordered = false;
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::term_expr if left.is_none() => left = self.term_expr(p),
                        Rule::term_expr => right = self.term_expr(p),
                        Rule::integer => {
                            let r = self.range(&p);
                            distance = Some(Spanned {
                                value: self.integer(&p),
                                range: r,
                            });
                        }
                        Rule::ordered => ordered = true,
                        _ => {}
                    }
                }
                Some(Cond {
                    kind: CondKind::Near {
                        left: left?,
                        right: right?,
                        distance: distance?,
                        ordered,
                    },
                    range,
                })
            }
            Rule::has_cond => {
                let key = self.meta_ref(kids(pair).next()?);
                Some(Cond {
                    kind: CondKind::Has(key),
                    range,
                })
            }
            Rule::meta_cond => {
                let mut it = kids(pair);
                let key = self.meta_ref(it.next()?);
                let test = it.next()?;
                let test = match test.as_rule() {
                    Rule::meta_eq => {
                        let mut t = kids(test);
                        let ne = t.next()?.as_str() == "!=";
                        let lit = t.next()?;
                        let r = self.range(&lit);
                        let lit = match lit.as_rule() {
                            Rule::string => MetaLiteral::Str(self.string(lit)),
                            Rule::number => MetaLiteral::Number(Spanned {
                                value: self.number(&lit),
                                range: r,
                            }),
                            _ => MetaLiteral::Bool(Spanned {
                                value: lit.as_str() == "true",
                                range: r,
                            }),
                        };
                        if ne {
                            MetaTest::Ne(lit)
                        } else {
                            MetaTest::Eq(lit)
                        }
                    }
                    _ => MetaTest::In(kids(test).map(|s| self.string(s)).collect()),
                };
                Some(Cond {
                    kind: CondKind::Meta { key, test },
                    range,
                })
            }
            Rule::comparison => {
                let mut it = kids(pair);
                let lhs = self.num(it.next()?)?;
                let op_pair = it.next()?;
                let op_range = self.range(&op_pair);
                let op = match op_pair.as_str() {
                    ">" => CmpOp::Gt,
                    ">=" => CmpOp::Ge,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    "==" => CmpOp::Eq,
                    _ => CmpOp::Ne,
                };
                let rhs = self.num(it.next()?)?;
                Some(Cond {
                    kind: CondKind::Compare {
                        lhs,
                        op: Spanned {
                            value: op,
                            range: op_range,
                        },
                        rhs,
                    },
                    range,
                })
            }
            _ => None,
        }
    }

    fn meta_ref(&self, pair: Pair<'_, Rule>) -> MetaRef {
        let range = self.range(&pair);
        let text = pair.as_str();
        let key = text.strip_prefix("meta.").unwrap_or(text).to_string();
        MetaRef { key, range }
    }

    fn scope(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Scope>> {
        let range = self.range(&pair);
        let text = pair.as_str().trim();
        let value = match text {
            "sentence" => Scope::Sentence,
            "paragraph" => Scope::Paragraph,
            "post" => Scope::Post,
            _ => {
                let first = kids(pair).next()?;
                let mut n = 0;
                let mut chars = false;
                for p in first.into_inner() {
                    match p.as_rule() {
                        Rule::integer => n = self.integer(&p),
                        Rule::K_CHARS => chars = true,
                        _ => {}
                    }
                }
                if chars {
                    Scope::FirstChars(n)
                } else {
                    Scope::FirstWords(n)
                }
            }
        };
        Some(Spanned { value, range })
    }

    fn num(&mut self, pair: Pair<'_, Rule>) -> Option<NumExpr> {
        let range = self.range(&pair);
        let by = match pair.as_rule() {
            Rule::num_expr | Rule::num_term => Self::chain_levels(&pair),
            _ => 0,
        };
        self.nested(by, range, |b| b.num_node(pair))
    }

    fn num_node(&mut self, pair: Pair<'_, Rule>) -> Option<NumExpr> {
        let range = self.range(&pair);
        match pair.as_rule() {
            Rule::num_expr | Rule::num_term => {
                let mut it = kids(pair);
                let mut acc = self.num(it.next()?)?;
                while let Some(op) = it.next() {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    };
                    let rhs = self.num(it.next()?)?;
                    let range = TextRange::new(acc.range.start(), rhs.range.end());
                    acc = NumExpr {
                        kind: NumKind::Binary(Box::new(acc), op, Box::new(rhs)),
                        range,
                    };
                }
                Some(acc)
            }
            Rule::percent => Some(NumExpr {
                kind: NumKind::Percent(self.percent(&pair)),
                range,
            }),
            Rule::number => Some(NumExpr {
                kind: NumKind::Number(self.number(&pair)),
                range,
            }),
            Rule::paren_num => {
                let mut inner = self.num(kids(pair).next()?)?;
                inner.range = range;
                Some(inner)
            }
            Rule::count_fn => {
                let expr = self.term_expr(kids(pair).next()?)?;
                Some(NumExpr {
                    kind: NumKind::Count(expr),
                    range,
                })
            }
            Rule::share_fn => {
                let cond = self.cond(kids(pair).next()?)?;
                Some(NumExpr {
                    kind: NumKind::Share(Box::new(cond)),
                    range,
                })
            }
            Rule::posts_fn => {
                let cond = self.cond(kids(pair).next()?)?;
                Some(NumExpr {
                    kind: NumKind::Posts(Box::new(cond)),
                    range,
                })
            }
            Rule::num_name => Some(NumExpr {
                kind: NumKind::Name(self.name(kids(pair).next()?)),
                range,
            }),
            _ => None,
        }
    }
}
