//! Every variant of lesson-process against its golden file in `golden/`.
//!
//! Process ids vary and are redacted to [PID]; the goldens are Linux's (the
//! parent-ends-first and info variants read Linux's /proc and subreaper).

use shared::golden::{Check, line_after};

/// The thread and the child process print the same line, "1 2", in either
/// order; both are joined before main's last line.
const THREAD_AND_PROCESS: Check = Check::exact("thread-and-process");
const SERIAL: Check = Check::exact("serial");
/// Tasks 1 and 2 run in two processes at once: each task's own lines keep
/// their order, but the two tasks' lines may interleave in any way. Both are
/// joined before "total".
const TWO_PROCESSES: Check = Check::interleaved("two-processes", &["task 1:", "task 2:"]);
const RUN_PROC: Check = Check::exact("run-proc");
const PID_AND_PPID: Check = Check::exact("pid-and-ppid");
const HELLO: Check = Check::exact("hello");
/// Each worker is joined before main prints the line after it, and main
/// starts the second worker only after that line: one order.
const NAME_AND_KWARGS: Check = Check::exact("name-and-kwargs");
/// The worker cannot finish before main writes "go" to its stdin, so the
/// timed join must time out: every line is ordered.
const JOIN_TIMEOUT: Check = Check::exact("join-timeout");
/// Main prints its own answer before it starts the child, and prints the
/// child's status only after joining it, so the child's line sits between.
/// waitpid answers ECHILD at once (WNOHANG): it never waits.
const JOIN_SELF: Check = Check::exact("join-self");
/// The child prints only once its parent has ended (it waits for its ppid to
/// change), and the lesson prints only once it has reaped the child.
const PARENT_ENDS_FIRST: Check = Check::exact("parent-ends-first");
/// The child waits for main's "go" before it prints, so main's listing comes
/// first; the cpu count depends on the machine: `cpu count: [..]`.
const INFO: Check = Check::exact("info");
/// Process 0 and process 1 run at the same time: their lines interleave,
/// each process's rounds in order, both before main's last line (joined).
const SUBCLASS: Check = Check::interleaved("subclass", &["process 0:", "process 1:"]);
const GLOBAL_NOT_SHARED: Check = Check::exact("global-not-shared");
/// Each child is joined in turn before its status is printed. The panic
/// message goes to stderr (golden/exit-codes.stderr).
const EXIT_CODES: Check = Check::exact("exit-codes");
/// Only the durations vary, and they are redacted: [ELAPSED].
const STARTUP_COST: Check = Check::exact("startup-cost");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-process"), {
    thread_and_process: THREAD_AND_PROCESS,
    serial: SERIAL,
    two_processes: TWO_PROCESSES,
    run_proc: RUN_PROC,
    pid_and_ppid: PID_AND_PPID,
    hello: HELLO,
    name_and_kwargs: NAME_AND_KWARGS,
    join_timeout: JOIN_TIMEOUT,
    join_self: JOIN_SELF,
    parent_ends_first: PARENT_ENDS_FIRST,
    info: INFO,
    subclass: SUBCLASS,
    global_not_shared: GLOBAL_NOT_SHARED,
    exit_codes: EXIT_CODES,
    startup_cost: STARTUP_COST,
});

/// A learner's shell often sets RUST_BACKTRACE, and the workers inherit it:
/// the panicking worker must still print its one message, as in the golden.
#[test]
fn exit_codes_ignores_rust_backtrace() {
    shared::lesson::check_ignores_rust_backtrace(&lesson(), EXIT_CODES);
}

/// The golden redacts the pids, but within one run the child the kernel
/// lists under /proc is the very child that active_children found.
#[test]
fn info_finds_the_same_child_in_proc() {
    let stdout = lesson().stdout_of(&["info"]);
    let active = line_after(&stdout, "active child: name Process-1, pid ");
    assert_eq!(
        line_after(&stdout, "child in /proc: pid "),
        active,
        "{stdout}"
    );
}

/// The worker role `wait-for-go` finishes only on "go": a closed pipe, or
/// another word, is not a go.
#[test]
fn only_go_is_a_go() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    for (said, finishes) in [(Some("go\n"), true), (Some("stop\n"), false), (None, false)]
    {
        let mut worker = Command::new(env!("CARGO_BIN_EXE_lesson-process"))
            .env(shared::worker::ROLE_VAR, "wait-for-go")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the worker starts");
        let mut stdin = worker.stdin.take().expect("a piped stdin");
        if let Some(said) = said {
            stdin.write_all(said.as_bytes()).expect("the worker reads");
        }
        drop(stdin);
        let out = worker.wait_with_output().expect("the worker ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.contains("main said go"),
            finishes,
            "{said:?}: {stdout}"
        );
    }
}
