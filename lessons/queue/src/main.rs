//! queue: passing work and results.
//!
//! Python's threads hand values to each other through a `queue.Queue`, its
//! processes through a `multiprocessing.Queue`. Rust uses channels:
//! `crossbeam-channel` between threads, `ipc-channel` between processes.
//! Values come out in the order they were put in, which is the order the
//! workers *finished*, not the order they were given their work.
//!
//! This file is the list of variants; each idea has a module of its own.

#[cfg(not(unix))]
compile_error!(
    "lesson-queue runs on Linux and macOS: its parent processes hold back Ctrl-C \
     with Unix signal masks so that they can clean up after their children"
);

/// Between threads: four threads square lists; results in completion order.
mod squares;

/// Between threads: a bounded job queue, several consumers, `select!`.
mod job_queue;

/// Between processes: `mp.Queue` as an ipc-channel (`sum`, `put-get`).
mod ipc_queue;

/// The writer and reader processes that the next variants share.
mod writer_reader;

/// The reader that never ends, and what `terminate()` loses.
mod terminate;

/// The reader that stops when the queue is empty, too early.
mod empty_race;

/// The fix: a queue that closes when the writer is done.
mod close;

/// Starting, joining and terminating worker processes; Ctrl-C.
mod workers;

use std::process::{self, ExitCode};

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::{Lesson, Variant};

use workers::with_children;

fn main() -> ExitCode {
    // `Worker::start` runs this same program again with a role in the
    // environment (shared::worker): such a child does its role's work, not
    // the lesson's.
    if let Some(role) = shared::worker::role() {
        workers::release_ctrl_c(); // the parent holds Ctrl-C back; its children do not
        return match role.as_str() {
            "adder" => run_role(ipc_queue::sum_job),
            "putter" => run_role(ipc_queue::put_list),
            "writer" => run_role(writer_reader::write),
            "reader" => run_role(writer_reader::read),
            "poller" => run_role(empty_race::read_until_empty),
            other => {
                eprintln!("error: unknown worker role {other:?}");
                ExitCode::FAILURE
            }
        };
    }
    Lesson {
        name: "queue",
        about: "Passing work and results: crossbeam-channel between threads, ipc-channel between processes",
        variants: &[
            Variant {
                name: "squares",
                about: "four threads square lists; tagged results restore the input order",
                run: squares::squares,
            },
            Variant {
                name: "workers",
                about: "a bounded job queue shared by three workers; select! on results and a deadline",
                run: job_queue::workers,
            },
            Variant {
                name: "sum",
                about: "two processes put their sums on one queue (mp.Queue)",
                run: || with_children(ipc_queue::sum),
            },
            Variant {
                name: "put-get",
                about: "a child puts [42, None, 'hello']; the parent gets it",
                run: || with_children(ipc_queue::put_get),
            },
            Variant {
                name: "terminate",
                about: "a writer puts A, B, C; the endless reader is terminated",
                run: || with_children(terminate::terminate),
            },
            Variant {
                name: "terminate-loses",
                about: "writer A to D; terminate() throws away what the reader held",
                run: || with_children(terminate::terminate_loses),
            },
            Variant {
                name: "empty-race",
                about: "a reader that stops when empty() is true stops too early",
                run: || with_children(empty_race::empty_race),
            },
            Variant {
                name: "close",
                about: "the fix: the writer hangs up, the reader ends by itself, nothing is lost",
                run: || with_children(close::close),
            },
        ],
    }
    .main()
}

/// A child's side: receive the arguments from the parent, then do the work.
fn run_role<A>(role: fn(A) -> Result<(), String>) -> ExitCode
where
    A: Serialize + DeserializeOwned,
{
    match workers::arguments().and_then(role) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error in worker pid {}: {why}", process::id());
            ExitCode::FAILURE
        }
    }
}
