//! The course's own program on a duplex connection, what Python's `Pipe()` is
//! by default on Unix: a pair of connected Unix sockets, each end reading and
//! writing.

use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::Stdio;

use shared::say;

use crate::worker::{PATIENCE, Worker};

// ANCHOR: duplex
pub fn duplex() {
    // Python: parent_conn, child_conn = Pipe()  (duplex, a socket pair on Unix)
    let (parent_end, child_end) = UnixStream::pair().expect("create a socket pair");

    let mut command = shared::worker::command("square");
    command.stdin(Stdio::from(OwnedFd::from(child_end)));
    let worker = Worker::start(command);

    // A reply that never comes must not hang us: every read has a limit.
    parent_end
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    let mut replies = BufReader::new(&parent_end);
    for n in [2, 3, 4] {
        // Python: parent_conn.send(n); parent_conn.recv()
        let mut reply = String::new();
        let asked =
            writeln!(&parent_end, "{n}").and_then(|()| replies.read_line(&mut reply));
        match asked {
            Ok(0) => {
                say!("parent: the child closed its end before answering");
                break;
            }
            Ok(_) => say!("parent: sent {n}, got back {}", reply.trim_end()),
            Err(err) => {
                say!("parent: no answer to {n}: {err}");
                break;
            }
        }
    }
    // Close our writing half only: the child reads "end of stream", while the
    // other direction stays open.
    parent_end
        .shutdown(std::net::Shutdown::Write)
        .expect("shut down our writing half");
    worker.finish();
}

/// Worker: its stdin is its end of the socket pair; it reads a number and
/// writes the square back on the same connection.
pub fn square() -> io::Result<()> {
    let connection = UnixStream::from(io::stdin().as_fd().try_clone_to_owned()?);
    let mut out = &connection;
    for line in BufReader::new(&connection).lines() {
        let n: i64 = line?.trim().parse().map_err(io::Error::other)?;
        say!("child: got {n}, sends back {}", n * n);
        writeln!(out, "{}", n * n)?; // Python: child_conn.send(n * n)
    }
    say!("child: the parent closed its end; bye");
    Ok(())
}
// ANCHOR_END: duplex
