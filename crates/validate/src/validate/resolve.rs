//! Which content files become which pages: the map Markdown links are resolved against.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::cache::{Cache, hash_of};
use crate::content::{Entry, Kind};
use crate::diagnostic::did_you_mean;
use crate::markdown::{Rendered, Resolver, Target};

use super::slug_of;

/// Every content file a link may name, with the site URL of its page (`None` for a draft
/// this build leaves out). Markdown is rendered through it, so that it can be cached: a
/// rendering depends on its source, its folder and this map, and nothing else.
pub struct SiteFiles<'c> {
    index: Arc<SiteIndex>,
    cache: &'c Cache,
}

/// What [`SiteFiles`] resolves against, kept with the model ([`crate::model::Report`]) so that
/// a session can render one note's edited text against the same map without walking and
/// validating the whole project again.
#[derive(Debug, Default)]
pub struct SiteIndex {
    urls: BTreeMap<String, Option<String>>,
    /// Content paths of notes this audience may not see (confidential, in a shareable build).
    withheld: BTreeSet<String>,
    key: u64,
    limits: crate::model::Limits,
}

impl<'c> SiteFiles<'c> {
    /// The files of the site Markdown links may point to: every content file's page, drafts marked as such, and the notes this audience may not see (`withheld`).
    pub fn new(
        entries: &[Entry],
        drafts: &BTreeSet<String>,
        withheld: BTreeSet<String>,
        cache: &'c Cache,
        limits: crate::model::Limits,
    ) -> Self {
        let mut urls = BTreeMap::new();
        for e in entries {
            let url = match e.kind {
                Kind::Report => Some(crate::urls::HOME.to_string()),
                Kind::Vendor => Some(crate::urls::vendor(&slug_of(e))),
                Kind::Note => {
                    let slug = slug_of(e);
                    (!drafts.contains(&slug)).then(|| crate::urls::note(&slug))
                }
                // An evaluator's scores show on the panel page.
                Kind::Scores => Some(crate::urls::section("panel")),
                Kind::Asset => Some(e.rel.clone()),
            };
            urls.insert(e.rel.clone(), url);
        }
        let key = hash_of((&urls, &withheld));
        SiteFiles {
            index: Arc::new(SiteIndex {
                urls,
                withheld,
                key,
                limits,
            }),
            cache,
        }
    }

    /// Files resolved against the map of an earlier build.
    pub fn again(index: Arc<SiteIndex>, cache: &'c Cache) -> Self {
        SiteFiles { index, cache }
    }

    /// The map, to keep.
    pub fn index(&self) -> Arc<SiteIndex> {
        Arc::clone(&self.index)
    }

    /// A hash of the map: what a rendering made against it depends on.
    pub fn key(&self) -> u64 {
        self.index.key
    }

    /// The project's limits, as report.yaml sets them.
    pub fn limits(&self) -> crate::model::Limits {
        self.index.limits
    }

    /// Renders Markdown that lives in the content folder `base_dir`, reusing an earlier
    /// rendering of the same text when the site's files have not changed.
    pub fn render(&self, source: &str, base_dir: &str) -> Rendered {
        // XXH3 over the text: SipHash over every note's text is tens of milliseconds a build.
        let key = hash_of((crate::cache::hash_texts([source, base_dir]), self.index.key));
        self.cache
            .markdown(key, || crate::markdown::render(source, base_dir, self))
    }

    /// Whether the content file at `content_path` is a draft left out of this build.
    pub fn is_draft(&self, content_path: &str) -> bool {
        matches!(self.index.urls.get(content_path), Some(None))
    }

    /// The file a mistyped link most likely meant, written relative to `base_dir`.
    pub fn closest(&self, base_dir: &str, written: &str) -> Option<String> {
        let target = crate::urlpath::normalize(base_dir, written)?;
        let found = did_you_mean(&target, self.index.urls.keys().map(String::as_str))?;
        let depth = base_dir.split('/').filter(|p| !p.is_empty()).count();
        Some(format!("{}{found}", crate::urls::up(depth)))
    }
}

impl Resolver for SiteFiles<'_> {
    fn target_of(&self, content_path: &str) -> Target {
        if self.index.withheld.contains(content_path) {
            return Target::Withheld;
        }
        match self.index.urls.get(content_path) {
            Some(Some(url)) => Target::Page(url.clone()),
            _ => Target::Missing,
        }
    }

    fn max_html_bytes(&self) -> usize {
        usize::try_from(self.index.limits.rendered_mib << 20).unwrap_or(usize::MAX)
    }
}
