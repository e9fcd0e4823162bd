//! Spec errors, located by file, line, column and field path, and the collector every check writes into.

use std::fmt;

use marked_yaml::Span;

use crate::syntax::Text;

/// One spec problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, relative to the workspace (`spec/epsilon/operations/x.yaml`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Field path inside the file (`fields[3].max_bytes`).
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// All problems of one run, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(f, "{} error(s) in spec", self.0.len())
    }
}

impl std::error::Error for SpecErrors {}

/// Collects errors. Every loaded file has a source id (its index in `files`); a span names its own file, so a
/// value inherited from `params.yaml` is reported there.
pub(crate) struct Diagnostics {
    files: Vec<String>,
    errors: Vec<SpecError>,
}

impl Diagnostics {
    pub(crate) fn new() -> Diagnostics {
        Diagnostics { files: Vec::new(), errors: Vec::new() }
    }

    /// Registers a file; returns its source id.
    pub(crate) fn add_file(&mut self, name: String) -> usize {
        self.files.push(name);
        self.files.len() - 1
    }

    /// The display name of a source id.
    pub(crate) fn file_name(&self, source: usize) -> &str {
        self.files.get(source).map_or("", String::as_str)
    }

    /// An error at `span` (whose file is the span's own).
    pub(crate) fn at(&mut self, span: &Span, path: impl Into<String>, message: impl Into<String>) {
        let (file, line, column) = span
            .start()
            .map_or((String::new(), 0, 0), |m| (self.file_name(m.source()).to_owned(), m.line(), m.column()));
        self.errors.push(SpecError { file, line, column, path: path.into(), message: message.into() });
    }

    /// An error about a whole file (or one that could not be read).
    pub(crate) fn file(&mut self, file: &str, line: usize, column: usize, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: file.to_owned(),
            line,
            column,
            path: String::new(),
            message: message.into(),
        });
    }

    /// The path of the error added last (to complete a schema error).
    pub(crate) fn last_path(&mut self) -> Option<&mut String> {
        self.errors.last_mut().map(|e| &mut e.path)
    }

    /// A required, non-empty one-line string.
    pub(crate) fn text(&mut self, s: &Text, path: &str) -> String {
        if s.trim().is_empty() {
            self.at(s.span(), path, "must not be empty");
        }
        s.to_string()
    }

    /// An optional string; when given, not empty.
    pub(crate) fn opt(&mut self, s: &Option<Text>, path: &str) -> Option<String> {
        s.as_ref().map(|s| self.text(s, path))
    }

    /// A key a definition needs: its text, or an error at `span` and an empty string.
    pub(crate) fn need(&mut self, s: &Option<Text>, span: &Span, path: &str) -> String {
        match s {
            Some(s) => self.text(s, path),
            None => {
                self.at(span, path, "missing");
                String::new()
            }
        }
    }

    /// The errors, sorted by file and position, or `Ok` when there are none.
    pub(crate) fn finish(mut self) -> Result<(), SpecErrors> {
        self.errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        if self.errors.is_empty() { Ok(()) } else { Err(SpecErrors(self.errors)) }
    }
}
