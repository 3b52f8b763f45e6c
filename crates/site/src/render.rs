//! Model and theme to the files of the site: in memory, or, for `build`, each page and export
//! handed to a [`Sink`] as soon as it is made (the build's staging folder; no file I/O here).
//!
//! Each page is a Tera template rendered with the shared `site` data of `view` and a few
//! variables of its own, in parallel (Tera is `Sync`). `root` is the page's way back to the site
//! root (`""`, `"../"`, `"../../"`), so every link is relative and the site works from disk and
//! under any sub-path; the same prefix replaces the `markdown::ROOT` marker in rendered
//! Markdown. The exports (`report.json`, `matrix.csv`) come from `export`.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use tera::Context;

use crate::cache::{Cache, hash_json, hash_of};
use crate::diagnostic::Diagnostic;
use crate::export;
use crate::markdown;
use crate::model::Report;
use crate::score::Standing;
use crate::sensitivity::Analysis;
use crate::site::{Body, OutputFile, Sink};
use crate::theme::{Theme, template_error};
use crate::view;

/// A page to render: which template, where it goes, and whose page it is.
struct Page {
    template: &'static str,
    path: String,
    own: Own,
}

/// The view a page shows besides `site`, by its index in [`view::Views`].
#[derive(Clone, Copy)]
enum Own {
    Section,
    Vendor(usize),
    Criterion(usize),
    Note(usize),
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
/// the cache of an earlier build, a counter of pages done, and the sink that pages and exports
/// are handed to as soon as they are made, when the build streams to disk.
pub struct With<'a> {
    pub theme: &'a Theme,
    pub content_dir: &'a std::path::Path,
    pub cache: &'a Cache,
    pub progress: Option<&'a crate::Progress>,
    pub sink: Option<&'a dyn Sink>,
    /// Leave the exports empty (see `Options::exports_unmade`).
    pub exports_unmade: bool,
    /// The `site` of the session's last build: an item of its long lists whose view hashes
    /// the same is taken from it rather than converted for Tera again.
    pub last: Option<&'a Shared>,
}

/// The rendered site, and what a session needs to make one note's page again.
pub struct Made {
    pub files: Vec<OutputFile>,
    pub shared: Shared,
}

