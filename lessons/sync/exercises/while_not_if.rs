//! # While, not if
//!
//! A consumer waits on a `Condvar` until the shelf has a parcel, then takes
//! it. It checks the shelf with `if`: it waits once, and takes whatever is
//! there when it wakes up. But a wait can end while the shelf is still
//! empty: a spurious wake-up, a `notify_all` meant for someone else, or
//! another consumer that was quicker. Here `main` wakes the consumer once
//! too early, and it takes nothing. Check the shelf again after every
//! wake-up, and wait again while it is empty: a `while` loop, or
//! `Condvar::wait_while` (Python's `cond.wait_for(lambda: shelf)`).

use std::sync::{Condvar, Mutex};
use std::thread;

/// The shelf, in a module of its own so that the consumer can reach it only
/// through its methods.
mod shelf {
    use std::collections::VecDeque;

    pub struct Shelf {
        parcels: VecDeque<&'static str>,
        looks: u32,
    }

    impl Shelf {
        pub const fn new() -> Self {
            Shelf {
                parcels: VecDeque::new(),
                looks: 0,
            }
        }

        /// Is the shelf empty? Python: `not shelf`.
        pub fn is_empty(&mut self) -> bool {
            self.looked();
            self.parcels.is_empty()
        }

        /// Takes the first parcel, if there is one. Python: `shelf.popleft()`.
        pub fn take(&mut self) -> Option<&'static str> {
            self.looked();
            self.parcels.pop_front()
        }

        pub fn put(&mut self, parcel: &'static str) {
            self.parcels.push_back(parcel);
        }

        pub fn count(&self) -> usize {
            self.parcels.len()
        }

        /// How many times the consumer has looked at the shelf.
        pub fn looks(&self) -> u32 {
            self.looks
        }

        /// Counts a look, and wakes `main` to see it. `main` waits for the
        /// consumer's looks to do its part at exactly the wrong moment, on
        /// every run; a real shelf does not need this.
        fn looked(&mut self) {
            self.looks += 1;
            super::CHANGED.notify_all();
        }
    }
}

/// Python: `shelf = collections.deque()` and `changed = threading.Condition()`.
static SHELF: Mutex<shelf::Shelf> = Mutex::new(shelf::Shelf::new());
static CHANGED: Condvar = Condvar::new();

fn consumer() {
    println!("consumer: waits for a parcel");
    // Python: with changed:
    let mut shelf = SHELF.lock().unwrap();
    // TODO: a wake-up does not mean that a parcel is there. Look again
    // after every wake-up, and wait again while the shelf is empty
    // (`while`, or Condvar::wait_while).
    // Python: if not shelf: changed.wait()
    if shelf.is_empty() {
        shelf = CHANGED.wait(shelf).unwrap();
    }
    match shelf.take() {
        Some(parcel) => println!("consumer: took {parcel}"),
        None => println!("consumer: took nothing! it woke up to an empty shelf"),
    }
}

fn main() {
    let consumer = thread::spawn(consumer);

    let shelf = SHELF.lock().unwrap();
    // Once the consumer has looked and this thread has the lock, the
    // consumer is asleep in its wait: the wait gave the lock up.
    let shelf = CHANGED
        .wait_while(shelf, |shelf| shelf.looks() < 1)
        .unwrap();
    println!("main: notify_all, with the shelf still empty (a spurious wake-up)");
    CHANGED.notify_all();
    // Until the consumer has looked again: at the shelf, or at what it took.
    let mut shelf = CHANGED
        .wait_while(shelf, |shelf| shelf.looks() < 2)
        .unwrap();
    println!("main: puts a parcel on the shelf");
    shelf.put("a parcel");
    CHANGED.notify_all(); // Python: changed.notify_all()
    drop(shelf); // the consumer needs the lock to take it

    consumer.join().unwrap();
    let left = SHELF.lock().unwrap().count();
    println!("main: parcels left on the shelf: {left}");
}
