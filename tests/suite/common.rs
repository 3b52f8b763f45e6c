//! Helpers for the integration tests: fixture projects copied to a temporary folder, the real
//! binary run on them, and readers for the site it writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;
use walkdir::WalkDir;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A report project in a temporary folder.
pub struct Project {
    pub dir: TempDir,
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Project {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &manifest_dir().join("tests/fixtures").join(name),
            dir.path(),
        );
        Project { dir }
    }

    /// A copy of the example report in `content/`, without `themes/`: the embedded theme serves.
    pub fn example() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&manifest_dir().join("content"), &dir.path().join("content"));
        Project { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Replaces `from` with `to` in a file, failing if `from` is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// `shortlist SUBCOMMAND --root ROOT ARGS...`
    pub fn cmd(&self, subcommand: &str, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("shortlist").unwrap();
        c.arg(subcommand)
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env("NO_COLOR", "1");
        c
    }

    /// Runs a build and returns (exit code, stdout, stderr).
    pub fn run(&self, subcommand: &str, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(subcommand, args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn build_ok(&self) {
        let (code, out, err) = self.run("build", &[]);
        assert_eq!(code, 0, "build failed\nstdout: {out}\nstderr: {err}");
    }

    /// Runs a build that must fail with exit 1, and returns its stderr.
    pub fn build_err(&self) -> String {
        let (code, out, err) = self.run("build", &[]);
        assert_eq!(code, 1, "expected exit 1\nstdout: {out}\nstderr: {err}");
        err
    }
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub use shortlist::urlpath::is_external;

/// The values of every `href` and `src` attribute in `html`, as the link check reads them.
pub fn links(html: &str) -> Vec<String> {
    shortlist::linkcheck::links(html)
        .into_iter()
        .map(|(_, link)| link)
        .collect()
}

/// Checks that every internal link of every page resolves to a file; returns the broken ones.
pub fn broken_links(site: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for (rel, bytes) in tree(site) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let page_dir = Path::new(&rel).parent().unwrap().to_path_buf();
        for link in links(&html) {
            if is_external(&link) || link.starts_with('#') || link.is_empty() {
                continue;
            }
            if link.starts_with('/') {
                broken.push(format!("{rel}: absolute link {link}"));
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap();
            let target = site.join(&page_dir).join(path);
            if !target.is_file() {
                broken.push(format!("{rel}: {link}"));
            }
        }
    }
    broken
}

/// Waits until `check` holds, polling, and fails the test with `what` after `secs` seconds.
/// The deadline only bounds a wait; it never decides a result.
pub fn wait_until(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {secs} s waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// A running `shortlist` process whose output is collected as it comes; killed on drop.
pub struct Running {
    pub child: std::process::Child,
    pub stdout: std::sync::Arc<std::sync::Mutex<String>>,
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Running {
    pub fn start(project: &Project, subcommand: &str, args: &[&str]) -> Self {
        Running::start_with(project, subcommand, args, &[])
    }

    /// [`Running::start`], with more environment variables.
    pub fn start_with(
        project: &Project,
        subcommand: &str,
        args: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Self {
        use std::io::Read;
        use std::process::Stdio;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shortlist"))
            .arg(subcommand)
            .arg("--root")
            .arg(project.root())
            .args(args)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let collect = |mut pipe: Box<dyn Read + Send>| {
            let buf = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
            let out = buf.clone();
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    out.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&chunk[..n]));
                }
            });
            buf
        };
        let stdout = collect(Box::new(child.stdout.take().unwrap()));
        let stderr = collect(Box::new(child.stderr.take().unwrap()));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the exit status.
    #[cfg(unix)]
    pub fn interrupt(&mut self) -> Option<i32> {
        let _ = std::process::Command::new("kill")
            .arg("-INT")
            .arg(self.child.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the process did not stop after Ctrl-C"
            );
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
    }
}

impl Drop for Running {
    /// Stops the process as a user would, with Ctrl-C, so that it cleans up after itself (serve
    /// removes its temporary folder); only one that has not stopped 10 s later is killed.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            #[cfg(unix)]
            let _ = std::process::Command::new("kill")
                .arg("-INT")
                .arg(self.child.id().to_string())
                .status();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A program named by the environment variable `env`, or found by one of `names` on `PATH` (and
/// in the `sbin` folders, where Debian puts nginx).
pub fn find_tool(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from));
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Says that the running test did not run, what it lacked and how to get it, on a line the
/// test harness does not capture (it writes to stderr directly, not through `eprintln!`), so
/// that a skip never passes for a pass. In CI (`CI` set) a missing tool fails the test instead.
pub fn skipped(missing: &str, how: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    assert!(
        std::env::var_os("CI").is_none(),
        "{test} needs {missing} in CI: {how}"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {missing} not found; {how}"
    );
}

/// A plain HTTP/1.1 exchange over a socket, so that paths go to the server exactly as written.
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

pub fn http(addr: &str, method: &str, path: &str) -> Reply {
    http_with(addr, method, path, &format!("Host: {addr}\r\n"))
}

/// [`http`] with the request's headers as given (`Name: value\r\n` each).
pub fn http_with(addr: &str, method: &str, path: &str, headers: &str) -> Reply {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    }
}

/// The resident memory of process `pid`, in KiB (Linux).
#[cfg(target_os = "linux")]
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        .unwrap()
}

/// No build is left half-done: the staging folder inside `output/` is gone, and nothing was
/// staged beside it.
pub fn assert_staging_is_clean(p: &Project) {
    assert!(!p.path("output/.shortlist-staging").exists());
    assert!(!p.path(".output.staging").exists());
}

/// A seeded splitmix64 generator: each call gives a number below `below`, the same sequence
/// every run.
pub fn seeded(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |below: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

/// The example's model as the library makes it, with the weights `weights` (in criterion
/// order) and ranked: (slug, weighted score, verdict class) in rank order.
pub fn ranked_with_weights(
    report: &shortlist::model::Report,
    weights: &[f64],
) -> Vec<(String, Option<f64>, &'static str)> {
    let mut report = report.clone();
    for (c, w) in report.criteria.iter_mut().zip(weights) {
        c.weight = *w;
    }
    shortlist::score::rank(&report)
        .iter()
        .map(|st| (st.slug.clone(), st.weighted_score, st.verdict().class()))
        .collect()
}
