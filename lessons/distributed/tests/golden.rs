//! The demo against its golden file, and the command line.
//!
//! The lesson has no variants in the course's usual sense (a manager, a
//! worker, and the demo that runs both), so the golden runs the demo with
//! arguments, and the command-line test checks its subcommands and flags.

mod common;

use shared::golden::{Check, Lesson};

fn lesson() -> Lesson {
    Lesson::built("lesson-distributed")
}

/// `cargo run -p lesson-distributed -- --seed 7`: ten tasks, one worker.
/// The worker process prints while the manager prints, so their lines
/// interleave in any way. Each process's lines keep their order; so do the
/// results, which one worker takes from the queue in order. Everything up to
/// "Starting 1 worker process" is printed before the worker exists, and the
/// last line after it has been reaped: those lines are anchors, fixed.
const DEMO: Check = Check::interleaved("demo", &["worker 1:", "manager:", "Result:"])
    .args(&["--seed", "7"]);

#[test]
fn demo() {
    lesson().check(DEMO);
}

/// With no argument, the same demo with random numbers: the golden's shape,
/// and every result right and there exactly once.
#[test]
fn demo_without_a_seed() {
    let output = lesson().run(&[]);
    assert!(output.status.success(), "{}", output.status);
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    common::assert_every_result_exactly_once(&lines);
    assert_eq!(common::puts(&lines).len(), 10);
    // One worker takes the tasks in the order they were put.
    let answered: Vec<u64> = common::results(&lines).iter().map(|r| r.0).collect();
    assert_eq!(answered, common::puts(&lines));
}

/// Three workers share twelve tasks: who takes which varies, but every task
/// is run once and has exactly one result.
#[test]
fn three_workers_share_the_tasks() {
    let output = lesson().run(&["--workers", "3", "--tasks", "12", "--seed", "3"]);
    assert!(output.status.success(), "{}", output.status);
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    common::assert_every_result_exactly_once(&lines);
    let runs = lines.iter().filter(|l| l.contains(": run task ")).count();
    assert_eq!(runs, 12, "{}", lines.join("\n"));
    for worker in ["worker 1:", "worker 2:", "worker 3:"] {
        assert!(
            lines.contains(&format!("{worker} worker exit.")),
            "{worker} did not finish:\n{}",
            lines.join("\n")
        );
    }
}

/// `--help` lists the two roles and every flag; a wrong command or flag is
/// refused with a message, the usage and status 2; so is a manager without
/// an authkey.
#[test]
fn command_line() {
    let help = lesson().run(&["--help"]);
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for item in [
        "manager",
        "worker",
        "--seed",
        "--tasks",
        "--workers",
        "--pause",
    ] {
        assert!(help.contains(item), "--help does not list {item}:\n{help}");
    }
    let manager = lesson().run(&["manager", "--help"]);
    let manager = String::from_utf8_lossy(&manager.stdout);
    for item in [
        "--listen",
        "--authkey",
        "LESSON_AUTHKEY",
        "--seed",
        "--tasks",
    ] {
        assert!(
            manager.contains(item),
            "manager --help lacks {item}:\n{manager}"
        );
    }
    let worker = lesson().run(&["worker", "--help"]);
    let worker = String::from_utf8_lossy(&worker.stdout);
    for item in [
        "--connect",
        "--authkey",
        "LESSON_AUTHKEY",
        "--pause",
        "--name",
    ] {
        assert!(
            worker.contains(item),
            "worker --help lacks {item}:\n{worker}"
        );
    }

    let wrong: &[&[&str]] = &[
        &["no-such-variant"],
        &["--no-such-flag"],
        &["a", "b"],
        &["--tasks", "many"],
        &["--pause", "60"],
        &["worker", "--tasks", "3"],
        &["manager", "--connect", "127.0.0.1:5000"],
        &["manager"],
        &["manager", "--authkey", ""],
        &["worker"],
    ];
    for args in wrong {
        let output = lesson().run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("Usage:"),
            "{args:?} must explain itself and show the usage:\n{stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    }
    let keyless = lesson().run(&["manager"]);
    let stderr = String::from_utf8_lossy(&keyless.stderr);
    assert!(
        stderr.contains("LESSON_AUTHKEY") && stderr.contains("--authkey"),
        "a manager without a key must say how to give one:\n{stderr}"
    );
}

/// The chapter's run: the private Redis and one Python worker, five tasks.
/// One worker takes the tasks in the order they were put, so its lines keep
/// their order, and so do the results; the two interleave in any way.
const PYTHON_WORKER: Check =
    Check::interleaved("redis-python", &["python 1:", "Result:"])
        .args(&[
            "redis",
            "--workers",
            "0",
            "--python-workers",
            "1",
            "--tasks",
            "5",
            "--seed",
            "7",
        ])
        .keeps_path();

#[test]
fn a_python_worker_on_the_private_redis() {
    if !common::redis_server_installed() || !common::python_redis_installed() {
        return;
    }
    lesson().check(PYTHON_WORKER);
}
