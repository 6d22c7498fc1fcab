//! # Done sending, still listening
//!
//! The parent sends a text to a worker over a socket pair and waits for the
//! reply: how many lines, words and bytes the text has. The worker reads the
//! request to the end of the stream before it counts, because only the end
//! says that the text is complete. But the parent never ends its stream: it
//! keeps its end open for the reply, so the worker waits for more text while
//! the parent waits for the reply, until its patience runs out. Tell the worker
//! that the request is complete without hanging up, so the reply can come back.

use std::io::{self, ErrorKind, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

/// How long the parent waits for the reply. The worker answers in
/// milliseconds once it has the whole request; this only bounds the wait.
const PATIENCE: Duration = Duration::from_secs(5);

const REQUEST: &str = "\
a pipe keeps the order of the bytes
and nothing else: not where one message ends,
not who is still going to write
";

fn main() -> ExitCode {
    // The worker is this same program, started again in a role (see `counter`).
    if shared::worker::role().is_some() {
        return counter();
    }

    // Python: mine, theirs = socket.socketpair()
    let (parent_end, worker_end) = UnixStream::pair().expect("create a socket pair");
    // The worker gets its end as stdin. The Command is a temporary, dropped
    // at the end of this statement with the copy of worker_end it holds.
    let mut worker = shared::worker::command("counter")
        .stdin(Stdio::from(OwnedFd::from(worker_end)))
        .spawn()
        .expect("start the worker");
    // Every read has a limit: a reply that never comes ends in an error.
    parent_end
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");

    println!("parent: sends a request of {} bytes", REQUEST.len());
    // Python: mine.sendall(request)
    (&parent_end)
        .write_all(REQUEST.as_bytes())
        .expect("send the request");

    //~ // TODO: let the worker see the end of the request, while the
    //~ // connection stays open for the reply.
    // ANCHOR: solution
    // Close our sending half only. Python: mine.shutdown(socket.SHUT_WR)
    parent_end
        .shutdown(std::net::Shutdown::Write)
        .expect("shut down our sending half");
    // ANCHOR_END: solution

    // Python: reply = mine.recv(...) until it returns b""
    let mut reply = String::new();
    match (&parent_end).read_to_string(&mut reply) {
        Ok(_) if reply.is_empty() => {
            println!("parent: the connection ended without a reply")
        }
        Ok(_) => println!("parent: the worker replied: {reply}"),
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            println!("parent: no reply within {PATIENCE:?}")
        }
        Err(err) => println!("parent: reading the reply failed: {err}"),
    }
    // Hang up: whatever happened, the worker now reads the end of its input.
    drop(parent_end);
    let status = worker.wait().expect("wait for the worker"); // Python: p.join()
    println!("parent: the worker exited ({status})");
    ExitCode::SUCCESS
}

/// The worker: reads the request to the end of the stream, counts, replies.
fn counter() -> ExitCode {
    match count() {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // the parent hung up before the reply
    }
}

fn count() -> io::Result<()> {
    let connection = UnixStream::from(io::stdin().as_fd().try_clone_to_owned()?);
    let mut request = String::new();
    // Only the end of the stream says that the request is complete.
    (&connection).read_to_string(&mut request)?;
    let reply = format!(
        "{} lines, {} words, {} bytes",
        request.lines().count(),
        request.split_whitespace().count(),
        request.len()
    );
    (&connection).write_all(reply.as_bytes())
}
