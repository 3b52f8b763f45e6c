//! Watching the project and rebuilding on every change.
//!
//! A debounced notify watcher (notify-debouncer-full pairs renames and merges the bursts an
//! editor's save makes) watches the folders `content/` and `themes/`, never single files: after
//! a vim-style save a watch on the file itself goes deaf. Output folders, dot-files and editor
//! temp files are ignored. Each batch of relevant changes runs one [`Session::rebuild`]; what to
//! do with the result (print it, reload browsers) is the caller's, through a callback, so
//! `serve` is `watch` plus a server. A stop message (Ctrl-C) ends the loop between rebuilds,
//! never in the middle of one.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use anyhow::{Context, Result};
use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, NoCache, RecommendedCache, new_debouncer_opt,
};

use crate::Failure;
use crate::session::{Rebuilt, Session};

/// How long the debouncer waits for a burst of events to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// What the loop listens to: file system events, and the request to stop.
pub enum Message {
    /// A debounced batch of file system events.
    Fs(DebounceEventResult),
    /// Stop watching.
    Stop,
}

enum AnyDebouncer {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl AnyDebouncer {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            AnyDebouncer::Native(d) => d.watch(path, mode),
            AnyDebouncer::Poll(d) => d.watch(path, mode),
        }
    }
}

/// A watcher on one project, ready to run its loop.
pub struct Watcher {
    debouncer: AnyDebouncer,
    messages: Receiver<Message>,
    sender: Sender<Message>,
    root: PathBuf,
    ignored: Vec<PathBuf>,
    /// Files outside `content/` and `themes/` that the site is made from (the previous
    /// round's report.json), as their folder, resolved, and their name.
    followed: Vec<PathBuf>,
}

impl Watcher {
    /// Watches the project at `root`, ignoring everything under the `ignored` folders (the
    /// output folder and its staging folder). `poll` checks files every half second instead of
    /// relying on OS notifications, for network drives, WSL and some containers.
    pub fn new(root: &Path, ignored: Vec<PathBuf>, poll: bool) -> Result<Self> {
        let (sender, messages) = channel();
        let tx = sender.clone();
        let handler = move |r: DebounceEventResult| {
            let _ = tx.send(Message::Fs(r));
        };
        let mut debouncer = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            AnyDebouncer::Poll(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)?)
        } else {
            AnyDebouncer::Native(new_debouncer_opt(
                DEBOUNCE,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?)
        };
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        // The root itself, shallowly, so that `content/` or `themes/` created (or deleted and
        // created again) after we start are noticed and watched.
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("failed to watch `{}`", root.display()))?;
        let ignored = ignored
            .iter()
            .map(|p| {
                p.canonicalize()
                    .or_else(|_| std::path::absolute(p))
                    .unwrap_or_else(|_| p.clone())
            })
            .collect();
        let mut w = Watcher {
            debouncer,
            messages,
            sender,
            root,
            ignored,
            followed: Vec::new(),
        };
        w.watch_folders();
        Ok(w)
    }

    /// A sender that can stop the loop (from a Ctrl-C handler) or wake it.
    pub fn sender(&self) -> Sender<Message> {
        self.sender.clone()
    }

    fn watch_folders(&mut self) {
        for name in ["content", "themes"] {
            let dir = self.root.join(name);
            if dir.is_dir() {
                // Watching a folder twice is harmless; a failure here is reported by the next
                // rebuild (a missing content folder is an error with a hint).
                let _ = self.debouncer.watch(&dir, RecursiveMode::Recursive);
            }
        }
    }

    /// Also watches `file`, wherever it is: its folder, not the file itself (an editor that
    /// saves by renaming would leave a watch on the file deaf).
    fn follow(&mut self, file: Option<PathBuf>) {
        let Some(file) = file else { return };
        let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
            return;
        };
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let file = dir.join(name);
        if self.followed.contains(&file) {
            return;
        }
        if self
            .debouncer
            .watch(&dir, RecursiveMode::NonRecursive)
            .is_ok()
        {
            self.followed.push(file);
        }
    }

    /// The files a batch of events changed, that a rebuild must look at: reads (`Access`
    /// events) and files outside `content/` and `themes/` are not changes, unless followed.
    fn changed_files(&self, events: &[DebouncedEvent]) -> Vec<PathBuf> {
        events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter().cloned())
            .filter(|p| is_relevant(p, &self.root, &self.ignored) || self.followed.contains(p))
            .collect()
    }

    /// The watcher failed (usually a watched folder went away): says so through `on_trouble`
    /// and watches again what exists.
    fn recover(&mut self, errors: &[notify::Error], on_trouble: &mut impl FnMut(&str)) {
        for e in errors {
            on_trouble(&e.to_string());
        }
        self.watch_folders();
    }

    /// Runs the loop: rebuild on every relevant change, hand each result to `on_build` and
    /// each problem of the watcher itself to `on_trouble`, until a stop message arrives or the
    /// watcher dies.
    pub fn run(
        mut self,
        session: &mut Session,
        mut on_build: impl FnMut(&Result<Rebuilt, Failure>),
        mut on_trouble: impl FnMut(&str),
    ) -> Result<()> {
        self.follow(session.previous_file());
        while let Ok(message) = self.messages.recv() {
            let events = match message {
                Message::Stop => break,
                Message::Fs(Err(errors)) => {
                    self.recover(&errors, &mut on_trouble);
                    continue;
                }
                Message::Fs(Ok(events)) => events,
            };
            let mut changed = self.changed_files(&events);
            if changed.is_empty() {
                continue;
            }
            changed.sort();
            changed.dedup();
            if changed
                .iter()
                .any(|p| p.parent() == Some(self.root.as_path()))
            {
                self.watch_folders();
            }
            // Anything that arrived meanwhile is part of this rebuild too.
            let mut stop = false;
            while let Ok(more) = self.messages.try_recv() {
                match more {
                    Message::Stop => stop = true,
                    Message::Fs(Ok(ev)) => changed.extend(self.changed_files(&ev)),
                    Message::Fs(Err(errors)) => self.recover(&errors, &mut on_trouble),
                }
            }
            let result = session.rebuild(&changed);
            on_build(&result);
            self.follow(session.previous_file());
            if stop {
                break;
            }
        }
        Ok(())
    }
}