/// Renders every page and export of the report.
pub fn render(scored: &Scored<'_>, with: &With<'_>) -> Result<Made, Vec<Diagnostic>> {
    let views = view::build(
        scored.report,
        scored.standings,
        scored.analysis,
        scored.changes,
    );
    let shared = Shared::of(&views, with.cache.keeps(), with.last);
    let pages = pages(&views);
    if let Some(p) = with.progress {
        p.total
            .store(pages.len(), std::sync::atomic::Ordering::Relaxed);
    }
    let rendered: Vec<Result<OutputFile, Diagnostic>> = pages
        .par_iter()
        .map(|page| {
            let _done = Tick(with.progress);
            render_page(page, &shared, &views, with)
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
    let exported = exports(scored, &files, with).map_err(|d| vec![d])?;
    files.extend(exported.into_iter().map(|f| written(f, with)));
    files.extend(copies(scored.report, with));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Made { files, shared })
}

/// `file`, handed to the sink now if the build streams to disk: its bytes are then dropped
/// rather than held until the end.
fn written(file: OutputFile, with: &With<'_>) -> OutputFile {
    match (&file.body, with.sink) {
        (Body::Bytes(bytes), Some(sink)) => OutputFile {
            body: sink.put(&file.path, bytes),
            ..file
        },
        _ => file,
    }
}

/// The `site` variable every page sees, converted for Tera once (Tera's values share their
/// contents, so handing it to each page copies nothing), with the vendor and criterion views in
/// it that are also their pages' own variables, and a hash of it all for the cache.
#[derive(Debug, Clone)]
pub struct Shared {
    site: tera::Value,
    vendors: Vec<tera::Value>,
    criteria: Vec<tera::Value>,
    /// The notes as `site.notes` lists them (newest first), and so as their pages start.
    notes: Vec<tera::Value>,
    /// A hash of `site` whole, and of each of its top-level parts (none when the cache keeps
    /// no pages).
    hash: u64,
    part_hashes: BTreeMap<String, u64>,
    /// A hash of each vendor's, criterion's and note's view as `site` lists it.
    vendor_hashes: Vec<u64>,
    criterion_hashes: Vec<u64>,
    note_hashes: Vec<u64>,
}

impl Shared {
    /// `site` for Tera; hashed only for a cache that keeps pages (a key nothing reads is work
    /// for nothing: the whole of `site` serialized once more). With the hashes, an item of the
    /// long lists that hashes as it did in `last` is that build's value (Tera's values share
    /// their contents: taking one copies nothing), so that an edit converts what it changed.
    fn of(views: &view::Views<'_>, keyed: bool, last: Option<&Shared>) -> Self {
        let SiteHashes {
            part_hashes,
            vendor_hashes,
            criterion_hashes,
            note_hashes,
        } = if keyed {
            SiteHashes::of(views)
        } else {
            SiteHashes::default()
        };
        let vendors = values_of(
            &views.vendors,
            &vendor_hashes,
            last.map(|l| (&l.vendors[..], &l.vendor_hashes[..])),
        );
        let criteria = values_of(
            &views.criteria,
            &criterion_hashes,
            last.map(|l| (&l.criteria[..], &l.criterion_hashes[..])),
        );
        let notes = values_of(
            &views.notes,
            &note_hashes,
            last.map(|l| (&l.notes[..], &l.note_hashes[..])),
        );
        // The rest of `site`, then the three lists put in.
        let mut rest = views.site();
        rest.vendors = &[];
        rest.criteria = &[];
        rest.notes = &[];
        let mut site = tera::Value::from_serializable(&rest)
            .into_map()
            .unwrap_or_default();
        site.insert("vendors".into(), tera::Value::from(vendors.as_slice()));
        site.insert("criteria".into(), tera::Value::from(criteria.as_slice()));
        site.insert("notes".into(), tera::Value::from(notes.as_slice()));
        Shared {
            site: tera::Value::from(site),
            vendors,
            criteria,
            notes,
            hash: hash_of(&part_hashes),
            part_hashes,
            vendor_hashes,
            criterion_hashes,
            note_hashes,
        }
    }
}

/// Each of `items` for Tera: from `last` (its values and their hashes) where an item hashes as
/// one there did, else converted (always, when there are no hashes).
fn values_of<T: serde::Serialize + Sync>(
    items: &[T],
    hashes: &[u64],
    last: Option<(&[tera::Value], &[u64])>,
) -> Vec<tera::Value> {
    let (last_values, last_hashes) = last.unwrap_or_default();
    // Most items are where they were; the others are looked up by hash.
    let moved: std::sync::OnceLock<HashMap<u64, &tera::Value>> = std::sync::OnceLock::new();
    let kept = |i: usize, hash: u64| {
        if last_hashes.get(i) == Some(&hash) {
            return last_values.get(i);
        }
        moved
            .get_or_init(|| last_hashes.iter().copied().zip(last_values).collect())
            .get(&hash)
            .copied()
    };
    items
        .par_iter()
        .enumerate()
        .map(|(i, item)| match hashes.get(i).and_then(|h| kept(i, *h)) {
            Some(value) => value.clone(),
            None => tera::Value::from_serializable(item),
        })
        .collect()
}

/// The hashes a page's key is made of: each top-level part of `site`, and each item of its
/// three long lists (vendors, criteria, notes), whose part is the hash of their items' hashes.
/// Hashed from the typed views (Tera's maps have no fixed order, the views' JSON has).
#[derive(Default)]
struct SiteHashes {
    part_hashes: BTreeMap<String, u64>,
    vendor_hashes: Vec<u64>,
    criterion_hashes: Vec<u64>,
    note_hashes: Vec<u64>,
}

impl SiteHashes {
    fn of(views: &view::Views<'_>) -> Self {
        let vendor_hashes: Vec<u64> = views.vendors.par_iter().map(hash_json).collect();
        let criterion_hashes: Vec<u64> = views.criteria.par_iter().map(hash_json).collect();
        let note_hashes: Vec<u64> = views.notes.par_iter().map(hash_json).collect();
        // The rest of `site` as JSON, with the three lists left empty: they are hashed above,
        // item by item, and would be most of the walk.
        let mut rest = views.site();
        rest.vendors = &[];
        rest.criteria = &[];
        rest.notes = &[];
        let part_hashes = match serde_json::to_value(&rest) {
            Ok(serde_json::Value::Object(parts)) => parts
                .iter()
                .map(|(k, v)| {
                    let hash = match k.as_str() {
                        "vendors" => hash_of(&vendor_hashes),
                        "criteria" => hash_of(&criterion_hashes),
                        "notes" => hash_of(&note_hashes),
                        _ => hash_json(v),
                    };
                    (k.clone(), hash)
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        SiteHashes {
            part_hashes,
            vendor_hashes,
            criterion_hashes,
            note_hashes,
        }
    }
}

/// Every page of the site: the section pages, then one per vendor, criterion and note.
fn pages(views: &view::Views<'_>) -> Vec<Page> {
    let section = |template: &'static str, path: String| Page {
        template,
        path,
        own: Own::Section,
    };
    let mut pages = vec![
        section("index.html", crate::urls::HOME.into()),
        section("vendors.html", crate::urls::section("vendors")),
        section("criteria.html", crate::urls::section("criteria")),
        section("notes.html", crate::urls::section("notes")),
        section("compare.html", crate::urls::section("compare")),
        section("search.html", crate::urls::section("search")),
        section("risks.html", crate::urls::section("risks")),
        section("method.html", crate::urls::section("method")),
    ];
    if views.has_panel() {
        pages.push(section("panel.html", crate::urls::section("panel")));
    }
    pages.extend(views.vendors.iter().enumerate().map(|(i, v)| Page {
        template: "vendor.html",
        path: crate::urls::vendor(v.slug),
        own: Own::Vendor(i),
    }));
    pages.extend(views.criteria.iter().enumerate().map(|(i, c)| Page {
        template: "criterion.html",
        path: crate::urls::criterion(c.id),
        own: Own::Criterion(i),
    }));
    pages.extend(views.notes.iter().enumerate().map(|(i, n)| Page {
        template: "note.html",
        path: crate::urls::note(n.slug),
        own: Own::Note(i),
    }));
    pages
}

/// One page, from the cache when neither the theme, the site's data nor its own variables
/// changed since it was last rendered.
fn render_page(
    page: &Page,
    shared: &Shared,
    views: &view::Views<'_>,
    with: &With<'_>,
) -> Result<OutputFile, Diagnostic> {
    // The key covers the page's own variable whole, and of `site` only what its template
    // reads (see `theme::SiteParts`): a note's page is not rendered again when a score it
    // does not show changes.
    let own = |hashes: &[u64], i: usize| hashes.get(i).copied().unwrap_or(0);
    // The variable itself is made only when the page is rendered: a kept page needs its hash
    // alone (a note's, made for Tera, copies its whole text).
    let (var, own_hash): (OwnVar<'_>, u64) = match page.own {
        Own::Section => (Box::new(|| None), 0),
        Own::Vendor(i) => (
            Box::new(move || Some(("vendor", shared.vendors[i].clone()))),
            own(&shared.vendor_hashes, i),
        ),
        Own::Criterion(i) => (
            Box::new(move || Some(("criterion", shared.criteria[i].clone()))),
            own(&shared.criterion_hashes, i),
        ),
        Own::Note(i) => {
            let note = views.note_page(i);
            let hash = note_hash(shared, i, note.body, note.headings, with);
            (
                Box::new(move || Some(("note", tera::Value::from_serializable(&note)))),
                hash,
            )
        }
    };
    render_with(page, shared, var, own_hash, with)
}

/// A page's own variable (`vendor`, `note`...) for Tera, made when the page is rendered.
type OwnVar<'a> = Box<dyn FnOnce() -> Option<(&'static str, tera::Value)> + 'a>;

/// A page with `site` and the page's own variable `var`, whose data beyond `site` hashes to
/// `own_hash`; from the cache when nothing it shows has changed.
fn render_with(
    page: &Page,
    shared: &Shared,
    var: OwnVar<'_>,
    own_hash: u64,
    with: &With<'_>,
) -> Result<OutputFile, Diagnostic> {
    let reads = match with.theme.reads.get(page.template) {
        Some(crate::theme::SiteParts::Keys(keys)) => hash_of(
            keys.iter()
                .map(|k| (k, shared.part_hashes.get(k)))
                .collect::<Vec<_>>(),
        ),
        _ => shared.hash,
    };
    let key = hash_of((
        with.theme.fingerprint,
        reads,
        page.template,
        &page.path,
        own_hash,
    ));
    let file = |bytes| {
        let file = OutputFile {
            path: page.path.clone(),
            body: Body::Bytes(bytes),
            template: Some(page.template.to_string()),
        };
        written(file, with)
    };
    if let Some(bytes) = with.cache.page(&page.path, key) {
        return Ok(file(bytes));
    }
    let root = crate::urls::root_of(&page.path);
    let mut ctx = Context::new();
    ctx.insert_value("site", shared.site.clone());
    ctx.insert("root", &root);
    ctx.insert("page_path", &page.path);
    ctx.insert("section", section_of(page.template));
    ctx.insert("canonical_path", crate::urls::folder_of(&page.path));
    if let Some((name, value)) = var() {
        ctx.insert_value(name, value);
    }
    let html = with
        .theme
        .tera
        .render(page.template, &ctx)
        .map_err(|e| template_error(&format!("templates/{}", page.template), &e))?;
    let bytes = std::sync::Arc::new(match markdown::with_root(&html, &root) {
        std::borrow::Cow::Borrowed(_) => html.into_bytes(),
        std::borrow::Cow::Owned(with) => with.into_bytes(),
    });
    with.cache.store_page(&page.path, key, &bytes);
    Ok(file(bytes))
}

/// The `note` variable of the page of `shared.notes[i]` for the cache key: its fields as
/// `site.notes` lists them and its body (nothing to hash when the cache keeps no pages).
fn note_hash(
    shared: &Shared,
    i: usize,
    body: &str,
    headings: &[markdown::Heading],
    with: &With<'_>,
) -> u64 {
    if with.cache.keeps() {
        // The body with XXH3: SipHash over every note's HTML is tens of milliseconds a build.
        let body = crate::cache::hash_texts([body]);
        hash_of((shared.note_hashes.get(i), body, headings))
    } else {
        0
    }
}

/// The page of `note` again after only its text changed, with the data every page saw in the
/// build that made `shared`: what a whole build would make of it now. `None` when that build
/// had no page for the note.
pub fn note_again(
    shared: &Shared,
    note: &crate::model::Note,
    with: &With<'_>,
) -> Option<Result<OutputFile, Diagnostic>> {
    let i = shared
        .notes
        .iter()
        .position(|n| n.get_from_path("slug").and_then(|s| s.as_str()) == Some(&note.slug))?;
    /// `site.notes[i]` with the body, as `view::NotePage` is made.
    #[derive(serde::Serialize)]
    struct Again<'a> {
        #[serde(flatten)]
        listed: &'a tera::Value,
        body: &'a str,
        headings: &'a [markdown::Heading],
    }
    let again = Again {
        listed: &shared.notes[i],
        body: &note.body.html,
        headings: &note.body.headings,
    };
    let var = tera::Value::from_serializable(&again);
    let page = Page {
        template: "note.html",
        path: crate::urls::note(&note.slug),
        own: Own::Note(i),
    };
    let hash = note_hash(shared, i, again.body, again.headings, with);
    Some(render_with(
        &page,
        shared,
        Box::new(|| Some(("note", var))),
        hash,
        with,
    ))
}

/// A bidder's debrief site: its one page (`index.html`), the theme's static files and its
/// report.json. Nothing else is made: the debrief holds all the bidder may see.
pub fn debrief(d: &crate::debrief::Debrief, with: &With<'_>) -> Result<Made, Vec<Diagnostic>> {
    let page = Page {
        template: "debrief.html",
        path: crate::urls::HOME.to_string(),
        own: Own::Section,
    };
    let shared = Shared {
        site: tera::Value::from_serializable(&view::debrief_site(d)),
        vendors: Vec::new(),
        criteria: Vec::new(),
        notes: Vec::new(),
        hash: 0,
        part_hashes: BTreeMap::new(),
        vendor_hashes: Vec::new(),
        criterion_hashes: Vec::new(),
        note_hashes: Vec::new(),
    };
    let uncached = With {
        cache: &Cache::default(),
        ..*with
    };
    let mut files =
        vec![render_with(&page, &shared, Box::new(|| None), 0, &uncached).map_err(|e| vec![e])?];
    files.push(written(
        made(crate::urls::REPORT_JSON, export::debrief_json(d)),
        with,
    ));
    files.extend(copies_of_theme(with));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Made { files, shared })
}

