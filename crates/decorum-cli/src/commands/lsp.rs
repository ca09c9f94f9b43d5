//! `decorum lsp`: the language server over stdio. (Being built under the LSP issue.)

/// Arguments of `decorum lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {}

/// Runs `decorum lsp`.
pub fn run(args: LspArgs) -> u8 {
    let _ = args;
    eprintln!("decorum lsp is not available in this build yet");
    super::EXIT_ERROR
}
