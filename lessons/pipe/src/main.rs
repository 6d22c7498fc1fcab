//! Lesson 9 — pipe: two ends of a connection.
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

#[cfg(not(unix))]
compile_error!(
    "lesson-pipe needs Unix (Linux or macOS): it passes pipe and socket file descriptors to child processes"
);

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{IpcOneShotServer, IpcReceiver, IpcSender};
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use shared::{Lesson, Variant, say};

fn main() -> ExitCode {
    // A worker is this same program, started again by the lesson with its
    // role in the environment (shared::worker::command). It does its one job
    // and never reaches the command line below.
    if let Some(role) = shared::worker::role() {
        return worker(&role);
    }
    Lesson {
        name: "pipe",
        about: "Two ends of a connection: OS pipes, socket pairs, ipc-channel, and the full-pipe deadlock",
        variants: &[
            Variant {
                name: "os-pipe",
                about: "an OS pipe carries bytes from the worker to the parent: no message boundaries",
                run: os_pipe,
            },
            Variant {
                name: "framing",
                about: "a length before each message restores the boundaries",
                run: framing,
            },
            Variant {
                name: "buffer-size",
                about: "measure the kernel's pipe buffer: write until the pipe is full",
                run: buffer_size,
            },
            Variant {
                name: "duplex",
                about: "UnixStream::pair: one connection, both ends read and write",
                run: duplex,
            },
            Variant {
                name: "ipc-channel",
                about: "Pipe() with send([42, None, 'hello']): typed values over ipc-channel",
                run: ipc_channel,
            },
            Variant {
                name: "deadlock",
                about: "waiting for the worker before reading its 1 MB: detect the deadlock, recover",
                run: deadlock,
            },
            Variant {
                name: "read-first",
                about: "the fix: read everything first, then wait for the worker",
                run: read_first,
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
    if let Err(err) = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&sigint()), None) {
        eprintln!("worker {role}: cannot unblock SIGINT: {err}");
    }
    let done = match role {
        "write-bytes" => write_bytes(),
        "read-frames" => read_frames(),
        "square" => square(),
        "send-typed" => send_typed(),
        "write-megabyte" => write_megabyte(),
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

/// How long the parent waits for something that takes milliseconds before it
/// gives up, says so and cleans up. Generous, for busy machines: it only
/// bounds the waits, it never makes them longer.
const PATIENCE: Duration = Duration::from_secs(10);

// ANCHOR: os_pipe
fn os_pipe() {
    let (read_end, write_end) = pipe(); // Python: r, w = os.pipe()

    let mut command = shared::worker::command("write-bytes");
    // The worker's stdout *is* the pipe's write end: whatever it writes to
    // stdout goes into the pipe, not to the terminal.
    command.stdout(Stdio::from(write_end));
    let worker = Worker::start(command);

    say!("parent: the worker writes \"42\", \"None\" and \"hello\", one write(2) each");
    match read_all_within(&read_end, PATIENCE) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            say!("parent: read {} bytes until the end: {text:?}", bytes.len());
            say!("parent: three writes came out as one stream; where one ended is lost");
        }
        Err(err) => say!("parent: reading failed: {err}"),
    }
    worker.finish();
}

/// Worker: three separate writes into the pipe.
fn write_bytes() -> io::Result<()> {
    // A File does no buffering: each write_all of a short slice is one write(2).
    let mut pipe = stdout_as_file()?;
    for part in ["42", "None", "hello"] {
        pipe.write_all(part.as_bytes())?;
    }
    Ok(())
}
// ANCHOR_END: os_pipe

// ANCHOR: framing
fn framing() {
    let (read_end, write_end) = pipe();

    let mut command = shared::worker::command("read-frames");
    command.stdin(Stdio::from(read_end)); // this time the worker reads the pipe
    let worker = Worker::start(command);

    say!("parent: sends 3 messages, each as a 4-byte length and then its bytes");
    let mut pipe = File::from(write_end);
    for message in ["42", "None", "hello"] {
        if let Err(err) = write_frame(&mut pipe, message.as_bytes()) {
            say!("parent: sending failed: {err}");
            break;
        }
    }
    // Closing the write end is how the reader learns that nothing more comes.
    drop(pipe); // Python: w.close()
    worker.finish();
}

fn write_frame(out: &mut impl Write, message: &[u8]) -> io::Result<()> {
    let len = u32::try_from(message.len()).map_err(io::Error::other)?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(message)
}

/// One message, or `None` at the end of the stream.
fn read_frame(input: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        // The stream ended cleanly between two messages.
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let mut message = vec![0; u32::from_be_bytes(len) as usize];
    input.read_exact(&mut message)?; // an end here would be a message cut short: an error
    Ok(Some(message))
}

/// Worker: reads messages from stdin (the pipe) until the parent closes it.
fn read_frames() -> io::Result<()> {
    let mut pipe = io::stdin().lock();
    let mut count = 0;
    while let Some(message) = read_frame(&mut pipe)? {
        count += 1;
        say!(
            "child: message {count}: {:?}",
            String::from_utf8_lossy(&message)
        );
    }
    say!("child: end of the stream after {count} messages");
    Ok(())
}
// ANCHOR_END: framing

// ANCHOR: buffer_size
fn buffer_size() {
    let (_read_end, write_end) = pipe(); // nobody reads: the pipe can only fill up

    // Non-blocking: a write into a full pipe fails with EAGAIN instead of
    // waiting for a reader that will never come.
    fcntl(&write_end, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).expect("make the pipe non-blocking");
    let mut written = 0;
    loop {
        match nix::unistd::write(&write_end, b"X") {
            Ok(n) => written += n,
            Err(Errno::EAGAIN) => break,
            Err(err) => panic!("write to the pipe failed: {err}"),
        }
    }
    say!("wrote {written} bytes, one at a time, before write(2) said EAGAIN: the pipe is full");

    // Linux can also tell (and change, with F_SETPIPE_SZ) the capacity.
    // Python 3.10+: fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
    #[cfg(target_os = "linux")]
    match fcntl(&write_end, FcntlArg::F_GETPIPE_SZ) {
        Ok(size) => say!("fcntl(F_GETPIPE_SZ) says the buffer holds {size} bytes"),
        Err(err) => say!("fcntl(F_GETPIPE_SZ) failed: {err}"),
    }
    say!("a blocking writer would now sleep in write(2) until a reader makes room");
}
// ANCHOR_END: buffer_size

// ANCHOR: duplex
fn duplex() {
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
        let asked = writeln!(&parent_end, "{n}").and_then(|()| replies.read_line(&mut reply));
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
fn square() -> io::Result<()> {
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

// ANCHOR: ipc_channel
/// Python's `[42, None, 'hello']` is a list of anything. A Rust channel
/// carries one declared type; a tuple with the same shape will do.
type Message = (i64, Option<i64>, String);

fn ipc_channel() {
    // The one-shot server is a socket file in a fresh folder under TMPDIR
    // until a worker connects: Ctrl-C must not end us before it is removed.
    // A Ctrl-C is held back until the end of this function (see block_sigint).
    let _sigint_blocked = block_sigint();
    let (server, name) = IpcOneShotServer::<Message>::new().expect("create a one-shot server");

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
                Err(ipc_channel::TryRecvError::IpcError(ipc_channel::IpcError::Disconnected)) => {
                    say!("parent: next recv: the child closed its end (Python: EOFError)")
                }
                other => say!("parent: next recv: {other:?}"),
            }
        }
        Err(err) => say!("parent: no message: {err}"),
    }
    worker.finish(); // Python: p.join()
}

