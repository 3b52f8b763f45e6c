//! The one door to the YAML parser.
//!
//! serde_yaml is deprecated upstream, so nothing outside this module may know which parser reads
//! YAML: the rest of the crate sees [`parse`], [`locate`] and [`YamlError`]. This module also
//! guards the parser against hostile input (deeply nested flow collections take time that grows
//! with the square of the depth) and finds the line and column of a node after the fact, which
//! serde_yaml does not keep: [`locate`] re-reads the text with a seed that walks a key path and
//! fails on purpose at the target node, so the error's position is the node's.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

/// Deepest nesting of flow collections (`{a: {b: [..]}}`) we accept before parsing.
pub const MAX_FLOW_DEPTH: usize = 64;

/// A YAML problem with its 1-based position (0 when the parser did not give one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Parses `text` as one YAML document into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_flow_depth(text)?;
    check_duplicate_keys(text)?;
    serde_yaml::from_str(text).map_err(|e| convert(&e))
}

/// One step of a path into a document, owned: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    pub fn as_seg(&self) -> Seg<'_> {
        match self {
            Step::Key(k) => Seg::Key(k),
            Step::Index(i) => Seg::Index(*i),
        }
    }
}

/// A path as people read it: `scores.cost.evidence[1]`.
pub fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// What is wrong with the shape of one value, in the deserializer's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The value is of another kind: `found` is serde's `string "x"`, `expected` its `f64`.
    WrongType {
        found: String,
        expected: String,
    },
    /// The key (the last step of the path) is not one of `allowed`.
    UnknownField {
        allowed: Vec<String>,
    },
    /// The mapping at the path lacks a required key.
    MissingField(String),
    Other(String),
}

/// A shape problem with its path and its 1-based position in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub path: Vec<Step>,
    pub line: usize,
    pub col: usize,
    /// How many characters the problem spans (the whole key of an unknown field), if known.
    pub width: Option<usize>,
    pub problem: Problem,
}

/// What [`parse_all`] made of a document whose syntax is sound.
#[derive(Debug)]
pub struct Checked<T> {
    /// The value, when every required part could be read (with the bad parts left out).
    pub value: Option<T>,
    /// When `value` is `None` because a required part was refused or missing: the value with
    /// a stand-in for each such part (an empty text, a zero, an empty list), for checking the
    /// files that depend on this one without building from it.
    pub stand_in: Option<T>,
    /// Every shape problem found, in the order they were met.
    pub problems: Vec<ShapeError>,
}

/// How many problems one file may report before the rest are left for the next run.
const MAX_SHAPE_PROBLEMS: usize = 50;

/// Parses `text` into `T`, listing every value of the wrong shape instead of only the first.
///
/// A syntax error still stops the file (nothing after it can be trusted) and is the `Err`. For
/// shapes, the document is read into a generic tree and deserialized again and again: each
/// time a value is refused, the problem is noted with its path and the value is taken out (a
/// lone item where a list belongs is wrapped into one instead, so that it is still checked,
/// and a number where text belongs is read as text, as the direct parse does). A required key
/// that is missing or was taken out gets a stand-in and makes `value` `None`, so that later
/// checks never see invented data.
pub fn parse_all<T: DeserializeOwned>(text: &str) -> Result<Checked<T>, YamlError> {
    check_flow_depth(text)?;
    check_duplicate_keys(text)?;
    let first = match serde_yaml::from_str::<T>(text) {
        Ok(value) => {
            return Ok(Checked {
                value: Some(value),
                stand_in: None,
                problems: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| convert(&e))?;
    keys_as_text(&mut doc);
    let mut repair = Repair::default();
    for _ in 0..MAX_SHAPE_PROBLEMS * 4 {
        let err = match serde_path_to_error::deserialize::<_, T>(&doc) {
            // The tree was more lenient than the text: report what the direct parse said.
            Ok(_) if repair.problems.is_empty() => return Err(convert(&first)),
            Ok(value) => {
                let (value, stand_in) = if repair.stand_ins {
                    (None, Some(value))
                } else {
                    (Some(value), None)
                };
                return Ok(repair.finish(text, value, stand_in));
            }
            Err(e) => e,
        };
        let path: Vec<Step> = err
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                _ => None,
            })
            .collect();
        let problem = classify(&err.inner().to_string());
        if !repair.mend(&mut doc, path, problem) || repair.problems.len() >= MAX_SHAPE_PROBLEMS {
            break;
        }
    }
    if repair.problems.is_empty() {
        return Err(convert(&first));
    }
    Ok(repair.finish(text, None, None))
}

/// Turns every mapping key that is a number or a boolean into text, as reading the text
/// directly does: every map of the content is keyed by text (`levels: { 5: ... }`), and a tree
/// read first would otherwise report the key `5` as a number where text belongs.
fn keys_as_text(value: &mut serde_yaml::Value) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                keys_as_text(&mut v);
                let key = match key {
                    serde_yaml::Value::Number(n) => serde_yaml::Value::String(n.to_string()),
                    serde_yaml::Value::Bool(b) => serde_yaml::Value::String(b.to_string()),
                    other => other,
                };
                map.insert(key, v);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(keys_as_text),
        serde_yaml::Value::Tagged(tagged) => keys_as_text(&mut tagged.value),
        _ => {}
    }
}

