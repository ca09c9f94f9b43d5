//! What the engine is given to compile: parsed policy files and how their imports
//! resolved. Finding and reading files is the workspace crate's job; the engine only
//! sees text and values.

use std::sync::Arc;

use decorum_syntax::Parse;
use decorum_text::TextRange;

/// Index of a policy file in [`PolicyInputs::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// One parsed policy file.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// How to show the file to a person: a workspace-relative path, or `std/healthcare/privacy.decorum`.
    pub path: String,
    /// The file's text.
    pub text: Arc<str>,
    /// The parse of `text`.
    pub parse: Parse,
    /// One entry per `import` item of the file, in source order.
    pub imports: Vec<ImportResolution>,
    /// True for files of the embedded standard library (read-only for users).
    pub builtin: bool,
    /// True for files of a shared library that `decorum.toml` declares: their examples
    /// are their publisher's tests, not the workspace's.
    pub shared_library: bool,
}

/// What one `import "..."` of a file resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportResolution {
    /// A single file: its rules and sets are reached as `alias.name`.
    File(SourceId),
    /// A folder of files: reached as `alias.module.name`, where `module` is the file's
    /// path inside the folder without `.decorum`, with `/` written as `.`.
    Folder(Vec<(String, SourceId)>),
    /// The import could not be resolved; the message says why and what to do.
    Failed {
        /// What went wrong, e.g. "no policy file or folder at `./shared/x.decorum`".
        message: String,
        /// Advice.
        help: Option<String>,
    },
}

/// Everything the engine compiles at once.
#[derive(Debug, Clone, Default)]
pub struct PolicyInputs {
    /// All files, roots and everything they import, each once.
    pub sources: Vec<PolicySource>,
    /// The files whose rules apply (their imports come along).
    pub roots: Vec<SourceId>,
}

impl PolicyInputs {
    /// The file with the given id.
    pub fn source(&self, id: SourceId) -> Option<&PolicySource> {
        self.sources.get(id.0 as usize)
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, source: PolicySource) -> SourceId {
        self.sources.push(source);
        SourceId((self.sources.len() - 1) as u32)
    }

    /// One policy file as the only root, parsed here, importing nothing (an `import`
    /// in it fails to resolve): for benchmarks, tests and fuzzing.
    pub fn single(path: &str, text: &str) -> PolicyInputs {
        let mut inputs = PolicyInputs::default();
        let root = inputs.add(PolicySource {
            path: path.to_owned(),
            text: text.into(),
            parse: decorum_syntax::parse(text),
            imports: Vec::new(),
            builtin: false,
            shared_library: false,
        });
        inputs.roots.push(root);
        inputs
    }
}

/// A problem in a policy: a syntax error, or a validation error or warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// The file.
    pub source: SourceId,
    /// Where in the file.
    pub range: TextRange,
    /// Error (the policy cannot be used) or warning.
    pub level: ProblemLevel,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// Other places that explain the problem (the locked rule, the first definition).
    pub labels: Vec<ProblemLabel>,
    /// A stable code for tools to filter on, e.g. `syntax`, `unknown-name`, `locked`.
    pub code: &'static str,
    /// Text that fixes the problem when it replaces `range` (the close name a "did you
    /// mean" help suggests), for editors' quick fixes.
    pub replacement: Option<String>,
}

impl PolicyProblem {
    /// A problem without labels or a replacement.
    pub fn new(
        source: SourceId,
        range: TextRange,
        level: ProblemLevel,
        code: &'static str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> PolicyProblem {
        PolicyProblem {
            source,
            range,
            level,
            message: message.into(),
            help,
            labels: Vec::new(),
            code,
            replacement: None,
        }
    }
}

/// A secondary location of a [`PolicyProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemLabel {
    /// The file.
    pub source: SourceId,
    /// The range.
    pub range: TextRange,
    /// What is there.
    pub message: String,
}

/// How serious a policy problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemLevel {
    /// Worth fixing; the policy still works.
    Warning,
    /// The policy cannot be used until it is fixed.
    Error,
}
