//! URL paths, as Markdown links, the rendered site's links and the preview server meet them:
//! percent-decoding, joining a relative path onto a folder, telling external links apart.
//! One place, so that a link the build accepts is a link the checker and the server agree on.

/// Decodes `%XX` escapes; `None` when an escape is malformed or the bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    // percent-encoding passes a malformed escape through as it is; a link with one is refused.
    let malformed = s.match_indices('%').any(|(i, _)| {
        !s.as_bytes()
            .get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// Joins `path` onto the folder `base_dir` and resolves `.` and `..`; `None` if it climbs
/// above the root the folder is relative to.
pub fn normalize(base_dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A link that leaves the site: it has a scheme (`https:`, `mailto:`; RFC 3986's letter, then
/// letters, digits, `+`, `-`, `.`) or is protocol-relative (`//host/...`).
pub fn is_external(link: &str) -> bool {
    let scheme = link.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    scheme || link.starts_with("//")
}

/// An absolute web address (`http://` or `https://`, any case).
pub fn is_web_address(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A base URL the site can be published under: a path from the server root, or an address.
pub fn is_base_url(s: &str) -> bool {
    s.starts_with('/') || is_web_address(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_is_strict() {
        assert_eq!(percent_decode("a%20b%2e%2E").as_deref(), Some("a b.."));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%2"), None);
    }

    #[test]
    fn normalize_refuses_to_climb_out() {
        assert_eq!(
            normalize("notes/a", "../b.md").as_deref(),
            Some("notes/b.md")
        );
        assert_eq!(normalize("notes", "../../x"), None);
    }

    #[test]
    fn external_links_and_addresses() {
        assert!(
            is_external("https://x.example/")
                && is_external("mailto:a@b")
                && is_external("//cdn.example/x")
        );
        assert!(!is_external("../vendors/a/index.html") && !is_external("a/b:c"));
        assert!(
            is_base_url("/reports/x/")
                && is_base_url("HTTPS://x.example/")
                && !is_base_url("reports")
        );
    }
}
