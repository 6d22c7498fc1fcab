//! Every worker process the program has started and not reaped yet, and the
//! two ways of stopping them: one worker (`stop`), or all of them on Ctrl-C.
//!
//! Python: `multiprocessing.active_children()`, and the cleanup that its pool
//! does in `terminate()` and when the interpreter exits.

use std::process::{Child, ExitStatus};
use std::sync::Once;
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

// ANCHOR: registry
/// Every worker process of this program not reaped yet, so that Ctrl-C can
/// stop them all. Whoever holds the lock may be starting a worker; Ctrl-C
/// waits for the lock (see [`stop_workers_on_ctrl_c`]).
pub(super) static WORKERS: Mutex<Vec<Child>> = Mutex::new(Vec::new());

/// How many worker processes are alive, or dead but not reaped yet
/// (Python: `len(multiprocessing.active_children())`).
pub fn live_workers() -> usize {
    WORKERS.lock().len()
}

/// How long a worker whose channel has hung up may take to exit on its own.
pub(super) const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Reaps worker `pid`, killing it if it has not exited within `grace`
/// (at once, with `Duration::ZERO`). Never waits much longer than `grace`.
pub(super) fn stop(pid: u32, grace: Duration) -> Option<ExitStatus> {
    let mut workers = WORKERS.lock();
    let at = workers.iter().position(|child| child.id() == pid)?;
    let mut child = workers.swap_remove(at);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(1));
    }
    child.kill().ok();
    // A process cannot ignore SIGKILL: this wait is short.
    child.wait().ok()
}
// ANCHOR_END: registry

// ANCHOR: ctrl_c
/// Ctrl-C sends SIGINT to every process of the program at once. By default
/// each dies on the spot: the workers too, but then nobody reaps them, and a
/// worker that was just starting could leave its pool's socket in TMPDIR.
/// So the pool's process handles SIGINT: a thread waits for it, takes the
/// `WORKERS` lock (which `start_worker` holds while a socket exists), kills
/// and reaps every worker, and ends the program.
pub(super) fn stop_workers_on_ctrl_c() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let mut signals =
            Signals::new([SIGINT]).expect("cannot install a SIGINT handler");
        thread::Builder::new()
            .name("ctrl-c".into())
            .spawn(move || {
                if signals.forever().next().is_none() {
                    return;
                }
                let mut workers = WORKERS.lock();
                for child in workers.iter_mut() {
                    child.kill().ok();
                }
                for child in workers.iter_mut() {
                    child.wait().ok();
                }
                eprintln!("interrupted: every worker process stopped");
                std::process::exit(130); // 128 + SIGINT: what a shell reports for Ctrl-C
            })
            .expect("cannot start the Ctrl-C thread");
    });
}
// ANCHOR_END: ctrl_c
