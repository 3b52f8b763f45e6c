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
    serde_yaml::from_str(text).map_err(|e| convert(&e))
}

fn convert(e: &serde_yaml::Error) -> YamlError {
    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    YamlError {
        line,
        col,
        message: strip_positions(&e.to_string()),
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
    out.replace("invalid type: ", "")
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
    let de = serde_yaml::Deserializer::from_str(text);
    match (Finder { path }).deserialize(de) {
        Err(e) if e.to_string().starts_with(FOUND) || e.to_string().contains(FOUND) => {
            e.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

struct Finder<'p> {
    path: &'p [Seg<'p>],
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
    use std::collections::BTreeMap;

    const DOSSIER: &str = "name: Acme\nscores:\n  track-record: { score: 7, evidence: [a, b] }\n  cost:\n    score: 2\n    evidence:\n      - x\n      - missing\n";

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
