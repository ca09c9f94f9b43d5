//! A small LSP client for the end-to-end tests: starts the real `decorum lsp`, frames
//! JSON-RPC with `Content-Length` headers, matches responses to requests, answers the
//! server's own requests, and waits for notifications with generous timeouts (CI is a
//! shared two-core machine running a debug build). Nothing here sleeps to make a test
//! pass: every wait is for a message, bounded by a timeout that fails the test.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// A running `decorum lsp` and the messages it sent that no one has read yet.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else, oldest first.
    backlog: VecDeque<Value>,
    next_id: i64,
    /// What to answer `workspace/configuration` with (the `decorum` section).
    pub configuration: Value,
    /// Whether the server's requests are answered (a client that never answers: false).
    pub answer_requests: bool,
    /// Every `window/showMessage` received, in order.
    pub messages: Vec<Value>,
    /// The log file.
    pub log: PathBuf,
    /// How many diagnostics the last wait returned (for the benchmark's report).
    pub diagnostics_count: usize,
    _log_dir: tempfile::TempDir,
}

impl Server {
    /// Starts `decorum lsp` in `cwd` with a debug log in a temporary folder.
    pub fn start(cwd: &Path) -> Server {
        Server::start_with_env(cwd, &[])
    }

    /// [`Server::start`] with extra environment variables (e.g. `XDG_CACHE_HOME`).
    pub fn start_with_env(cwd: &Path, env: &[(&str, &Path)]) -> Server {
        let log_dir = tempfile::tempdir().unwrap();
        let log = log_dir.path().join("lsp.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_decorum"))
            .args(["lsp", "--stdio", "--log-level", "debug", "--log-file"])
            .arg(&log)
            .current_dir(cwd)
            .env("DECORUM_LSP_TEST_HOOKS", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("decorum lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 1,
            configuration: Value::Null,
            answer_requests: true,
            messages: Vec::new(),
            log,
            diagnostics_count: 0,
            _log_dir: log_dir,
        }
    }

