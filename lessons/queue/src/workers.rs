//! Worker processes: starting one, handing it its ends of the queues, waiting
//! for it (always with a bound), terminating it, and cleaning up on Ctrl-C.
//!
//! Python's `Process(target=read, args=(q,)).start()` pickles `q` (the pipe
//! and the lock inside it) and hands it to the new process. An ipc-channel
//! end crosses to another process the same way, *inside a message*. But a
//! message needs a channel, and a freshly started process has none yet. So
//! the parent bootstraps one:
//!
//! 1. it opens an `IpcOneShotServer`, a socket with a name, and starts the
//!    child with that name in an environment variable;
//! 2. the child makes a channel of its own, connects to the name and sends
//!    the channel's sending end: its mailbox;
//! 3. the parent posts the child's arguments into the mailbox: any serde
//!    value, the ends of other channels included.

use std::process::{Child, ExitStatus};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcSender};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The environment variable that carries the one-shot server's name.
const SERVER_VAR: &str = "QUEUE_LESSON_SERVER";

/// How long one process waits for another before it calls it stuck. Nothing
/// in the lesson comes near it; it only turns a hang into an error message.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How often a waiting parent looks at its child.
const POLL: Duration = Duration::from_millis(5);

// ANCHOR: start
/// A child process running one of the lesson's roles.
pub struct Worker {
    role: &'static str,
    child: Child,
}

impl Worker {
    /// Python: `p = Process(target=role, args=(arguments,)); p.start()`.
    pub fn start<A>(role: &'static str, arguments: A) -> Result<Worker, String>
    where
        A: Serialize + DeserializeOwned + Send + 'static,
    {
        // The server's socket lives in a fresh folder in TMPDIR until accept.
        let (server, name) = IpcOneShotServer::<IpcSender<A>>::new()
            .map_err(|e| format!("cannot open a one-shot server: {e}"))?;
        let child = shared::worker::command(role)
            .env(SERVER_VAR, &name)
            .spawn()
            .map_err(|e| format!("cannot start the {role}: {e}"))?;
        // From here on, dropping `worker` kills and reaps the child.
        let mut worker = Worker { role, child };
        let mailbox = worker.accept(server, name, PATIENCE)?;
        mailbox
            .send(arguments)
            .map_err(|e| format!("cannot hand the {role} its arguments: {e}"))?;
        Ok(worker)
    }
    // ANCHOR_END: start

    // ANCHOR: accept
    /// `IpcOneShotServer::accept` waits for a connection with no time limit.
    /// It runs on a helper thread while this one watches the child. If the
    /// child ends first, or takes too long, we make `accept` return: kill the
    /// child (closing any connection it began), then connect to the server
    /// ourselves and send it a mailbox that nobody will use.
    fn accept<A>(
        &mut self,
        server: IpcOneShotServer<IpcSender<A>>,
        name: String,
        patience: Duration,
    ) -> Result<IpcSender<A>, String>
    where
        A: Serialize + DeserializeOwned + Send + 'static,
    {
        let (accepted_tx, accepted) = mpsc::channel();
        let acceptor = thread::spawn(move || {
            let outcome = server.accept().map(|(_, mailbox)| mailbox);
            accepted_tx.send(outcome.map_err(|e| e.to_string())).ok();
        });
        let deadline = Instant::now() + patience;
        let mut gave_up = None;
        let outcome = loop {
            match accepted.recv_timeout(POLL) {
                Ok(outcome) => break outcome,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    break Err("the acceptor panicked".into());
                }
            }
            if gave_up.is_some() {
                continue; // accept is returning; wait for it
            }
            gave_up = match self.child.try_wait() {
                Ok(Some(status)) => Some(format!("ended before it connected ({status})")),
                Ok(None) if Instant::now() > deadline => {
                    Some(format!("did not connect within {patience:?}"))
                }
                Ok(None) => None,
                Err(e) => Some(format!("cannot be watched: {e}")),
            };
            if gave_up.is_some() {
                self.child.kill().ok();
                // Errors here mean that accept has already returned: fine too.
                let unused = ipc::channel::<A>().map(|(mailbox, _)| mailbox);
                let server = IpcSender::<IpcSender<A>>::connect(name.clone());
                if let (Ok(mailbox), Ok(server)) = (unused, server) {
                    server.send(mailbox).ok();
                }
            }
        };
        acceptor.join().ok();
        match (outcome, gave_up) {
            (_, Some(why)) => Err(format!("the {} {why}", self.role)),
            (Ok(mailbox), None) => Ok(mailbox),
            (Err(e), None) => Err(format!("the {} did not connect: {e}", self.role)),
        }
    }
    // ANCHOR_END: accept

