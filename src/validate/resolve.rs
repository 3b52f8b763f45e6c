//! Which content files become which pages: the map Markdown links are resolved against.

use std::collections::{BTreeMap, BTreeSet};

use crate::cache::{Cache, hash_of};
use crate::content::{Entry, Kind};
use crate::diagnostic::did_you_mean;
use crate::markdown::{Rendered, Resolver, Target};

use super::slug_of;

/// Every content file a link may name, with the site URL of its page (`None` for a draft
/// this build leaves out). Markdown is rendered through it, so that it can be cached: a
/// rendering depends on its source, its folder and this map, and nothing else.
pub struct SiteFiles<'c> {
    urls: BTreeMap<String, Option<String>>,
    /// Content paths of notes this audience may not see (confidential, in a shareable build).
    withheld: BTreeSet<String>,
    key: u64,
    cache: &'c Cache,
    limits: crate::model::Limits,
}

impl<'c> SiteFiles<'c> {
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
                Kind::Asset => Some(e.rel.clone()),
            };
            urls.insert(e.rel.clone(), url);
        }
        let key = hash_of((&urls, &withheld));
        SiteFiles {
            urls,
            withheld,
            key,
            cache,
            limits,
        }
    }

    /// The project's limits, as report.yaml sets them.
    pub fn limits(&self) -> crate::model::Limits {
        self.limits
    }

    /// Renders Markdown that lives in the content folder `base_dir`, reusing an earlier
    /// rendering of the same text when the site's files have not changed.
    pub fn render(&self, source: &str, base_dir: &str) -> Rendered {
        let key = hash_of((source, base_dir, self.key));
        self.cache
            .markdown(key, || crate::markdown::render(source, base_dir, self))
    }

    pub fn is_draft(&self, content_path: &str) -> bool {
        matches!(self.urls.get(content_path), Some(None))
    }

    /// The file a mistyped link most likely meant, written relative to `base_dir`.
    pub fn closest(&self, base_dir: &str, written: &str) -> Option<String> {
        let target = crate::urlpath::normalize(base_dir, written)?;
        let found = did_you_mean(&target, self.urls.keys().map(String::as_str))?;
        let depth = base_dir.split('/').filter(|p| !p.is_empty()).count();
        Some(format!("{}{found}", crate::urls::up(depth)))
    }
}

impl Resolver for SiteFiles<'_> {
    fn target_of(&self, content_path: &str) -> Target {
        if self.withheld.contains(content_path) {
            return Target::Withheld;
        }
        match self.urls.get(content_path) {
            Some(Some(url)) => Target::Page(url.clone()),
            _ => Target::Missing,
        }
    }
}
