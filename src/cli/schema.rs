//! `shortlist schema [report|vendor|note]`: JSON Schema for editors' YAML language servers.

use shortlist::schema::{Kind, schema};

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Which {
    /// content/report.yaml
    Report,
    /// content/vendors/*.yaml
    Vendor,
    /// the front matter of content/notes/**/*.md
    Note,
}

#[derive(clap::Args)]
pub struct Args {
    /// The kind of file; without it, one schema that accepts any of the three
    #[arg(value_enum)]
    pub which: Option<Which>,
}

pub fn run(args: Args) -> u8 {
    let kind = args.which.map(|w| match w {
        Which::Report => Kind::Report,
        Which::Vendor => Kind::Vendor,
        Which::Note => Kind::Note,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&schema(kind)).unwrap_or_default()
    );
    0
}
