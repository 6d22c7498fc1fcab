//! lesson-shared_value leaves nothing behind: no process (zombie or orphan),
//! no temporary file, no `/dev/shm` segment; also when a worker fails
//! (`holder-dies`), and when Ctrl-C interrupts a variant while its workers run.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-shared_value")
}

#[test]
fn full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

#[test]
fn each_variant_leaves_nothing() {
    for variant in [
        "value-array",
        "negate",
        "jobs-no-lock",
        "add-no-lock",
        "lost-updates",
        "jobs-lock",
        "add-lock",
        "holder-dies",
        "string",
    ] {
        lesson().check_leaves_nothing(&[variant]);
    }
}

/// "job1: 3" is printed while job1 holds the lock and job2 waits for it:
/// both workers are running, and the parent is waiting for them.
#[test]
fn ctrl_c_while_the_jobs_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["jobs-lock"], "job1: 3");
}

/// Both unlocked jobs are running when either prints its second line.
#[test]
fn ctrl_c_while_the_unlocked_jobs_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["jobs-no-lock"], "job2: ");
}

/// "child read" is printed by the child right after it opened the segment,
/// perhaps before the parent has unlinked the name.
#[test]
fn ctrl_c_while_the_child_runs_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["string"], "child read");
}

/// The same in a full run, where the lesson's first process runs each
/// variant as a process of its own and waits for it.
#[test]
fn ctrl_c_during_a_full_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&[], "job1: 3");
}