/// The machine-readable files: report.json and its files of notes' texts, the workbook, the
/// sitemap (for an absolute base URL, listing `pages`), the search index and matrix.csv.
fn exports(
    scored: &Scored<'_>,
    pages: &[OutputFile],
    with: &With<'_>,
) -> Result<Vec<OutputFile>, crate::diagnostic::Diagnostic> {
    let Scored {
        report,
        standings,
        analysis,
        changes,
    } = *scored;
    let unmade = with.exports_unmade;
    // For `check`, the names alone: pages link to them, and that is what it checks.
    let make = |f: &dyn Fn() -> Vec<u8>| if unmade { Vec::new() } else { f() };
    // The workbook, the slowest of them, is made beside the others.
    let (workbook, mut files) = rayon::join(
        || match unmade {
            true => Ok(Vec::new()),
            false => crate::workbook::workbook(report, standings),
        },
        || {
            let mut files = vec![made(
                crate::urls::REPORT_JSON,
                make(&|| export::report_json(report, standings, analysis, changes)),
            )];
            // For `check`, none: no page links to them.
            if !unmade {
                files.extend(
                    export::note_texts(report, with.cache)
                        .into_iter()
                        .map(|(path, bytes)| shared_file(path, bytes)),
                );
            }
            // For `check`, the names alone: the search page loads them.
            if unmade {
                files.extend(
                    export::search_files(report)
                        .iter()
                        .map(|path| made(path, Vec::new())),
                );
            } else {
                files.extend(
                    export::search_index(report, with.cache)
                        .into_iter()
                        .map(|(path, bytes)| shared_file(path, bytes)),
                );
            }
            files.push(made(
                crate::urls::MATRIX,
                make(&|| export::matrix_csv(report, standings, analysis)),
            ));
            files
        },
    );
    let workbook = workbook.map_err(|e| {
        crate::diagnostic::Diagnostic::about_file(
            "content/report.yaml",
            format!("cannot write report.xlsx: {e}"),
        )
        .with_hint("a spreadsheet holds at most 1,048,576 rows and 16,384 columns")
    })?;
    files.push(made(crate::urls::WORKBOOK, workbook));
    if let Some(base) = view::absolute_base(&report.base_url) {
        // The sitemap lists pages only.
        let paths: Vec<&str> = pages.iter().map(|f| f.path.as_str()).collect();
        files.push(made(crate::urls::SITEMAP, export::sitemap(base, &paths)));
    }
    Ok(files)
}

/// An export file whose bytes a session's cache may hold too.
fn shared_file(path: String, bytes: std::sync::Arc<Vec<u8>>) -> OutputFile {
    OutputFile {
        path,
        body: Body::Bytes(bytes),
        template: None,
    }
}

fn made(path: &str, bytes: Vec<u8>) -> OutputFile {
    shared_file(path.into(), std::sync::Arc::new(bytes))
}

/// The theme's static files and the content's assets, as they are.
fn copies(report: &Report, with: &With<'_>) -> Vec<OutputFile> {
    let assets = report.assets.iter().map(|asset| OutputFile {
        path: asset.clone(),
        body: Body::Copy(with.content_dir.join(asset)),
        template: None,
    });
    copies_of_theme(with).into_iter().chain(assets).collect()
}

/// The theme's static files, as they are.
fn copies_of_theme(with: &With<'_>) -> Vec<OutputFile> {
    with.theme
        .static_files
        .iter()
        .map(|(path, bytes)| OutputFile {
            path: format!("static/{path}"),
            body: Body::bytes(bytes.clone()),
            template: None,
        })
        .collect()
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
        "panel.html" => "panel",
        "debrief.html" => "debrief",
        _ => "overview",
    }
}