/// Reads serde's message back into its parts (its wording is stable: `serde::de::Error`).
fn classify(message: &str) -> Problem {
    let message = strip_positions(message);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let allowed = rest
            .split('`')
            .skip(2)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        return Problem::UnknownField { allowed };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Problem::MissingField(rest.trim_end_matches('`').to_owned());
    }
    let typed = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .or_else(|| message.strip_prefix("invalid length "));
    if let Some((found, expected)) = typed.and_then(|t| t.split_once(", expected ")) {
        return Problem::WrongType {
            found: found.to_owned(),
            expected: expected.to_owned(),
        };
    }
    Problem::Other(message)
}

/// The running state of [`parse_all`]: what was found and what was changed to go on.
#[derive(Default)]
struct Repair {
    problems: Vec<(Vec<Step>, Problem)>,
    /// List items taken out, by the list's path (in the text's numbering) and item index.
    removed_items: Vec<(Vec<Step>, usize)>,
    /// Keys taken out (in the text's numbering), so that "missing" is not said of them again.
    removed_keys: Vec<Vec<Step>>,
    /// Paths that hold a stand-in rather than the user's value.
    placeholders: Vec<Vec<Step>>,
    stand_ins: bool,
}

impl Repair {
    /// Notes the problem at `path` (in the tree's current numbering) and changes the tree so
    /// that the next pass gets past it; false when it cannot.
    fn mend(&mut self, doc: &mut serde_yaml::Value, path: Vec<Step>, problem: Problem) -> bool {
        use serde_yaml::Value;
        let original = self.original(&path);
        let in_placeholder = self.placeholders.iter().any(|p| original.starts_with(p));
        match problem {
            Problem::MissingField(field) => {
                let mut key = original.clone();
                key.push(Step::Key(field.clone()));
                if !in_placeholder && !self.removed_keys.contains(&key) {
                    self.problems
                        .push((original, Problem::MissingField(field.clone())));
                }
                self.placeholders.push(key);
                self.stand_ins = true;
                match node(doc, &path) {
                    Some(Value::Mapping(m)) => {
                        m.insert(Value::String(field), Value::String(String::new()));
                        true
                    }
                    Some(n @ Value::Null) => {
                        let mut m = serde_yaml::Mapping::new();
                        m.insert(Value::String(field), Value::String(String::new()));
                        *n = Value::Mapping(m);
                        true
                    }
                    _ => false,
                }
            }
            Problem::WrongType { ref expected, .. } if in_placeholder => {
                let Some(n) = node(doc, &path) else {
                    return false;
                };
                *n = stand_in(expected);
                true
            }
            Problem::WrongType { ref expected, .. } if expected == "a string" => {
                let Some(n) = node(doc, &path) else {
                    return false;
                };
                let text = match n {
                    Value::Number(x) => Some(x.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                if let Some(text) = text {
                    *n = Value::String(text);
                    return true;
                }
                self.problems.push((original, problem));
                self.remove(doc, &path)
            }
            Problem::WrongType { ref expected, .. } if expected == "a sequence" => {
                let Some(n) = node(doc, &path) else {
                    return false;
                };
                let scalar = matches!(n, Value::String(_) | Value::Number(_) | Value::Bool(_));
                self.problems.push((original, problem));
                if scalar {
                    let item = std::mem::replace(n, Value::Null);
                    *n = Value::Sequence(vec![item]);
                    true
                } else {
                    self.remove(doc, &path)
                }
            }
            problem => {
                self.problems.push((original, problem));
                self.remove(doc, &path)
            }
        }
    }

    /// Takes the node at `path` out of its parent; false for the root.
    fn remove(&mut self, doc: &mut serde_yaml::Value, path: &[Step]) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let original = self.original(path);
        match (node(doc, parent), last) {
            (Some(serde_yaml::Value::Mapping(m)), Step::Key(k)) => {
                self.removed_keys.push(original);
                m.retain(|key, _| key_text(key).as_deref() != Some(k.as_str()));
                true
            }
            (Some(serde_yaml::Value::Sequence(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
                let Some((Step::Index(orig), list)) = original.split_last() else {
                    return false;
                };
                self.removed_items.push((list.to_vec(), *orig));
                true
            }
            _ => false,
        }
    }

    /// `path` in the text's numbering: list indices shifted back over the items taken out.
    fn original(&self, path: &[Step]) -> Vec<Step> {
        let mut out: Vec<Step> = Vec::with_capacity(path.len());
        for step in path {
            match step {
                Step::Index(i) => {
                    let mut removed: Vec<usize> = self
                        .removed_items
                        .iter()
                        .filter(|(list, _)| *list == out)
                        .map(|(_, r)| *r)
                        .collect();
                    removed.sort_unstable();
                    let mut index = *i;
                    for r in removed {
                        if r <= index {
                            index += 1;
                        }
                    }
                    out.push(Step::Index(index));
                }
                key => out.push(key.clone()),
            }
        }
        out
    }

    fn finish<T>(self, text: &str, value: Option<T>, stand_in: Option<T>) -> Checked<T> {
        let problems = self
            .problems
            .into_iter()
            .map(|(path, problem)| {
                let segs: Vec<Seg<'_>> = path.iter().map(Step::as_seg).collect();
                let (at, width) = match (&problem, path.last()) {
                    (Problem::UnknownField { .. }, Some(Step::Key(k))) => {
                        (locate_key(text, &segs), Some(k.chars().count()))
                    }
                    _ => (None, None),
                };
                let (line, col) = at.or_else(|| locate_nearest(text, &segs)).unwrap_or((1, 1));
                ShapeError {
                    path,
                    line,
                    col,
                    width,
                    problem,
                }
            })
            .collect();
        Checked {
            value,
            stand_in,
            problems,
        }
    }
}

/// A value of the kind serde expected, standing in for a required one that is missing.
fn stand_in(expected: &str) -> serde_yaml::Value {
    use serde_yaml::Value;
    match expected {
        "a sequence" => Value::Sequence(Vec::new()),
        "a boolean" => Value::Bool(false),
        e if e.starts_with('f') || e.starts_with('u') || e.starts_with('i') => {
            Value::Number(0.into())
        }
        _ => Value::Mapping(serde_yaml::Mapping::new()),
    }
}

fn key_text(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The node at `path` in a tree, for changing it.
fn node<'v>(doc: &'v mut serde_yaml::Value, path: &[Step]) -> Option<&'v mut serde_yaml::Value> {
    let mut at = doc;
    for step in path {
        at = match (at, step) {
            (serde_yaml::Value::Mapping(m), Step::Key(k)) => m
                .iter_mut()
                .find(|(key, _)| key_text(key).as_deref() == Some(k.as_str()))
                .map(|(_, v)| v)?,
            (serde_yaml::Value::Sequence(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// The position of the node at `path`, or of its nearest ancestor that exists.
pub fn locate_nearest(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    let mut path = path;
    loop {
        if let Some(at) = locate(text, path) {
            return Some(at);
        }
        let (_, rest) = path.split_last()?;
        path = rest;
    }
}

/// An error at the second of two equal keys in one mapping. serde_yaml reports one at the
/// start of the mapping, or, where the mapping is read into a map (a dossier's `scores`, a
/// scores file), not at all: the last one would win, and a score would be lost.
fn check_duplicate_keys(text: &str) -> Result<(), YamlError> {
    let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(());
    };
    let message = e.to_string();
    if let Some(at) = reader_position(&message) {
        return Err(character_error(text, at));
    }
    let Some(quoted) = message.split("duplicate entry with key ").nth(1) else {
        return Ok(()); // any other problem is the typed parse's to report
    };
    let key = quoted
        .split(" at line ")
        .next()
        .unwrap_or(quoted)
        .trim()
        .trim_matches('"')
        .to_string();
    let at = e.location().map(|l| (l.line(), l.column(), l.index()));
    let found = at.and_then(|(line, col, index)| duplicate_of(text, &key, line, col, index));
    let (line, col, first) = found.unwrap_or_else(|| {
        let (line, col, _) = at.unwrap_or((0, 0, 0));
        (line, col, None)
    });
    let first = first.map_or(String::new(), |l| format!(" (first at line {l})"));
    Err(YamlError {
        line,
        col,
        message: format!("the key `{key}` appears twice in one group{first}"),
    })
}

/// The byte offset libyaml's reader gives for a character it refuses ("control characters are
/// not allowed at position 10"), whose own line and column are always 1:1.
fn reader_position(message: &str) -> Option<usize> {
    let rest = message.split(" at position ").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A character the YAML reader refuses, at `offset` of `text`, named and placed.
fn character_error(text: &str, offset: usize) -> YamlError {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let (line, col) = crate::diagnostic::line_col(text, offset);
    let named = text[offset..]
        .chars()
        .next()
        .map_or_else(String::new, |c| format!(" (U+{:04X})", u32::from(c)));
    YamlError {
        line,
        col,
        message: format!("an invisible control character{named} is here, where YAML allows none"),
    }
}

/// Where `key` appears a second time in the mapping that starts at `line`:`col` (byte
/// `index`), and the line of the first: in a block mapping, the entries at the mapping's
/// indentation; in a flow mapping, the keys after its `{`.
fn duplicate_of(
    text: &str,
    key: &str,
    line: usize,
    col: usize,
    index: usize,
) -> Option<(usize, usize, Option<usize>)> {
    let is_key = |s: &str| {
        let rest = s
            .strip_prefix(key)
            .or_else(|| s.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| s.strip_prefix(&format!("'{key}'")));
        rest.is_some_and(|r| r.trim_start().starts_with(':'))
    };
    let mut seen = Vec::new();
    if text[index..].starts_with('{') {
        let mut depth = 0usize;
        for (i, c) in text[index..].char_indices() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            let after = &text[index + i..];
            let starts = matches!(text[..index + i].chars().next_back(), Some('{' | ',' | ' '));
            if depth == 1 && starts && is_key(after) {
                seen.push(crate::diagnostic::line_col(text, index + i));
            }
        }
    } else {
        let indent = col.saturating_sub(1);
        for (n, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
            let first = n + 1 == line;
            let content = if first {
                l.get(indent..).unwrap_or_default()
            } else {
                let lead = l.len() - l.trim_start_matches(' ').len();
                let trimmed = l.trim_start_matches(' ');
                if trimmed.is_empty() || trimmed.starts_with('#') || lead > indent {
                    continue;
                }
                if lead < indent || trimmed.starts_with("- ") && lead == indent {
                    break;
                }
                trimmed
            };
            if is_key(content) {
                seen.push((n + 1, indent + 1));
            }
        }
    }
    match seen.as_slice() {
        [first, second, ..] => Some((second.0, second.1, Some(first.0))),
        _ => None,
    }
}

fn convert(e: &serde_yaml::Error) -> YamlError {
    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    YamlError {
        line,
        col,
        message: strip_positions(&e.to_string()).replace("invalid type: ", ""),
    }
}

/// serde_yaml appends "at line N column M" to its messages; we show positions our own way.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .find(" column ")
            .map(|j| {
                let after = &tail[j + " column ".len()..];
                let digits = after
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after.len());
                j + " column ".len() + digits
            })
            .unwrap_or(0);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// Refuses flow collections nested deeper than [`MAX_FLOW_DEPTH`], before the parser sees them.
fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = '\n';
    for c in text.chars() {
        col += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            comment = false;
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if matches!(prev, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':') => {
                quote = Some(c)
            }
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '{' | '[') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(YamlError {
                        line,
                        col,
                        message: format!("collections nested more than {MAX_FLOW_DEPTH} deep"),
                    });
                }
            }
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    Ok(())
}

/// One step of a path into a YAML document: a mapping key or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

const FOUND: &str = "\u{0}shortlist-found-node";

/// The 1-based line and column of the node at `path` in `text`, if it exists.
///
/// With an empty path this is the document's root node.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    find(text, Finder { path, key: false })
}

/// The 1-based line and column of the last key of `path` (not of its value), if it exists.
pub fn locate_key(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    find(text, Finder { path, key: true })
}

fn find(text: &str, finder: Finder<'_>) -> Option<(usize, usize)> {
    let de = serde_yaml::Deserializer::from_str(text);
    match finder.deserialize(de) {
        Err(e) if e.to_string().starts_with(FOUND) || e.to_string().contains(FOUND) => {
            e.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

struct Finder<'p> {
    path: &'p [Seg<'p>],
    /// Stop at the last key itself rather than at its value.
    key: bool,
}

impl<'de> DeserializeSeed<'de> for Finder<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            d.deserialize_any(Target)
        } else {
            d.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Finder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Seg::Key(wanted) = self.path[0] else {
            return Ok(());
        };
        if self.key && self.path.len() == 1 {
            while map.next_key_seed(KeyTarget { wanted })?.is_some() {
                map.next_value::<IgnoredAny>()?;
            }
            return Ok(());
        }
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            let matches = match &key {
                serde_yaml::Value::String(s) => s == wanted,
                serde_yaml::Value::Number(n) => n.to_string() == wanted,
                serde_yaml::Value::Bool(b) => b.to_string() == wanted,
                _ => false,
            };
            if matches {
                return map.next_value_seed(Finder {
                    path: &self.path[1..],
                    key: self.key,
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Seg::Index(wanted) = self.path[0] else {
            return Ok(());
        };
        let mut i = 0;
        while i < wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
        seq.next_element_seed(Finder {
            path: &self.path[1..],
            key: self.key,
        })
        .map(|_| ())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Fails at the mapping key equal to `wanted`, and passes over every other key.
struct KeyTarget<'w> {
    wanted: &'w str,
}

impl<'de> DeserializeSeed<'de> for KeyTarget<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyTarget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        if key == self.wanted {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
    fn visit_bool<E: de::Error>(self, key: bool) -> Result<(), E> {
        self.visit_str(&key.to_string())
    }
    fn visit_i64<E: de::Error>(self, key: i64) -> Result<(), E> {
        self.visit_str(&key.to_string())
    }
    fn visit_u64<E: de::Error>(self, key: u64) -> Result<(), E> {
        self.visit_str(&key.to_string())
    }
    fn visit_f64<E: de::Error>(self, key: f64) -> Result<(), E> {
        self.visit_str(&key.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// Fails at whatever node it is given, so that the parser stamps the error with its position.
struct Target;

impl<'de> Visitor<'de> for Target {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the node being located")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_is_placed_at_its_line_and_column() {
        let e = parse::<serde_yaml::Value>("name: A\nstatus: short\u{0}listed\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 14), "{e:?}");
        assert!(e.message.contains("(U+0000)"), "{e:?}");
    }

    #[test]
    fn a_repeated_key_is_an_error_at_its_second_place_even_where_a_map_would_keep_the_last() {
        use std::collections::BTreeMap;
        let e = parse::<BTreeMap<String, BTreeMap<String, f64>>>(
            "kestrel-lane:\n  fit: 3\n\n  # a comment\n  cost: 2\n  fit: 4\nbrightpath:\n  fit: 5\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (6, 3), "{e:?}");
        assert_eq!(
            e.message,
            "the key `fit` appears twice in one group (first at line 2)"
        );
        let e =
            parse::<BTreeMap<String, serde_yaml::Value>>("a: 1\nb:\n  x: 1\na: 2\n").unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (
                4,
                1,
                "the key `a` appears twice in one group (first at line 1)"
            )
        );
        let e = parse::<BTreeMap<String, serde_yaml::Value>>("s: {fit: 1, cost: 2, fit: 3}\n")
            .unwrap_err();
        assert_eq!((e.line, e.col), (1, 22), "{e:?}");
        assert!(parse::<BTreeMap<String, f64>>("a: 1\nb: 2\n").is_ok());
    }
    use std::collections::BTreeMap;

    const DOSSIER: &str = "name: Acme\nscores:\n  track-record: { score: 7, evidence: [a, b] }\n  cost:\n    score: 2\n    evidence:\n      - x\n      - missing\n";

    #[test]
    fn a_map_keyed_by_numbers_is_read_as_text_beside_a_value_of_the_wrong_shape() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Report {
            levels: BTreeMap<String, String>,
            weight: f64,
        }
        let checked =
            parse_all::<Report>("levels:\n  1: Poor\n  5: Great\nweight: twenty\n").expect("read");
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        assert_eq!(checked.problems[0].line, 4);
    }

    #[test]
    fn locates_nodes_in_block_and_flow_style() {
        use Seg::*;
        assert_eq!(locate(DOSSIER, &[Key("name")]), Some((1, 7)));
        assert_eq!(
            locate(DOSSIER, &[Key("scores"), Key("track-record"), Key("score")]),
            Some((3, 26))
        );
        assert_eq!(
            locate(
                DOSSIER,
                &[
                    Key("scores"),
                    Key("track-record"),
                    Key("evidence"),
                    Index(1)
                ]
            ),
            Some((3, 43))
        );
        assert_eq!(
            locate(
                DOSSIER,
                &[Key("scores"), Key("cost"), Key("evidence"), Index(1)]
            ),
            Some((8, 9))
        );
        assert_eq!(locate(DOSSIER, &[Key("scores"), Key("nope")]), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Score {
        score: Option<f64>,
        #[serde(default)]
        evidence: Vec<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Dossier {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        scores: BTreeMap<String, Score>,
        founded: Option<u32>,
    }

    fn shapes(text: &str) -> Checked<Dossier> {
        parse_all::<Dossier>(text).unwrap()
    }

    fn summary(c: &Checked<Dossier>) -> Vec<(String, usize, usize)> {
        c.problems
            .iter()
            .map(|p| (path_text(&p.path), p.line, p.col))
            .collect()
    }

    #[test]
    fn every_shape_problem_in_a_file_is_listed_with_its_place() {
        let text = "name: Acme\nfounded: soon\nscores:\n  q: { score: 5 evidence, evidense: [a] }\n  r: { score: 2, evidence: note-1 }\ntagz: [x]\n";
        let c = shapes(text);
        assert_eq!(
            summary(&c),
            vec![
                ("founded".to_string(), 2, 10),
                ("scores.q.score".to_string(), 4, 15),
                ("scores.q.evidense".to_string(), 4, 27),
                ("scores.r.evidence".to_string(), 5, 28),
                ("tagz".to_string(), 6, 1),
            ],
            "{c:?}"
        );
        assert_eq!(c.problems[2].width, Some(8));
        let v = c.value.expect("nothing required is missing");
        assert_eq!(
            v.scores["r"].evidence,
            vec!["note-1"],
            "a lone item is still checked"
        );
        assert!(v.scores["q"].score.is_none() && v.founded.is_none());
    }

    #[test]
    fn a_required_value_of_the_wrong_kind_is_one_problem_and_no_value() {
        let c = shapes("name: [a, b]\nbad: 1\n");
        assert_eq!(
            summary(&c),
            vec![("name".to_string(), 1, 7), ("bad".to_string(), 2, 1)]
        );
        assert!(c.value.is_none());
        let c = shapes("tags: [a]\n");
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].problem, Problem::MissingField("name".into()));
        assert!(c.value.is_none());
    }

    #[test]
    fn numbers_where_text_belongs_are_text_and_list_items_keep_their_numbers() {
        let c = shapes("name: 2026\ntags: [[a], 7, ok, [b]]\nbad: 1\n");
        assert_eq!(
            summary(&c),
            vec![
                ("tags[0]".to_string(), 2, 8),
                ("tags[3]".to_string(), 2, 20),
                ("bad".to_string(), 3, 1)
            ]
        );
        let v = c.value.unwrap();
        assert_eq!(v.name, "2026");
        assert_eq!(v.tags, vec!["7", "ok"]);
    }

    #[test]
    fn syntax_errors_still_stop_the_file() {
        let e = parse_all::<Dossier>("name: [a\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
    }

    #[test]
    fn keys_are_located_at_the_key() {
        use Seg::*;
        assert_eq!(locate_key(DOSSIER, &[Key("scores")]), Some((2, 1)));
        assert_eq!(
            locate_key(
                DOSSIER,
                &[Key("scores"), Key("track-record"), Key("evidence")]
            ),
            Some((3, 29))
        );
        assert_eq!(locate_key(DOSSIER, &[Key("nope")]), None);
    }

    #[test]
    fn errors_carry_positions_without_repeating_them() {
        let e = parse::<BTreeMap<String, u8>>("a: 1\nb: [\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.contains("at line"), "{e:?}");
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let text = format!("a: {}{}", "{a: ".repeat(30_000), "}".repeat(30_000));
        let e = parse::<serde_json::Value>(&text).unwrap_err();
        assert!(e.message.contains("nested"), "{e:?}");
    }

    #[test]
    fn alias_bombs_are_errors() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            text.push_str(&format!("a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse::<serde_json::Value>(&text).is_err());
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let text = format!("a: \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(parse::<serde_json::Value>(&text).is_ok());
    }
}
