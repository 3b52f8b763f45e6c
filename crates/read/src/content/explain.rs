//! Plain words for what the YAML reader says.
//!
//! serde and libyaml speak of `f64`, `a sequence` and `did not find expected key`; the people
//! who write dossiers need to hear "a number", "a list" and what to type instead. This module
//! turns a [`ShapeError`] or a syntax error into a message and a hint with an example, and spots
//! the common traps (a comma missing inside `{ }`, text with a comma not in quotes, lines added
//! under a `key: {}`). It decides nothing about what is valid; `yaml` and `validate` do that.

use crate::yaml::{Problem, ShapeError, Step, path_text};

/// What is wrong, and what to write instead.
pub(super) struct Explained {
    pub message: String,
    pub hint: Option<String>,
    /// A better place for the caret than the parser's, as a 1-based line and column.
    pub at: Option<(usize, usize)>,
    /// How many characters the caret covers there.
    pub width: Option<usize>,
}

/// A path as people read it, in backticks: `` `scores.cost.score` ``, or for a list item
/// `` `weight` of item 1 under `criteria` `` and `` item 2 under `concerns` ``.
fn path_words(path: &[Step]) -> String {
    let Some(i) = path.iter().rposition(|s| matches!(s, Step::Index(_))) else {
        return format!("`{}`", path_text(path));
    };
    let Step::Index(n) = path[i] else {
        return format!("`{}`", path_text(path));
    };
    let list = path_text(&path[..i]);
    let item = format!("item {} under `{list}`", n + 1);
    match &path[i + 1..] {
        [] => item,
        rest => format!("`{}` of {item}", path_text(rest)),
    }
}

/// The message and hint for one value of the wrong shape.
pub(super) fn shape(err: &ShapeError) -> Explained {
    let field = path_words(&err.path);
    // The key the value sits under: its own, or for a list item the list's.
    let key = err
        .path
        .iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .unwrap_or("value");
    let in_list = matches!(err.path.last(), Some(Step::Index(_)));
    let (message, hint) = match &err.problem {
        Problem::WrongType { found, expected } if in_list => {
            let (message, hint) = wrong_type(&field, key, found, expected);
            let hint = match expected.as_str() {
                "a string" => Some(
                    "write each item as text on its own line after `- `; put it in quotes if it starts with `[`, `{` or `-`: `- \"[draft] plan\"`".to_string(),
                ),
                _ => hint,
            };
            (message, hint)
        }
        Problem::WrongType { found, expected } => wrong_type(&field, key, found, expected),
        Problem::UnknownField { allowed } => unknown_field(&err.path, key, allowed),
        Problem::MissingField(name) => {
            let message = if err.path.is_empty() {
                format!("missing field `{name}`: this file needs one")
            } else {
                format!("missing field `{name}` in {field}")
            };
            (message, Some(format!("add `{name}:` with a value")))
        }
        Problem::Other(message) => (message.clone(), None),
    };
    Explained {
        message,
        hint,
        at: None,
        width: None,
    }
}

/// The kind serde expected, in words, and an example of it.
fn expected_words(expected: &str, key: &str) -> (&'static str, String) {
    match expected {
        "f64" | "f32" => ("a number", "write a number, such as `4` or `3.5`".into()),
        "u8" | "u16" | "u32" | "u64" | "usize" => (
            "a whole number of 0 or more",
            "write a whole number, such as `12`".into(),
        ),
        "i8" | "i16" | "i32" | "i64" | "isize" => (
            "a whole number",
            "write a whole number, such as `2019`".into(),
        ),
        "a string" => (
            "text",
            format!(
                "write the text on the same line, after `{key}: `; put it in quotes if it holds `: ` or starts with `[`, `{{` or `-`: `{key}: \"Phase 2: rollout\"`"
            ),
        ),
        "a boolean" => (
            "`true` or `false`",
            format!("write `{key}: true` or `{key}: false`"),
        ),
        "a sequence" => (
            "a list",
            format!(
                "write a list, even of one item: `{key}: [first, second]`, or one item per line starting with `- `"
            ),
        ),
        e if e.starts_with("a number, or a map") => (
            "a score",
            format!(
                "write a number, `{key}: 4`, or a group: `{key}: {{ score: 4, evidence: [note-slug] }}`"
            ),
        ),
        _ => (
            "a group of `key: value` lines",
            format!("write its fields on their own lines, indented under `{key}:`"),
        ),
    }
}

