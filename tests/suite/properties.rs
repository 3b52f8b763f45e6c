//! Property tests for every parser of user input: whatever bytes a user saves, the parsers
//! answer (with a value or an error) and never panic, and Markdown never lets script through.

use proptest::prelude::*;
use shortlist::content::raw::{RawNote, RawVendor};
use shortlist::content::split_front_matter;
use shortlist::markdown::render_plain;
use shortlist::yaml;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn yaml_parsing_never_panics(text in "[ -~\n\t]{0,400}") {
        let _ = yaml::parse::<RawVendor>(&text);
        let _ = yaml::parse::<serde_json::Value>(&text);
    }

    #[test]
    fn yaml_made_of_structure_characters_never_panics(text in "[\\[\\]{}:,&*!|>'\"#\n -]{0,300}") {
        let _ = yaml::parse::<RawNote>(&text);
        let _ = yaml::locate(&text, &[yaml::Seg::Key("a"), yaml::Seg::Index(0)]);
    }

    #[test]
    fn front_matter_splitting_keeps_every_byte(text in "(---\n)?[a-z: \n-]{0,200}") {
        if let Some(split) = split_front_matter(&text) {
            prop_assert!(text.ends_with(split.body));
            prop_assert_eq!(&text[split.body_offset..], split.body);
            prop_assert!(text.contains(split.front));
        }
    }

    #[test]
    fn markdown_never_lets_script_through(
        before in "[a-z <>\"'=/]{0,40}",
        tag in prop::sample::select(vec!["script", "iframe", "object", "embed", "style"]),
        handler in prop::sample::select(vec!["onerror", "onload", "onclick", "onmouseover"]),
    ) {
        let src = format!("{before}<{tag}>alert(1)</{tag}>\n\n<img src=x {handler}=alert(1)>\n\n<a href=\"javascript:alert(1)\">x</a>");
        let html = render_plain(&src);
        prop_assert!(!html.contains(&format!("<{tag}")), "{}", html);
        let handler_attr = format!("{handler}=");
        prop_assert!(!html.contains(&handler_attr), "{}", html);
        prop_assert!(!html.contains("javascript:"), "{}", html);
    }
}

/// YAML's double-quoted form of `text`, so any string can be written into a dossier.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

proptest! {
    // Each case builds a whole project: a few cases, with hostile text in many fields at once.
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn any_text_in_any_field_is_escaped_in_every_file(
        text in "[a-z ]{0,6}<x-hostile a=\"[a-z'&]{0,4}\">[a-z&;#0-9]{0,6}</x-hostile>[=+@-]?[a-z]{0,4}",
    ) {
        let p = crate::common::Project::fixture("minimal");
        let q = quoted(&text);
        p.edit("content/vendors/acme.yaml", "name: Acme Learning", &format!("name: {q}"));
        p.edit("content/vendors/acme.yaml", "strengths: [Experienced]", &format!("strengths: [{q}]"));
        p.edit("content/vendors/acme.yaml", "title: Key person,", &format!("title: {q}, owner: {q},"));
        p.edit("content/notes/acme-rfp.md", "title: Acme RFP response", &format!("title: {q}"));
        p.edit("content/report.yaml", "organisation: Test Org", &format!("organisation: {q}"));
        p.build_ok();
        for (path, bytes) in crate::common::tree(&p.path("output")) {
            let body = String::from_utf8_lossy(&bytes);
            if path.ends_with(".html") {
                prop_assert!(!body.contains("<x-hostile"), "markup from content in {}", path);
            }
        }
        // The exports carry the text itself (a name trimmed of outer spaces), as data.
        let text = text.trim().to_string();
        let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
        let name = json["vendors"].as_array().unwrap().iter()
            .find(|v| v["slug"] == "acme").unwrap()["name"].clone();
        prop_assert_eq!(name, serde_json::Value::String(text.clone()));
        let csv = p.read("output/matrix.csv");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let cells: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
        prop_assert!(cells.iter().any(|c| c.trim_start_matches('\'') == text), "{:?}", cells);
    }
}
