//! The lesson's worker processes: `Worker`, a child that is never left
//! behind, and the guard that holds Ctrl-C back while the parent has one.
//! Python's `Process` with `join(timeout)`.

use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use shared::say;

/// How long the parent waits for something that takes milliseconds before it
/// gives up, says so and cleans up. Generous, for busy machines: it only
/// bounds the waits, it never makes them longer.
pub const PATIENCE: Duration = Duration::from_secs(10);

// ANCHOR: worker
/// A worker process that is never left behind: if the parent gives up on it
/// (or panics), dropping it kills it and reaps it.
///
/// Ctrl-C sends SIGINT to every process of the lesson at once. The worker
/// dies of it; the parent holds its own SIGINT back while it has a worker, so
/// that it reaps the worker first and dies of the SIGINT only then. Had the
/// parent died first, the dead worker would be left as an orphan zombie.
pub struct Worker {
    child: Child,
    _sigint_blocked: SigintBlocked, // dropped after `drop` has reaped the child
}

impl Worker {
    /// Starts the command. It is consumed on purpose: a `Command` keeps the
    /// pipe ends given to it as stdin/stdout open until it is dropped, and a
    /// write end still open in the parent means the reader never sees the end.
    pub fn start(mut command: Command) -> Worker {
        let sigint_blocked = block_sigint();
        let child = command.spawn().expect("start a worker");
        Worker {
            child,
            _sigint_blocked: sigint_blocked,
        }
    }

    /// `p.join()` with a limit: reports how the worker ended, or kills it.
    pub fn finish(mut self) {
        match self.wait_within(PATIENCE) {
            Some(status) => say!("parent: the worker exited ({status})"),
            None => say!("parent: the worker did not exit within {PATIENCE:?}: killed"),
        }
    }
    // ANCHOR_END: worker

    // ANCHOR: worker_wait
    /// Whether it has exited (and then, it is reaped: no zombie).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// `join(timeout)`: waits at most `timeout` for the worker to exit.
    pub fn wait_within(&mut self, timeout: Duration) -> Option<ExitStatus> {
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

    /// Kills it and reaps it.
    pub fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.try_wait().is_none() {
            self.kill();
        }
    }
}
// ANCHOR_END: worker_wait

// ANCHOR: sigint
/// Blocks SIGINT (Ctrl-C) for this thread, and for threads it starts, until
/// the guard is dropped; a Ctrl-C meanwhile waits and strikes at the drop
/// (of the outermost guard: guards nest, each restores the mask it found).
/// Processes started meanwhile inherit the mask: workers unblock it first.
pub fn block_sigint() -> SigintBlocked {
    let mut before = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&sigint()), Some(&mut before))
        .expect("block SIGINT");
    SigintBlocked(before)
}

fn sigint() -> SigSet {
    SigSet::from(Signal::SIGINT)
}

pub struct SigintBlocked(SigSet);

impl Drop for SigintBlocked {
    fn drop(&mut self) {
        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.0), None).ok();
    }
}

/// In a worker: undoes the block inherited from the parent.
pub fn unblock_sigint() -> nix::Result<()> {
    pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&sigint()), None)
}
// ANCHOR_END: sigint

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Stdio;

    use super::*;

    fn sigint_blocked() -> bool {
        let mask = SigSet::thread_get_mask().expect("the thread's signal mask");
        mask.contains(Signal::SIGINT)
    }

    /// A worker dropped while it runs is killed and reaped: its pid names no
    /// process any more, not even a zombie.
    #[test]
    fn a_dropped_worker_is_killed_and_reaped() {
        // cat reads a pipe that nobody writes to: it would run for ever.
        let mut cat = Command::new("cat");
        cat.stdin(Stdio::piped()).stdout(Stdio::null());
        let worker = Worker::start(cat);
        let proc = format!("/proc/{}", worker.child.id());
        assert!(Path::new(&proc).exists(), "{proc} is not there");
        drop(worker);
        assert!(!Path::new(&proc).exists(), "{proc} is still there");
    }

    /// Each guard restores the mask it found: SIGINT stays blocked until the
    /// outermost guard is dropped. A thread of its own: a mask is per thread.
    #[test]
    fn sigint_is_blocked_until_the_outermost_guard_is_dropped() {
        thread::spawn(|| {
            assert!(!sigint_blocked(), "blocked before");
            let outer = block_sigint();
            drop(block_sigint());
            assert!(sigint_blocked(), "unblocked by the inner guard");
            drop(outer);
            assert!(!sigint_blocked(), "still blocked after the outer guard");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn unblock_sigint_undoes_the_block() {
        thread::spawn(|| {
            let _blocked = block_sigint(); // as a worker inherits it
            unblock_sigint().unwrap();
            assert!(!sigint_blocked());
        })
        .join()
        .unwrap();
    }
}
