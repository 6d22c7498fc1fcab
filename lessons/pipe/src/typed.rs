//! The `Pipe()` program of tutorial 004: the child sends `[42, None, 'hello']`,
//! the parent prints what it receives. Typed values over `ipc-channel`.

use std::io;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{IpcOneShotServer, IpcReceiver, IpcSender};
use shared::say;

use crate::worker::{PATIENCE, Worker, block_sigint};

// ANCHOR: ipc_channel
/// Python's `[42, None, 'hello']` is a list of anything. A Rust channel
/// carries one declared type; a tuple with the same shape will do.
type Message = (i64, Option<i64>, String);

pub fn ipc_channel() {
    // The one-shot server is a socket file in a fresh folder under TMPDIR
    // until a worker connects: Ctrl-C must not end us before it is removed.
    // A Ctrl-C is held back until the end of this function (see block_sigint).
    let _sigint_blocked = block_sigint();
    let (server, name) =
        IpcOneShotServer::<Message>::new().expect("create a one-shot server");

    let mut command = shared::worker::command("send-typed");
    command.arg(&name); // the server's name is the address of our end
    let mut worker = Worker::start(command);
    say!("parent: waits for the worker to connect");

    // Python: parent_conn.recv()
    // accept() waits for the worker to connect and returns its first message
    // with the receiver for the rest.
    let accepted = accept_within(server, &name, &mut worker, PATIENCE);
    // The server, and its socket file, are gone now, whatever happened.

    match accepted {
        Ok((receiver, message)) => {
            say!("parent: received {message:?}, a (i64, Option<i64>, String)");
            say!("{}", python_repr(&message)); // Python: print(parent_conn.recv())
            // Python's recv() raises EOFError once the other end is closed.
            match receiver.try_recv_timeout(PATIENCE) {
                Err(ipc_channel::TryRecvError::IpcError(
                    ipc_channel::IpcError::Disconnected,
                )) => {
                    say!("parent: next recv: the child closed its end (Python: EOFError)")
                }
                other => say!("parent: next recv: {other:?}"),
            }
        }
        Err(err) => say!("parent: no message: {err}"),
    }
    worker.finish(); // Python: p.join()
}
// ANCHOR_END: ipc_channel

// ANCHOR: send_typed
/// Worker: connects to the parent's server and sends one typed value.
pub fn send_typed() -> io::Result<()> {
    let name = std::env::args()
        .nth(1)
        .ok_or_else(|| io::Error::other("the server's name is missing"))?;
    let sender = IpcSender::<Message>::connect(name)?;
    // Python: conn.send([42, None, 'hello'])
    sender
        .send((42, None, "hello".to_owned()))
        .map_err(io::Error::other)?;
    drop(sender); // Python: conn.close()
    Ok(())
}

/// The value as Python would print the list.
fn python_repr((number, nothing, text): &Message) -> String {
    let nothing = nothing.map_or("None".to_owned(), |n| n.to_string());
    format!("[{number}, {nothing}, '{text}']")
}
// ANCHOR_END: send_typed

// ANCHOR: accept_within
/// `IpcOneShotServer::accept` has no timeout, and a worker that dies before
/// connecting would leave it waiting for ever. So it waits on a thread of its
/// own, while we watch the clock and the worker. If we give up, we connect to
/// the server ourselves and hang up at once: accept() returns (with an error)
/// and the server's socket file is removed.
fn accept_within(
    server: IpcOneShotServer<Message>,
    name: &str,
    worker: &mut Worker,
    timeout: Duration,
) -> Result<(IpcReceiver<Message>, Message), String> {
    let (done_tx, done_rx) = mpsc::channel();
    let acceptor = thread::spawn(move || done_tx.send(server.accept()).ok());
    let deadline = Instant::now() + timeout;
    let mut why = None;
    let accepted = loop {
        if let Ok(accepted) = done_rx.recv_timeout(Duration::from_millis(10)) {
            break Ok(accepted);
        }
        if let Some(status) = worker.try_wait() {
            // Usually: it connected, sent and exited, and accept() is about
            // to return its message. Otherwise it died without connecting.
            why = Some(format!("the worker ended ({status})"));
        } else if Instant::now() >= deadline {
            worker.kill();
            why = Some(format!("the worker did not connect within {timeout:?}"));
        }
        if let Some(why) = &why {
            let hang_up = IpcSender::<Message>::connect(name.to_owned());
            drop(hang_up);
            break done_rx
                .recv_timeout(PATIENCE)
                .map_err(|_| format!("{why}, and accept() is stuck"));
        }
    };
    acceptor.join().ok();
    match accepted {
        Ok(Ok(accepted)) => Ok(accepted),
        Ok(Err(err)) => Err(format!(
            "{}: accept() failed: {err}",
            why.unwrap_or_default()
        )),
        Err(stuck) => Err(stuck),
    }
}
// ANCHOR_END: accept_within

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;

    /// The worker's message may come late: `accept_within` waits for it, up to
    /// the timeout. Here a thread of the test connects, after a pause; the
    /// worker, which is only watched, is `cat`, reading a pipe for ever.
    #[test]
    fn accept_within_waits_for_a_late_connection() {
        let (server, name) = IpcOneShotServer::<Message>::new().unwrap();
        let mut cat = Command::new("cat");
        cat.stdin(Stdio::piped()).stdout(Stdio::null());
        let mut worker = Worker::start(cat);
        let late = thread::spawn({
            let name = name.clone();
            // Longer than accept_within's first look, so that one giving up
            // too early would show; the test passes however long it takes.
            move || -> io::Result<()> {
                thread::sleep(Duration::from_millis(200));
                let sender = IpcSender::<Message>::connect(name)?;
                sender
                    .send((1, None, "late".into()))
                    .map_err(io::Error::other)
            }
        });
        let (_, message) = accept_within(server, &name, &mut worker, PATIENCE).unwrap();
        assert_eq!(message, (1, None, "late".to_owned()));
        late.join().unwrap().unwrap();
    }
}
