//! shared_value: memory shared between processes.
//!
//! Processes share nothing by default. Python's `multiprocessing.Value` and
//! `Array` put a number or an array in shared memory, each with a lock of
//! its own. Here the parent creates a named POSIX shared-memory segment
//! (the `shared_memory` crate), places one `#[repr(C)]` struct of atomics in
//! it, and starts workers, which open the same segment by its name. A lock
//! for several processes must live in that segment too (`shm_sync.rs`).
//!
//! This file is the list of variants, and of the workers' roles; each idea
//! has a module of its own.

#[cfg(not(unix))]
compile_error!(
    "lesson-shared_value runs on Unix only (Linux, macOS): it uses POSIX shared memory and Unix signals"
);
#[cfg(not(target_has_atomic = "64"))]
compile_error!("lesson-shared_value needs 64-bit atomics (for the f64 in shared memory)");

/// A named shared-memory segment holding one `#[repr(C)]` struct.
mod segment;

/// A lock and a start line that work between processes.
mod shm_sync;

/// Starting and reaping worker processes; Ctrl-C deferred.
mod workers;

/// `value-array` and `negate`: Python's `Value` and `Array`.
mod value_array;

/// The shared counter of the next variants, and Python's `v.value += n`.
mod counter;

/// `jobs-no-lock` and `add-no-lock`: two processes, no lock.
mod no_lock;

/// `lost-updates`: a million additions each; load + store against fetch_add.
mod lost_updates;

/// `jobs-lock` and `add-lock`: the same under a lock in the segment.
mod with_lock;

/// `holder-dies`: a lock whose holder has died.
mod holder_dies;

/// `string`: the bytes of a string, in place.
mod string;

use std::process::ExitCode;

use shared::{Lesson, Variant};

use segment::Segment;

fn main() -> ExitCode {
    // The workers are this same program, started again by Worker::start
    // (shared::worker::command puts the role in the LESSON_WORKER variable):
    // a worker does its part and ends, before the lesson's menu is involved.
    if let Some(role) = shared::worker::role() {
        return worker(&role);
    }
    Lesson {
        name: "shared_value",
        about: "Memory shared between processes: a #[repr(C)] struct in a shared-memory segment, a lock inside it",
        variants: &[
            Variant {
                name: "value-array",
                about: "Value('d', 0) and Array('i', [1, 2, 3]): a struct laid out in shared memory",
                run: || finish(value_array::value_array()),
            },
            Variant {
                name: "negate",
                about: "a child sets num to 3.1415927 and negates arr; the parent sees both",
                run: || finish(value_array::negate()),
            },
            Variant {
                name: "jobs-no-lock",
                about: "job1 and job2 add 1 ten times each to a shared A, no lock: rarely a collision",
                run: || finish(no_lock::jobs_no_lock()),
            },
            Variant {
                name: "add-no-lock",
                about: "two processes add 1 and 3 five times each, printing v|, no lock",
                run: || finish(no_lock::add_no_lock()),
            },
            Variant {
                name: "lost-updates",
                about: "2 processes x 1000000 increments: load + store often loses some, fetch_add none",
                run: || finish(lost_updates::lost_updates()),
            },
            Variant {
                name: "jobs-lock",
                about: "job1 holds the shared lock for its ten additions, then job2: 1..20 in order",
                run: || finish(with_lock::jobs_lock()),
            },
            Variant {
                name: "add-lock",
                about: "add 1 then add 3, five times each, under the shared lock: 1|2|3|4|5|8|..|20|",
                run: || finish(with_lock::add_lock()),
            },
            Variant {
                name: "holder-dies",
                about: "a worker exits while holding the lock: it stays locked for good",
                run: || finish(holder_dies::holder_dies()),
            },
            Variant {
                name: "string",
                about: "Value(c_char_p, b\"Hello World\") done right: the bytes in a fixed-size buffer",
                run: || finish(string::string()),
            },
        ],
    }
    .main()
}

/// Ends a variant that failed. The variant has returned, so its values are
/// dropped already: the workers reaped, the segment unlinked. Exiting from
/// inside it instead (`std::process::exit` runs no `Drop`) would leak them.
fn finish(result: Result<(), String>) {
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

/// A worker process: `role` from the environment, then on the command line
/// the segment's name, the worker's name, and what its role needs.
fn worker(role: &str) -> ExitCode {
    workers::allow_ctrl_c(); // the parent defers Ctrl-C; a worker need not
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result =
        match (role, args.as_slice()) {
            ("negate", [segment, _name]) => value_array::negate_child(segment),
            ("job", [segment, name, "no-lock"]) => Segment::open(segment)
                .and_then(|shared| no_lock::job_no_lock(name, &shared)),
            ("job", [segment, name, "lock"]) => Segment::open(segment)
                .and_then(|shared| with_lock::job_lock(name, &shared)),
            ("add", [segment, _name, num, mode]) => match num.parse() {
                Ok(num) => Segment::open(segment).and_then(|shared| match *mode {
                    "lock" => with_lock::job_add_lock(&shared, num),
                    _ => no_lock::job_add_no_lock(&shared, num),
                }),
                Err(e) => Err(format!("bad number {num:?}: {e}")),
            },
            ("count", [segment, _name, how]) => Segment::open(segment)
                .and_then(|shared| lost_updates::count(&shared, how)),
            ("hold", [segment, _name]) => Segment::open(segment)
                .and_then(|shared| holder_dies::hold_and_exit(&shared)),
            ("greet", [segment, _name]) => string::greet(segment),
            _ => Err(format!(
                "unknown worker role {role:?} with arguments {args:?}"
            )),
        };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
