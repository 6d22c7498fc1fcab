//! Ports `threading.Timer(delay, action)`: a thread that waits, then acts,
//! unless it is cancelled first. The wait is `recv_timeout` on a channel:
//! the time running out means "act", a message or a closed channel means
//! "cancelled".

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ANCHOR: timer
/// Python: `threading.Timer(delay, action)`, started.
pub struct Timer {
    cancel: mpsc::Sender<()>,
    thread: JoinHandle<bool>,
}

impl Timer {
    pub fn start(delay: Duration, action: impl FnOnce() + Send + 'static) -> Timer {
        let (cancel, cancelled) = mpsc::channel();
        let thread = thread::spawn(move || match cancelled.recv_timeout(delay) {
            Err(RecvTimeoutError::Timeout) => {
                action();
                true
            }
            // A message, or the sender dropped: cancelled either way.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => false,
        });
        Timer { cancel, thread }
    }

    /// Python: `timer.cancel()`.
    pub fn cancel(&self) {
        self.cancel.send(()).ok(); // Err: the timer has fired already
    }

    /// Python: `timer.join()`. Whether the action ran.
    pub fn join(self) -> bool {
        let fired = self.thread.join().expect("the action does not panic");
        drop(self.cancel); // only now: dropping it first would cancel
        fired
    }

    /// Drops the sender, which cancels, and waits for the timer's thread.
    pub fn drop_and_join(self) -> bool {
        drop(self.cancel);
        self.thread.join().expect("the action does not panic")
    }
}
// ANCHOR_END: timer

// ANCHOR: timer_variant
pub fn timer() {
    let remind = || println!("timer: the reminder goes out");
    // Python: reminder = threading.Timer(0.1, remind); reminder.start()
    let reminder = Timer::start(Duration::from_millis(100), remind);
    println!("main: reminder fired: {}", reminder.join());

    let alarm = Timer::start(Duration::from_secs(10), || println!("timer: ALARM"));
    alarm.cancel(); // Python: alarm.cancel()
    println!("main: alarm cancelled; fired: {}", alarm.join());

    let alarm = Timer::start(Duration::from_secs(10), || println!("timer: ALARM"));
    println!("main: alarm dropped; fired: {}", alarm.drop_and_join());

    // Cancelling comes too late once the action has run.
    let (ran_tx, ran) = mpsc::channel();
    let quick = Timer::start(Duration::ZERO, move || ran_tx.send(()).unwrap());
    ran.recv().unwrap();
    println!(
        "main: a timer that had fired, dropped; fired: {}",
        quick.drop_and_join()
    );
}
// ANCHOR_END: timer_variant
