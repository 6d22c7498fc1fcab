//! pipe: two ends of a connection.
//!
//! Python's `Pipe()` hands you two connection objects that `send` and `recv`
//! whole Python objects. Underneath there is an operating-system channel that
//! carries nothing but bytes, through a small buffer in the kernel. This
//! lesson starts at the bottom (an OS pipe, bytes, framing, the buffer's
//! size), goes up to a two-way socket pair and to typed values with
//! `ipc-channel`, and ends with the deadlock that a full pipe causes when the
//! parent waits for its child before reading.
//!
//! Every process here is this same program started again as a *worker*
//! (`shared::worker::command`); every wait has a time limit, so the lesson
//! never hangs, even when a worker crashes.
//!
//! This file is the list of variants and of worker roles; each lives in the
//! module of its idea.

#[cfg(not(unix))]
compile_error!(
    "lesson-pipe needs Unix (Linux or macOS): it passes pipe and socket file \
     descriptors to child processes"
);

mod buffer_size;
mod deadlock;
mod duplex;
mod framing;
mod os_pipe;
mod plumbing;
mod typed;
mod worker;

use std::io;
use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    // A worker is this same program, started again by the lesson with its
    // role in the environment (shared::worker::command). It does its one job
    // and never reaches the command line below.
    if let Some(role) = shared::worker::role() {
        return worker(&role);
    }
    Lesson {
        name: "pipe",
        about: "Two ends of a connection: OS pipes, socket pairs, ipc-channel, \
                and the full-pipe deadlock",
        variants: &[
            Variant {
                name: "os-pipe",
                about: "an OS pipe carries bytes from the worker to the parent: \
                        no message boundaries",
                run: os_pipe::os_pipe,
            },
            Variant {
                name: "framing",
                about: "a length before each message restores the boundaries",
                run: framing::framing,
            },
            Variant {
                name: "buffer-size",
                about: "measure the kernel's pipe buffer: write until the pipe is full",
                run: buffer_size::buffer_size,
            },
            Variant {
                name: "duplex",
                about: "UnixStream::pair: one connection, both ends read and write",
                run: duplex::duplex,
            },
            Variant {
                name: "ipc-channel",
                about: "Pipe() with send([42, None, 'hello']): typed values over \
                        ipc-channel",
                run: typed::ipc_channel,
            },
            Variant {
                name: "deadlock",
                about: "waiting for the worker before reading its 1 MB: detect the \
                        deadlock, recover",
                run: deadlock::deadlock,
            },
            Variant {
                name: "read-first",
                about: "the fix: read everything first, then wait for the worker",
                run: deadlock::read_first,
            },
        ],
    }
    .main()
}

/// What a worker started in `role` does; its exit status tells the parent
/// how it went.
fn worker(role: &str) -> ExitCode {
    // The parent starts us with Ctrl-C (SIGINT) blocked, and a signal mask is
    // inherited. A worker has nothing to clean up: Ctrl-C may end it at once.
    if let Err(err) = worker::unblock_sigint() {
        eprintln!("worker {role}: cannot unblock SIGINT: {err}");
    }
    let done = match role {
        "write-bytes" => os_pipe::write_bytes(),
        "read-frames" => framing::read_frames(),
        "square" => duplex::square(),
        "send-typed" => typed::send_typed(),
        "write-megabyte" => deadlock::write_megabyte(),
        _ => Err(io::Error::other(format!("unknown worker role {role:?}"))),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("worker {role}: {err}");
            ExitCode::FAILURE
        }
    }
}
