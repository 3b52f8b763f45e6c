//! Slugs: the names of files, criteria, evaluators and themes as the report's addresses use them.
//!
//! One rule for all of them: lowercase ASCII letters, digits and hyphens, starting with a letter
//! or a digit ([`is_valid`]). [`from_text`] makes one from any name, transliterating accented
//! and non-Latin letters (`Éduc Santé` → `educ-sante`, `北京` → `bei-jing`) with `deunicode`, so
//! that a suggestion made from a refused name is always accepted. Heading anchors inside a page
//! are another matter and keep their letters (`markdown::slugify`).

/// True for a slug: lowercase ASCII letters, digits and hyphens, not starting with a hyphen.
pub fn is_valid(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A valid slug made from `text`, or an empty string when nothing in it can be written in
/// ASCII letters or digits (private-use characters, some symbols).
pub fn from_text(text: &str) -> String {
    // Once transliterated the text is ASCII, so the anchor rule gives a file slug; an
    // apostrophe joins its word (`O'Brien` → `obrien`).
    let ascii = deunicode::deunicode_with_tofu(text, " ").replace('\'', "");
    crate::markdown::slugify(&ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_valid_slugs() {
        for (name, slug) in [
            ("Acme Learning, Ltd.", "acme-learning-ltd"),
            ("Éduc Santé GmbH", "educ-sante-gmbh"),
            ("Réunion: été", "reunion-ete"),
            ("Ørsted Læring", "orsted-laering"),
            ("Straße & Söhne", "strasse-sohne"),
            ("O'Brien Partners", "obrien-partners"),
            ("北京培训", "bei-jing-pei-xun"),
            ("Café_Olé", "cafe-ole"),
        ] {
            assert_eq!(from_text(name), slug, "{name}");
            assert!(is_valid(slug));
        }
        assert_eq!(
            from_text("\u{E000} \u{E001}"),
            "",
            "private-use characters have no letters"
        );
    }

    #[test]
    fn the_rule() {
        assert!(is_valid("brightpath"));
        assert!(is_valid("2026-10-02-demo"));
        assert!(!is_valid("Brightpath"));
        assert!(!is_valid("-x"));
        assert!(!is_valid("café"));
        assert!(!is_valid(""));
    }
}
