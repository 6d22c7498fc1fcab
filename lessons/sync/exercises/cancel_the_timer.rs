//! # Cancel the timer
//!
//! `main` asks Ada for her report, and starts a `Timer` that reminds her in
//! three seconds, as Python's `threading.Timer(3, remind).start()` would.
//! Ada answers at once, so `main` cancels the reminder. But `Timer::cancel`
//! does nothing yet, and the reminder goes out anyway. The timer's thread
//! waits with `recv_timeout` on a channel whose sender the `Timer` keeps:
//! the time running out means "fire", anything else means "cancelled".
//! Write `cancel` (Python's `timer.cancel()`) so that the thread stops
//! waiting at once and never fires.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long the timer waits before it reminds Ada. Ada answers within
/// microseconds; this only has to be longer than that, and is generous so
/// that even a very busy machine cancels in time.
const DELAY: Duration = Duration::from_secs(3);

/// Python: `threading.Timer(delay, action)`, started.
struct Timer {
    cancel: mpsc::Sender<()>,
    thread: JoinHandle<bool>,
}

impl Timer {
    /// Starts a thread that runs `action` after `delay`, unless the timer
    /// is cancelled first. Python: `timer = Timer(delay, action); timer.start()`
    fn start(delay: Duration, action: impl FnOnce() + Send + 'static) -> Timer {
        let (cancel, cancelled) = mpsc::channel();
        let thread = thread::spawn(move || match cancelled.recv_timeout(delay) {
            // Nothing came before the delay was over: fire.
            Err(RecvTimeoutError::Timeout) => {
                action();
                true
            }
            // A message, or the sender dropped: cancelled, either way.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => false,
        });
        Timer { cancel, thread }
    }

    /// Stops the timer if it has not fired yet. Python: `timer.cancel()`
    fn cancel(&self) {
        // TODO: wake the timer's thread before its delay is over. It waits
        // in recv_timeout on the channel whose sender is `self.cancel`:
        // anything but a timeout makes it give up without firing.
        // Python: timer.cancel()
    }

    /// Waits for the timer's thread to end: whether it fired.
    /// Python: `timer.join()`
    fn join(self) -> bool {
        let fired = self.thread.join().expect("the action does not panic");
        drop(self.cancel); // only now: dropping it before would cancel
        fired
    }
}

fn main() {
    println!("main: asks Ada for her report, and sets a reminder");
    let remind = || println!("timer: reminds Ada to send her report");
    let reminder = Timer::start(DELAY, remind);
    println!("main: Ada answers at once: here it is");
    reminder.cancel(); // Python: reminder.cancel()
    println!("main: cancels the reminder");
    let fired = reminder.join(); // the timer's lines are all out after this
    println!("main: the reminder went out: {fired}");
}
