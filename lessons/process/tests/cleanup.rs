//! lesson-process cleans up after itself: no child, zombie or orphan is left
//! behind by the full run or by any variant that starts processes.
//!
//! A test binary of its own: each check reaps every child of the test process.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-process")
}

#[test]
fn the_full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

/// Every variant that starts a process (all but `serial`). For
/// parent-ends-first this checks that the orphan was reaped by the lesson
/// (its subreaper): otherwise it would be handed to the test, also a
/// subreaper, and found here.
#[test]
fn each_variant_that_starts_processes_leaves_nothing() {
    for variant in [
        "thread-and-process",
        "two-processes",
        "run-proc",
        "pid-and-ppid",
        "hello",
        "name-and-kwargs",
        "join-timeout",
        "join-self",
        "parent-ends-first",
        "info",
        "subclass",
        "global-not-shared",
        "exit-codes",
        "startup-cost",
    ] {
        lesson().check_leaves_nothing(&[variant]);
    }
}
