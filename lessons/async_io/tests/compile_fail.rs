//! The lesson says that rustc refuses two mistakes of async code, and the
//! book shows its verdicts. This test keeps both true: trybuild compiles each
//! program in `compile_fail/` against the lesson's own tokio, checks that it
//! fails, and compares rustc's verdict with the `.stderr` file beside it.
//!
//! - `guard_across_await.rs`: a `std::sync::MutexGuard` held across an
//!   `.await` in a spawned task (the future is not `Send`).
//! - `never_awaited.rs`: a future that is never awaited (rustc's
//!   `unused_must_use` warning, denied so that it fails the build).
//!
//! The book shows each verdict as `<name>.page`: the `.stderr` with its long
//! notes wrapped to the page, which the test keeps in step. After a
//! change of compiler, `TRYBUILD=overwrite cargo test -p lesson-async_io
//! --test compile_fail` writes both; review them.

use shared::golden::BOOK_WIDTH as PAGE_WIDTH;

#[test]
fn rustc_refuses_what_the_lesson_says_it_refuses() {
    // trybuild runs the compiler when the value is dropped, and (with
    // TRYBUILD=overwrite) writes the verdicts the page check reads next.
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
    the_book_shows_each_verdict_whole_and_within_the_page();
}

fn the_book_shows_each_verdict_whole_and_within_the_page() {
    let folder = shared::golden::package_dir().join("tests/compile_fail");
    let overwrite = std::env::var_os("TRYBUILD").is_some_and(|v| v == "overwrite");
    for program in ["guard_across_await", "never_awaited"] {
        let verdict = std::fs::read_to_string(folder.join(format!("{program}.stderr")))
            .expect("trybuild's verdict file");
        let page = shared::golden::wrap_long_notes(&verdict, PAGE_WIDTH);
        let too_wide: Vec<&str> = page
            .lines()
            .filter(|line| line.chars().count() > PAGE_WIDTH)
            .collect();
        assert!(
            too_wide.is_empty(),
            "{program}: lines wider than the page: {too_wide:#?}"
        );
        let page_file = folder.join(format!("{program}.page"));
        if overwrite {
            std::fs::write(&page_file, &page).expect("write the page's verdict");
        }
        let shown = std::fs::read_to_string(&page_file).unwrap_or_default();
        assert!(
            shown == page,
            "{} is not {program}.stderr wrapped to the page: run \
             TRYBUILD=overwrite cargo test -p lesson-async_io --test compile_fail",
            page_file.display()
        );
    }
}
