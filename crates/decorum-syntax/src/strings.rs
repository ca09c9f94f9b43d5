//! String literal values: escapes in `"..."` and indentation in `"""..."""`.

/// Unescapes the body of a `"..."` string. On failure returns the byte offset and
/// length (within `body`) of the bad escape and a message.
pub(crate) fn unescape(body: &str) -> Result<String, (usize, usize, String)> {
    if !body.contains('\\') {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, 1, "a string cannot end with a lone backslash".into()));
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let rest = &body[i + 2..];
                let Some(close) = rest.find('}').filter(|_| rest.starts_with('{')) else {
                    return Err((i, 2, "a `\\u` escape is written `\\u{1F600}`".into()));
                };
                let hex = &rest[1..close];
                let len = 2 + close + 1;
                let Some(ch) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) else {
                    return Err((i, len, format!("`\\u{{{hex}}}` is not a Unicode character")));
                };
                out.push(ch);
                for _ in 0..close + 1 {
                    chars.next();
                }
            }
            other => {
                return Err((
                    i,
                    1 + other.len_utf8(),
                    format!("unknown escape `\\{other}` in a string"),
                ));
            }
        }
    }
    Ok(out)
}

/// The value of a `"""` string: a newline right after the opening quotes and a
/// whitespace-only last line are dropped, and the common indentation of the non-blank
/// lines is removed, so explanations can be indented with the rule. Line endings become
/// `\n`.
pub(crate) fn dedent_triple(body: &str) -> String {
    // A lone CR ends a line too, as everywhere in a policy.
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix(['\n', '\r']))
        .unwrap_or(body);
    let mut lines: Vec<&str> = body
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .collect();
    if lines.last().is_some_and(|l| l.trim().is_empty()) && lines.len() > 1 {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let out: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                l.get(indent..).unwrap_or(l)
            }
        })
        .collect();
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            unescape(r#"a \"b\" \\ \n \u{1F600}"#).unwrap(),
            "a \"b\" \\ \n 😀"
        );
        assert_eq!(unescape(r"bad \q").unwrap_err().0, 4);
        assert!(unescape(r"\u{D800}").is_err());
        assert!(unescape(r"\u{41").is_err());
    }

    #[test]
    fn triple_strings_are_dedented() {
        let body = "\n    First line.\n      indented\n\n    Last.\n  ";
        assert_eq!(dedent_triple(body), "First line.\n  indented\n\nLast.");
        assert_eq!(dedent_triple("one line"), "one line");
        assert_eq!(dedent_triple("\r\n  a\r\n  b\r\n"), "a\nb");
    }
}
