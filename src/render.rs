//! Model and theme to the files of the site, in memory: no file I/O here.
//!
//! Each page is a Tera template rendered with the shared `site` data of `view` and a few
//! variables of its own, in parallel (Tera is `Sync`). `root` is the page's way back to the site
//! root (`""`, `"../"`, `"../../"`), so every link is relative and the site works from disk and
//! under any sub-path; the same prefix replaces the `markdown::ROOT` marker in rendered
//! Markdown. The exports (`report.json`, `matrix.csv`) come from `export`.

use rayon::prelude::*;
use serde_json::Value;
use tera::Context;

use crate::cache::{Cache, hash_json, hash_of};
use crate::diagnostic::Diagnostic;
use crate::export;
use crate::markdown;
use crate::model::Report;
use crate::score::Standing;
use crate::sensitivity::Analysis;
use crate::site::{Body, OutputFile};
use crate::theme::{Theme, template_error};
use crate::view;

/// A page to render: which template, where it goes, and its own variables.
struct Page {
    template: &'static str,
    path: String,
    vars: Vec<(&'static str, Value)>,
}

/// Counts a page as done when it is dropped, however its rendering ended.
struct Tick<'a>(Option<&'a crate::Progress>);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.0 {
            p.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The report and every figure computed from it: what the pages and exports show.
pub struct Scored<'a> {
    pub report: &'a Report,
    pub standings: &'a [Standing],
    pub analysis: &'a Analysis,
    pub changes: Option<&'a crate::changes::Changes>,
}

/// What rendering works with besides the report: the theme, the content folder (for assets),
/// the cache of an earlier build, and a counter of pages done.
pub struct With<'a> {
    pub theme: &'a Theme,
    pub content_dir: &'a std::path::Path,
    pub cache: &'a Cache,
    pub progress: Option<&'a crate::Progress>,
}

/// Renders every page and export of the report.
pub fn render(scored: &Scored<'_>, with: &With<'_>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let Scored {
        report,
        standings,
        analysis,
        changes,
    } = *scored;
    let With {
        theme,
        content_dir,
        cache,
        progress,
    } = *with;
    let site = view::build(report, standings, analysis, changes);
    let site_value = tera::Value::from_serializable(&site.data);
    let site_hash = hash_json(&site.data);

    let mut pages = vec![
        Page {
            template: "index.html",
            path: crate::urls::HOME.into(),
            vars: vec![],
        },
        Page {
            template: "vendors.html",
            path: crate::urls::section("vendors"),
            vars: vec![],
        },
        Page {
            template: "criteria.html",
            path: crate::urls::section("criteria"),
            vars: vec![],
        },
        Page {
            template: "notes.html",
            path: crate::urls::section("notes"),
            vars: vec![],
        },
        Page {
            template: "compare.html",
            path: crate::urls::section("compare"),
            vars: vec![],
        },
        Page {
            template: "search.html",
            path: crate::urls::section("search"),
            vars: vec![],
        },
        Page {
            template: "risks.html",
            path: crate::urls::section("risks"),
            vars: vec![],
        },
    ];
    pages.extend(site.vendors.iter().map(|(slug, v)| Page {
        template: "vendor.html",
        path: crate::urls::vendor(slug),
        vars: vec![("vendor", v.clone())],
    }));
    pages.extend(site.criteria.iter().map(|(id, c)| Page {
        template: "criterion.html",
        path: crate::urls::criterion(id),
        vars: vec![("criterion", c.clone())],
    }));
    pages.extend(site.notes.iter().map(|(slug, n)| Page {
        template: "note.html",
        path: crate::urls::note(slug),
        vars: vec![("note", n.clone())],
    }));

    if let Some(p) = progress {
        p.total
            .store(pages.len(), std::sync::atomic::Ordering::Relaxed);
    }
    let rendered: Vec<Result<OutputFile, Diagnostic>> = pages
        .par_iter()
        .map(|page| {
            let _done = Tick(progress);
            let vars_json = serde_json::to_string(&page.vars).unwrap_or_default();
            let key = hash_of((
                theme.fingerprint,
                site_hash,
                page.template,
                &page.path,
                vars_json,
            ));
            if let Some(bytes) = cache.page(&page.path, key) {
                return Ok(OutputFile {
                    path: page.path.clone(),
                    body: Body::Bytes(bytes),
                    template: Some(page.template.to_string()),
                });
            }
            let root = crate::urls::root_of(&page.path);
            let mut ctx = Context::new();
            ctx.insert_value("site", site_value.clone());
            ctx.insert("root", &root);
            ctx.insert("page_path", &page.path);
            ctx.insert("section", section_of(page.template));
            ctx.insert(
                "canonical_path",
                page.path.strip_suffix("index.html").unwrap_or(&page.path),
            );
            for (k, v) in &page.vars {
                ctx.insert_value(*k, tera::Value::from_serializable(v));
            }
            let html = theme
                .tera
                .render(page.template, &ctx)
                .map_err(|e| template_error(&format!("templates/{}", page.template), &e))?;
            let bytes = html.replace(markdown::ROOT, &root).into_bytes();
            cache.store_page(&page.path, key, &bytes);
            Ok(OutputFile {
                path: page.path.clone(),
                body: Body::Bytes(bytes),
                template: Some(page.template.to_string()),
            })
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + 8);
    let mut problems = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        problems.dedup_by(|a, b| a.message == b.message);
        return Err(problems);
    }
    files.push(OutputFile {
        path: "report.json".into(),
        body: Body::Bytes(export::report_json(report, standings, analysis, changes)),
        template: None,
    });
    files.push(OutputFile {
        path: "report.xlsx".into(),
        body: Body::Bytes(crate::workbook::workbook(report, standings)),
        template: None,
    });
    if let Some(base) = view::absolute_base(&report.base_url) {
        let pages: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            body: Body::Bytes(export::sitemap(base, &pages)),
            template: None,
        });
    }
    files.push(OutputFile {
        path: "search-index.js".into(),
        body: Body::Bytes(export::search_index(report)),
        template: None,
    });
    files.push(OutputFile {
        path: "matrix.csv".into(),
        body: Body::Bytes(export::matrix_csv(report, standings, analysis)),
        template: None,
    });
    for (path, bytes) in &theme.static_files {
        files.push(OutputFile {
            path: format!("static/{path}"),
            body: Body::Bytes(bytes.clone()),
            template: None,
        });
    }
    for asset in &report.assets {
        files.push(OutputFile {
            path: asset.clone(),
            body: Body::Copy(content_dir.join(asset)),
            template: None,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The navigation section a template belongs to, for `aria-current`.
fn section_of(template: &str) -> &'static str {
    match template {
        "vendor.html" | "vendors.html" => "vendors",
        "criterion.html" | "criteria.html" => "criteria",
        "note.html" | "notes.html" => "notes",
        "compare.html" => "compare",
        "search.html" => "search",
        "risks.html" => "risks",
        _ => "overview",
    }
}
