//! `shortlist verify REPORT_JSON`: whether a report was built from the content as it is now.
//! Recomputes the fingerprint of every file under `content/` (see `content::digest`) and
//! compares it with the one the report.json records; with an internal build's list of files,
//! it names each file changed, added or removed since. Exit 0 when they match, 1 when not.

use std::collections::BTreeMap;
use std::path::PathBuf;

use shortlist::content::digest::{Inputs, hex};

use super::{Exit, Outcome, io_failure, refused};

#[derive(clap::Args)]
pub struct Args {
    /// The report.json to check (a build's output, or a round kept in content/rounds/)
    #[arg(value_name = "REPORT_JSON")]
    pub report: PathBuf,
    /// The project folder (holding content/)
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

pub fn run(args: Args) -> Outcome {
    let what = "verify";
    let text = std::fs::read_to_string(&args.report)
        .map_err(|e| io_failure(what, format!("cannot read {}", args.report.display()), e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| refused(what, format!("{} is not JSON ({e})", args.report.display())))?;
    let Some(recorded) = json["inputs"]["digest"].as_str() else {
        return Err(refused(
            what,
            format!(
                "{} records no fingerprint of its content (`inputs.digest`): it was built by an older shortlist; build it again to record one",
                args.report.display()
            ),
        ));
    };
    let files: BTreeMap<String, String> = json["inputs"]["files"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let content = args.root.join("content");
    let limits = shortlist::content::limits(&content);
    let (entries, problems) = shortlist::content::walk(&args.root, &content, limits.files);
    if let Some(p) = problems.iter().find(|d| d.is_error()) {
        return Err(refused(
            what,
            format!("cannot read the content: {}", p.message),
        ));
    }
    let now = Inputs::of(&entries).map_err(|e| refused(what, format!("cannot read {e}")))?;
    let digest = hex(&now.digest());
    if digest == recorded {
        println!(
            "ok: {} was built from this content ({} files, {digest})",
            args.report.display(),
            now.files.len()
        );
        return Ok(());
    }
    println!(
        "does not match: {} was built from other content ({recorded}; now {digest})",
        args.report.display()
    );
    if files.is_empty() {
        println!(
            "  (this report lists no files, as a shareable build does not: which differ cannot be told)"
        );
    } else {
        let (changed, added, removed) = now.compare(&files);
        for (label, paths) in [("changed", changed), ("added", added), ("removed", removed)] {
            for p in paths {
                println!("  {label}: content/{p}");
            }
        }
    }
    Err(Exit::Problems)
}
