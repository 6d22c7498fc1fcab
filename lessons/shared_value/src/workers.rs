//! The parent's side of its worker processes (Python's `Process(...).start()`
//! and `join()`): starting them, waiting for them with a time limit, and never
//! leaving one behind; and holding Ctrl-C back until the parent has cleaned up.

use std::process::{Child, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};

use crate::segment::{Segment, ShmSafe};
use crate::shm_sync::LIMIT;

/// How often the parent looks at its workers while it waits for them.
const POLL: Duration = Duration::from_millis(1);

/// A worker process: this same program, started again in a worker role.
pub struct Worker {
    name: String,
    child: Child,
}

impl Worker {
    /// Python: `Process(target=..., args=(...)).start()`. Starts this program
    /// again in `role` (see `main`), with the name of the shared segment, the
    /// worker's own name and `args` on its command line: a worker opens the
    /// segment by its name, the only thing about it that can cross over.
    pub fn start<T: ShmSafe>(
        role: &str,
        name: &str,
        segment: &Segment<T>,
        args: &[&str],
    ) -> Result<Worker, String> {
        let child = shared::worker::command(role)
            .arg(segment.name())
            .arg(name)
            .args(args)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Worker {
            name: name.to_owned(),
            child,
        })
    }

    /// How the worker ended, if it has (and then it is reaped).
    fn ended(&mut self) -> Result<Option<ExitStatus>, String> {
        self.child
            .try_wait()
            .map_err(|e| format!("cannot wait for {}: {e}", self.name))
    }

    /// Waits for the worker to end, at most `limit`; past that, kills it.
    pub fn wait_within(&mut self, limit: Duration) -> Result<ExitStatus, String> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.ended()? {
                return Ok(status);
            }
            if started.elapsed() >= limit {
                self.child.kill().ok();
                self.child.wait().ok();
                return Err(format!("{} did not end within {limit:?}", self.name));
            }
            thread::sleep(POLL);
        }
    }

    /// Python: `p.join()`, with a time limit; a worker that failed is an error.
    pub fn join(&mut self) -> Result<(), String> {
        let status = self.wait_within(LIMIT)?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} failed: {status}", self.name))
        }
    }
}

// ANCHOR: worker_drop
impl Drop for Worker {
    /// On every way out of a variant, an error included: a worker still
    /// running is killed, and every worker is reaped (no zombie).
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
        }
        self.child.wait().ok();
    }
}
// ANCHOR_END: worker_drop

#[cfg(test)]
impl Worker {
    /// For tests: any child process may stand in for a worker.
    pub(crate) fn stand_in(name: &str, child: Child) -> Worker {
        Worker {
            name: name.to_owned(),
            child,
        }
    }
}

/// Waits until `done()` is true, at most [`LIMIT`]. A worker that ends
/// before that is an error: it would never make `done()` true.
pub fn wait_until(
    workers: &mut [&mut Worker],
    what: &str,
    done: impl Fn() -> bool,
) -> Result<(), String> {
    let started = Instant::now();
    loop {
        if done() {
            return Ok(());
        }
        for worker in workers.iter_mut() {
            if let Some(status) = worker.ended()? {
                // It may have done its part just before it ended.
                if done() {
                    return Ok(());
                }
                return Err(format!(
                    "{} ended ({status}) before it got {what}",
                    worker.name
                ));
            }
        }
        if started.elapsed() >= LIMIT {
            return Err(format!(
                "gave up after {LIMIT:?}: the workers never got {what}"
            ));
        }
        thread::sleep(POLL);
    }
}

// ANCHOR: defer_ctrl_c
/// While this value lives, Ctrl-C (SIGINT), SIGTERM and SIGHUP do not end
/// the parent at once: they stay pending, and take effect when it is dropped,
/// after the variant's other values (the workers, the segment) have been
/// dropped, that is, cleaned up. Create it first in a variant.
///
/// Ctrl-C goes to every process of the terminal's foreground group: the
/// workers stop at once (see [`allow_ctrl_c`]), and the parent, still alive,
/// reaps them and unlinks the segment. Its only thread is the main thread,
/// so blocking the signals in this thread blocks them for the whole process.
pub struct DeferCtrlC {
    previous: SigSet,
}

/// The signals that end a job in a terminal: Ctrl-C, `kill`, a closed terminal.
fn ending_signals() -> SigSet {
    let mut ending = SigSet::empty();
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        ending.add(signal);
    }
    ending
}

impl DeferCtrlC {
    pub fn new() -> Self {
        let mut previous = SigSet::empty();
        pthread_sigmask(
            SigmaskHow::SIG_BLOCK,
            Some(&ending_signals()),
            Some(&mut previous),
        )
        .expect("block SIGINT");
        DeferCtrlC { previous }
    }
}

/// For a worker, first thing: a child inherits its parent's signal mask (a
/// `std::process::Command` child too, and `exec` keeps it), so the parent's
/// [`DeferCtrlC`] would hold Ctrl-C back in the worker as well. A worker has
/// nothing to clean up (it does not own the segment): Ctrl-C may end it at
/// once, and does, even if it came before this call (it was kept pending).
pub fn allow_ctrl_c() {
    pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&ending_signals()), None)
        .expect("unblock SIGINT");
}

impl Drop for DeferCtrlC {
    fn drop(&mut self) {
        // A signal that came meanwhile is delivered here, and ends the process.
        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&self.previous), None).ok();
    }
}
// ANCHOR_END: defer_ctrl_c

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of the ending signals this thread blocks now.
    fn blocked() -> Vec<Signal> {
        let mask = SigSet::thread_get_mask().expect("this thread's signal mask");
        ending_signals()
            .iter()
            .filter(|&signal| mask.contains(signal))
            .collect()
    }

    /// The mask is the thread's own: the test's thread, here.
    #[test]
    fn defer_ctrl_c_blocks_the_ending_signals_until_dropped() {
        SigSet::empty().thread_set_mask().expect("nothing blocked");
        let deferred = DeferCtrlC::new();
        assert_eq!(blocked(), [Signal::SIGHUP, Signal::SIGINT, Signal::SIGTERM]);
        drop(deferred);
        assert_eq!(blocked(), []);
    }

    /// What a worker inherits from its parent, and undoes first thing.
    #[test]
    fn allow_ctrl_c_unblocks_what_the_parent_deferred() {
        let _as_in_the_parent = DeferCtrlC::new();
        allow_ctrl_c();
        assert_eq!(blocked(), []);
    }
}
