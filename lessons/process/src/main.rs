//! process: starting and joining processes (Python's `multiprocessing.Process`).
//!
//! Python's `multiprocessing.Process(target=f, args=(...))`, with the "spawn"
//! start method, starts a fresh interpreter that imports the main module again
//! and calls `f(*args)` there. This port does the same by hand: it starts its
//! own executable again (`std::env::current_exe()`) with a *role* in the
//! environment, and `main` runs the role's function with the arguments it
//! finds on its command line. Nothing is shared: arguments cross into the
//! child as strings, and what comes back is an exit status.
//!
//! This file is the table of contents: the variants in course order, and the
//! roles a worker can be started in. Each idea has a module of its own.

#[cfg(not(unix))]
compile_error!(
    "lesson-process uses Unix process APIs (getppid, exit signals): \
     build it on Linux or macOS"
);

/// What crosses into a child (not our globals) and what comes back (a status).
mod boundary;
/// `info()`, `active_children()` and `cpu_count()`.
mod info;
/// `join()`, `join(timeout)`, and why no process can join itself.
mod join;
/// What needs Linux, done another way on the other systems.
#[cfg(not(target_os = "linux"))]
mod not_linux;
/// A parent that ends before its child: the orphan and its subreaper.
mod orphan;
/// Starting this program again as a worker: `process` and `start_worker`.
mod spawn;
/// Create, start, join: run_proc, func, f, and `Process`'s other parameters.
mod start_and_join;
/// What starting a process costs beside starting a thread.
mod startup_cost;
/// Python's `Process` subclass with its own `run()`.
mod subclass;
/// `job(1, 2)` in a thread and in a process; two long tasks, in turn and at once.
mod thread_or_process;

use std::process::ExitCode;

use shared::worker::ROLE_VAR;
use shared::{Lesson, Variant};
use spawn::{keyword, number};
use subclass::{NewProcess, Process as _};

const VARIANTS: &[Variant] = &[
    Variant {
        name: "thread-and-process",
        about: "job(1, 2) once in a thread and once in a child process",
        run: thread_or_process::thread_and_process,
    },
    Variant {
        name: "serial",
        about: "long_time_task twice in one process: 2 × 300 ms",
        run: thread_or_process::serial,
    },
    Variant {
        name: "two-processes",
        about: "long_time_task in two child processes at once: about 300 ms",
        run: thread_or_process::two_processes,
    },
    Variant {
        name: "run-proc",
        about: "Process(target=run_proc, args=('test',)): start, then join",
        run: start_and_join::run_proc_demo,
    },
    Variant {
        name: "pid-and-ppid",
        about: "a child prints its argument, its pid and its parent's pid",
        run: start_and_join::pid_and_ppid,
    },
    Variant {
        name: "hello",
        about: "Process(target=f, args=('john',)): \"hello john\"",
        run: start_and_join::hello,
    },
    Variant {
        name: "name-and-kwargs",
        about: "Process(name=..., kwargs=...): a name in the environment, a --flag",
        run: start_and_join::name_and_kwargs,
    },
    Variant {
        name: "join-timeout",
        about: "join(timeout) gives up while the child runs; join() again later",
        run: join::join_timeout_demo,
    },
    Variant {
        name: "join-self",
        about: "no process can wait for itself, nor for its parent: ECHILD",
        run: join::join_self,
    },
    Variant {
        name: "parent-ends-first",
        about: "the parent ends before its child; the orphan is adopted and reaped",
        run: orphan::parent_ends_first,
    },
    Variant {
        name: "info",
        about: "info(): module, parent pid, pid; active_children(); cpu_count()",
        run: info::info_demo,
    },
    Variant {
        name: "subclass",
        about: "a struct with run() started as a process (Python's Process subclass)",
        run: subclass::subclass,
    },
    Variant {
        name: "global-not-shared",
        about: "the child adds 1 to a global: 101 there, still 100 here",
        run: boundary::global_not_shared,
    },
    Variant {
        name: "exit-codes",
        about: "exit 0, exit 3, a panic (101), killed by a signal: the parent sees each",
        run: boundary::exit_codes,
    },
    Variant {
        name: "startup-cost",
        about: "how long starting a thread and starting a process take",
        run: startup_cost::startup_cost,
    },
];

// ANCHOR: main
fn main() -> ExitCode {
    // ANCHOR: guard
    // Am I a worker? A process started by `spawn::process` finds its role in
    // the environment variable LESSON_WORKER. This check comes first, before
    // any of the lesson runs: it is Rust's `if __name__ == "__main__":`.
    // Without it every worker would run the whole lesson again, and start
    // workers of its own, which would run the lesson again...
    if let Ok(role) = std::env::var(ROLE_VAR) {
        return worker(&role);
    }
    // ANCHOR_END: guard
    // No role: a learner started the lesson.
    Lesson {
        name: "process",
        about: "Starting and joining processes: Command on current_exe, worker roles, \
                exit codes",
        variants: VARIANTS,
    }
    .main()
}
// ANCHOR_END: main

// ANCHOR: worker
/// The worker side. The role says which function to run; the arguments are
/// strings from the command line, parsed back into numbers where needed.
/// (Python's spawn pickles `target` and `args` for the child: the same idea.)
fn worker(role: &str) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map_or("", String::as_str);
    match role {
        "job" => thread_or_process::job(number(arg(0)), number(arg(1))),
        "long-time-task" => thread_or_process::long_time_task_numbered(number(arg(0))),
        "run-proc" => start_and_join::run_proc(arg(0)),
        "func" => start_and_join::func(arg(0)),
        "f" => start_and_join::f(arg(0)),
        "greet" => start_and_join::greet(arg(0), keyword(&args, "--greeting")),
        "wait-for-go" => join::wait_for_go_then_finish(),
        "wait-for-parent" => join::wait_for_parent(),
        "parent" => orphan::parent(number(arg(0))),
        "child" => orphan::child(number(arg(0)), number(arg(1))),
        "info-f" => info::info_f(arg(0)),
        NewProcess::ROLE => NewProcess::from_args(&args).run(),
        "global-num" => boundary::add_one_to_num(),
        "exit-with" => return ExitCode::from(number::<u8>(arg(0))),
        "panic" => {
            // On purpose, for exit-codes: the message alone, without the
            // backtrace that RUST_BACKTRACE=1 would add (shared/src/lesson.rs).
            shared::lesson::panics_without_backtrace();
            panic!("the worker gave up");
        }
        "nothing" => {}
        _ => {
            eprintln!("error: unknown worker role {role:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
// ANCHOR_END: worker
