//! The conventions every lesson folder follows (see the curriculum).

use course_tests::{LESSONS, files_below, root};

fn lesson_dirs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("lessons"))
        .expect("lessons/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_lesson_folder_is_a_course_lesson_with_its_package_name() {
    for name in lesson_dirs() {
        assert!(
            LESSONS.contains(&name.as_str()),
            "lessons/{name} is not in the course"
        );
        let manifest = std::fs::read_to_string(
            root().join("lessons").join(&name).join("Cargo.toml"),
        )
        .unwrap_or_else(|e| panic!("lessons/{name}/Cargo.toml: {e}"));
        assert!(
            manifest.contains(&format!("name = \"lesson-{name}\"")),
            "lessons/{name} must be package lesson-{name}"
        );
    }
}

#[test]
fn every_lesson_has_code_goldens_and_a_golden_test_that_uses_each_golden() {
    for name in lesson_dirs() {
        let dir = root().join("lessons").join(&name);
        assert!(
            dir.join("src/main.rs").is_file(),
            "lessons/{name}/src/main.rs"
        );
        let names_python = files_below(&dir.join("src"), ".rs").iter().any(|file| {
            std::fs::read_to_string(file).is_ok_and(|code| code.contains("// Python:"))
        });
        assert!(
            names_python,
            "lessons/{name}/src names no Python call beside its Rust counterpart"
        );
        let test = std::fs::read_to_string(dir.join("tests/golden.rs"))
            .unwrap_or_else(|e| panic!("lessons/{name}/tests/golden.rs: {e}"));
        let goldens = files_below(&dir.join("golden"), ".stdout");
        assert!(
            !goldens.is_empty(),
            "lessons/{name}/golden has no .stdout files"
        );
        for golden in goldens {
            let variant = golden
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            assert!(
                test.contains(&format!("\"{variant}\"")),
                "lessons/{name}/golden/{variant}.stdout is checked by no test"
            );
        }
    }
}

/// The lessons in the order `text` first names each of them (by `pattern`,
/// with `{}` for the lesson's name).
fn order_in(text: &str, pattern: &str) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> = LESSONS
        .iter()
        .filter_map(|name| {
            text.find(&pattern.replace("{}", name))
                .map(|at| (at, *name))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, name)| name).collect()
}

/// One course order: `shared::course::LESSONS` (which `learn`, `tour` and
/// `check-exercises` follow), the book's chapters and the README's table.
#[test]
fn the_book_and_the_readme_follow_the_course_order() {
    let summary =
        std::fs::read_to_string(root().join("book/src/SUMMARY.md")).expect("SUMMARY.md");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table = &readme[readme
        .find("## The lessons")
        .expect("README: ## The lessons")..];
    assert_eq!(
        order_in(&summary, "](lessons/{}.md)"),
        LESSONS,
        "the chapters of SUMMARY.md are not in course order (shared/src/course.rs)"
    );
    assert_eq!(
        order_in(table, "`cargo run -p lesson-{}`"),
        LESSONS,
        "the lessons of README.md are not in course order (shared/src/course.rs)"
    );
}

#[test]
fn the_readme_lists_every_lesson_and_the_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    for name in lesson_dirs() {
        assert!(
            readme.contains(&format!("lesson-{name}")),
            "README.md does not list lesson-{name}"
        );
    }
    for command in [
        "cargo run -p lesson-",
        "cargo xtask ci",
        "cargo test --workspace",
    ] {
        assert!(
            readme.contains(command),
            "README.md does not show `{command}`"
        );
    }
}

#[test]
fn ci_runs_what_the_readme_promises() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.contains("cargo xtask ci"),
        ".ci/run must run `cargo xtask ci`"
    );
}
