//! Markdown to safe HTML.
//!
//! pulldown-cmark parses (tables, footnotes, strikethrough, task lists, heading attributes);
//! this module gives headings stable ids, rewrites links to content files (`../vendors/acme.yaml`)
//! into links to their pages, and runs the result through ammonia so raw HTML cannot carry
//! script. Links come out relative to the site root behind [`ROOT`]; the renderer replaces
//! that marker with the page's own way back to the root (`../../`), so one rendering serves
//! pages at any depth. Whether a link target exists is for the caller's resolver to say.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use crate::urlpath;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Marks the site root inside rendered HTML; replaced per page by the renderer.
pub const ROOT: &str = "%ROOT%/";

/// `html` with every [`ROOT`] marker replaced by `root` (the page's way back to the site
/// root), found with `memchr`'s vectorised search: every page and every piece of rich text in
/// report.json goes through here. Borrowed when there is no marker.
pub fn with_root<'h>(html: &'h str, root: &str) -> std::borrow::Cow<'h, str> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(ROOT));
    let mut found = FINDER.find_iter(html.as_bytes()).peekable();
    if found.peek().is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + root.len() * 8);
    let mut last = 0;
    for at in found {
        // `ROOT` is ASCII: where it starts and ends are character boundaries.
        out.push_str(&html[last..at]);
        out.push_str(root);
        last = at + ROOT.len();
    }
    out.push_str(&html[last..]);
    std::borrow::Cow::Owned(out)
}

pub use crate::model::{Heading, MAX_NESTING};

/// A link or image in the Markdown that points at a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLink {
    /// The destination as written.
    pub written: String,
    /// Byte offset of the link in the Markdown source.
    pub offset: usize,
    /// Whether the resolver found the file.
    pub found: bool,
    /// The file it names, relative to `content/`, unless it leads outside.
    pub target: Option<String>,
}

/// The texts are shared (`Arc<str>`): a rendering kept by the cache is handed to each build,
/// and on to the model, without being copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The Markdown it was made from.
    pub source: Arc<str>,
    pub html: Arc<str>,
    pub headings: Vec<Heading>,
    pub links: Vec<ContentLink>,
    /// Every content file the text links to or shows (Markdown and raw HTML alike), as a path
    /// relative to `content/`, sorted.
    pub targets: Vec<String>,
    /// How deep elements nest in the HTML; past [`MAX_NESTING`] the text is not shown and the
    /// caller reports an error.
    pub depth: usize,
    /// How many bytes of HTML the Markdown made (before sanitizing); past the resolver's
    /// [`Resolver::max_html_bytes`] the text is not shown and the caller reports an error.
    pub html_bytes: usize,
    /// The plain text of the HTML, for exports and the search index: made once, with it.
    pub text: Arc<str>,
}

impl Rendered {
    /// The model's rich text.
    pub fn into_rich(self) -> crate::model::Rich {
        crate::model::Rich {
            source: self.source,
            html: self.html,
            headings: self.headings,
            links: self.targets,
            text: self.text,
        }
    }
}

/// What a link to a content file becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page or file of the site, at this site-root-relative URL.
    Page(String),
    /// A file this audience may not see: the link text stays, the link goes.
    Withheld,
    /// No such file (or one this build leaves out): an error for the caller to report.
    Missing,
}

/// Where relative links in a piece of Markdown point from, and how to find their pages.
pub trait Resolver {
    /// What the content file at `content_path` (relative to `content/`, already normalised)
    /// becomes on the site.
    fn target_of(&self, content_path: &str) -> Target;

    /// The most HTML a piece of Markdown may make: past it, it is not sanitized (the
    /// sanitizer's tree of a 7.6 MB table took gigabytes) nor shown.
    fn max_html_bytes(&self) -> usize {
        usize::MAX
    }
}

