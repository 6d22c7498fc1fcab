//! Ports `threading.Semaphore` and `BoundedSemaphore`. The standard library
//! has no semaphore: it is a count under a lock, and a condvar to wait on
//! until the count rises above zero.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: semaphore
/// Python: `threading.BoundedSemaphore(permits)`.
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
    permits: usize,
}

/// Python: the `ValueError` of a `BoundedSemaphore` released once too often.
#[derive(Debug)]
pub struct ReleasedTooOften;

impl Semaphore {
    pub const fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            released: Condvar::new(),
            permits,
        }
    }

    /// Python: `sem.acquire()`. Waits while no permit is free.
    pub fn acquire(&self) {
        let free = self.free.lock().unwrap();
        let mut free = self.released.wait_while(free, |free| *free == 0).unwrap();
        *free -= 1;
    }

    /// Python: `sem.acquire(blocking=False)`.
    pub fn try_acquire(&self) -> bool {
        let mut free = self.free.lock().unwrap();
        let took = *free > 0;
        if took {
            *free -= 1;
        }
        took
    }

    /// Python: `sem.release()`. More releases than acquires is a bug, and a
    /// plain `threading.Semaphore` would quietly raise its limit.
    pub fn release(&self) -> Result<(), ReleasedTooOften> {
        let mut free = self.free.lock().unwrap();
        if *free == self.permits {
            return Err(ReleasedTooOften);
        }
        *free += 1;
        self.released.notify_one();
        Ok(())
    }
}
// ANCHOR_END: semaphore

// ANCHOR: semaphore_variant
pub fn semaphore() {
    let slots = Semaphore::new(2); // Python: slots = threading.BoundedSemaphore(2)
    slots.acquire();
    slots.acquire();
    println!(
        "main: took both permits; try_acquire() gives {}",
        slots.try_acquire()
    );
    slots.release().unwrap();
    println!(
        "main: gave one back; try_acquire() gives {}",
        slots.try_acquire()
    );
    slots.release().unwrap();
    slots.release().unwrap();
    println!(
        "main: gave both back; once more gives {:?}",
        slots.release()
    );

    let (inside, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
    thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                slots.acquire(); // Python: with slots:
                inside.fetch_add(1, Ordering::SeqCst);
                most.fetch_max(inside.load(Ordering::SeqCst), Ordering::SeqCst);
                thread::sleep(Duration::from_millis(20)); // a download
                inside.fetch_sub(1, Ordering::SeqCst);
                slots.release().unwrap();
            });
        }
    });
    let most = most.load(Ordering::SeqCst);
    println!("main: 6 downloads done; more than 2 at once: {}", most > 2);
}
// ANCHOR_END: semaphore_variant

// ANCHOR: channel_semaphore
pub fn channel_semaphore() {
    // Two slots: sending takes one (and waits while both are taken),
    // receiving gives one back.
    let (take, give_back) = crossbeam_channel::bounded::<()>(2);
    take.send(()).unwrap();
    take.send(()).unwrap();
    let third = take.try_send(()); // Python: slots.acquire(blocking=False)
    println!(
        "main: took 2; a third try_send finds it full: {}",
        third.is_err_and(|e| e.is_full())
    );
    give_back.recv().unwrap(); // Python: slots.release()
    println!(
        "main: gave one back; try_send gives {:?}",
        take.try_send(())
    );
}
// ANCHOR_END: channel_semaphore