    // ANCHOR: join
    /// Python: `p.join()`, with a bound: a child that has not ended after
    /// `PATIENCE` is killed and reported.
    pub fn join(&mut self) -> Result<ExitStatus, String> {
        self.join_within(PATIENCE)
    }

    fn join_within(&mut self, patience: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + patience;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                Ok(None) => {
                    self.terminate()?;
                    return Err(format!("the {} hung; killed it", self.role));
                }
                Err(e) => return Err(format!("cannot wait for the {}: {e}", self.role)),
            }
        }
    }

    /// `join`, and the child must have succeeded.
    pub fn join_ok(&mut self) -> Result<ExitStatus, String> {
        let status = self.join()?;
        if status.success() {
            Ok(status)
        } else {
            Err(format!("the {} failed ({status})", self.role))
        }
    }

    /// Python: `p.terminate()` and then `p.join()`. Python's terminate sends
    /// SIGTERM; `Child::kill` sends SIGKILL, which cannot be caught. Either
    /// way the child gets no chance to finish what it was doing. The wait
    /// reaps it: a killed child is a zombie until its parent collects it.
    pub fn terminate(&mut self) -> Result<ExitStatus, String> {
        self.child
            .kill()
            .map_err(|e| format!("cannot kill the {}: {e}", self.role))?;
        self.child
            .wait()
            .map_err(|e| format!("cannot reap the {}: {e}", self.role))
    }
}

impl Drop for Worker {
    /// A worker that nobody joined (an early return, an error) is killed and
    /// reaped, so that no zombie or orphan outlives the lesson.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}
// ANCHOR_END: join

// ANCHOR: arguments
/// In a child: the other half of `Worker::start`. Connect to the parent's
/// server, send it a mailbox, and receive the arguments it posts there.
pub fn arguments<A>() -> Result<A, String>
where
    A: Serialize + DeserializeOwned,
{
    let name = std::env::var(SERVER_VAR).map_err(|_| {
        format!("{SERVER_VAR} is not set: only the lesson starts workers")
    })?;
    let (mailbox, arguments) =
        ipc::channel::<A>().map_err(|e| format!("cannot make a channel: {e}"))?;
    let server = IpcSender::<IpcSender<A>>::connect(name)
        .map_err(|e| format!("cannot connect to the parent: {e}"))?;
    server
        .send(mailbox)
        .map_err(|e| format!("cannot send my mailbox: {e}"))?;
    arguments
        .try_recv_timeout(PATIENCE)
        .map_err(|e| format!("no arguments from the parent: {e}"))
}
// ANCHOR_END: arguments

// ANCHOR: ctrl_c
/// Runs the parent's side of a process variant with Ctrl-C held back.
///
/// Ctrl-C sends SIGINT to every process of the foreground group at once, and
/// by default each one dies on the spot. The children may (they unblock
/// SIGINT as they start: `release_ctrl_c`); the parent must not, or it would
/// leave its children unreaped and the folder of a one-shot server in
/// TMPDIR. So the parent blocks SIGINT while it has children. It sees them
/// die (a closed channel, an exit status), returns through its error path,
/// where every `Worker` and server is dropped, and only then unblocks SIGINT,
/// which ends it at once, with nothing left behind.
pub fn with_children(parent: fn() -> Result<(), String>) {
    let held = HoldCtrlC::new();
    let outcome = parent();
    if let Err(why) = &outcome {
        eprintln!("error: {why}");
    }
    drop(held); // a Ctrl-C that came meanwhile ends the process here
    if outcome.is_err() {
        std::process::exit(1);
    }
}

/// In a child, first thing: let Ctrl-C through again. A child starts with its
/// parent's signal mask (`Command` passes it on), so SIGINT would still be
/// blocked here. A Ctrl-C that came in between is pending, and ends the
/// child as soon as it is unblocked.
pub fn release_ctrl_c() {
    let mut sigint = SigSet::empty();
    sigint.add(Signal::SIGINT);
    pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&sigint), None)
        .expect("unblock SIGINT");
}