/// Stands in for the address of a withheld link until the link is taken out.
const WITHHELD: &str = "%WITHHELD%";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `source`, a piece of Markdown that lives in the content folder `base_dir`
/// (`notes/brightpath`, `vendors`, or empty for `content/` itself).
pub fn render(source: &str, base_dir: &str, resolver: &dyn Resolver) -> Rendered {
    let mut links = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        let event = map_link(
            neutralise_root(event),
            |dest| rewrite(dest, base_dir, range.start, resolver, &mut links),
            |title| title,
        );
        events.push(event);
    }
    drop_withheld_links(&mut events);
    let headings = assign_heading_ids(&mut events);
    let mut raw_html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    let mut targets: Vec<String> = links.iter().filter_map(|l| l.target.clone()).collect();
    let depth = nesting_depth(&raw_html);
    let html_bytes = raw_html.len();
    let html = if depth > MAX_NESTING {
        "<p>(This text nests too deeply to be shown.)</p>".to_string()
    } else if html_bytes > resolver.max_html_bytes() {
        "<p>(This text is too large to be shown.)</p>".to_string()
    } else {
        check_raw_links(sanitize(&raw_html), base_dir, resolver, &mut targets)
    };
    targets.sort();
    targets.dedup();
    Rendered {
        source: source.into(),
        text: text_of(&html).into(),
        html: html.into(),
        headings,
        links,
        targets,
        depth,
        html_bytes,
    }
}

