//! lesson-async_io leaves nothing behind: no worker process of `many`
//! (alive or zombie), no temporary file; also when it is interrupted with
//! Ctrl-C while a crowd of threads or tasks is waiting. (Threads and sockets
//! are checked inside the lesson, where they can still be seen: `block-on`
//! counts the threads left once its runtime is dropped, and `echo-server`
//! tries to connect once its server has stopped; their goldens hold both.)
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-async_io")
}

#[test]
fn full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

#[test]
fn many_leaves_no_worker() {
    lesson().check_leaves_nothing(&["many"]);
}

/// Ctrl-C while the second crowd's worker runs: the worker is in the same
/// process group and dies of it too, and `many` is not left waiting.
#[test]
fn interrupted_many_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["many"], "OS threads");
}

/// Ctrl-C while the echo server has its clients.
#[test]
fn interrupted_echo_server_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["echo-server"], "listening on");
}

/// Ctrl-C during a full run: the run waits for the interrupted variant.
#[test]
fn interrupted_full_run_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&[], "[7/14]");
}
