//! # Wait for ready, without spinning
//!
//! A worker must not start before `main` has everything ready, so it waits
//! on an `Event`, Python's `threading.Event`. But this `Event`'s `wait` is a
//! busy-wait: it looks at the flag again and again, as fast as the CPU can,
//! and burns a whole core doing nothing. The `Event` already has what a real
//! wait needs, a flag in a `Mutex` and a `Condvar` that `set` notifies. Make
//! `wait` sleep on the `Condvar` until the flag is set, with
//! `Condvar::wait_while` (Python's `event.wait()`). The program counts how
//! many times the worker looked at the flag: a sleeper looks once before it
//! falls asleep and once when it is woken.

use std::sync::{Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// How long `main` takes to get everything ready.
const SETUP: Duration = Duration::from_millis(100);

/// The event's flag, and how many times a waiter has looked at it.
struct Flag {
    set: bool,
    looks: u64,
}

impl Flag {
    /// Is the flag set? Each look is counted: a busy-wait looks millions of
    /// times, a sleeping wait a few.
    fn is_set(&mut self) -> bool {
        self.looks += 1;
        self.set
    }
}

/// Python: `threading.Event()`: a flag under a lock, and a condition
/// variable to sleep on until the flag changes.
struct Event {
    flag: Mutex<Flag>,
    changed: Condvar,
}

impl Event {
    fn new() -> Self {
        Event {
            flag: Mutex::new(Flag {
                set: false,
                looks: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// Python: `event.set()`: the flag first, then the wake-up.
    fn set(&self) {
        self.flag.lock().unwrap().set = true;
        self.changed.notify_all(); // wakes every thread asleep in `wait`
    }

    /// Python: `event.wait()`: returns once the flag is set.
    fn wait(&self) {
        // TODO: this looks at the flag again and again until it is set: a
        // busy-wait. Sleep on `self.changed` while the flag is not set
        // instead (Condvar::wait_while, asking `is_set` after each wake-up).
        // Python: event.wait()
        while !self.flag.lock().unwrap().is_set() {
            std::hint::spin_loop(); // "I am spinning", to the CPU
        }
    }

    /// How many times the flag has been looked at.
    fn looks(&self) -> u64 {
        self.flag.lock().unwrap().looks
    }
}

fn main() {
    let ready = Event::new(); // Python: ready = threading.Event()
    let (waiting_tx, waiting) = mpsc::channel();
    thread::scope(|s| {
        s.spawn(|| {
            println!("worker: waits until everything is ready");
            waiting_tx.send(()).unwrap();
            ready.wait(); // Python: ready.wait()
            println!("worker: ready, starts working");
        });
        waiting.recv().unwrap(); // the worker is about to wait
        println!("main: gets everything ready ({} ms)", SETUP.as_millis());
        thread::sleep(SETUP);
        println!("main: everything is ready");
        ready.set(); // Python: ready.set()
    });
    // Once before it fell asleep and once after the wake-up: a few more
    // only if the system woke it for nothing (a spurious wake-up).
    let looks = ready.looks();
    if looks <= 3 {
        println!("main: the worker looked at the flag at most 3 times");
    } else {
        println!("main: the worker looked at the flag {looks} times: it was spinning");
    }
}