/// How deep the elements of `html` (before sanitizing) nest, counted in one pass: elements
/// that never hold others or whose end tag may be left out (`<br>`, `<p>`, `<li>`) do not count.
fn nesting_depth(html: &str) -> usize {
    const FLAT: [&str; 27] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
        "tbody", "tfoot", "colgroup", "caption",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !rest[..rest.find('>').unwrap_or(rest.len())].ends_with('/') {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Keeps text that happens to spell [`ROOT`] from being taken for it: a word joiner (U+2060,
/// invisible) goes inside it.
fn neutralise_root(event: Event<'_>) -> Event<'_> {
    fn fix(s: CowStr<'_>) -> CowStr<'_> {
        const SPELLED: &str = "%ROOT%";
        if s.contains(SPELLED) {
            s.replace(SPELLED, "%ROOT\u{2060}%").into()
        } else {
            s
        }
    }
    match event {
        Event::Text(t) => Event::Text(fix(t)),
        Event::Code(t) => Event::Code(fix(t)),
        Event::Html(t) => Event::Html(fix(t)),
        Event::InlineHtml(t) => Event::InlineHtml(fix(t)),
        other => map_link(other, fix, fix),
    }
}

/// Applies `dest` to the address and `title` to the title of a link or an image.
fn map_link<'a>(
    event: Event<'a>,
    dest: impl FnOnce(CowStr<'a>) -> CowStr<'a>,
    title: impl FnOnce(CowStr<'a>) -> CowStr<'a>,
) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title: t,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: dest(dest_url),
            title: title(t),
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title: t,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: dest(dest_url),
            title: title(t),
            id,
        }),
        other => other,
    }
}

/// Looks at the addresses in raw HTML (`href`, `src`, `cite`) in sanitized `html` (Markdown
/// links are already rewritten): a tag that names a file this audience may not see loses that
/// attribute and its `title`, and every content file named is added to `targets`. Sanitized
/// HTML is regular enough to scan: every attribute value is double-quoted, with `"` escaped
/// inside, and `<` in text is escaped.
fn check_raw_links(
    html: String,
    base_dir: &str,
    resolver: &dyn Resolver,
    targets: &mut Vec<String>,
) -> String {
    if !URL_ATTRIBUTES
        .iter()
        .any(|a| html.contains(&format!(" {a}=\"")))
    {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag_len = shortlist_model::html::tag_end(&rest[start..]);
        let tag = &rest[start..start + tag_len];
        out.push_str(&check_tag(tag, base_dir, resolver, targets));
        rest = &rest[start + tag_len..];
    }
    out.push_str(rest);
    out
}

/// The attributes whose value is an address, among those the sanitizer lets through.
const URL_ATTRIBUTES: [&str; 3] = ["href", "src", "cite"];

/// The content file an attribute's address names, as a browser reads the address: tabs and
/// newlines anywhere in it are dropped and spaces around it trimmed (the URL standard).
fn named_file(value: &str, base_dir: &str) -> Option<String> {
    let decoded = value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
        .replace(['\t', '\n', '\r'], "");
    let decoded = decoded.trim_matches(|c: char| c <= ' ');
    if decoded.starts_with(ROOT) || !is_relative_path(decoded) {
        return None;
    }
    let path = decoded.split(['#', '?']).next().unwrap_or_default();
    let path = urlpath::percent_decode(path).unwrap_or_else(|| path.to_string());
    urlpath::normalize(base_dir, &path)
}

fn check_tag(
    tag: &str,
    base_dir: &str,
    resolver: &dyn Resolver,
    targets: &mut Vec<String>,
) -> String {
    let attributes = shortlist_model::html::attributes(tag);
    let mut dropped = Vec::new();
    for (span, name, value) in &attributes {
        if !URL_ATTRIBUTES.contains(name) {
            continue;
        }
        let Some(file) = named_file(value, base_dir) else {
            continue;
        };
        match resolver.target_of(&file) {
            Target::Withheld => dropped.push(span.clone()),
            Target::Page(_) => targets.push(file),
            Target::Missing => {}
        }
    }
    if dropped.is_empty() {
        return tag.to_string();
    }
    // A title on a link to a withheld file may say what the file is: it goes too.
    dropped.extend(
        attributes
            .iter()
            .filter(|(_, name, _)| *name == "title")
            .map(|(span, _, _)| span.clone()),
    );
    let mut out = String::with_capacity(tag.len());
    let mut from = 0;
    dropped.sort_by_key(|r| r.start);
    for span in dropped {
        out.push_str(&tag[from..span.start]);
        from = span.end;
    }
    out.push_str(&tag[from..]);
    out
}

/// Takes out links to withheld files, keeping their text.
fn drop_withheld_links(events: &mut Vec<Event<'_>>) {
    let mut inside = false;
    events.retain(|e| match e {
        Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == WITHHELD => {
            inside = true;
            false
        }
        Event::End(TagEnd::Link) if inside => {
            inside = false;
            false
        }
        Event::Start(Tag::Image { dest_url, .. }) if dest_url.as_ref() == WITHHELD => false,
        _ => true,
    });
}

/// The text of sanitized HTML: tags dropped, the common entities decoded, spaces collapsed.
/// Made a run of bytes at a time (this is a fifth of a first build's own work otherwise): `<`
/// and `>` are ASCII, never part of another character, and most text is plain ASCII; a test
/// holds it to the same result as the version that took it a character at a time, in passes.
pub fn text_of(html: &str) -> String {
    // Every tag becomes a space; a `>` is dropped wherever it is.
    let bytes = html.as_bytes();
    let mut kept = Vec::with_capacity(bytes.len());
    let mut in_tag = false;
    let mut at = 0;
    while at < bytes.len() {
        let next = memchr::memchr2(b'<', b'>', &bytes[at..]).map(|i| at + i);
        let end = next.unwrap_or(bytes.len());
        if !in_tag {
            kept.extend_from_slice(&bytes[at..end]);
        }
        match next.map(|i| bytes[i]) {
            Some(b'<') => {
                in_tag = true;
                kept.push(b' ');
            }
            Some(_) => in_tag = false,
            None => {}
        }
        at = end + 1;
    }
    // Cut at ASCII bytes only, so still UTF-8.
    let text = String::from_utf8(kept).unwrap_or_default();
    // The five entities the HTML writer makes, decoded once each, and every run of white space
    // made one space, in one pass.
    const ENTITIES: [(&str, char); 5] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text.as_str();
    while !rest.is_empty() {
        // Plain ASCII that is neither white space (nor any control) nor an entity's start,
        // copied whole.
        let run = rest
            .bytes()
            .position(|b| b == b'&' || b <= b' ' || b >= 0x80)
            .unwrap_or(rest.len());
        if run > 0 {
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        let (c, len) = match c {
            '&' => ENTITIES
                .iter()
                .find(|(e, _)| rest.starts_with(e))
                .map_or(('&', 1), |(e, d)| (*d, e.len())),
            c => (c, c.len_utf8()),
        };
        rest = &rest[len..];
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Renders Markdown that has no links worth resolving (a one-line rationale in a test, say).
pub fn render_plain(source: &str) -> String {
    struct NoFiles;
    impl Resolver for NoFiles {
        fn target_of(&self, _: &str) -> Target {
            Target::Missing
        }
    }
    render(source, "", &NoFiles).html.to_string()
}

fn rewrite<'a>(
    dest: CowStr<'a>,
    base_dir: &str,
    offset: usize,
    resolver: &dyn Resolver,
    links: &mut Vec<ContentLink>,
) -> CowStr<'a> {
    if !is_relative_path(&dest) {
        return dest;
    }
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (&dest[..], ""),
    };
    let (path, query) = match path.find('?') {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    let decoded = urlpath::percent_decode(path).unwrap_or_else(|| path.to_string());
    let Some(target) = urlpath::normalize(base_dir, &decoded) else {
        links.push(ContentLink {
            written: dest.to_string(),
            offset,
            found: false,
            target: None,
        });
        return dest;
    };
    let found = resolver.target_of(&target);
    links.push(ContentLink {
        written: dest.to_string(),
        offset,
        found: found != Target::Missing,
        target: matches!(found, Target::Page(_)).then_some(target),
    });
    match found {
        Target::Page(url) => format!("{ROOT}{url}{query}{fragment}").into(),
        Target::Withheld => WITHHELD.into(),
        Target::Missing => dest,
    }
}

/// A link to a file beside this one: no scheme, not absolute, not only a fragment.
fn is_relative_path(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with('\\')
        || urlpath::is_external(dest))
}

/// Gives every heading an id (its own `{#id}` or a slug of its text, with -1, -2 for repeats).
fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<Heading> {
    let mut used: HashSet<String> = HashSet::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| slugify(&text));
            let base = if base.is_empty() {
                "section".to_string()
            } else {
                base
            };
            // Each base remembers its next suffix, so a thousand equal headings take a thousand
            // steps, not half a million.
            let n = next.entry(base.clone()).or_insert(0);
            let unique = loop {
                let candidate = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(unique.clone().into());
            }
            headings.push(Heading {
                level,
                id: unique,
                text,
            });
            i = j;
        }
        i += 1;
    }
    headings
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Lowercase letters and digits, other runs turned into single hyphens.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if hyphen && !out.is_empty() {
                out.push('-');
            }
            hyphen = false;
            out.push(c);
        } else {
            hyphen = true;
        }
    }
    out
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        // No `rel` on every link: on an `<a>` whose unsafe `href` was removed it makes invalid
        // HTML, and links here never open new windows, which is what `noopener` guards.
        .link_rel(None);
    b
});

