//! Problems found in the user's content, and how they are shown.
//!
//! A [`Diagnostic`] names a file, a line and a column, says what is wrong and how to fix it.
//! Validation collects every diagnostic of a run instead of stopping at the first, so a user
//! fixes ten problems in one pass. This module owns the type and its rendering (a short snippet
//! with a caret, by annotate-snippets); it does not decide what is a problem.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is: errors fail the run, warnings only fail `check --strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in one file, at a line and column (both 1-based; 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The path as the user knows it, relative to the project root (`content/vendors/acme.yaml`).
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    /// What to do about it, when there is something to say.
    pub hint: Option<String>,
    /// The text of the offending line, for the snippet; filled in by [`attach_source`].
    pub source_line: Option<String>,
    /// How many characters the caret covers, when more than the word at the column.
    pub width: Option<u16>,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            source_line: None,
            width: None,
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, col, message)
        }
    }

    /// An error about a file as a whole, at no line: it is missing, unreadable, too big.
    pub fn about_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::error(file, 0, 0, message)
    }

    /// A warning about a file as a whole, at no line.
    pub fn warning_about_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::warning(file, 0, 0, message)
    }

    /// Hints at the one of `candidates` closest to `word` ("did you mean `x`?"), or else says
    /// `otherwise`.
    pub fn suggest<'a>(
        self,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        otherwise: impl Into<String>,
    ) -> Self {
        let hint = suggestion(word, candidates).unwrap_or_else(|| otherwise.into());
        self.with_hint(hint)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Remembers the text of the diagnostic's line so that it can show a snippet. A position
    /// past the last line (a parser at the end of a file without a final newline) moves to the
    /// end of the last line, so that an editor can go there.
    pub fn attach_source(mut self, source: &str) -> Self {
        let lines = source.lines().count();
        if self.line > lines && lines > 0 {
            self.line = lines;
            self.col = source.lines().last().map_or(1, |l| l.chars().count() + 1);
        }
        if self.line > 0 {
            self.source_line = source.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    /// `file:line:col`, the part editors and terminals turn into a link.
    pub fn location(&self) -> String {
        location(&self.file, self.line, self.col)
    }

    /// The diagnostic as a block of text: headline, snippet with a caret, hint.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.location();
        let title = level.primary_title(self.message.as_str());
        let mut group = match (&self.source_line, self.line) {
            (Some(text), line) if line > 0 => {
                let span = caret_span(text, self.col, self.width);
                title.element(
                    Snippet::source(text.as_str())
                        .line_start(line)
                        .path(self.file.to_string_lossy())
                        .annotation(AnnotationKind::Primary.span(span)),
                )
            }
            _ => title.element(annotate_snippets::Origin::path(path.as_str())),
        };
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        renderer.render(&report)
    }
}

/// The byte range the caret marks: `width` characters from the column, or else to the end of
/// the word that starts there.
fn caret_span(text: &str, col: usize, width: Option<u16>) -> std::ops::Range<usize> {
    let start = text
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let rest = &text[start..];
    if let Some(width) = width {
        let len = rest
            .char_indices()
            .nth(usize::from(width))
            .map_or(rest.len(), |(i, _)| i);
        return start..start + len;
    }
    let len = rest
        .find(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == ']' || c == '}')
        .unwrap_or(rest.len())
        .max(rest.chars().next().map_or(0, char::len_utf8));
    start..start + len
}

pub fn location(file: &Path, line: usize, col: usize) -> String {
    let file = file.to_string_lossy().replace('\\', "/");
    match (line, col) {
        (0, _) => file,
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:col: error: message`, the form compilers and `check` print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, position and message so that output is stable across runs.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
    });
}

/// 1-based line and column of a byte offset in `text`; columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// "did you mean `x`?", when one of `candidates` is close enough to `word` to be what was meant.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// Names in backticks, separated by commas, for a list in a message: `` `a`, `b`, `c` ``.
pub fn listed<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `word`, if it is close enough to be a plausible typo, or the
/// one candidate that `word` (four letters or more) is the start of.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let close = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c);
    close.or_else(|| {
        let mut starting = candidates
            .iter()
            .filter(|c| word.len() >= 4 && c.starts_with(word));
        match (starting.next(), starting.next()) {
            (Some(only), None) => Some(*only),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "a: 1\nbé: 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 5), (2, 1));
        assert_eq!(line_col(text, 8), (2, 3));
    }

    #[test]
    fn suggestions_are_close_words_only() {
        assert_eq!(
            did_you_mean("scroes", ["scores", "strengths"]),
            Some("scores")
        );
        assert_eq!(did_you_mean("colour", ["scores", "name"]), None);
        assert_eq!(
            did_you_mean("northwind", ["acme", "northwind-training-co"]),
            Some("northwind-training-co")
        );
        assert_eq!(
            did_you_mean("nor", ["northwind-training-co"]),
            None,
            "too short to guess"
        );
    }

    #[test]
    fn render_shows_location_snippet_caret_and_hint() {
        let d = Diagnostic::error("content/vendors/acme.yaml", 2, 1, "unknown field `scroes`")
            .with_hint("did you mean `scores`?")
            .attach_source("name: Acme\nscroes: {}\n");
        let text = d.render(false);
        assert!(text.contains("error: unknown field `scroes`"), "{text}");
        assert!(text.contains("content/vendors/acme.yaml:2:1"), "{text}");
        assert!(text.contains("scroes: {}"), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `scores`?"), "{text}");
    }

    #[test]
    fn one_line_form_reads_like_a_compiler() {
        let d = Diagnostic::warning("content/notes/a.md", 3, 7, "score has no evidence");
        assert_eq!(
            d.to_string(),
            "content/notes/a.md:3:7: warning: score has no evidence"
        );
    }
}
