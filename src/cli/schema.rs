//! `shortlist schema [report|vendor|note|scores|report-json|report-notes]`: JSON Schema for
//! editors' YAML language servers, and for the tools that read the built report.json and its
//! files of notes' texts.

use shortlist::schema::{Kind, schema};

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Which {
    /// content/report.yaml
    Report,
    /// content/vendors/*.yaml
    Vendor,
    /// the front matter of content/notes/**/*.md
    Note,
    /// content/scores/<evaluator-id>.yaml
    Scores,
    /// the report.json a build writes (not a file you edit)
    ReportJson,
    /// a file of notes' texts a build writes beside report.json (report-notes/NNN.json)
    ReportNotes,
}

#[derive(clap::Args)]
pub struct Args {
    /// The kind of file; without it, one schema that accepts report.yaml, a dossier or a note
    #[arg(value_enum)]
    pub which: Option<Which>,
}

pub fn run(args: Args) -> super::Outcome {
    let value = match args.which {
        Some(Which::ReportJson) => shortlist::export::report_json_schema(),
        Some(Which::ReportNotes) => shortlist::export::note_texts_schema(),
        which => schema(which.map(|w| match w {
            Which::Report => Kind::Report,
            Which::Vendor => Kind::Vendor,
            Which::Scores => Kind::Scores,
            _ => Kind::Note,
        })),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    Ok(())
}
