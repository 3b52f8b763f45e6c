//! Themes: the embedded default theme and a project's overrides.
//!
//! The default theme in `themes/default/` is compiled into the binary, so `shortlist` works in a
//! project without a `themes/` folder. A project's `themes/<name>/templates/X.html` replaces the
//! embedded `X.html`, and its `static/**` files are copied over the embedded ones (mdBook's and
//! Zola's model). This module loads templates into Tera (autoescape on for `.html`) and collects
//! static files, and owns the filters templates may use (`number`, `css_string`); it renders
//! nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tera::{Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::content::shown;
use crate::diagnostic::Diagnostic;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../themes/default/", $name)))),*]
    };
}

/// Every file of `themes/default/`, relative to it. A test checks this list against the folder.
pub const EMBEDDED: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/index.html",
    "templates/vendor.html",
    "templates/vendors.html",
    "templates/criterion.html",
    "templates/criteria.html",
    "templates/note.html",
    "templates/notes.html",
    "templates/compare.html",
    "templates/search.html",
    "templates/risks.html",
    "templates/panel.html",
    "templates/method.html",
    "templates/debrief.html",
    "templates/partials/score_cell.html",
    "templates/partials/evidence.html",
    "templates/partials/grade.html",
    "templates/partials/panel.html",
    "templates/partials/decides.html",
    "static/style.css",
    "static/shortlist.js",
];

/// A loaded theme: templates ready to render and the static files to copy.
pub struct Theme {
    pub tera: Tera,
    /// Output path under `static/` → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// A hash of every template's name and text: pages rendered with another theme differ.
    pub fingerprint: u64,
    /// For each template, the parts of `site` it can read (with the templates it extends,
    /// includes or imports): a page's cache key covers those parts, not the whole of `site`.
    pub reads: BTreeMap<String, SiteParts>,
    /// What a build should say of the project's templates (one written for an older shape of
    /// the site), without stopping.
    pub warnings: Vec<Diagnostic>,
}

/// The parts of the `site` variable a template can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteParts {
    /// `site` whole (handed on as a value, or read with `site[...]`).
    All,
    /// Only these top-level keys: `site.title`, `site.vendors`...
    Keys(BTreeSet<String>),
}

impl SiteParts {
    /// What the template `name` reads of `site`, by what its own text and that of every
    /// template it reaches name inside `{{ }}` and `{% %}`. Tera 2's components are usable from
    /// any template, so the text of every template that defines one counts for all.
    fn of(name: &str, templates: &BTreeMap<String, (String, String)>) -> SiteParts {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = vec![name];
        todo.extend(
            templates
                .iter()
                .filter(|(_, (_, t))| t.contains("component"))
                .map(|(n, _)| n.as_str()),
        );
        let mut keys = BTreeSet::new();
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some((_, text)) = templates.get(n) else {
                continue;
            };
            for tag in tags(text) {
                if !site_keys(tag, &mut keys) {
                    return SiteParts::All;
                }
                // Any template named in a tag may be extended, included or imported.
                todo.extend(
                    tag.split(['"', '\''])
                        .skip(1)
                        .step_by(2)
                        .filter_map(|lit| templates.get_key_value(lit).map(|(k, _)| k.as_str())),
                );
            }
        }
        SiteParts::Keys(keys)
    }
}

/// The insides of the `{{ }}` and `{% %}` tags of a template's text.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('{')?;
            let close = match rest[open + 1..].chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                _ => {
                    rest = &rest[open + 1..];
                    continue;
                }
            };
            let body = &rest[open + 2..];
            let end = body.find(close).unwrap_or(body.len());
            rest = &body[(end + 2).min(body.len())..];
            return Some(&body[..end]);
        }
    })
}