static OFF_SITE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class"])
        .rm_tags(["img"])
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(None);
    b
});

/// Sanitized `html` (rendered Markdown) for a page that stands alone, outside the site, as a
/// bidder's debrief does: links to the site's pages and files lose their address (their words
/// stay), images go, and ids go (they could clash with the page's own); web links stay.
pub fn without_site_links(html: &str) -> String {
    OFF_SITE.clean(html).to_string()
}

/// Removes everything from `html` that could run script or break out of the page, and gives
/// images from raw HTML without an `alt` an empty one, as valid HTML requires.
pub fn sanitize(html: &str) -> String {
    let clean = SANITIZER.clean(html).to_string();
    if !clean.contains("<img") {
        return clean;
    }
    let mut out = String::with_capacity(clean.len() + 16);
    let mut rest = clean.as_str();
    while let Some(i) = rest.find("<img") {
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        out.push_str(&rest[..i + 4]);
        if !rest[i..end].contains(" alt=\"") {
            out.push_str(" alt=\"\"");
        }
        rest = &rest[i + 4..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_outside_the_site_keeps_web_links_and_the_words_of_site_links() {
        let html = "<p id=\"x\"><a href=\"%ROOT%/vendors/acme/index.html\">Acme</a> and <a href=\"https://example.org/\">a site</a><img src=\"%ROOT%/assets/a.png\" alt=\"chart\"></p>";
        assert_eq!(
            without_site_links(html),
            "<p><a>Acme</a> and <a href=\"https://example.org/\">a site</a></p>"
        );
    }

    /// `text_of` as it was first written, pass after pass: the one-pass version must agree.
    fn text_of_by_passes(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    text.push(' ');
                }
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn the_root_marker_is_replaced_as_str_replace_does(
            html in "(%ROOT%/|%ROOT%|%ROOT|ROOT%/|%|/|é|a| ){0,30}",
            root in "(\\.\\./){0,3}",
        ) {
            proptest::prop_assert_eq!(with_root(&html, &root), html.replace(ROOT, &root));
        }

        #[test]
        fn plain_text_is_made_in_one_pass_as_in_five(
            html in "([<>&;# \t\n\u{b}\u{1}\u{85}\u{a0}\u{3000}a-z]|&lt;|&gt;|&quot;|&#39;|&amp;|é|北|<p>|</p>){0,40}"
        ) {
            proptest::prop_assert_eq!(text_of(&html), text_of_by_passes(&html));
        }
    }

    struct Files(&'static [(&'static str, &'static str)]);
    impl Resolver for Files {
        fn target_of(&self, p: &str) -> Target {
            match self.0.iter().find(|(k, _)| *k == p) {
                Some((_, "")) => Target::Withheld,
                Some((_, v)) => Target::Page(v.to_string()),
                None => Target::Missing,
            }
        }
    }
    const FILES: Files = Files(&[
        ("vendors/acme.yaml", "vendors/acme/index.html"),
        ("notes/calls/demo.md", "notes/demo/index.html"),
        ("notes/secret.md", ""),
    ]);

    #[test]
    fn content_links_become_page_links_behind_the_root_marker() {
        let r = render(
            "See [Acme](../../vendors/acme.yaml#risks) and [demo](demo.md).",
            "notes/calls",
            &FILES,
        );
        assert!(
            r.html
                .contains(r#"href="%ROOT%/vendors/acme/index.html#risks""#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"href="%ROOT%/notes/demo/index.html""#),
            "{}",
            r.html
        );
        assert!(r.links.iter().all(|l| l.found));
    }

    #[test]
    fn missing_content_files_are_reported_with_their_offset() {
        let src = "Intro.\n\nSee [gone](../vendors/gone.yaml).";
        let r = render(src, "notes", &FILES);
        assert_eq!(r.links.len(), 1);
        assert!(!r.links[0].found);
        assert_eq!(&src[r.links[0].offset..r.links[0].offset + 5], "[gone");
    }

    #[test]
    fn links_to_withheld_files_keep_their_text_only() {
        let r = render(
            "Before [the secret call](../secret.md) after.",
            "notes/calls",
            &FILES,
        );
        assert!(
            r.html.contains("Before the secret call after."),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("secret.md") && !r.html.contains("href"),
            "{}",
            r.html
        );
        assert!(r.links[0].found, "a withheld link is not an error");
    }

    #[test]
    fn raw_html_links_to_withheld_files_lose_their_address() {
        let r = render(
            "<a href=\"../secret.md#x\" title=\"a &quot;b&quot; > c\">the call</a> \
             <a href=\"../../vendors/acme.yaml\">Acme</a> <img src=\"chart.png\" alt=\"c\">",
            "notes/calls",
            &FILES,
        );
        assert!(!r.html.contains("secret"), "{}", r.html);
        assert!(
            r.html.contains("<a>the call</a>"),
            "the title goes too: {}",
            r.html
        );
        assert!(
            r.html.contains("href=\"../../vendors/acme.yaml\""),
            "{}",
            r.html
        );
        assert_eq!(r.targets, ["vendors/acme.yaml"]);
    }

    #[test]
    fn a_withheld_address_is_found_however_a_browser_would_read_it() {
        for raw in [
            "<a href=\"  ../secret.md  \">the call</a>",
            "<a href=\"\t../sec\nret.md\">the call</a>",
            "<a href=\"../secret.md\" title=\"Pricing call with Acme\">the call</a>",
            "<q cite=\"../secret.md\">we can do it for less</q>",
            "<blockquote cite=\" ../secret.md\">we can do it for less</blockquote>",
        ] {
            let r = render(raw, "notes/calls", &FILES);
            assert!(
                !r.html.contains("secret") && !r.html.contains("Pricing call"),
                "{raw} -> {}",
                r.html
            );
        }
        let kept = render("<q cite=\"../open.md\">yes</q>", "notes/calls", &FILES);
        assert!(kept.html.contains("cite="), "{}", kept.html);
    }

    #[test]
    fn text_that_spells_the_root_marker_is_not_taken_for_it() {
        let r = render(
            "Text %ROOT%/a, `%ROOT%/b`, <span>%ROOT%/c</span> [d](https://x.example/%ROOT%/d) \
             and [Acme](../../vendors/acme.yaml).",
            "notes/calls",
            &FILES,
        );
        assert_eq!(r.html.matches(ROOT).count(), 1, "{}", r.html);
        assert!(r.html.contains("href=\"%ROOT%/vendors/acme/index.html\""));
        assert_eq!(text_of(&r.html).matches("%ROOT\u{2060}%/").count(), 3);
    }

    #[test]
    fn deep_nesting_is_measured_and_not_sanitized() {
        assert_eq!(render_depth("> > > quote\n\n- a\n  - b\n"), 3);
        assert_eq!(
            render_depth("<div><div><br><img src=x></div></div><p>a<p>b"),
            2
        );
        let deep = render(&format!("{} x\n", ">".repeat(20_000)), "", &FILES);
        assert_eq!(deep.depth, 20_000);
        assert!(!deep.html.contains("blockquote"));
        let raw = render(&"<div>".repeat(600), "", &FILES);
        assert_eq!(raw.depth, 600);
    }

    fn render_depth(source: &str) -> usize {
        render(source, "", &FILES).depth
    }

    #[test]
    fn external_and_fragment_links_are_left_alone() {
        let r = render(
            "[a](https://x.example/) [b](#top) [c](mailto:a@b.example)",
            "notes",
            &FILES,
        );
        assert!(r.links.is_empty());
        assert!(r.html.contains("https://x.example/"));
    }

    #[test]
    fn images_from_raw_html_get_an_empty_alt_and_markdown_images_keep_theirs() {
        let html = render_plain("<img src=\"a.png\">\n\n![A chart](b.png)");
        assert!(html.contains(r#"<img alt="" src="a.png">"#), "{html}");
        assert!(
            html.contains(r#"alt="A chart""#) && !html.contains(r#"alt="" src="b.png""#),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_sanitized() {
        let html = render_plain(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = render(
            "# Risks\n\n## Risks\n\n## Cost & value {#money}\n",
            "",
            &FILES,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["risks", "risks-1", "money"]);
        assert!(r.html.contains(r#"<h2 id="risks-1">"#), "{}", r.html);
        let r = render("# A {#a-1}\n\n# A\n\n# A\n\n# A-1\n", "", &FILES);
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "a", "a-2", "a-1-1"]);
        let many = "## Same\n\n".repeat(3000);
        let r = render(&many, "", &FILES);
        let ids: HashSet<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), 3000);
        assert!(ids.contains("same-2999"));
    }

    #[test]
    fn extensions_are_on() {
        let html = render_plain(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nText[^1]\n\n[^1]: Note.\n",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("checkbox"), "{html}");
        assert!(html.contains("footnote"), "{html}");
    }
}
