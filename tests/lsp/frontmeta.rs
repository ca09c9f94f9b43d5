//! Front-matter metadata in the editor: a `channel` that is not text is a diagnostic at
//! the value, as `decorum check` reports it.

use crate::Workspace;
use crate::client::{codes, utf16_range};

#[test]
fn a_channel_written_as_a_list_is_a_diagnostic_at_the_value() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    let text = "---\ntitle: Flu season 👩🏽‍⚕️\nchannel: [x, instagram]\n---\nFlu shots are in.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["decorum.draft"]);
    assert_eq!(diagnostics[0]["range"], utf16_range(text, "[x, instagram]"));
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("`channel` is one channel written as text, not a list;"),
        "{message}"
    );
    server.stop();
}
