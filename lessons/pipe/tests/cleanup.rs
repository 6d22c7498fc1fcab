//! lesson-pipe leaves nothing behind: no worker process (alive or zombie),
//! no ipc-channel socket folder in TMPDIR, no shared memory; also when it is
//! interrupted with Ctrl-C while a worker is running.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-pipe")
}

#[test]
fn full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

#[test]
fn each_variant_with_a_worker_leaves_nothing() {
    for variant in [
        "os-pipe",
        "framing",
        "duplex",
        "ipc-channel",
        "deadlock",
        "read-first",
    ] {
        lesson().check_leaves_nothing(&[variant]);
    }
}

/// Ctrl-C while the worker is stuck writing into the full pipe: the parent
/// and the worker both die, and the worker is not left behind.
#[test]
fn interrupted_deadlock_leaves_nothing() {
    lesson()
        .check_interrupt_leaves_nothing(&["deadlock"], "waits for the worker to exit");
}

/// Ctrl-C while the one-shot server's socket folder may exist: SIGINT is
/// held back until the server is gone, so the folder never outlives it.
#[test]
fn interrupted_ipc_channel_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(
        &["ipc-channel"],
        "waits for the worker to connect",
    );
}

/// Ctrl-C during a full run: the run waits for the interrupted variant (which
/// reaps its worker) before it ends, so nothing is adopted as an orphan.
#[test]
fn interrupted_full_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&[], "waits for the worker to exit");
}
