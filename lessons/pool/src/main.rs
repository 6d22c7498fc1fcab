//! pool: pools of threads and processes.
//!
//! A pool starts a fixed number of workers once and feeds them tasks from a
//! queue. The number of workers bounds how many tasks run at the same time, so
//! N tasks of equal length take about ceil(N / workers) task-times.
//!
//! Python's `multiprocessing.Pool` is ported as `pool::Pool` (src/pool.rs): worker
//! processes fed over `ipc-channel`, with `map`, `apply_async`, `imap`. Python's
//! thread pools are ported with the `threadpool` crate, the namesake of the pip
//! package `threadpool`.
//!
//! This file is the list of variants; each lives in the module of its idea.

#[cfg(not(unix))]
compile_error!(
    "lesson-pool runs on Linux and macOS only: its process pool relies on Unix signals \
     (Ctrl-C handling, killing a worker)"
);

mod jobs;
mod map_apply;
mod pool;
mod pool_sizes;
mod rounds;
mod threadpool_requests;
mod waiting;

use std::process::ExitCode;

use shared::{Lesson, Variant};

use jobs::{Calc, Chore};
use pool::Job;

// ANCHOR: main
fn main() -> ExitCode {
    // A worker of a process pool is this same program, started again with a
    // role in its environment (shared::worker::command): it serves its pool
    // and never sees the lesson's command line.
    if let Some(role) = shared::worker::role() {
        return match role.as_str() {
            Calc::ROLE => pool::serve::<Calc>(),
            Chore::ROLE => pool::serve::<Chore>(),
            other => {
                eprintln!("error: no worker role {other:?} in lesson-pool");
                ExitCode::from(2)
            }
        };
    }
    // Otherwise: the lesson, as a learner runs it.
    // ANCHOR_END: main
    Lesson {
        name: "pool",
        about: "Pools of threads and processes: map, apply_async, imap, timeouts, \
                the threadpool crate",
        variants: &[
            Variant {
                name: "map-apply",
                about: "Pool(3): map, apply_async(...).get(), a list of apply_async",
                run: map_apply::map_apply,
            },
            Variant {
                name: "five-on-four",
                about: "5 tasks on Pool(4) take two task-times; close() and join()",
                run: rounds::five_on_four,
            },
            Variant {
                name: "random-naps",
                about: "Pool() with a worker per CPU: 5 naps of random length",
                run: rounds::random_naps,
            },
            Variant {
                name: "ten-runs",
                about: "Pool(4) with 10 tasks of 1 to 4 steps each",
                run: rounds::ten_runs,
            },
            Variant {
                name: "with-pool",
                about: "get(timeout), map, imap, a TimeoutError, then terminate()",
                run: waiting::with_pool,
            },
            Variant {
                name: "as-completed",
                about: "imap answers in input order, imap_unordered as they complete",
                run: waiting::as_completed,
            },
            Variant {
                name: "worker-dies",
                about: "a worker dies during its task: get() reports it at once",
                run: waiting::worker_dies,
            },
            Variant {
                name: "pool-sizes",
                about: "ThreadPool, DummyPool and process Pool with 1 to 4 workers",
                run: pool_sizes::pool_sizes,
            },
            Variant {
                name: "threadpool",
                about: "the threadpool crate: positional and keyword arguments, \
                        callbacks",
                run: threadpool_requests::threadpool_requests,
            },
        ],
    }
    .main()
}
