//! lesson-gil_efficiency cleans up after itself: no worker process (alive,
//! zombie or orphan) and no temporary file is left behind by the full run, by
//! any variant that starts processes, or by Ctrl-C while workers run.
//!
//! A test binary of its own: each check reaps every child of the test process.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-gil_efficiency")
}

#[test]
fn the_full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

#[test]
fn each_variant_with_processes_leaves_nothing() {
    for variant in ["sum-of-powers", "work-size", "pool-sizes", "costs"] {
        lesson().check_leaves_nothing(&[variant]);
    }
}

/// Ctrl-C while four workers of a process pool are alive: they have just
/// started, and wait for their part of the map.
#[test]
fn ctrl_c_during_a_process_pool_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(
        &["pool-sizes"],
        "process_pool 4, workers started",
    );
}
