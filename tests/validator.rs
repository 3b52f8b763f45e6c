//! Every generated page is valid HTML by a real validator: the Nu Html Checker (vnu.jar, from
//! the npm package `vnu-jar`, run with Java). `.ci/run` installs both; elsewhere the test skips
//! with a message when they are missing, and in CI (`CI` set) it fails.

mod common;

use std::path::PathBuf;

use common::Project;

pub fn vnu_jar() -> Option<PathBuf> {
    let jar = std::env::var_os("SHORTLIST_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from("/var/cache/shortlist/npm/node_modules/vnu-jar/build/dist/vnu.jar")
        });
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok();
    if jar.is_file() && java {
        return Some(jar);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the HTML validator is required in CI: `.ci/run` installs Java and vnu-jar"
    );
    eprintln!(
        "skipping HTML validation: no vnu.jar or Java (see .ci/run, or set SHORTLIST_VNU_JAR)"
    );
    None
}

#[test]
fn every_generated_page_is_valid_html() {
    let Some(jar) = vnu_jar() else { return };
    for project in [Project::example(), Project::fixture("hostile")] {
        project.build_ok();
        let out = std::process::Command::new("java")
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