/// SIGINT blocked in this thread (and in threads it starts) while it lives.
struct HoldCtrlC {
    previous: SigSet,
}

impl HoldCtrlC {
    fn new() -> HoldCtrlC {
        let mut sigint = SigSet::empty();
        sigint.add(Signal::SIGINT);
        let mut previous = SigSet::empty();
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&sigint), Some(&mut previous))
            .expect("block SIGINT");
        HoldCtrlC { previous }
    }
}

impl Drop for HoldCtrlC {
    fn drop(&mut self) {
        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.previous), None).ok();
    }
}
// ANCHOR_END: ctrl_c

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::{Command, Stdio};

    use nix::sys::signal::kill;
    use nix::unistd::Pid;

    use super::*;

    /// A worker whose child never connects and never ends by itself: `cat`,
    /// reading a pipe that the `Worker` holds open and never writes to.
    fn never_ending() -> Worker {
        let child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start cat");
        Worker { role: "cat", child }
    }

    /// Runs `wait` on the worker in a thread, then drops the worker. A wait
    /// that has not returned within 10 s never will: the test kills the child
    /// (its own), which makes the wait return, and fails.
    fn bounded<T: Send + 'static>(
        mut worker: Worker,
        wait: impl FnOnce(&mut Worker) -> T + Send + 'static,
    ) -> (T, u32) {
        let pid = worker.child.id();
        let (done_tx, done) = mpsc::channel();
        let waiter = thread::spawn(move || {
            let outcome = wait(&mut worker);
            drop(worker);
            done_tx.send(outcome).ok();
        });
        let outcome = done.recv_timeout(Duration::from_secs(10));
        if outcome.is_err() {
            kill(Pid::from_raw(pid as i32), Signal::SIGKILL).ok();
        }
        waiter.join().expect("the waiting thread panicked");
        (outcome.expect("the wait did not return within 10 s"), pid)
    }

    /// Reaped: the pid names no process any more, not even a zombie.
    #[track_caller]
    fn assert_reaped(pid: u32) {
        let proc = format!("/proc/{pid}");
        assert!(!Path::new(&proc).exists(), "{proc} is still there");
    }

    #[test]
    fn accept_gives_up_on_a_child_that_does_not_connect_in_time() {
        let (server, name) = IpcOneShotServer::<IpcSender<u8>>::new().unwrap();
        let patience = Duration::from_millis(50);
        let (outcome, pid) = bounded(never_ending(), move |worker| {
            worker.accept(server, name, patience).map(drop)
        });
        assert_eq!(outcome.unwrap_err(), "the cat did not connect within 50ms");
        assert_reaped(pid);
    }

    #[test]
    fn join_kills_and_reaps_a_child_that_does_not_end_in_time() {
        let patience = Duration::from_millis(50);
        let (outcome, pid) =
            bounded(never_ending(), move |worker| worker.join_within(patience));
        assert_eq!(outcome.unwrap_err(), "the cat hung; killed it");
        assert_reaped(pid);
    }

    fn sigint_blocked() -> bool {
        let mask = SigSet::thread_get_mask().expect("the thread's signal mask");
        mask.contains(Signal::SIGINT)
    }

    /// Each test has a thread of its own: a signal mask belongs to a thread.
    #[test]
    fn hold_ctrl_c_blocks_sigint_until_it_is_dropped() {
        thread::spawn(|| {
            assert!(!sigint_blocked(), "blocked before");
            let held = HoldCtrlC::new();
            assert!(sigint_blocked(), "not blocked while held");
            drop(held);
            assert!(!sigint_blocked(), "still blocked after the drop");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn release_ctrl_c_unblocks_sigint() {
        thread::spawn(|| {
            // As a child starts: with SIGINT blocked, inherited from its parent.
            let _held = HoldCtrlC::new();
            release_ctrl_c();
            assert!(!sigint_blocked());
        })
        .join()
        .unwrap();
    }
}