/// serde's name for a value found (`string "x"`, `integer `3``) in words.
fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {text}");
    }
    for prefix in ["integer ", "floating point ", "negative integer "] {
        if let Some(n) = found.strip_prefix(prefix) {
            return format!("the number {}", n.trim_matches('`'));
        }
    }
    if let Some(b) = found.strip_prefix("boolean ") {
        return b.to_string();
    }
    match found {
        "sequence" => "a list".into(),
        "map" => "a group of `key: value` lines".into(),
        "unit value" => "empty".into(),
        other => other.into(),
    }
}

/// The text serde quoted in `string "..."`, unquoted.
fn found_text(found: &str) -> Option<String> {
    let quoted = found.strip_prefix("string ")?;
    serde_json::from_str::<String>(quoted).ok()
}

fn wrong_type(field: &str, key: &str, found: &str, expected: &str) -> (String, Option<String>) {
    let (words, mut hint) = expected_words(expected, key);
    let message = match found {
        "unit value" => format!("{field} is empty; it should be {words}"),
        _ => format!("{field} should be {words}, not {}", found_words(found)),
    };
    if let Some(text) = found_text(found) {
        if matches!(words, "a number" | "a score") || words.starts_with("a whole number") {
            if let Some((number, rest)) = text.split_once(' ')
                && number.parse::<f64>().is_ok()
                && rest.chars().next().is_some_and(char::is_alphabetic)
            {
                hint = format!(
                    "a comma seems to be missing after `{number}`: inside `{{ }}`, separate the entries with commas, as in `{{ {key}: {number}, {rest}: ... }}`"
                );
            } else if text.trim().parse::<f64>().is_ok() {
                hint = format!("take the quotes off: `{key}: {}`", text.trim());
            } else if let Some(n) = text
                .trim()
                .strip_suffix('%')
                .filter(|n| n.trim().parse::<f64>().is_ok())
            {
                hint = format!("write the number without `%`: `{key}: {}`", n.trim());
            }
        } else if words == "a list" {
            hint = format!(
                "write a list, even of one item: `{key}: [{text}]`, or one item per line starting with `- `"
            );
        }
    }
    if found == "unit value" {
        hint = format!("{hint}, or delete the line");
    }
    (message, Some(hint))
}

fn unknown_field(path: &[Step], key: &str, allowed: &[String]) -> (String, Option<String>) {
    let parent = &path[..path.len().saturating_sub(1)];
    let message = if parent.is_empty() {
        format!("unknown field `{key}`")
    } else {
        format!("unknown field `{key}` in {}", path_words(parent))
    };
    // `{ rationale: Strong, confirmed by a reference. }` reads `confirmed by a reference.` as a key.
    if key.contains(' ') || key.ends_with('.') {
        return (
            format!("`{key}` is read as a field name: it looks like the end of a text cut at a comma"),
            Some(
                "inside `{ }` a comma ends the value; put text that holds a comma in quotes: `rationale: \"Strong, confirmed by a reference.\"`"
                    .into(),
            ),
        );
    }
    let names = || allowed.iter().map(String::as_str);
    let hint = match crate::diagnostic::suggestion(key, names()) {
        Some(s) => s,
        None if allowed.is_empty() => "remove it".to_string(),
        None => {
            let list = crate::diagnostic::listed(names());
            if allowed.iter().any(|a| a == "extra") {
                format!("the fields allowed here are {list}; free-form data goes under `extra:`")
            } else {
                format!("the fields allowed here are {list}")
            }
        }
    };
    (message, Some(hint))
}

