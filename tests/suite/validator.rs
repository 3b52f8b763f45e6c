//! Every generated page is valid HTML by a real validator: the Nu Html Checker (vnu.jar, from
//! the npm package `vnu-jar`, run with Java). `.ci/run` installs both; elsewhere the test skips
//! with a message when they are missing, and in CI (`CI` set) it fails.

use std::path::PathBuf;

use crate::common::Project;

/// Java and the validator's jar, or `None` (the test is skipped) when either is missing.
pub fn vnu() -> Option<(PathBuf, PathBuf)> {
    let jar = std::env::var_os("SHORTLIST_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from("/var/cache/shortlist/npm/node_modules/vnu-jar/build/dist/vnu.jar")
        });
    let java = crate::common::find_tool("SHORTLIST_JAVA", &["java"]);
    match (java.is_some(), jar.is_file()) {
        (true, true) => return java.map(|java| (java, jar)),
        (false, _) => crate::common::skipped(
            "Java",
            "install Debian's `default-jre-headless`, or set SHORTLIST_JAVA",
        ),
        (true, false) => crate::common::skipped(
            &format!("vnu.jar (`{}`)", jar.display()),
            "`npm install vnu-jar` as `.ci/run` does, and set SHORTLIST_VNU_JAR to its vnu.jar",
        ),
    }
    None
}

#[test]
fn every_generated_page_is_valid_html() {
    let Some((java, jar)) = vnu() else { return };
    for project in [Project::example(), Project::fixture("hostile")] {
        project.build_ok();
        let out = std::process::Command::new(&java)
            .arg("-jar")
            .arg(&jar)
            .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
            .arg(project.path("output"))
            .output()
            .unwrap();
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && report.trim().is_empty(),
            "invalid HTML:\n{report}"
        );
    }
}