/// Worker: connects to the parent's server and sends one typed value.
fn send_typed() -> io::Result<()> {
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
// ANCHOR_END: ipc_channel

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

// ANCHOR: deadlock
/// Python: q.put('X' * 1000000): far more than a pipe's buffer holds.
const MESSAGE_LEN: usize = 1_000_000;
/// How long the parent waits for the worker before it calls it a deadlock.
/// Not a guess about speed: the worker *cannot* exit while nobody reads.
const DEADLOCK_TIMEOUT: Duration = Duration::from_secs(1);

fn deadlock() {
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
            say!("  the worker is stuck in write(2): the pipe's buffer is full, nobody reads it");
            say!("  the parent is stuck waiting for the worker to exit, which it cannot do");
            say!("  each waits for the other; without the time limit both would wait for ever");
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
fn write_megabyte() -> io::Result<()> {
    stdout_as_file()?.write_all(&[b'X'; MESSAGE_LEN])
}
// ANCHOR_END: deadlock

// ANCHOR: read_first
fn read_first() {
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

// ANCHOR: worker
/// A worker process that is never left behind: if the parent gives up on it
/// (or panics), dropping it kills it and reaps it.
///
/// Ctrl-C sends SIGINT to every process of the lesson at once. The worker
/// dies of it; the parent holds its own SIGINT back while it has a worker, so
/// that it reaps the worker first and dies of the SIGINT only then. Had the
/// parent died first, the dead worker would be left as an orphan zombie.
struct Worker {
    child: Child,
    _sigint_blocked: SigintBlocked, // dropped after `drop` has reaped the child
}

impl Worker {
    /// Starts the command. It is consumed on purpose: a `Command` keeps the
    /// pipe ends given to it as stdin/stdout open until it is dropped, and a
    /// write end still open in the parent means the reader never sees the end.
    fn start(mut command: Command) -> Worker {
        let sigint_blocked = block_sigint();
        let child = command.spawn().expect("start a worker");
        Worker {
            child,
            _sigint_blocked: sigint_blocked,
        }
    }

    /// Whether it has exited (and then, it is reaped: no zombie).
    fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// `join(timeout)`: waits at most `timeout` for the worker to exit.
    fn wait_within(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }

    /// `p.join()` with a limit: reports how the worker ended, or kills it.
    fn finish(mut self) {
        match self.wait_within(PATIENCE) {
            Some(status) => say!("parent: the worker exited ({status})"),
            None => say!("parent: the worker did not exit within {PATIENCE:?}: killed"),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.try_wait().is_none() {
            self.kill();
        }
    }
}
// ANCHOR_END: worker

// ANCHOR: plumbing
/// A pipe whose ends are not inherited by child processes, except as the
/// stdin/stdout we hand them on purpose. (Python's os.pipe() does the same.)
/// A worker that inherited the write end by accident would never see the
/// end of its own input.
fn pipe() -> (OwnedFd, OwnedFd) {
    let (read_end, write_end) = nix::unistd::pipe().expect("create a pipe");
    for end in [&read_end, &write_end] {
        fcntl(end, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).expect("mark the pipe close-on-exec");
    }
    (read_end, write_end)
}

/// Reads until the writer closes its end, for at most `timeout`.
fn read_all_within(pipe: &OwnedFd, timeout: Duration) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut ready = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        match poll(
            &mut ready,
            PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX),
        ) {
            Ok(0) => {
                let why = format!("the writer did not finish within {timeout:?}");
                return Err(io::Error::new(io::ErrorKind::TimedOut, why));
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(err) => return Err(err.into()),
        }
        match nix::unistd::read(pipe, &mut chunk) {
            Ok(0) => return Ok(bytes), // every write end is closed: the end
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(err) => return Err(err.into()),
        }
    }
}

/// This process's stdout as an unbuffered file, for bytes that are not text lines.
fn stdout_as_file() -> io::Result<File> {
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

/// Blocks SIGINT (Ctrl-C) for this thread, and for threads it starts, until
/// the guard is dropped; a Ctrl-C meanwhile waits and strikes at the drop
/// (of the outermost guard: guards nest, each restores the mask it found).
/// Processes started meanwhile inherit the mask: workers unblock it first.
fn block_sigint() -> SigintBlocked {
    let mut before = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&sigint()), Some(&mut before))
        .expect("block SIGINT");
    SigintBlocked(before)
}

fn sigint() -> SigSet {
    SigSet::from(Signal::SIGINT)
}

struct SigintBlocked(SigSet);

impl Drop for SigintBlocked {
    fn drop(&mut self) {
        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.0), None).ok();
    }
}
// ANCHOR_END: plumbing