/// libyaml's syntax messages (matched by a part of them) in plain words, with what to do.
/// `None` as the message keeps libyaml's own.
const SYNTAX: &[(&[&str], Option<&str>, &str)] = &[
    (
        &["expected ',' or '}'"],
        Some("a `{ }` group is not closed, or a comma is missing between two of its entries"),
        "separate the entries inside `{ }` with commas, close it with `}`, and put text that holds `,` or `:` in quotes",
    ),
    (
        &["expected ',' or ']'"],
        Some("a `[ ]` list is not closed, or a comma is missing between two of its items"),
        "separate the items inside `[ ]` with commas, close it with `]`, and put text that holds `,` in quotes",
    ),
    (
        &["mapping values are not allowed"],
        Some("a `: ` appears where a value was expected"),
        "text that holds `: ` must be in quotes: `summary: \"Phase 2: rollout\"`; or a line is indented too far",
    ),
    (
        &["tab character"],
        Some("a tab is used to indent this line"),
        "indent with spaces only",
    ),
    (
        &["cannot start any token"],
        Some("this character cannot start a value"),
        "put the value in quotes: YAML keeps `@`, `` ` `` and `%` for itself, and indentation must be spaces",
    ),
    (
        &["expected '-' indicator"],
        Some("this line does not line up with the list item above it"),
        "the keys of one list item start in the same column as the first key after its `- `; a new item starts with its own `- `",
    ),
    (
        &["did not find expected key"],
        Some("this line does not line up with the keys around it"),
        "keys of the same group start in the same column; check the indentation, and put text that starts with `[`, `{`, `*` or `&` in quotes",
    ),
    (
        &["could not find expected ':'"],
        Some("a key is missing its `:`"),
        "write `key: value` on one line; text over several lines needs quotes, or `|` after the `:`",
    ),
    (
        &["end of stream", "unexpected end"],
        Some("the file ends inside a quote or a bracket"),
        "close the quote, `[` or `{` that was opened",
    ),
    (
        &["duplicate entry", "appears twice in one group"],
        None,
        "a key may appear once in each group; keep one of them",
    ),
    (&["nested more than"], None, "flatten the structure"),
    (
        &["invisible control character"],
        None,
        "delete it: it is often pasted in with text from another program; if you cannot see it, retype the line",
    ),
    (
        &["repetition limit", "recursion limit"],
        None,
        "remove the YAML aliases (`*name`) or the deep nesting; dossiers never need them",
    ),
];

/// The message and hint for a syntax error at `line` (1-based, of `yaml`).
pub(super) fn syntax(message: &str, yaml: &str, line: usize) -> Explained {
    if let Some(trap) = filled_empty_group(yaml, line) {
        return trap;
    }
    // libyaml names a tab only in some places; an indentation with a tab is the cause wherever
    // the error is on such a line.
    let indented_with_tab = yaml
        .lines()
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l[..l.len() - l.trim_start().len()].contains('\t'));
    if indented_with_tab {
        return Explained {
            message: "a tab is used to indent this line".into(),
            hint: Some(
                "indent with spaces only; most editors can be set to insert spaces for the Tab key"
                    .into(),
            ),
            at: Some((line, 1)),
            width: None,
        };
    }
    let known = SYNTAX
        .iter()
        .find(|(needles, _, _)| needles.iter().any(|n| message.contains(n)));
    let duplicate = message
        .split("duplicate entry with key ")
        .nth(1)
        .and_then(|rest| serde_json::from_str::<String>(rest.split(',').next()?.trim()).ok())
        .map(|key| format!("the key `{key}` appears twice in one group"));
    let (plain, hint) = match known {
        Some((_, plain, hint)) => (plain.or(duplicate.as_deref()).unwrap_or(message), *hint),
        None => (
            message,
            "check the indentation and the `:` after each key; text with a `: ` inside needs quotes",
        ),
    };
    // A bracket left open is found where libyaml gives up, often a line later: point at the
    // bracket itself.
    let open = [("expected ',' or ']'", '['), ("expected ',' or '}'", '{')]
        .into_iter()
        .find(|(needle, _)| message.contains(needle))
        .and_then(|(_, open)| unclosed(yaml, line, open));
    Explained {
        message: plain.to_string(),
        hint: Some(hint.to_string()),
        at: open,
        width: open.map(|_| 1),
    }
}

