//! lesson-queue cleans up after itself: no child, zombie or orphan, and no
//! one-shot server folder in TMPDIR, after a full run, after each variant
//! that starts processes, and after a Ctrl-C while its children are running.
//!
//! A test binary of its own: each check reaps every child of the test process.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-queue")
}

#[test]
fn the_full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

/// Every variant that starts processes (all but `squares` and `workers`).
#[test]
fn each_variant_that_starts_processes_leaves_nothing() {
    for variant in [
        "sum",
        "put-get",
        "terminate",
        "terminate-loses",
        "empty-race",
        "close",
    ] {
        lesson().check_leaves_nothing(&[variant]);
    }
}

/// Ctrl-C while the writer is putting (it pauses after each put) and the
/// reader is running: both children die at once, the parent reaps them and
/// only then dies of the SIGINT it held back.
#[test]
fn ctrl_c_while_writer_and_reader_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(
        &["terminate-loses"],
        "writer: Put B to queue...",
    );
}

/// Ctrl-C as early as possible: the writer's first line. The parent may still
/// be starting the reader, with a one-shot server's folder in TMPDIR.
#[test]
fn ctrl_c_while_starting_the_children_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["close"], "reader: pid");
}

/// Ctrl-C during a full run, in the middle of `terminate`: the runner waits
/// for the variant's process, which cleans up after its children first.
#[test]
fn ctrl_c_during_the_full_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&[], "writer: Put B to queue...");
}