/// Whether a change at `path` can change the site: not in an ignored folder, not a dot-file,
/// not an editor's temporary or backup file.
pub fn is_relevant(path: &Path, root: &Path, ignored: &[PathBuf]) -> bool {
    if ignored.iter().any(|i| path.starts_with(i)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = parts.next() else {
        return false;
    };
    if first != "content" && first != "themes" {
        return false;
    }
    let rest: Vec<String> = parts.collect();
    if rest.iter().any(|p| p.starts_with('.')) {
        return false;
    }
    rest.last().is_none_or(|name| !is_editor_temp(name))
}

/// Editor droppings: vim swap and backup files and its `4913` probe, emacs lock and autosave
/// files, JetBrains safe-write files, Kate swap files, partial downloads.
pub fn is_editor_temp(name: &str) -> bool {
    const SUFFIXES: [&str; 11] = [
        "~",
        ".swp",
        ".swx",
        ".swo",
        ".tmp",
        ".bak",
        ".kate-swp",
        "___jb_tmp___",
        "___jb_old___",
        ".crdownload",
        ".part",
    ];
    name.starts_with('#')
        || name.starts_with(".#")
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || is_vim_probe(name)
}

/// Before saving, vim checks that it may create files in the folder with a file named 4913
/// (then 5036, 5159, ... while that name is taken). Other all-digit names, such as a
/// `notes/2026/` folder, are the user's.
fn is_vim_probe(name: &str) -> bool {
    name.parse::<u32>()
        .is_ok_and(|n| n >= 4913 && (n - 4913) % 123 == 0 && !name.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_recognised() {
        for name in [
            "note.md.swp",
            ".note.md.swx",
            "note.md~",
            "4913",
            "#note.md#",
            ".#note.md",
            "note.md___jb_tmp___",
            "a.kate-swp",
            "5159",
        ] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in ["5036", "4913"] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in [
            "note.md",
            "acme.yaml",
            "logo.png",
            "2026-10-14-call.md",
            "2026",
            "4914",
            "04913",
        ] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }

    #[test]
    fn only_content_and_themes_are_relevant() {
        let root = Path::new("/p");
        let ignored = vec![
            PathBuf::from("/p/output"),
            PathBuf::from("/p/.output.staging"),
        ];
        assert!(is_relevant(
            Path::new("/p/content/notes/a.md"),
            root,
            &ignored
        ));
        assert!(is_relevant(
            Path::new("/p/themes/default/templates/index.html"),
            root,
            &ignored
        ));
        assert!(
            is_relevant(Path::new("/p/content"), root, &ignored),
            "the folder itself, re-created"
        );
        assert!(!is_relevant(
            Path::new("/p/output/index.html"),
            root,
            &ignored
        ));
        assert!(!is_relevant(
            Path::new("/p/.output.staging/site/index.html"),
            root,
            &ignored
        ));
        assert!(!is_relevant(
            Path::new("/p/content/notes/.a.md.swp"),
            root,
            &ignored
        ));
        assert!(!is_relevant(
            Path::new("/p/content/.git/index"),
            root,
            &ignored
        ));
        assert!(!is_relevant(Path::new("/p/README.md"), root, &ignored));
    }
}
