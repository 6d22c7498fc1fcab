//! Ports `threading.Event`: a flag that threads can wait for.
//!
//! A `Condvar` alone is only a place to sleep until someone calls
//! `notify`: it remembers nothing. A notify sent before anyone waits is lost
//! (a *lost wake-up*), and a waiter can also wake with no notify at all (a
//! *spurious wake-up*). So a condvar always goes with a value under its
//! mutex, and a waiter checks the value, not the wake-up. Python's `Event`
//! is exactly that pair: a flag and a condition.

use std::sync::{Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

// ANCHOR: event
/// Python: `threading.Event()`.
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    pub const fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Python: `event.set()`. The flag first, then the wake-up.
    pub fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }

    /// Python: `event.clear()`.
    pub fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }

    /// Python: `event.is_set()`.
    pub fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    /// Python: `event.wait()`. Sleeps while the flag is down, checking it
    /// again after every wake-up.
    pub fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        let _set = self.changed.wait_while(flag, |set| !*set).unwrap();
    }

    /// Python: `event.wait(timeout)`: whether the flag was set in time.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap();
        let (_flag, waited) = self
            .changed
            .wait_timeout_while(flag, timeout, |set| !*set)
            .unwrap();
        // Timed out means: still not set when the time was up.
        !waited.timed_out()
    }
}
// ANCHOR_END: event

// ANCHOR: event_variant
pub fn event() {
    let start = Event::new(); // Python: start = threading.Event()
    let (waiting_tx, waiting) = mpsc::channel();
    thread::scope(|s| {
        s.spawn(|| {
            println!("worker: waits for the start signal");
            waiting_tx.send(()).unwrap();
            start.wait(); // Python: start.wait()
            println!("worker: got it, starts working");
        });
        waiting.recv().unwrap();
        println!("main: sets the event");
        start.set(); // Python: start.set()
    });

    let never = Event::new(); // nobody will set this one
    let set = never.wait_timeout(Duration::from_millis(100)); // Python: never.wait(0.1)
    println!("main: wait(100 ms) on an event nobody sets gives {set}");
    println!("main: is_set() gives {}", start.is_set());
    start.clear(); // Python: start.clear()
    println!("main: after clear(), is_set() gives {}", start.is_set());
}
// ANCHOR_END: event_variant

// ANCHOR: lost_wakeup
pub fn lost_wakeup() {
    let lock = Mutex::new(());
    let bell = Condvar::new();
    println!("main: notify_one() with nobody waiting yet");
    bell.notify_one();
    thread::scope(|s| {
        s.spawn(|| {
            let guard = lock.lock().unwrap();
            println!("waiter: waits for the bell, 200 ms at most");
            let (_guard, result) = bell
                .wait_timeout(guard, Duration::from_millis(200))
                .unwrap();
            println!(
                "waiter: timed out: {}; the bell rang before anyone listened",
                result.timed_out()
            );
        });
    });

    let bell = Event::new();
    bell.set();
    let heard = bell.wait_timeout(Duration::from_millis(200));
    println!("main: an Event set before the wait: wait(200 ms) gives {heard}, at once");
}
// ANCHOR_END: lost_wakeup
