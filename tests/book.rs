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
fn every_chapter_ends_with_its_exercises_and_every_solution_has_its_page() {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).expect("SUMMARY.md");
    let links = summary_links(&summary);
    assert!(
        links.contains(&"how-to-take-this-course.md".to_owned()),
        "SUMMARY.md does not list the chapter on taking the course"
    );
    for lesson in written_lessons() {
        let names = exercises_of(lesson);
        assert!(!names.is_empty(), "lesson {lesson} has no exercises");
        let chapter = std::fs::read_to_string(book_src().join(format!("lessons/{lesson}.md")))
            .expect("chapter");
        let section = chapter
            .rsplit_once("\n## Exercises\n")
            .unwrap_or_else(|| panic!("lessons/{lesson}.md has no `## Exercises` section"))
            .1;
        assert!(
            !section.contains("\n## "),
            "the exercises are not the last section of lessons/{lesson}.md"
        );
        let page = format!("solutions/{lesson}.md");
        assert!(links.contains(&page), "SUMMARY.md does not list {page}");
        let solutions = std::fs::read_to_string(book_src().join(&page)).expect("solutions page");
        for name in names {
            let starter = format!("(../../../lessons/{lesson}/exercises/{name}.rs)");
            assert!(
                section.contains(&starter),
                "lessons/{lesson}.md does not link to its exercise {name}.rs"
            );
            assert!(
                section.contains(&format!("(../{page}#")),
                "lessons/{lesson}.md does not link to the solutions of its exercises"
            );
            let include = format!("lessons/{lesson}/exercises/solutions/{name}.rs:solution}}}}");
            assert!(
                solutions.contains(&include),
                "{page} does not show the solution of {name}"
            );
        }
    }
}

/// Links from the book to files of the course (not to other chapters) point
/// at files that exist, so "open the exercise" never leads nowhere.
#[test]
fn every_link_to_a_course_file_resolves() {
    let link = regex::Regex::new(r"\]\((\.\./[^)#\s]+)\)").expect("regex");
    let mut broken = Vec::new();
    for chapter in files_below(&book_src(), ".md") {
        let text = std::fs::read_to_string(&chapter).expect("chapter");
        for target in link.captures_iter(&text) {
            let target = &target[1];
            if target.ends_with(".md") || target.ends_with(".html") {
                continue;
            }
            let path = chapter.parent().expect("folder").join(target);
            if !path.exists() {
                broken.push(format!("{}: {target}", chapter.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}
