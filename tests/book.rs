//! The book: every lesson has a chapter, and every include resolves.

use course_tests::{
    check_include, files_below, includes, root, summary_links, written_lessons,
};

fn book_src() -> std::path::PathBuf {
    root().join("book/src")
}

#[test]
fn every_chapter_in_the_summary_exists() {
    let summary =
        std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    assert!(!links.is_empty());
    for link in links {
        assert!(
            book_src().join(&link).is_file(),
            "SUMMARY.md links to missing {link}"
        );
    }
}

/// A lesson's pages: its overview `lessons/<name>.md` and the sub-pages in
/// `lessons/<name>/`, as the book lists them.
fn pages_of(lesson: &str, links: &[String]) -> Vec<String> {
    let below = format!("lessons/{lesson}/");
    links
        .iter()
        .filter(|link| {
            **link == format!("lessons/{lesson}.md") || link.starts_with(&below)
        })
        .cloned()
        .collect()
}

#[test]
fn every_lesson_has_pages_that_include_its_code_and_recorded_output() {
    let summary =
        std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    for name in written_lessons() {
        let overview = format!("lessons/{name}.md");
        assert!(
            links.contains(&overview),
            "SUMMARY.md does not list {overview}"
        );
        let mut paths = Vec::new();
        for page in pages_of(name, &links) {
            let text = std::fs::read_to_string(book_src().join(&page)).expect("page");
            paths.extend(includes(&text).into_iter().map(|i| (page.clone(), i.path)));
        }
        let code = format!("lessons/{name}/src/");
        let sample = format!("lessons/{name}/golden/");
        assert!(
            paths.iter().any(|(_, p)| p.contains(&code)),
            "the pages of lesson {name} include none of its code"
        );
        assert!(
            paths
                .iter()
                .any(|(_, p)| p.contains(&sample) && p.ends_with(".sample")),
            "the pages of lesson {name} include none of its recorded runs (golden/*.sample)"
        );
        // The book shows real runs; a golden, with its placeholders, is the
        // specification and belongs in the appendix on goldens.
        for (page, path) in &paths {
            assert!(
                !path.contains("/golden/") || path.ends_with(".sample"),
                "{page} includes the golden {path}: include the recorded run (.sample) instead"
            );
        }
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

/// The exercises' names of a lesson: one per reference solution.
fn exercises_of(lesson: &str) -> Vec<String> {
    let dir = root()
        .join("lessons")
        .join(lesson)
        .join("exercises/solutions");
    if !dir.is_dir() {
        return Vec::new();
    }
    files_below(&dir, ".rs")
        .iter()
        .map(|path| {
            path.file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn every_lesson_ends_with_its_exercises_and_every_solution_has_its_page() {
    let summary =
        std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    assert!(
        links.contains(&"how-to-take-this-course.md".to_owned()),
        "SUMMARY.md does not list the chapter on taking the course"
    );
    for lesson in written_lessons() {
        let names = exercises_of(lesson);
        assert!(!names.is_empty(), "lesson {lesson} has no exercises");
        let page = format!("lessons/{lesson}/exercises.md");
        assert_eq!(
            pages_of(lesson, &links).last(),
            Some(&page),
            "the last page of lesson {lesson} must be its exercises, {page}"
        );
        let exercises =
            std::fs::read_to_string(book_src().join(&page)).expect("exercises page");
        let solutions_page = format!("solutions/{lesson}.md");
        assert!(
            links.contains(&solutions_page),
            "SUMMARY.md does not list {solutions_page}"
        );
        let solutions = std::fs::read_to_string(book_src().join(&solutions_page))
            .expect("solutions page");
        for name in names {
            // A path the learner opens in their checkout, never a link that
            // would leave the book where it is served.
            let starter = format!("`lessons/{lesson}/exercises/{name}.rs`");
            assert!(
                exercises.contains(&starter),
                "{page} does not name its exercise {starter}"
            );
            assert!(
                exercises.contains(&format!("(../../{solutions_page}#")),
                "{page} does not link to the solutions of its exercises"
            );
            let include =
                format!("lessons/{lesson}/exercises/solutions/{name}.rs:solution}}}}");
            assert!(
                solutions.contains(&include),
                "{solutions_page} does not show the solution of {name}"
            );
        }
    }
}

/// The book links only to its own pages and to the web: a link to a file of
/// the checkout (`../../../lessons/...`) would climb out of the built book
/// and answer 404 where the book is served.
#[test]
fn no_link_leaves_the_book() {
    let link = regex::Regex::new(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)").expect("regex");
    let mut outside = Vec::new();
    for chapter in files_below(&book_src(), ".md") {
        let text = std::fs::read_to_string(&chapter).expect("chapter");
        for target in link.captures_iter(&text) {
            let target = &target[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let path = chapter.parent().expect("folder").join(target);
            let inside = path.canonicalize().is_ok_and(|path| {
                path.starts_with(book_src().canonicalize().expect("src"))
            });
            if !inside {
                outside.push(format!("{}: {target}", chapter.display()));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "links to files outside the book (name the path in `code` instead):\n{}",
        outside.join("\n")
    );
}