/// The line and column (1-based) of the last `open` bracket before `error_line` that starts a
/// flow list or group (at the start of a value) and is never closed; quotes and comments are
/// skipped.
fn unclosed(yaml: &str, error_line: usize, open: char) -> Option<(usize, usize)> {
    let mut stack: Vec<(char, usize, usize)> = Vec::new();
    for (i, line) in yaml.lines().take(error_line).enumerate() {
        let mut quote: Option<char> = None;
        let mut before = ' ';
        let mut at_start = true;
        for (col, c) in line.chars().enumerate() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '#' && before == ' ' => break,
                None if c == '\'' || c == '"' => quote = Some(c),
                None if (c == '[' || c == '{')
                    && (at_start || !stack.is_empty() || matches!(before, ':' | '-' | ',')) =>
                {
                    stack.push((c, i + 1, col + 1));
                }
                None if c == ']' || c == '}' => {
                    stack.pop();
                }
                None => {}
            }
            if !c.is_whitespace() {
                before = c;
                at_start = false;
            }
        }
    }
    stack
        .iter()
        .rev()
        .find(|(c, line, _)| *c == open && *line < error_line)
        .map(|(_, line, col)| (*line, *col))
}

/// `scores: {}` (or `[]`) with indented lines added below it: the `{}` says the group is empty,
/// so the lines have nowhere to go. Found on or before the error's line.
fn filled_empty_group(yaml: &str, error_line: usize) -> Option<Explained> {
    let lines: Vec<&str> = yaml.lines().collect();
    let last = error_line.min(lines.len());
    for i in (0..last).rev() {
        let line = lines[i];
        let code = line.split(" #").next().unwrap_or(line).trim_end();
        let Some(key_part) = code
            .strip_suffix("{}")
            .or_else(|| code.strip_suffix("[]"))
            .map(str::trim_end)
            .and_then(|k| k.strip_suffix(':'))
        else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let next_deeper = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.len() - l.trim_start().len() > indent);
        if !next_deeper {
            return None;
        }
        let key = key_part.trim();
        let empty = &code[key_part.len() + 1..].trim();
        let col = line
            .find(empty)
            .map_or(1, |b| line[..b].chars().count() + 1);
        return Some(Explained {
            message: format!(
                "`{key}: {empty}` says `{key}` is empty, but the lines below it fill it in"
            ),
            hint: Some(format!("remove the `{empty}` after `{key}:`")),
            at: Some((i + 1, col)),
            width: Some(empty.chars().count()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Checked, parse_all};

    fn first(text: &str) -> Explained {
        let c: Checked<crate::content::raw::RawVendor> = parse_all(text).unwrap();
        shape(&c.problems[0])
    }

    #[test]
    fn a_missing_comma_in_a_group_is_named() {
        let e = first("name: A\nscores:\n  quality: { score: 5 evidence, rationale: x }\n");
        assert_eq!(
            e.message,
            "`scores.quality.score` should be a number, not the text \"5 evidence\""
        );
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("comma seems to be missing after `5`"),
            "{hint}"
        );
        assert!(!e.message.contains("f64"));
    }

    #[test]
    fn paths_read_as_words() {
        let k = |s: &str| Step::Key(s.into());
        assert_eq!(
            path_words(&[k("scores"), k("cost"), k("score")]),
            "`scores.cost.score`"
        );
        assert_eq!(
            path_words(&[k("criteria"), Step::Index(0), k("weight")]),
            "`weight` of item 1 under `criteria`"
        );
        assert_eq!(
            path_words(&[k("concerns"), Step::Index(1)]),
            "item 2 under `concerns`"
        );
    }

    #[test]
    fn a_percentage_where_a_number_belongs_loses_its_sign() {
        let c: Checked<crate::content::raw::RawReport> =
            parse_all("title: T\ncriteria:\n  - { id: cost, name: Cost, weight: 20% }\n").unwrap();
        let e = shape(&c.problems[0]);
        assert_eq!(
            e.message,
            "`weight` of item 1 under `criteria` should be a number, not the text \"20%\""
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("write the number without `%`: `weight: 20`")
        );
    }

    #[test]
    fn a_lone_slug_where_a_list_belongs_shows_the_list() {
        let e = first("name: A\nscores:\n  q: { score: 4, evidence: panel-debrief }\n");
        assert_eq!(
            e.message,
            "`scores.q.evidence` should be a list, not the text \"panel-debrief\""
        );
        assert!(
            e.hint.unwrap().contains("`evidence: [panel-debrief]`"),
            "the hint shows what to write"
        );
    }

    #[test]
    fn text_cut_at_a_comma_asks_for_quotes() {
        let e = first(
            "name: A\nscores:\n  q: { score: 4, rationale: Strong, confirmed by a reference. }\n",
        );
        assert!(e.message.contains("cut at a comma"), "{}", e.message);
        assert!(e.hint.unwrap().contains("in quotes"));
    }

    #[test]
    fn lines_under_an_empty_group_say_to_remove_it() {
        let text = "name: A\nscores: {}\n  cost: 4\n";
        let err = crate::yaml::parse::<serde_json::Value>(text).unwrap_err();
        let e = syntax(&err.message, text, err.line);
        assert_eq!(
            e.message,
            "`scores: {}` says `scores` is empty, but the lines below it fill it in"
        );
        assert_eq!(e.hint.as_deref(), Some("remove the `{}` after `scores:`"));
        assert_eq!(e.at, Some((2, 9)));
    }

    #[test]
    fn a_bracket_left_open_is_pointed_at_where_it_opens() {
        for (text, at) in [
            (
                "title: [Fixture evaluation\norganisation: Org\n",
                Some((1, 8)),
            ),
            ("name: A\nservices: [a, \"b]\"\nstatus: s\n", Some((2, 11))),
            (
                "name: A\nscores:\n  q: { score: 4, rationale: [a, b]\nstatus: s\n",
                Some((3, 6)),
            ),
        ] {
            let err = crate::yaml::parse::<serde_json::Value>(text).unwrap_err();
            let e = syntax(&err.message, text, err.line);
            assert_eq!(e.at, at, "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn syntax_errors_are_said_plainly() {
        for (text, words) in [
            ("name: A\nsummary: Phase 2: rollout\n", "a `: ` appears"),
            ("name: A\nservices: [a, b\n", "list is not closed"),
            ("name: \"A\n", "the file ends inside"),
            ("name: A\n\tstatus: x\n", "a tab is used"),
            ("name: A\nscores:\n\tcost: 4\n", "a tab is used"),
            (
                "name: A\nrisks:\n  - title: X\n   likelihood: high\n",
                "does not line up with the list item",
            ),
            ("name: A\nsummary: @team\n", "cannot start a value"),
        ] {
            let err = crate::yaml::parse::<serde_json::Value>(text).unwrap_err();
            let e = syntax(&err.message, text, err.line);
            let said = format!("{} {}", e.message, e.hint.unwrap_or_default());
            assert!(said.contains(words), "{text:?}: {said}");
        }
        let (_, diags) = crate::content::parse_yaml::<crate::content::raw::RawVendor>(
            std::path::Path::new("a.yaml"),
            "name: A\nname: B\n",
            1,
            "",
        );
        let hint = diags[0].hint.as_deref().unwrap_or_default();
        assert_eq!(
            diags[0].message,
            "the key `name` appears twice in one group (first at line 1)"
        );
        assert!(hint.contains("keep one of them"), "{diags:?}");
    }

    #[test]
    fn no_rust_type_names_reach_people() {
        for text in [
            "name: A\nfounded: soon\n",
            "name: A\nemployees: -3\n",
            "name: A\npricing: cheap\n",
            "name: A\nservices: design\n",
            "name: A\npricing: { confidential: maybe }\n",
            "name: A\nscores: { q: high }\n",
        ] {
            let e = first(text);
            for word in [
                "f64", "u32", "u64", "i32", "struct", "sequence", "Raw", "bool",
            ] {
                assert!(!e.message.contains(word), "{text:?}: {}", e.message);
                assert!(!e.hint.as_deref().unwrap_or("").contains(word), "{text:?}");
            }
        }
    }
}
