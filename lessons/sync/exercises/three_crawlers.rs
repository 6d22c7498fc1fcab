//! # Three crawlers at a time
//!
//! Nine crawler threads fetch nine pages from a site that accepts at most
//! three connections at once and refuses any more. Each crawler takes a
//! permit of a semaphore of three before it connects, and gives it back
//! after: Python's `threading.BoundedSemaphore(3)` and `with semaphore:`.
//! The standard library has no semaphore, so this one is built from a
//! `Mutex` and a `Condvar`, and its `acquire` is not finished: when no
//! permit is free, it goes ahead anyway, and most fetches are refused. Make
//! `acquire` wait on the `Condvar` while no permit is free, and look again
//! after every wake-up.

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

const PAGES: usize = 9;
/// The site refuses a connection while this many are open.
const MAX_CONNECTIONS: usize = 3;

/// The semaphore's count, in a module of its own so that the semaphore can
/// reach it only through its methods. It also counts the threads asleep in
/// `acquire`, for the site (see `Site`).
mod permits {
    use std::cell::Cell;

    thread_local! {
        /// The round of wake-ups in which this thread was counted asleep.
        static COUNTED_IN: Cell<Option<u64>> = const { Cell::new(None) };
    }

    pub struct Permits {
        taken: usize,
        limit: usize,
        /// Threads that found no permit free, and have not been woken since.
        asleep: usize,
        /// How many times permits were given back, waking every sleeper.
        round: u64,
    }

    impl Permits {
        pub const fn new(limit: usize) -> Self {
            Permits {
                taken: 0,
                limit,
                asleep: 0,
                round: 0,
            }
        }

        /// Is every permit taken? Python: `self._value == 0`. A thread that
        /// finds none free goes to sleep, so it is counted as asleep.
        pub fn none_free(&mut self) -> bool {
            let none = self.taken == self.limit;
            if none && COUNTED_IN.get() != Some(self.round) {
                COUNTED_IN.set(Some(self.round));
                self.asleep += 1;
            }
            none
        }

        /// Python: `self._value -= 1`. Takes one even if none is free.
        pub fn take(&mut self) {
            if COUNTED_IN.take() == Some(self.round) {
                self.asleep -= 1; // counted, and never went to sleep
            }
            self.taken += 1;
        }

        /// Python: `self._value += 1`. `release` then wakes every sleeper,
        /// so none is asleep until it has looked again.
        pub fn give_back(&mut self) {
            assert!(self.taken > 0, "released more often than acquired");
            self.taken -= 1;
            self.round += 1;
            self.asleep = 0;
        }

        /// How many threads sleep in `acquire`, waiting for a permit.
        pub fn asleep(&self) -> usize {
            self.asleep
        }
    }
}

/// Python: `threading.BoundedSemaphore(permits)`: a count under a lock,
/// and a condition variable to wait on until a permit is given back.
struct Semaphore {
    permits: Mutex<permits::Permits>,
    given_back: Condvar,
}

impl Semaphore {
    const fn new(permits: usize) -> Self {
        Semaphore {
            permits: Mutex::new(permits::Permits::new(permits)),
            given_back: Condvar::new(),
        }
    }

    /// Takes a permit, waiting while none is free. Python: `sem.acquire()`
    fn acquire(&self) {
        let mut permits = self.permits.lock().unwrap();
        // TODO: when no permit is free, this goes ahead anyway. Wait on
        // `self.given_back` while `permits.none_free()` instead (a crawler
        // that gives its permit back notifies it), and look again after
        // every wake-up: Condvar::wait_while.
        // Python: while self._value == 0: self._cond.wait()
        if permits.none_free() {
            println!("crawler: no permit is free; goes ahead anyway");
        }
        permits.take();
    }

    /// Gives a permit back, and wakes the crawlers that wait for one: all
    /// of them, though only one can have it. Python: `sem.release()`
    fn release(&self) {
        self.permits.lock().unwrap().give_back();
        self.given_back.notify_all();
    }

    /// How many crawlers sleep in `acquire`.
    fn asleep(&self) -> usize {
        self.permits.lock().unwrap().asleep()
    }
}

/// Python: `semaphore = threading.BoundedSemaphore(3)`, for every crawler.
static SEMAPHORE: Semaphore = Semaphore::new(MAX_CONNECTIONS);

/// The site's connections: open now, and closed or refused.
struct Connections {
    open: usize,
    over: usize,
}

/// The site. It keeps each connection open until every other crawler is
/// connected, done, or asleep in `acquire`, so that whatever can happen
/// while a page is fetched does happen, on every run: without a limit, all
/// nine crawlers try to connect while the first three are connected.
struct Site {
    connections: Mutex<Connections>,
    changed: Condvar,
}

static SITE: Site = Site {
    connections: Mutex::new(Connections { open: 0, over: 0 }),
    changed: Condvar::new(),
};

impl Site {
    /// Fetches `page`: its size in bytes, or why the site refused it.
    fn fetch(&self, page: usize) -> Result<usize, String> {
        let mut connections = self.connections.lock().unwrap();
        if connections.open == MAX_CONNECTIONS {
            connections.over += 1;
            self.changed.notify_all();
            return Err(format!(
                "refused: {MAX_CONNECTIONS} connections already open"
            ));
        }
        connections.open += 1;
        self.changed.notify_all();
        // The semaphore counts its sleeping crawlers under its own lock, and
        // wakes nobody here when that count changes: look again every
        // millisecond as well.
        while connections.open + connections.over + SEMAPHORE.asleep() < PAGES {
            let tick = Duration::from_millis(1);
            (connections, _) = self.changed.wait_timeout(connections, tick).unwrap();
        }
        connections.open -= 1;
        connections.over += 1;
        self.changed.notify_all();
        Ok(1_000 + 10 * page)
    }
}

fn main() {
    println!("main: {PAGES} pages to fetch, at most {MAX_CONNECTIONS} at a time");
    let results: Vec<(usize, Result<usize, String>)> = thread::scope(|s| {
        let crawlers: Vec<_> = (1..=PAGES)
            .map(|page| {
                s.spawn(move || {
                    SEMAPHORE.acquire(); // Python: with semaphore:
                    let fetched = SITE.fetch(page);
                    SEMAPHORE.release();
                    (page, fetched)
                })
            })
            .collect();
        crawlers
            .into_iter()
            .map(|crawler| crawler.join().unwrap())
            .collect()
    });

    let mut bytes = 0;
    let mut refused = Vec::new();
    for (page, fetched) in results {
        match fetched {
            Ok(size) => bytes += size,
            Err(why) => refused.push((page, why)),
        }
    }
    println!(
        "main: fetched {} of {PAGES} pages, {bytes} bytes",
        PAGES - refused.len()
    );
    for (page, why) in &refused {
        println!("main: page {page} {why}");
    }
}
