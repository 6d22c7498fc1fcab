//! The book: every lesson has a chapter, and every include resolves.

use course_tests::{check_include, files_below, includes, root, summary_links, written_lessons};

fn book_src() -> std::path::PathBuf {
    root().join("book/src")
}

#[test]
fn every_chapter_in_the_summary_exists() {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    assert!(!links.is_empty());
    for link in links {
        assert!(
            book_src().join(&link).is_file(),
            "SUMMARY.md links to missing {link}"
        );
    }
}

#[test]
fn every_lesson_has_a_chapter_that_includes_its_code_and_output() {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    for name in written_lessons() {
        let chapter = format!("lessons/{name}.md");
        assert!(
            links.contains(&chapter),
            "SUMMARY.md does not list {chapter}"
        );
        let text = std::fs::read_to_string(book_src().join(&chapter)).expect("chapter");
        let paths: Vec<String> = includes(&text).into_iter().map(|i| i.path).collect();
        let code = format!("lessons/{name}/src/");
        let golden = format!("lessons/{name}/golden/");
        assert!(
            paths.iter().any(|p| p.contains(&code)),
            "{chapter} includes none of the lesson's code"
        );
        assert!(
            paths.iter().any(|p| p.contains(&golden)),
            "{chapter} includes none of the lesson's golden output"
        );
    }
}

#[test]
fn every_include_and_anchor_resolves() {
    let mut problems = Vec::new();
    let chapters = files_below(&book_src(), ".md");
    for chapter in &chapters {
        let text = std::fs::read_to_string(chapter).expect("chapter");
        for include in includes(&text) {
            if let Err(problem) = check_include(chapter, &include) {
                problems.push(problem);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "unresolved includes:\n{}",
        problems.join("\n")
    );
}
