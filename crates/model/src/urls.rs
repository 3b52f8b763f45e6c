//! The site's address scheme, in one place: where each page of the report lives, relative to
//! the site's root, and the way back to the root from a page.
//!
//! Every page is a folder's `index.html`, so that addresses read `vendors/acme/` on a web server
//! and still open from disk. `view`, `render`, `export`, `workbook` and `validate` (which turns
//! a Markdown link to a content file into the address of its page) all ask here.

/// The overview page.
pub const HOME: &str = "index.html";

/// The whole model as built for its audience.
pub const REPORT_JSON: &str = "report.json";

/// The folder of the notes' texts that report.json leaves apart.
pub const NOTE_TEXTS: &str = "report-notes";

/// One file of notes' texts, by its number.
pub fn note_texts(part: usize) -> String {
    format!("{NOTE_TEXTS}/{part:03}.json")
}

/// The ranking as a workbook to re-weight.
pub const WORKBOOK: &str = "report.xlsx";

/// Vendors × criteria, for a spreadsheet.
pub const MATRIX: &str = "matrix.csv";

/// What the search page searches: the vendors and criteria, and the list of the files of
/// the notes.
pub const SEARCH_INDEX: &str = "search-index.js";

/// One file of the search index's notes, by its number (that of the file of their texts).
pub fn search_part(part: usize) -> String {
    format!("search-index/{part:03}.js")
}

/// Every page, for crawlers, when the base URL is absolute.
pub const SITEMAP: &str = "sitemap.xml";

/// The address a reader sees for the page at `path`: its folder (`vendors/acme/`), or `""`
/// for the overview.
pub fn folder_of(path: &str) -> &str {
    path.strip_suffix(HOME).unwrap_or(path)
}

/// A vendor's page.
pub fn vendor(slug: &str) -> String {
    format!("vendors/{slug}/index.html")
}

/// A note's page.
pub fn note(slug: &str) -> String {
    format!("notes/{slug}/index.html")
}

/// A criterion's page.
pub fn criterion(id: &str) -> String {
    format!("criteria/{id}/index.html")
}

/// The page of a section of the site: `vendors`, `criteria`, `notes`, `compare`, `search`,
/// `risks`.
pub fn section(name: &str) -> String {
    format!("{name}/index.html")
}

/// `../` once per folder level: the way up `depth` folders.
pub fn up(depth: usize) -> String {
    "../".repeat(depth)
}

/// The way back to the site's root from the page at `path` (`""`, `"../"`, `"../../"`).
pub fn root_of(path: &str) -> String {
    up(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_climbs_one_level_per_folder() {
        assert_eq!(root_of(HOME), "");
        assert_eq!(root_of(&section("compare")), "../");
        assert_eq!(root_of(&vendor("acme")), "../../");
        assert_eq!(root_of(&note("2026-01-02-call")), "../../");
    }

    #[test]
    fn a_page_is_addressed_by_its_folder() {
        assert_eq!(folder_of(HOME), "");
        assert_eq!(folder_of(&vendor("acme")), "vendors/acme/");
        assert_eq!(folder_of(REPORT_JSON), REPORT_JSON);
    }
}
