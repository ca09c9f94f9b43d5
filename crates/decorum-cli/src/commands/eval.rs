//! `decorum eval`: per-family precision and recall of the rules on a labelled corpus.
//! (Being built under the standard-library issue.)

use std::path::PathBuf;

/// Arguments of `decorum eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The corpus folder.
    #[arg(value_name = "DIR")]
    pub corpus: PathBuf,
}

/// Runs `decorum eval`.
pub fn run(args: EvalArgs) -> u8 {
    let _ = args;
    eprintln!("decorum eval is not available in this build yet");
    super::EXIT_ERROR
}