/// Adds to `keys` the `site.key` a tag reads; false when it reads `site` otherwise (whole).
fn site_keys(tag: &str, keys: &mut BTreeSet<String>) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(at) = tag[from..].find("site").map(|i| i + from) {
        from = at + 4;
        let before = tag[..at].chars().next_back();
        let after = tag[from..].chars().next();
        if before.is_some_and(|c| ident(c) || c == '.') || after.is_some_and(ident) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(key) = rest.strip_prefix('.') else {
            return false;
        };
        let key: String = key.trim_start().chars().take_while(|c| ident(*c)).collect();
        if key.is_empty() {
            return false;
        }
        keys.insert(key);
    }
    true
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Loads the theme `name`: embedded defaults, then the project's own files on top.
pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut files = Files::default();
    for (path, bytes) in EMBEDDED {
        if let Some(t) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            files.templates.insert(
                t.to_string(),
                (format!("themes/default/{path} (built in)"), text),
            );
        } else if let Some(s) = path.strip_prefix("static/") {
            files.static_files.insert(s.to_string(), bytes.to_vec());
        }
    }
    let dir = root.join("themes").join(name);
    for (sub, is_template) in [("templates", true), ("static", false)] {
        let base = dir.join(sub);
        if base.is_dir() {
            files.read_overrides(root, &base, is_template);
        }
    }
    if !files.problems.is_empty() {
        return Err(files.problems);
    }
    let Files {
        templates,
        static_files,
        ..
    } = files;
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    register_filters(&mut tera);
    tera.add_raw_templates(templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
        .map_err(|e| {
            // Name the file the error is about: the template mentioned first in the message.
            let message = e.to_string();
            let file = templates
                .iter()
                .filter_map(|(n, (shown, _))| message.find(n.as_str()).map(|i| (i, shown.clone())))
                .min()
                .map_or_else(|| format!("themes/{name}/templates"), |(_, shown)| shown);
            vec![template_error(&file, &e)]
        })?;
    let fingerprint = crate::cache::hash_of(
        templates
            .iter()
            .map(|(n, (_, t))| (n, t))
            .collect::<Vec<_>>(),
    );
    let reads: BTreeMap<String, SiteParts> = templates
        .keys()
        .map(|n| (n.clone(), SiteParts::of(n, &templates)))
        .collect();
    let warnings = search_without_notes(&templates, &reads)
        .into_iter()
        .collect();
    Ok(Theme {
        tera,
        static_files,
        fingerprint,
        reads,
        warnings,
    })
}

/// A project's `search.html` that loads `search-index.js` alone, as the search page did before
/// the notes were kept in files of their own: its search would find no note.
fn search_without_notes(
    templates: &BTreeMap<String, (String, String)>,
    reads: &BTreeMap<String, SiteParts>,
) -> Option<Diagnostic> {
    let (shown, text) = templates.get("search.html")?;
    let SiteParts::Keys(keys) = reads.get("search.html")? else {
        return None;
    };
    if shown.ends_with("(built in)") || keys.contains("search_files") {
        return None;
    }
    let at = text.find(crate::urls::SEARCH_INDEX)?;
    let (line, col) = crate::diagnostic::line_col(text, at);
    Some(
        Diagnostic::warning(
            shown,
            line,
            col,
            "search.html loads search-index.js but not the files of the notes, so the search \
             page finds vendors and criteria and no note",
        )
        .with_hint(
            "load every file of `site.search_files` in order instead: {% for file in \
             site.search_files %}<script src=\"{{ root }}{{ file }}\"></script>{% endfor %}",
        )
        .attach_source(text),
    )
}

/// A theme's files as they are read: the embedded ones, then the project's over them.
#[derive(Default)]
struct Files {
    /// Template name → (the file as people know it, its text).
    templates: BTreeMap<String, (String, String)>,
    static_files: BTreeMap<String, Vec<u8>>,
    problems: Vec<Diagnostic>,
}

impl Files {
    /// Reads every file under `base` (a theme's `templates/` or `static/`) over the embedded
    /// ones; dot-files are skipped.
    fn read_overrides(&mut self, root: &Path, base: &Path, is_template: bool) {
        for item in WalkDir::new(base).sort_by_file_name() {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    let p = e.path().unwrap_or(base).to_path_buf();
                    self.problems.push(Diagnostic::about_file(
                        shown(root, &p),
                        format!("cannot read the theme: {e}"),
                    ));
                    continue;
                }
            };
            if !item.file_type().is_file() || item.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let rel = crate::content::relative(item.path(), base);
            let shown_path = shown(root, item.path());
            match std::fs::read(item.path()) {
                Ok(bytes) if is_template => match String::from_utf8(bytes) {
                    Ok(text) => {
                        self.templates
                            .insert(rel, (shown_path.to_string_lossy().into_owned(), text));
                    }
                    Err(_) => self.problems.push(
                        Diagnostic::about_file(shown_path, "this template is not valid UTF-8 text")
                            .with_hint("save it as UTF-8 in your editor"),
                    ),
                },
                Ok(bytes) => {
                    self.static_files.insert(rel, bytes);
                }
                Err(e) => self.problems.push(Diagnostic::about_file(
                    shown_path,
                    format!("cannot read this file: {e}"),
                )),
            }
        }
    }
}

/// A Tera error as a diagnostic: Tera's own message already shows the line and a caret.
pub fn template_error(file: &str, e: &tera::Error) -> Diagnostic {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic::about_file(file, format!("the template cannot be used: {message}"))
        .with_hint("fix the template, or delete it to fall back on the built-in one")
}

/// Filters themes may use besides Tera's own.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter("number", |v: f64, _: Kwargs, _: &State| {
        crate::model::format_number(v)
    });
    tera.register_filter("css_string", |v: &str, _: Kwargs, _: &State| css_string(v));
}

