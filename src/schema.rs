//! JSON Schema (draft 2020-12) for report.yaml, dossiers and note front matter, generated from
//! the same serde types that read them, so editors with a YAML language server check and
//! complete exactly what `shortlist` accepts.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::content::raw::{RawNote, RawReport, RawVendor};

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Report,
    Vendor,
    Note,
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
        };
        map.insert("title".into(), json!(title));
    }
    schema
}
