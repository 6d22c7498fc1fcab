//! Ports `threading.Condition`: a lock, a condition variable, and a
//! predicate that the waiter checks again after every wake-up
//! (`cond.wait_for(predicate)` in Python, `Condvar::wait_while` in Rust).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: shelf
/// What the consumer waits for, and (for this demonstration) whether it is
/// waiting now, so that main can wake it at exactly the wrong moment.
#[derive(Default)]
struct Shelf {
    items: VecDeque<u32>,
    consumer_waits: bool,
}

pub fn condition() {
    let shelf = Mutex::new(Shelf::default());
    let restocked = Condvar::new(); // Python: restocked = threading.Condition(lock)
    let consumer_asleep = Condvar::new();
    thread::scope(|s| {
        s.spawn(|| {
            let guard = shelf.lock().unwrap(); // Python: with restocked:
            // Python: restocked.wait_for(lambda: shelf)
            let mut guard = restocked
                .wait_while(guard, |shelf| {
                    let empty = shelf.items.is_empty();
                    if empty {
                        println!("consumer: the shelf is empty, waits");
                        shelf.consumer_waits = true;
                        consumer_asleep.notify_one();
                    }
                    empty
                })
                .unwrap();
            match guard.items.pop_front() {
                Some(item) => println!("consumer: takes {item}"),
                None => println!("consumer: woke up to an empty shelf!"),
            }
        });
        // ANCHOR_END: shelf
        // ANCHOR: spurious
        let waiting = |guard| {
            // Only if the consumer never waits again.
            let patience = Duration::from_secs(5);
            let (mut guard, _) = consumer_asleep
                .wait_timeout_while(guard, patience, |shelf: &mut Shelf| {
                    !shelf.consumer_waits
                })
                .unwrap();
            guard.consumer_waits = false;
            guard
        };
        let guard = waiting(shelf.lock().unwrap());
        println!("main: notify_all() with the shelf still empty (a spurious wake-up)");
        restocked.notify_all();
        let mut guard = waiting(guard);
        guard.items.push_back(1);
        println!("main: puts 1 on the shelf, notify_all()");
        restocked.notify_all(); // Python: restocked.notify_all()
    });
}
// ANCHOR_END: spurious

// ANCHOR: bounded_buffer
const CAPACITY: usize = 2;

#[derive(Default)]
struct Buffer {
    items: VecDeque<u32>,
    most: usize,
}

pub fn bounded_buffer() {
    let buffer = Mutex::new(Buffer::default());
    let (not_full, not_empty) = (Condvar::new(), Condvar::new());
    thread::scope(|s| {
        s.spawn(|| {
            for item in 1..=6 {
                let guard = buffer.lock().unwrap();
                // Python: not_full.wait_for(lambda: len(items) < CAPACITY)
                let mut guard = not_full
                    .wait_while(guard, |b| b.items.len() == CAPACITY)
                    .unwrap();
                guard.items.push_back(item);
                guard.most = guard.most.max(guard.items.len());
                println!("producer: puts {item}");
                not_empty.notify_one(); // Python: not_empty.notify()
            }
        });
        s.spawn(|| {
            for _ in 1..=6 {
                let guard = buffer.lock().unwrap();
                let mut guard =
                    not_empty.wait_while(guard, |b| b.items.is_empty()).unwrap();
                let item = guard
                    .items
                    .pop_front()
                    .expect("not empty: we waited for that");
                println!("consumer: takes {item}");
                not_full.notify_one();
            }
        });
    });
    let most = buffer.lock().unwrap().most;
    println!(
        "main: 6 items passed; the buffer ever held more than {CAPACITY}: {}",
        most > CAPACITY
    );
}
// ANCHOR_END: bounded_buffer