    /// `initialize` (with `capabilities` and `initializationOptions`) and `initialized`,
    /// with `folder` as the only workspace folder. Returns the `initialize` result.
    pub fn initialize(&mut self, folder: &Path, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": capabilities,
                "initializationOptions": options,
                "workspaceFolders": [{ "uri": file_uri(folder), "name": "test" }],
            }),
        );
        let result = result["result"].clone();
        assert!(result.is_object(), "initialize failed: {result}");
        self.notify("initialized", json!({}));
        result
    }

    /// `initialize` and `initialized` written together, without waiting for the reply
    /// to `initialize` (a pipelining client), `initialized` first when `reversed`.
    /// Returns the `initialize` result.
    pub fn initialize_pipelined(
        &mut self,
        folder: &Path,
        capabilities: Value,
        reversed: bool,
    ) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let initialize = json!({ "jsonrpc": "2.0", "id": id, "method": "initialize", "params": {
            "processId": null,
            "capabilities": capabilities,
            "workspaceFolders": [{ "uri": file_uri(folder), "name": "test" }],
        }});
        let initialized = json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} });
        let mut order = [initialize, initialized];
        if reversed {
            order.reverse();
        }
        // One write, so that the server reads both before it answers either.
        let mut framed = Vec::new();
        for message in order {
            let body = message.to_string();
            framed.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            framed.extend_from_slice(body.as_bytes());
        }
        self.stdin.write_all(&framed).unwrap();
        self.stdin.flush().unwrap();
        let reply = self.wait_for("the response to initialize", |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        });
        let result = reply["result"].clone();
        assert!(result.is_object(), "initialize failed: {reply}");
        result
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole response object).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// Sends a JSON message with framing.
    pub fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    /// Sends a body with a correct `Content-Length` header, whatever the body is.
    pub fn send_raw(&mut self, body: &[u8]) {
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(body);
        self.stdin.write_all(&framed).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for the first message (new or in the backlog) that satisfies `wanted`,
    /// answering the server's requests meanwhile. Fails after [`TIMEOUT`].
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server stopped while we waited for {what}")
                }
            };
            self.answer_server_request(&message);
            if message.get("method") == Some(&json!("window/showMessage")) {
                self.messages.push(message.clone());
            }
            if wanted(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// Waits until the server's log holds `needle`, for a step the test must not race
    /// that sends the client nothing, answering the server's requests meanwhile and
    /// keeping its other messages in the backlog. Fails after [`TIMEOUT`].
    pub fn wait_for_log(&mut self, what: &str, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !std::fs::read_to_string(&self.log).is_ok_and(|log| log.contains(needle)) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            match self
                .incoming
                .recv_timeout(std::time::Duration::from_millis(10))
            {
                Ok(message) => {
                    self.answer_server_request(&message);
                    if message.get("method") == Some(&json!("window/showMessage")) {
                        self.messages.push(message.clone());
                    }
                    self.backlog.push_back(message);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server stopped while we waited for {what}")
                }
            }
        }
    }

    /// Takes every message that has already arrived (without waiting) into the backlog.
    pub fn drain(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            self.answer_server_request(&message);
            if message.get("method") == Some(&json!("window/showMessage")) {
                self.messages.push(message.clone());
            }
            self.backlog.push_back(message);
        }
    }

    /// The empty diagnostics published for the policy file `uri` so far, removed from
    /// the backlog: a request about it is answered first, so whatever the server sent
    /// before the answer is in the backlog by then.
    pub fn emptied_so_far(&mut self, uri: &str) -> Vec<Value> {
        self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        self.take_backlog(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"] == json!([])
        })
    }

    /// Tells the server that the workspace folder `uri` left the workspace.
    pub fn remove_workspace_folder(&mut self, uri: &str) {
        self.notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": {
                "added": [],
                "removed": [{ "uri": uri, "name": "test" }]
            }}),
        );
    }

    /// Messages in the backlog satisfying `wanted`, removed from it.
    pub fn take_backlog(&mut self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        let (taken, kept): (Vec<Value>, Vec<Value>) = self.backlog.drain(..).partition(wanted);
        self.backlog = kept.into();
        taken
    }

    fn answer_server_request(&mut self, message: &Value) {
        let (Some(id), Some(method)) = (message.get("id"), message.get("method")) else {
            return;
        };
        if !self.answer_requests {
            return;
        }
        let result = match method.as_str() {
            Some("workspace/configuration") => json!([self.configuration.clone()]),
            _ => Value::Null,
        };
        let reply = json!({ "jsonrpc": "2.0", "id": id, "result": result });
        self.send(&reply);
    }

    /// Waits for `publishDiagnostics` on `uri` whose params satisfy `wanted`; returns the
    /// params.
    pub fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let mut message = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && wanted(&m["params"])
        });
        message["params"].take()
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics_at(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut params = self.diagnostics(uri, |p| p["version"] == version);
        match params["diagnostics"].take() {
            Value::Array(diagnostics) => diagnostics,
            other => panic!("diagnostics are not an array: {other}"),
        }
    }

    /// Opens a document.
    pub fn open(&mut self, uri: &str, language_id: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": language_id, "version": version, "text": text
            }}),
        );
    }

    /// Sends `didChange` with the given content changes.
    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// `shutdown` and `exit`; returns the log's text. The server exits with status 0.
    pub fn stop(mut self) -> String {
        let reply = self.request("shutdown", Value::Null);
        assert!(reply.get("error").is_none(), "{reply}");
        self.notify("exit", Value::Null);
        let status = self.wait_for_exit();
        assert_eq!(status.code(), Some(0), "exit after shutdown");
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for the server process to end; fails after [`TIMEOUT`].
    pub fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A `file://` URI for a path.
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A `{line, character}` position of the byte offset `at` of `text`, in UTF-16 units.
pub fn utf16_position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    // Lines end at `\r\n`, `\r` or `\n`, as in LSP.
    let line = before.matches('\n').count() + before.replace("\r\n", "").matches('\r').count();
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The UTF-16 range of the first occurrence of `needle` in `text`.
pub fn utf16_range(text: &str, needle: &str) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    json!({
        "start": utf16_position(text, start),
        "end": utf16_position(text, start + needle.len()),
    })
}

/// The byte offset of a UTF-16 position in `text`.
pub fn utf16_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        // Lines end at `\r\n`, `\r` or `\n`, as in LSP.
        let end = start + text[start..].find(['\n', '\r']).unwrap();
        start = end
            + if text[end..].starts_with("\r\n") {
                2
            } else {
                1
            };
    }
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= character || ch == '\n' || ch == '\r' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut ranged: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let start = utf16_offset(text, &e["range"]["start"]);
            let end = utf16_offset(text, &e["range"]["end"]);
            let new_text = e["newText"]
                .as_str()
                .or_else(|| e["snippet"]["value"].as_str())
                .unwrap()
                .to_owned();
            (start, end, new_text)
        })
        .collect();
    ranged.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_owned();
    for (start, end, new_text) in ranged {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// The edits of a code action's workspace edit for `uri` (either form).
pub fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = action["edit"]["documentChanges"].as_array() {
        return changes
            .iter()
            .filter(|c| c["textDocument"]["uri"] == uri)
            .flat_map(|c| c["edits"].as_array().unwrap().clone())
            .collect();
    }
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The rule ids (`code`) of diagnostics.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}
