//! The join-before-read deadlock of tutorial 004 (from Python's
//! documentation): a child puts a million bytes on a `Queue`, and the parent
//! calls `p.join()` before `q.get()`. Then the fix: read first, then wait.

use std::io::{self, Write};
use std::process::Stdio;
use std::time::Duration;

use shared::say;

use crate::plumbing::{pipe, read_all_within, stdout_as_file};
use crate::worker::{PATIENCE, Worker};

// ANCHOR: deadlock
/// Python: q.put('X' * 1000000): far more than a pipe's buffer holds.
const MESSAGE_LEN: usize = 1_000_000;
/// How long the parent waits for the worker before it calls it a deadlock.
/// Not a guess about speed: the worker *cannot* exit while nobody reads.
const DEADLOCK_TIMEOUT: Duration = Duration::from_secs(1);

pub fn deadlock() {
    let (read_end, write_end) = pipe();
    let mut command = shared::worker::command("write-megabyte");
    command.stdout(Stdio::from(write_end));
    let mut worker = Worker::start(command);
    say!("parent: the worker writes {MESSAGE_LEN} bytes into the pipe");

    // Python: p.join() before q.get(): wait first, read later. Our join has a
    // time limit, so the deadlock shows up as a timeout instead of a hang.
    say!("parent: waits for the worker to exit before reading (p.join() before q.get())");
    match worker.wait_within(DEADLOCK_TIMEOUT) {
        Some(status) => say!("parent: no deadlock: the worker exited ({status})"),
        None => {
            let waited = DEADLOCK_TIMEOUT;
            say!("parent: the worker is still running after {waited:?}: deadlock!");
            say!(
                "  the worker is stuck in write(2): the pipe's buffer is full, \
                 nobody reads it"
            );
            say!(
                "  the parent is stuck waiting for the worker to exit, which it cannot do"
            );
            say!(
                "  each waits for the other; without the time limit both would \
                 wait for ever"
            );
        }
    }

    // Recover: read, and the worker can finish. (Killing and reaping it would
    // also end the deadlock, but lose the message.)
    say!("parent: recovers by reading the pipe now");
    match read_all_within(&read_end, PATIENCE) {
        Ok(bytes) => say!("parent: read {} bytes", bytes.len()),
        Err(err) => say!("parent: reading failed: {err}"),
    }
    worker.finish(); // now it returns at once
}

/// Worker: one big write; write(2) returns only once every byte is in the pipe.
pub fn write_megabyte() -> io::Result<()> {
    stdout_as_file()?.write_all(&[b'X'; MESSAGE_LEN])
}
// ANCHOR_END: deadlock

// ANCHOR: read_first
pub fn read_first() {
    let (read_end, write_end) = pipe();
    let mut command = shared::worker::command("write-megabyte");
    command.stdout(Stdio::from(write_end));
    let worker = Worker::start(command);
    say!("parent: the worker writes {MESSAGE_LEN} bytes into the pipe");

    // Python: obj = q.get(), then p.join(): read to the end, then wait.
    say!("parent: reads to the end first, then waits (q.get() before p.join())");
    match read_all_within(&read_end, PATIENCE) {
        Ok(bytes) => say!("parent: read {} bytes", bytes.len()),
        Err(err) => say!("parent: reading failed: {err}"),
    }
    worker.finish();
}
// ANCHOR_END: read_first
