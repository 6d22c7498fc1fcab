//! lesson-distributed cleans up after itself: no worker process (alive,
//! zombie or orphan) and no file is left behind by the demo, with one worker
//! or several, nor by Ctrl-C while the workers are busy, nor by Ctrl-C of a
//! manager running alone.
//!
//! The same for the job on Redis: its private redis-server and the server's
//! temporary folder are gone too (the checks run the lesson with a fresh
//! TMPDIR, which must be empty afterwards).
//!
//! A test binary of its own: each check reaps every child of the test process.
#![cfg(target_os = "linux")]

mod common;

use common::redis_server_installed;
use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-distributed")
}

#[test]
fn the_demo_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

#[test]
fn the_demo_with_three_workers_leaves_nothing() {
    lesson().check_leaves_nothing(&["--workers", "3", "--tasks", "6"]);
}

/// Ctrl-C while a worker is in the middle of a task: the workers die of it,
/// and the manager reaps them before it ends.
#[test]
fn ctrl_c_during_the_demo_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(
        &["--workers", "2", "--pause", "0.5"],
        ": run task",
    );
}

/// Ctrl-C as early as possible: the manager may still be starting workers.
#[test]
fn ctrl_c_while_the_workers_start_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(&["--workers", "8"], "Starting 8 worker");
}

/// A manager alone, waiting for workers, has no children to leave behind.
#[test]
fn ctrl_c_of_a_manager_alone_leaves_nothing() {
    lesson().check_interrupt_leaves_nothing(
        &["manager", "--listen", "127.0.0.1:0", "--authkey", "k"],
        "Try get results...",
    );
}

/// The job on Redis: its workers, its private redis-server and the server's
/// folder are gone when it ends.
#[test]
fn the_job_on_redis_leaves_nothing() {
    if redis_server_installed() {
        lesson().check_leaves_nothing(&["redis", "--tasks", "4"]);
    }
}

/// Ctrl-C (SIGINT to the whole group, as a terminal sends it: redis-server
/// gets it too) while the workers on Redis are busy.
#[test]
fn ctrl_c_during_the_job_on_redis_leaves_nothing() {
    if redis_server_installed() {
        lesson().check_interrupt_leaves_nothing(
            &["redis", "--workers", "2", "--pause", "0.5"],
            ": run task",
        );
    }
}

/// Ctrl-C as early as possible: the private redis-server has just answered.
#[test]
fn ctrl_c_as_the_redis_server_starts_leaves_nothing() {
    if redis_server_installed() {
        lesson().check_interrupt_leaves_nothing(&["redis"], "Redis data in ");
    }
}
