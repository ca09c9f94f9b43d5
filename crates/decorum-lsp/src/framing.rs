//! The input filter between stdin and tower-lsp-server.
//!
//! tower-lsp-server reads messages through tokio-util's `FramedRead`, which ends the
//! stream after the first decoding error: one malformed message from a client would
//! leave the server deaf. So messages are framed here first. Each well-formed message is
//! passed on byte for byte; a body that is not JSON, or not a JSON-RPC message the
//! server's decoder accepts, is replaced by a request to [`MALFORMED_METHOD`], which the
//! service wrapper answers with the JSON-RPC error (`-32700` parse error or `-32600`
//! invalid request, id `null`) the client would have got, and the server reads on. A
//! header is found wherever `Content-Length:` starts, even mid-line, so after a frame
//! whose length was wrong the stream is found again at the next header.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use crate::log::Level;

/// The method of the stand-in request for a malformed message.
pub const MALFORMED_METHOD: &str = "decorum/malformedMessage";

/// JSON-RPC's code for a body that is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's code for JSON that is not a request, notification or response.
pub const INVALID_REQUEST: i64 = -32600;

/// Bodies larger than this are refused (and skipped) rather than buffered.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Copies framed messages from `input` to `output` until `input` ends, replacing
/// malformed ones. Closing `output` at the end tells the server the client is gone.
pub async fn pump<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    loop {
        let Some(length) = read_headers(&mut reader).await else {
            break;
        };
        let body = if length > MAX_BODY {
            crate::log!(Level::Error, "a message of {length} bytes was skipped");
            let skipped = tokio::io::copy(
                &mut (&mut reader).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            if skipped.map_or(true, |n| n < length as u64) {
                break;
            }
            stand_in(INVALID_REQUEST, None)
        } else {
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).await.is_err() {
                break;
            }
            let mut checked = check(&body);
            // Only a body JSON refused is searched for lone surrogates: every keystroke's
            // message passes through here.
            if matches!(checked, Err((PARSE_ERROR, _))) && mend_lone_surrogates(&mut body) {
                crate::log!(
                    Level::Warn,
                    "a lone UTF-16 surrogate in a message was read as U+FFFD"
                );
                checked = check(&body);
            }
            match checked {
                Ok(()) => body,
                Err((code, id)) => {
                    crate::log!(Level::Warn, "a malformed message was answered with {code}");
                    stand_in(code, id)
                }
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Rewrites each lone UTF-16 surrogate escape in `body` (`\ud83d` without its pair, from
/// a client that cut an emoji in half) as `\ufffd`, the replacement character, in place;
/// `true` if there was one. JSON cannot build a string holding a lone surrogate, so the
/// message would be refused; a refused `didChange` left the server's text one edit
/// behind the client's, and every later edit landed in the wrong place. U+FFFD counts one
/// UTF-16 unit, as the surrogate did, so positions after it stay right. The escape and
/// its replacement have the same length: nothing else in the body moves.
fn mend_lone_surrogates(body: &mut [u8]) -> bool {
    fn unit_at(body: &[u8], at: usize) -> Option<u16> {
        let hex = body.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        let text = std::str::from_utf8(&hex[2..]).ok()?;
        u16::from_str_radix(text, 16).ok()
    }
    let mut mended = false;
    let mut at = 0;
    // Escapes are read pairwise from the left, so `\\ud83d` (an escaped backslash, then
    // text) is not taken for an escape. A backslash outside a string is not JSON at all,
    // and the check after this refuses it either way.
    while at < body.len() {
        if body[at] != b'\\' {
            at += 1;
            continue;
        }
        let Some(unit) = unit_at(body, at) else {
            at += 2;
            continue;
        };
        let high = (0xD800..0xDC00).contains(&unit);
        let low = (0xDC00..0xE000).contains(&unit);
        if high && unit_at(body, at + 6).is_some_and(|u| (0xDC00..0xE000).contains(&u)) {
            at += 12;
        } else if high || low {
            body[at + 2..at + 6].copy_from_slice(b"fffd");
            mended = true;
            at += 6;
        } else {
            at += 6;
        }
    }
    mended
}

/// Reads a header block; returns the content length, skipping blocks without one.
/// `None` at the end of the input.
async fn read_headers<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<usize> {
    loop {
        let mut length = None;
        let mut seen_any = false;
        loop {
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line).await.ok()? == 0 {
                return None;
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim();
            if line.is_empty() {
                if seen_any {
                    break;
                }
                continue;
            }
            seen_any = true;
            if let Some(value) = content_length_value(line) {
                length = value.trim().parse::<usize>().ok();
            }
        }
        match length {
            Some(length) => return Some(length),
            None => crate::log!(
                Level::Warn,
                "a header block without Content-Length was skipped"
            ),
        }
    }
}

/// The value of a `Content-Length` header on `line`, which may start anywhere in it:
/// after a message whose length was wrong, or garbage without a line break, the next
/// header follows the rest of that on the same line, and the stream is found again
/// there instead of skipping every message after it.
fn content_length_value(line: &str) -> Option<&str> {
    const NAME: &str = "content-length:";
    let at = line
        .as_bytes()
        .windows(NAME.len())
        .rposition(|w| w.eq_ignore_ascii_case(NAME.as_bytes()))?;
    line.get(at + NAME.len()..)
}

/// The request that stands in for a malformed message; `id` is the message's own id when
/// it could be read (a number or a string), which the reply then carries, so that the
/// client's request is answered rather than left pending.
fn stand_in(code: i64, id: Option<serde_json::Value>) -> Vec<u8> {
    let id = id.map_or_else(|| "null".to_owned(), |id| id.to_string());
    format!(
        r#"{{"jsonrpc":"2.0","id":"decorum-malformed","method":"{MALFORMED_METHOD}","params":{{"code":{code},"id":{id}}}}}"#
    )
    .into_bytes()
}

/// What tower-lsp-server's decoder accepts: an object with `"jsonrpc": "2.0"`, a string
/// `method` if any, an integer, string or null `id` if any, and a well-formed `error`
/// if any. Parameters and results are skipped without being built.
#[derive(Deserialize)]
struct Shape<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    #[serde(default, borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(default)]
    id: Option<IdShape>,
    #[serde(default)]
    params: Option<IgnoredAny>,
    #[serde(default)]
    result: Option<IgnoredAny>,
    #[serde(default)]
    error: Option<ErrorShape>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IdShape {
    Number(#[allow(dead_code)] i64),
    String(#[allow(dead_code)] String),
}

#[derive(Deserialize)]
struct ErrorShape {
    #[allow(dead_code)]
    code: i64,
    #[allow(dead_code)]
    message: String,
}

/// `Ok` when the body is a message the server can decode; else the error code to reply,
/// and the message's id when one can be read.
fn check(body: &[u8]) -> Result<(), (i64, Option<serde_json::Value>)> {
    // Built as the decoder builds it: skipping the body (`IgnoredAny`) let through what
    // only building finds, each of which ended the server's input: a lone UTF-16
    // surrogate escape (`"\ud83d"`, from a client cutting an emoji in half), a byte that
    // is not UTF-8 inside a string, nesting deeper than 128 and a number out of range.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Err((PARSE_ERROR, None));
    };
    // The message's id, if it is one a reply can carry (`"jsonrpc": "1.0"` with `"id": 13`).
    let readable_id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned();
    // A request or notification has a method, a response a result or an error;
    // `{"jsonrpc":"2.0","id":7}` is none of them, and JSON-RPC answers it with its id.
    let is_message = value.as_object().is_some_and(|o| {
        o.contains_key("method") || o.contains_key("result") || o.contains_key("error")
    });
    if !is_message {
        return Err((INVALID_REQUEST, readable_id));
    }
    // A malformed response (a result or an error, no method) is answered with `null`:
    // its id is one of the server's own requests, not the client's.
    let id = readable_id.filter(|_| value.get("method").is_some());
    // The shape from the body itself, not from `value`: a JSON object keeps the last of
    // two equal keys, while the decoder's structs refuse a duplicate field.
    match serde_json::from_slice::<Shape<'_>>(body) {
        Ok(shape) if shape.jsonrpc == "2.0" => {
            let _ = (
                &shape.method,
                &shape.id,
                &shape.params,
                &shape.result,
                &shape.error,
            );
            Ok(())
        }
        _ => Err((INVALID_REQUEST, id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        for (raw, want, mended) in [
            (r#""a\ud83db""#, r#""a\ufffdb""#, true),
            (r#""a\udc00""#, r#""a\ufffd""#, true),
            // A pair stays; a high surrogate before a second high one is lone.
            (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#, false),
            (r#""\ud83d\ud83d\ude00""#, r#""\ufffd\ud83d\ude00""#, true),
            // An escaped backslash followed by text is not an escape.
            (r#""\\ud83d""#, r#""\\ud83d""#, false),
            (r#""\\\ud83d""#, r#""\\\ufffd""#, true),
            (r#""\u00e9 \uD83D""#, r#""\u00e9 \ufffd""#, true),
            // Cut short or not hex: left for the check to refuse.
            (r#""\ud8"#, r#""\ud8"#, false),
            ("\\", "\\", false),
        ] {
            let mut body = raw.as_bytes().to_vec();
            assert_eq!(mend_lone_surrogates(&mut body), mended, "{raw}");
            assert_eq!(String::from_utf8(body).unwrap(), want, "{raw}");
        }
        let mut body = br#"{"jsonrpc":"2.0","method":"m","params":"x\ud83dy"}"#.to_vec();
        mend_lone_surrogates(&mut body);
        assert_eq!(check(&body), Ok(()));
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["params"], "x\u{fffd}y");
    }

    #[test]
    fn accepts_what_the_decoder_accepts_and_nothing_else() {
        for good in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"a":[1,2]}}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
            r#"{"jsonrpc":"2.0","id":"x","result":null}"#,
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"m"}}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":"\u00e9 \"quoted\""}"#,
        ] {
            assert_eq!(check(good.as_bytes()), Ok(()), "{good}");
        }
        for (bad, code) in [
            (
                "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": ",
                PARSE_ERROR,
            ),
            ("\u{0}garbage", PARSE_ERROR),
            (r#"[1, 2]"#, INVALID_REQUEST),
            (r#"{"jsonrpc":"1.0","method":"m"}"#, INVALID_REQUEST),
            (r#"{"jsonrpc":"2.0","method":5}"#, INVALID_REQUEST),
            (
                r#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#,
                INVALID_REQUEST,
            ),
            (r#"{"method":"m"}"#, INVALID_REQUEST),
            (r#"{"jsonrpc":"2.0"}"#, INVALID_REQUEST),
            (r#"{"jsonrpc":"2.0","id":77}"#, INVALID_REQUEST),
            (
                r#"{"jsonrpc":"2.0","method":"a","method":"b"}"#,
                INVALID_REQUEST,
            ),
            // What only building the values finds (each ended the server's input).
            (
                r#"{"jsonrpc":"2.0","method":"m","params":{"text":"broken \ud83d emoji"}}"#,
                PARSE_ERROR,
            ),
            (
                r#"{"jsonrpc":"2.0","method":"m","params":1e999}"#,
                PARSE_ERROR,
            ),
        ] {
            assert_eq!(
                check(bad.as_bytes()).map_err(|(code, _)| code),
                Err(code),
                "{bad}"
            );
        }
        // An invalid request whose id can be read is answered with that id.
        for (bad, id) in [
            (r#"{"jsonrpc":"1.0","id":13,"method":"m"}"#, Some(13.into())),
            (r#"{"id":"a","method":"m"}"#, Some("a".into())),
            (r#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#, None),
            (r#"{"jsonrpc":"2.0","id":77}"#, Some(77.into())),
            (r#"{"jsonrpc":"2.0","id":"q"}"#, Some("q".into())),
            (r#"{"jsonrpc":"2.0","id":7.5}"#, None),
            (r#"{"jsonrpc":"1.0","id":8,"result":null}"#, None),
        ] {
            assert_eq!(
                check(bad.as_bytes()).map_err(|(_, id)| id),
                Err(id),
                "{bad}"
            );
        }
        let mut latin1 = br#"{"jsonrpc":"2.0","method":"m","params":"caf"#.to_vec();
        latin1.extend_from_slice(b"\xe9\"}");
        assert_eq!(check(&latin1), Err((PARSE_ERROR, None)));
        let deep = format!(
            r#"{{"jsonrpc":"2.0","method":"m","params":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(check(deep.as_bytes()), Err((PARSE_ERROR, None)));
    }

    #[test]
    fn finds_the_stream_again_after_a_wrong_frame() {
        let good = |id: u32| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#);
        let framed = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let body = good(1);
        let wrong = [
            format!("Content-Length: {}\r\n\r\n{body}", body.len() - 5),
            format!("Content-Length: {}\r\n\r\n{body}", body.len() + 40),
            format!("Content-Length: abc\r\n\r\n{body}"),
            body.clone(),
            String::from_utf8_lossy(&(0..=255u8).collect::<Vec<_>>()).into_owned(),
        ];
        for first in wrong {
            let later: Vec<String> = (2..6).map(good).collect();
            let input = first.clone() + &later.iter().map(|b| framed(b)).collect::<String>();
            let output = run_pump(input.as_bytes());
            let out: Vec<&[u8]> = frames(&output);
            // A message right after the wrong frame may be lost with it; the rest arrive.
            let arrived: Vec<&str> = out
                .iter()
                .filter_map(|b| std::str::from_utf8(b).ok())
                .filter(|b| later.iter().any(|l| l == b))
                .collect();
            assert!(arrived.len() >= later.len() - 1, "{first:?}: {arrived:?}");
            assert_eq!(
                arrived.last().copied(),
                later.last().map(String::as_str),
                "{first:?}"
            );
        }
    }

    use proptest::prelude::*;

    fn run_pump(input: &[u8]) -> Vec<u8> {
        let mut output = Vec::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(pump(input, &mut output));
        output
    }

    /// Splits the pump's output into frames; every frame must be exactly
    /// `Content-Length: N\r\n\r\n` and N bytes.
    fn frames(mut output: &[u8]) -> Vec<&[u8]> {
        let mut frames = Vec::new();
        while !output.is_empty() {
            let text = std::str::from_utf8(output).unwrap_or_default();
            let end = output
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("a header block");
            let header = std::str::from_utf8(&output[..end]).expect("an ASCII header");
            let length: usize = header
                .strip_prefix("Content-Length: ")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not one Content-Length header: {text:?}"));
            let body = output.get(end + 4..end + 4 + length).expect("a whole body");
            frames.push(body);
            output = &output[end + 4 + length..];
        }
        frames
    }

    /// A frame as a client might send it: LF or CRLF, extra headers, any case.
    fn frame(body: &str, style: u8) -> String {
        match style % 3 {
            0 => format!("Content-Length: {}\r\n\r\n{body}", body.len()),
            1 => format!(
                "content-length:{}\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{body}",
                body.len()
            ),
            _ => format!("Content-Length: {}\n\n{body}", body.len()),
        }
    }

    const BODIES: &[&str] = &[
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
        r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","method":"m","params":"caf\u00e9 😀 \"q\""}"#,
        r#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#,
        r#"{"jsonrpc":"1.0","method":"m"}"#,
        "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": ",
        "",
        "\u{0}\u{feff}😀",
        "[1, 2]",
        "Content-Length: 5\r\n\r\n",
    ];

    proptest! {
        /// Whole frames, good or bad: one frame out for each frame in, good bodies byte
        /// for byte, bad ones replaced by a stand-in the server's decoder accepts.
        #[test]
        fn every_frame_comes_out_well_formed(
            picks in prop::collection::vec((0..BODIES.len(), 0u8..3), 0..12),
        ) {
            let input: String = picks.iter().map(|&(b, style)| frame(BODIES[b], style)).collect();
            let output = run_pump(input.as_bytes());
            let out = frames(&output);
            prop_assert_eq!(out.len(), picks.len());
            for (&(b, _), body) in picks.iter().zip(out) {
                prop_assert_eq!(check(body), Ok(()));
                if check(BODIES[b].as_bytes()).is_ok() {
                    prop_assert_eq!(body, BODIES[b].as_bytes());
                }
            }
        }

        /// Any bytes at all (junk headers, lengths past the end, binary): no panic, and
        /// whatever comes out is well-formed frames the decoder accepts.
        #[test]
        fn any_input_gives_well_formed_frames(
            pieces in prop::collection::vec(
                prop_oneof![
                    (0..BODIES.len(), 0u8..3)
                        .prop_map(|(b, style)| frame(BODIES[b], style).into_bytes()),
                    prop::collection::vec(any::<u8>(), 0..24),
                    prop::sample::select(vec![
                        "Content-Length: 99\r\n\r\n", "Content-Length: -1\r\n\r\n",
                        "Content-Length: 18446744073709551616\r\n\r\n", "X: y\r\n\r\n",
                        "\r\n", ":\r\n", "Content-Length: 2\r\n\r\n{}",
                    ]).prop_map(|s| s.as_bytes().to_vec()),
                ],
                0..10,
            ),
        ) {
            let output = run_pump(&pieces.concat());
            for body in frames(&output) {
                prop_assert_eq!(check(body), Ok(()));
            }
        }
    }

    #[test]
    fn reframes_good_messages_and_replaces_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "Content-Length: 3\r\n\r\n{{x}}X-Junk: 1\r\n\r\ncontent-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{good}",
            good.len()
        );
        let mut output = Vec::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(pump(input.as_bytes(), &mut output));
        let output = String::from_utf8(output).unwrap();
        let stand_in = String::from_utf8(stand_in(PARSE_ERROR, None)).unwrap();
        assert_eq!(
            output,
            format!(
                "Content-Length: {}\r\n\r\n{stand_in}Content-Length: {}\r\n\r\n{good}",
                stand_in.len(),
                good.len()
            )
        );
    }
}
