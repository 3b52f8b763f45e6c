//! Checking the rendered site's own links: every internal `href` and `src` must name a file the
//! site has. Content links are checked earlier, where they are written (`validate`); this catches
//! what templates add, which no content check can see.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, line_col};
use crate::site::{Body, OutputFile};
use crate::urlpath::{self, is_external};

/// Broken internal links in the HTML pages of `files`, each at its page, line and column.
pub fn check(files: &[OutputFile]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .flat_map_iter(|f| page_problems(f, &paths))
        .collect()
}

/// The broken internal links of one page.
fn page_problems(f: &OutputFile, paths: &BTreeSet<&str>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let Body::Bytes(bytes) = &f.body else {
        return problems;
    };
    let html = String::from_utf8_lossy(bytes);
    let page_dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
    let shown = format!("output/{}", f.path);
    for (offset, link) in links(&html) {
        if is_external(&link) || link.starts_with('#') || link.is_empty() {
            continue;
        }
        // Found only for the few links that are broken: a page has thousands that are not.
        let at = || line_col(&html, offset);
        let template = f.template.as_deref().unwrap_or("a template");
        if link.starts_with('/') {
            let (line, col) = at();
            problems.push(
                Diagnostic::error(&shown, line, col, format!("`{link}` is an absolute path, which breaks the site under a sub-path and from disk"))
                    .with_hint(format!("in `{template}`, start internal links with `{{{{ root }}}}` instead of `/`")),
            );
            continue;
        }
        let path = link.split(['#', '?']).next().unwrap_or_default();
        let target = urlpath::normalize(
            page_dir,
            &urlpath::percent_decode(path).unwrap_or_else(|| path.to_string()),
        );
        let found = target.as_deref().is_some_and(|t| {
            paths.contains(t) || paths.contains(format!("{t}/index.html").trim_start_matches('/'))
        });
        if !found {
            let (line, col) = at();
            problems.push(
                Diagnostic::error(
                    &shown,
                    line,
                    col,
                    format!("`{link}` leads to no file of the site"),
                )
                .with_hint(format!(
                    "this link comes from `{template}`; fix the template, or add the file it names"
                )),
            );
        }
    }
    problems
}

/// The values of `href="..."` and `src="..."` attributes, with their byte offsets.
pub fn links(html: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut from = 0;
        while let Some(i) = html[from..].find(attr) {
            let start = from + i + attr.len();
            let end = html[start..].find('"').map_or(html.len(), |e| start + e);
            out.push((start, html[start..end].replace("&amp;", "&")));
            from = end;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            body: Body::bytes(html.as_bytes().to_vec()),
            template: Some("vendor.html".into()),
        }
    }

    #[test]
    fn finds_broken_and_absolute_links_with_their_position() {
        let files = [
            page(
                "index.html",
                "<a href=\"vendors/a/index.html\">a</a>\n<img src=\"static/logo.png\">",
            ),
            page(
                "vendors/a/index.html",
                "<a href=\"../../index.html#top\">home</a> <a href=\"/static/x.css\">x</a>\n<a href=\"https://x.example/\">out</a> <a href=\"../../team.html\">team</a>",
            ),
        ];
        let problems = check(&files);
        let shown: Vec<String> = problems
            .iter()
            .map(|d| format!("{}:{}:{} {}", d.file.display(), d.line, d.col, d.message))
            .collect();
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert!(
            shown[0].starts_with("output/index.html:2:11 `static/logo.png`"),
            "{shown:#?}"
        );
        assert!(
            shown[1].starts_with(
                "output/vendors/a/index.html:1:50 `/static/x.css` is an absolute path"
            ),
            "{shown:#?}"
        );
        assert!(
            shown[2].starts_with("output/vendors/a/index.html:2:"),
            "{shown:#?}"
        );
    }
}