/// Text made safe inside a double-quoted CSS string in a `<style>` element: quotes, backslashes
/// and line breaks escaped, and `<`, `>`, `&` as CSS escapes so no tag can close the element.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '<' | '>' | '&' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(templates: &[(&str, &str)], name: &str) -> SiteParts {
        let map = templates
            .iter()
            .map(|(n, t)| (n.to_string(), (n.to_string(), t.to_string())))
            .collect();
        SiteParts::of(name, &map)
    }

    fn keys(list: &[&str]) -> SiteParts {
        SiteParts::Keys(list.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn a_search_page_written_for_one_index_file_is_warned_about_where_it_loads_it() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("themes/default/templates");
        std::fs::create_dir_all(&dir).unwrap();
        let with = |body: &str| {
            std::fs::write(
                dir.join("search.html"),
                format!(
                    "{{% extends \"base.html\" %}}\n{{% block scripts %}}{body}{{% endblock %}}\n"
                ),
            )
            .unwrap();
            load(root.path(), "default").unwrap().warnings
        };
        // Column 43: after `{% block scripts %}` (19), `<script src="` (13) and `{{ root }}` (10).
        let old = with("<script src=\"{{ root }}search-index.js\"></script>");
        assert_eq!(old.len(), 1, "{old:?}");
        assert_eq!(
            (old[0].file.to_str().unwrap(), old[0].line, old[0].col),
            ("themes/default/templates/search.html", 2, 43)
        );
        assert!(!old[0].is_error());
        let new = with(
            "{% for f in site.search_files %}<script src=\"{{ root }}{{ f }}\"></script>{% endfor %}",
        );
        assert!(new.is_empty(), "{new:?}");
        // The built-in page loads them all.
        std::fs::remove_file(dir.join("search.html")).unwrap();
        assert!(load(root.path(), "default").unwrap().warnings.is_empty());
    }

    #[test]
    fn a_template_reads_the_parts_of_site_it_and_the_templates_it_reaches_name() {
        let base = (
            "base.html",
            "<header class=\"site-header\">{{ site.title }}</header>{% block content %}{% endblock %}",
        );
        let page = (
            "note.html",
            "{% extends \"base.html\" %}{% block content %}{{ note.website }} {{ site . scale.max }}{% include \"partials/x.html\" %}{% endblock %}",
        );
        let partial = ("partials/x.html", "{% if site.has_panel %}x{% endif %}");
        let other = ("vendor.html", "{{ site.vendors | length }}");
        assert_eq!(
            parts(&[base, page, partial, other], "note.html"),
            keys(&["has_panel", "scale", "title"])
        );
        // `site` handed on whole, or indexed, is all of it.
        for whole in [
            "{{ site | json_encode }}",
            "{% set s = site %}",
            "{{ site[\"title\"] }}",
        ] {
            assert_eq!(
                parts(&[("p.html", whole)], "p.html"),
                SiteParts::All,
                "{whole}"
            );
        }
        // A component can be used from any template, so what it reads counts for every one.
        let component = (
            "c.html",
            "{% component Card() %}{{ site.vendors }}{% endcomponent %}",
        );
        assert_eq!(
            parts(&[("p.html", "{{ site.title }}"), component], "p.html"),
            keys(&["title", "vendors"])
        );
        // Text outside tags and comments is not read.
        assert_eq!(
            parts(
                &[("p.html", "site.vendors {# site #} {{ website }}")],
                "p.html"
            ),
            keys(&[])
        );
    }

    #[test]
    fn every_file_of_the_default_theme_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../themes/default");
        let mut on_disk: Vec<String> = WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = EMBEDDED.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "update theme::EMBEDDED to match themes/default/"
        );
    }

    #[test]
    fn the_embedded_theme_loads_without_a_project_theme() {
        let tmp = tempfile::tempdir().unwrap();
        let theme = load(tmp.path(), "default").unwrap();
        assert!(theme.tera.get_template_names().any(|n| n == "index.html"));
        assert!(theme.static_files.contains_key("style.css"));
    }

    #[test]
    fn a_project_template_replaces_the_embedded_one_and_errors_name_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("themes/default/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("note.html"), "{% if %}").unwrap();
        let problems = load(tmp.path(), "default").err().unwrap();
        assert!(
            problems[0].file.to_string_lossy().contains("note.html"),
            "{problems:?}"
        );
        std::fs::write(t.join("note.html"), "custom {{ note.title }}").unwrap();
        let theme = load(tmp.path(), "default").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("note", &serde_json::json!({"title": "<b>"}));
        assert_eq!(
            theme.tera.render("note.html", &ctx).unwrap(),
            "custom &lt;b&gt;"
        );
    }
    #[test]
    fn text_in_a_css_string_cannot_end_the_string_or_the_style_element() {
        assert_eq!(css_string("Plain title"), "Plain title");
        assert_eq!(
            css_string("A \"quoted\" \\ title</style><script>"),
            "A \\\"quoted\\\" \\\\ title\\3c /style\\3e \\3c script\\3e "
        );
        assert_eq!(css_string("two\nlines & more"), "two\\a lines \\26  more");
    }
}
