//! `shortlist check`: every validation `build` does, plus the rendered pages' own links,
//! writing nothing. One line per problem, `file:line:col: error|warning: message`, or JSON.

use shortlist::diagnostic::{self, Diagnostic, Severity};
use shortlist::{Failure, Options, linkcheck};

use super::{During, Exit, Outcome, ProjectArgs, summary};

#[derive(clap::ValueEnum, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// `file:line:col: error|warning: message (hint)`, one per line
    #[default]
    Text,
    /// One JSON document, for tools
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Treat warnings (unsupported scores, incomplete coverage, uncited notes) as errors
    #[arg(long)]
    pub strict: bool,
    /// How to print the problems
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> Outcome {
    let bar = super::ProgressBar::start();
    let options = Options {
        root: args.project.root.clone(),
        drafts: args.project.drafts,
        progress: Some(bar.progress.clone()),
        exports_unmade: true,
        ..Options::default()
    };
    let cache = shortlist::cache::Cache::default();
    let result = shortlist::make_site_with(&options, &cache);
    drop(bar);
    let (mut diags, counts) = match result {
        Ok(built) => {
            super::print_timings(&built);
            let mut d = built.warnings;
            d.extend(linkcheck::check(&built.files));
            // What a build for each audience that leaves the team would leave out of it.
            d.extend(other_audiences(&options, &built.report, &cache)?);
            (d, Some(super::contents(&built.report)))
        }
        Err(Failure::Content(d)) => (d, None),
        Err(other) => return Err(other).during("check"),
    };
    if args.strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    diagnostic::sort(&mut diags);
    let failed = diags.iter().any(Diagnostic::is_error);
    match args.format {
        Format::Text => {
            for d in &diags {
                println!("{d}");
            }
            match (failed, counts) {
                (true, _) => eprintln!("check failed: {}", summary(&diags)),
                _ if super::quiet() => {}
                (false, Some(contents)) if diags.is_empty() => {
                    eprintln!("ok: {contents}, no problems")
                }
                (false, _) => eprintln!("ok: no errors; {}", summary(&diags)),
            }
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = diags
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "file": d.file.to_string_lossy().replace('\\', "/"),
                        "line": d.line, "column": d.col,
                        "severity": d.severity.to_string(),
                        "message": d.message, "hint": d.hint,
                    })
                })
                .collect();
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let doc = serde_json::json!({
                "ok": !failed, "errors": errors, "warnings": diags.len() - errors, "diagnostics": list,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    if failed { Err(Exit::Problems) } else { Ok(()) }
}

/// The disclosure guard's findings for a shareable build and, when the project is written for
/// debriefs, for every bidder's: read from one cache, so each file is read and rendered once
/// per audience at most.
fn other_audiences(
    options: &Options,
    report: &shortlist::model::Report,
    cache: &shortlist::cache::Cache,
) -> Result<Vec<Diagnostic>, Exit> {
    use shortlist::model::Audience;
    let mut asked = vec![(Audience::Shareable, None)];
    if shortlist::writes_debriefs(report) {
        asked.extend(
            report
                .vendors
                .iter()
                .map(|v| (Audience::Bidder, Some(v.slug.clone()))),
        );
    }
    let mut found = Vec::new();
    for (audience, bidder) in asked {
        if report.audience == audience && bidder.is_none() {
            continue;
        }
        let options = Options {
            audience: Some(audience),
            bidder,
            progress: None,
            ..options.clone()
        };
        match shortlist::disclosures(&options, cache) {
            Ok(d) => found.extend(d),
            // Problems of the content itself, the build above has reported.
            Err(Failure::Content(_)) => {}
            Err(other) => return Err(other).during("check"),
        }
    }
    Ok(found)
}
