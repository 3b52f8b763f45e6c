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
