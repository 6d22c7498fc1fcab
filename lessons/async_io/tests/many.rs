//! The figures of the `many` variant, from its worker role: each crowd must
//! really be there while its peak memory is read, and a waiting tokio task
//! must cost a small fraction of a waiting thread. Memory, not time: the
//! kernel counts resident pages the same way on a busy machine as on an idle one.

use std::process::Command;

use serde_json::Value;

fn measure(way: &str, count: usize) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-async_io"))
        .env(shared::worker::ROLE_VAR, "many")
        .args([way, &count.to_string()])
        .output()
        .expect("start the worker");
    assert!(output.status.success(), "{way} {count}: {output:?}");
    serde_json::from_slice(&output.stdout).expect("one JSON line")
}

fn each_kib(record: &Value) -> f64 {
    let number = |key: &str| record[key].as_f64().expect("a number");
    (number("peak_kib") - number("before_kib")) / number("count")
}

#[test]
fn a_waiting_task_costs_a_small_fraction_of_a_waiting_thread() {
    let threads = measure("threads", 2_000);
    let tasks = measure("tasks", 2_000);
    assert_eq!(threads["way"], "threads");
    assert_eq!(tasks["count"], 2_000);
    // A thread's stack alone is at least a page (4 KiB) once it has run.
    assert!(each_kib(&threads) >= 4.0, "{threads}");
    assert!(
        each_kib(&tasks) * 5.0 < each_kib(&threads),
        "{tasks} against {threads}"
    );
}

#[test]
fn a_bigger_crowd_of_tasks_takes_more_memory() {
    let small = measure("tasks", 1_000);
    let big = measure("tasks", 50_000);
    let grown =
        |r: &Value| r["peak_kib"].as_f64().unwrap() - r["before_kib"].as_f64().unwrap();
    // 49,000 more tasks: tens of bytes each at the very least.
    assert!(
        grown(&big) > grown(&small) + 49_000.0 * 64.0 / 1024.0,
        "{small} {big}"
    );
}

#[test]
fn the_worker_refuses_what_it_does_not_know() {
    for args in [&["fibers", "10"][..], &["tasks", "many"], &[]] {
        let output = Command::new(env!("CARGO_BIN_EXE_lesson-async_io"))
            .env(shared::worker::ROLE_VAR, "many")
            .args(args)
            .output()
            .expect("start the worker");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?} says why");
    }
}

/// One crowd's line of the `many` variant: how many, the memory each, and
/// the two figures it was computed from.
struct Line {
    count: f64,
    each_kib: f64,
    peak_kib: f64,
    before_kib: f64,
}

fn crowd_lines(printed: &str) -> Vec<Line> {
    let numbers = |line: &str| -> Vec<f64> {
        line.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter_map(|word| word.parse().ok())
            .collect()
    };
    printed
        .lines()
        .filter(|line| line.contains("KiB each"))
        .map(|line| match numbers(line)[..] {
            [count, each_kib, peak_kib, before_kib] => Line {
                count,
                each_kib,
                peak_kib,
                before_kib,
            },
            _ => panic!("not a crowd's line: {line}"),
        })
        .collect()
}

/// The variant's figures agree with each other: the memory each is the
/// peak less the memory before, over the crowd; the ratio is the thread's
/// over the task's. (The golden redacts them, as they vary.)
#[test]
fn the_variant_prints_figures_that_add_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-async_io"))
        .arg("many")
        .output()
        .expect("run the variant");
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8_lossy(&output.stdout);
    let crowds = crowd_lines(&printed);
    assert_eq!(crowds.len(), 3, "{printed}");
    for crowd in &crowds {
        let each = (crowd.peak_kib - crowd.before_kib) / crowd.count;
        // Printed with one decimal.
        assert!(
            (crowd.each_kib - each).abs() <= 0.051,
            "{each} KiB each:\n{printed}"
        );
    }
    let thread = (crowds[0].peak_kib - crowds[0].before_kib) / crowds[0].count;
    let task = (crowds[1].peak_kib - crowds[1].before_kib) / crowds[1].count;
    assert!(thread >= 4.0 && thread > task * 5.0, "{printed}");
    let ratio: f64 = shared::golden::line_after(&printed, "a waiting task needs ")
        .split('x')
        .next()
        .and_then(|number| number.parse().ok())
        .expect("a ratio");
    assert!(
        (ratio - thread / task).abs() <= 0.051,
        "{} expected:\n{printed}",
        thread / task
    );
}
