//! Helpers for the checks that span the whole course.

use std::path::{Path, PathBuf};

use regex::Regex;

pub use shared::course::LESSONS;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_owned()
}

/// The lessons that exist so far, in course order.
pub fn written_lessons() -> Vec<&'static str> {
    LESSONS
        .into_iter()
        .filter(|name| root().join("lessons").join(name).is_dir())
        .collect()
}

/// Every file below `dir` whose name ends with `suffix`, sorted.
pub fn files_below(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// One `{{#include ...}}` (or `{{#rustdoc_include ...}}`) of a chapter.
#[derive(Debug, PartialEq, Eq)]
pub struct Include {
    pub path: String,
    /// The anchor name, if the include names one (not a line range).
    pub anchor: Option<String>,
}

/// The includes of a chapter, in order.
pub fn includes(markdown: &str) -> Vec<Include> {
    let pattern =
        Regex::new(r"\{\{#(?:rustdoc_)?include\s+([^}\s]+)\s*\}\}").expect("regex");
    pattern
        .captures_iter(markdown)
        .map(|c| {
            let target = &c[1];
            match target.split_once(':') {
                Some((path, rest))
                    if !rest.starts_with(|ch: char| ch.is_ascii_digit()) =>
                {
                    Include {
                        path: path.to_owned(),
                        anchor: Some(rest.to_owned()),
                    }
                }
                Some((path, _lines)) => Include {
                    path: path.to_owned(),
                    anchor: None,
                },
                None => Include {
                    path: target.to_owned(),
                    anchor: None,
                },
            }
        })
        .collect()
}

/// Why an include of `chapter` does not resolve, if it doesn't.
pub fn check_include(chapter: &Path, include: &Include) -> Result<(), String> {
    let target = chapter
        .parent()
        .expect("chapter folder")
        .join(&include.path);
    let text = std::fs::read_to_string(&target).map_err(|err| {
        format!("{} includes {}: {err}", chapter.display(), include.path)
    })?;
    if let Some(anchor) = &include.anchor {
        for marker in ["ANCHOR", "ANCHOR_END"] {
            let pattern =
                Regex::new(&format!(r"\b{marker}:\s*{}\b", regex::escape(anchor)))
                    .expect("regex");
            if !pattern.is_match(&text) {
                return Err(format!(
                    "{} includes {}:{anchor}, but that file has no `{marker}: {anchor}`",
                    chapter.display(),
                    include.path
                ));
            }
        }
    }
    Ok(())
}

/// The chapter files that SUMMARY.md links to, relative to book/src.
pub fn summary_links(summary: &str) -> Vec<String> {
    let pattern = Regex::new(r"\]\(([^)]+\.md)\)").expect("regex");
    pattern
        .captures_iter(summary)
        .map(|c| c[1].to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_parsed_with_anchors_and_line_ranges() {
        let chapter = "a {{#include ../x.rs:join}} b {{#include ../g.stdout}} \
                       c {{#rustdoc_include ../y.rs:10:20}}";
        assert_eq!(
            includes(chapter),
            vec![
                Include {
                    path: "../x.rs".into(),
                    anchor: Some("join".into())
                },
                Include {
                    path: "../g.stdout".into(),
                    anchor: None
                },
                Include {
                    path: "../y.rs".into(),
                    anchor: None
                },
            ]
        );
    }

    #[test]
    fn a_missing_file_or_anchor_is_reported() {
        let dir =
            std::env::temp_dir().join(format!("course-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("code.rs"),
            "// ANCHOR: here\nfn f() {}\n// ANCHOR_END: here\n",
        )
        .unwrap();
        let chapter = dir.join("chapter.md");
        let ok = |path: &str, anchor: Option<&str>| {
            check_include(
                &chapter,
                &Include {
                    path: path.into(),
                    anchor: anchor.map(Into::into),
                },
            )
        };
        let results = (
            ok("code.rs", Some("here")),
            ok("code.rs", Some("her")),
            ok("code.rs", Some("elsewhere")),
            ok("missing.rs", None),
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(results.0.is_ok());
        assert!(
            results.1.is_err(),
            "a prefix of an anchor is not the anchor"
        );
        assert!(results.2.is_err());
        assert!(results.3.is_err());
    }
}
