//! JSON Schema (draft 2020-12) for report.yaml, dossiers and note front matter, generated from
//! the same serde types that read them, so editors with a YAML language server check and
//! complete exactly what `shortlist` accepts.
//!
//! The raw types keep values loose (a status is a string until `validate` reads it), so the
//! generated schema is then refined here from the model's own lists: every allowed value of a
//! status, a kind of note, a level or a grade, the date and slug patterns, and definition names
//! without the `Raw` of the code. Every field's description is its doc comment in `raw.rs`.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::content::raw::{RawNote, RawReport, RawScoresFile, RawVendor};
use crate::model::{Audience, Grade, Level, NoteKind, Sentiment, Status};

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Report,
    Vendor,
    Note,
    /// An evaluator's own scores file (kept out of the schema for any file: it would accept
    /// almost any map).
    Scores,
}

/// The schema of one kind of file, or of any of them when `kind` is `None`.
pub fn schema(kind: Option<Kind>) -> Value {
    let settings = SchemaSettings::draft2020_12();
    let mut schema = match kind {
        Some(Kind::Report) => settings
            .into_generator()
            .into_root_schema_for::<RawReport>()
            .to_value(),
        Some(Kind::Vendor) => settings
            .into_generator()
            .into_root_schema_for::<RawVendor>()
            .to_value(),
        Some(Kind::Note) => settings
            .into_generator()
            .into_root_schema_for::<RawNote>()
            .to_value(),
        Some(Kind::Scores) => settings
            .into_generator()
            .into_root_schema_for::<RawScoresFile>()
            .to_value(),
        None => {
            let mut generator = settings.into_generator();
            let report = generator.subschema_for::<RawReport>();
            let vendor = generator.subschema_for::<RawVendor>();
            let note = generator.subschema_for::<RawNote>();
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "shortlist content: report.yaml, a vendor dossier, or note front matter",
                "anyOf": [report, vendor, note],
                "$defs": generator.take_definitions(true),
            })
        }
    };
    if let (Some(kind), Value::Object(map)) = (kind, &mut schema) {
        let title = match kind {
            Kind::Report => "shortlist report.yaml",
            Kind::Vendor => "shortlist vendor dossier (content/vendors/<slug>.yaml)",
            Kind::Note => "shortlist note front matter (content/notes/**/<slug>.md)",
            Kind::Scores => "shortlist scores file (content/scores/<evaluator-id>.yaml)",
        };
        map.insert("title".into(), json!(title));
    }
    let root = match kind {
        Some(Kind::Report) => "Report",
        Some(Kind::Vendor) => "Vendor",
        Some(Kind::Note) => "Note",
        Some(Kind::Scores) => "ScoresFile",
        None => "",
    };
    refine(&mut schema, root);
    schema
}

/// `YYYY-MM-DD`; whether the day exists is checked by `shortlist` itself.
const DATE: &str = r"^\d{4}-\d{2}-\d{2}$";
/// Lowercase ASCII letters, digits and hyphens, as `slug::is_valid` says.
const SLUG: &str = "^[a-z0-9][a-z0-9-]*$";

/// What each property of each definition must also satisfy, beyond its type.
fn constraints() -> Vec<(&'static str, &'static str, Value)> {
    fn names<T>(all: &[(&'static str, T)]) -> Value {
        json!(all.iter().map(|(n, _)| *n).collect::<Vec<_>>())
    }
    vec![
        (
            "Report",
            "audience",
            json!({ "enum": names(&Audience::ALL) }),
        ),
        ("Report", "date", json!({ "pattern": DATE })),
        (
            "Report",
            "evidence_grades",
            json!({
                "propertyNames": { "enum": names(&NoteKind::ALL) },
                "additionalProperties": { "enum": names(&Grade::ALL) },
            }),
        ),
        ("Criterion", "id", json!({ "pattern": SLUG })),
        ("Evaluator", "id", json!({ "pattern": SLUG })),
        (
            "Robustness",
            "uncertainty",
            json!({ "propertyNames": { "enum": names(&Grade::ALL) } }),
        ),
        ("Vendor", "status", json!({ "enum": names(&Status::ALL) })),
        (
            "Vendor",
            "scores",
            json!({ "propertyNames": { "pattern": SLUG } }),
        ),
        ("Reference", "date", json!({ "pattern": DATE })),
        (
            "Reference",
            "sentiment",
            json!({ "enum": names(&Sentiment::ALL) }),
        ),
        ("Risk", "likelihood", json!({ "enum": names(&Level::ALL) })),
        ("Risk", "impact", json!({ "enum": names(&Level::ALL) })),
        (
            "ScoreInFull",
            "evidence",
            json!({ "items": { "pattern": SLUG } }),
        ),
        (
            "ScoreInFull",
            "by",
            json!({ "propertyNames": { "pattern": SLUG } }),
        ),
        (
            "GivenFull",
            "evidence",
            json!({ "items": { "pattern": SLUG } }),
        ),
        ("GivenFull", "date", json!({ "pattern": DATE })),
        ("Note", "date", json!({ "pattern": DATE })),
        ("Note", "kind", json!({ "enum": names(&NoteKind::ALL) })),
        ("Note", "vendors", json!({ "items": { "pattern": SLUG } })),
        ("Note", "criteria", json!({ "items": { "pattern": SLUG } })),
    ]
}

/// Renames the definitions (`RawCaseStudy` → `CaseStudy`) and adds [`constraints`]; `root` is
/// the name of the type the schema itself describes, if any.
fn refine(schema: &mut Value, root: &str) {
    let readable = |name: &str| match name.strip_prefix("Raw") {
        Some("ScoreFull") => "ScoreInFull".to_string(),
        Some(rest) => rest.to_string(),
        None => name.to_string(),
    };
    rename_refs(schema, &readable);
    let rules = constraints();
    let apply = |def: &str, object: &mut Value| {
        for (_, property, extra) in rules.iter().filter(|(d, _, _)| *d == def) {
            let Some(Value::Object(target)) =
                object.pointer_mut(&format!("/properties/{property}"))
            else {
                continue;
            };
            let nullable = target
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.contains(&json!("null")));
            for (key, value) in extra.as_object().into_iter().flatten() {
                let mut value = value.clone();
                if let (true, "enum", Value::Array(values)) = (nullable, key.as_str(), &mut value) {
                    values.push(Value::Null);
                }
                target.insert(key.clone(), value);
            }
        }
    };
    apply(root, schema);
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        let old = std::mem::take(defs);
        for (name, mut def) in old {
            let name = readable(&name);
            apply(&name, &mut def);
            defs.insert(name, def);
        }
    }
}

/// Points every `$ref` at the renamed definition.
fn rename_refs(value: &mut Value, readable: &impl Fn(&str) -> String) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            *r = format!("#/$defs/{}", readable(name));
                        }
                    }
                    (_, v) => rename_refs(v, readable),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, readable)),
        _ => {}
    }
}
