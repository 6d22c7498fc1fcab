//! # One connection per pool thread
//!
//! Eight lookups run on a pool of two threads, and every lookup opens a new
//! `Connection`: a slow step (think of a TCP and TLS handshake), taken eight
//! times. A connection must stay on the thread that opened it, so the two
//! threads cannot share one either. But a pool's threads outlive its tasks:
//! keep one connection per thread in a `thread_local!`, opened by the first
//! lookup that runs on that thread and reused by every later lookup there.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use threadpool::ThreadPool;

const THREADS: usize = 2;
const LOOKUPS: u32 = 8;

/// How many connections have been opened, by all threads together.
static OPENED: AtomicUsize = AtomicUsize::new(0);

/// A connection to a (pretend) database server. Like the handles of many C
/// client libraries, it must not leave the thread that opened it: the
/// `PhantomData<*const ()>` makes it neither `Send` nor `Sync`, so the
/// compiler refuses to move it to, or share it with, another thread.
struct Connection {
    id: usize,
    _stays_on_its_thread: PhantomData<*const ()>,
}

impl Connection {
    fn open() -> Connection {
        let id = OPENED.fetch_add(1, Ordering::Relaxed) + 1;
        thread::sleep(Duration::from_millis(20)); // the handshake
        println!("opened connection #{id}");
        Connection {
            id,
            _stays_on_its_thread: PhantomData,
        }
    }

    fn query(&self, key: u32) -> String {
        format!("{key} squared is {} (connection #{})", key * key, self.id)
    }
}

//~ // TODO: keep one connection per pool thread, in a thread_local!, instead
//~ // of opening a new one for every lookup.
//~ fn lookup(key: u32) -> String {
//~     let connection = Connection::open();
//~     connection.query(key)
//~ }
// ANCHOR: solution
thread_local! {
    // Opened the first time a lookup runs on this thread, then kept until
    // the thread ends: for a pool's thread, long after that lookup.
    static CONNECTION: Connection = Connection::open();
}

fn lookup(key: u32) -> String {
    CONNECTION.with(|connection| connection.query(key))
}
// ANCHOR_END: solution

fn main() {
    // Python: ThreadPoolExecutor(max_workers=2)
    let pool = ThreadPool::with_name("lookup".to_owned(), THREADS);
    let (answers, inbox) = mpsc::channel();
    for key in 1..=LOOKUPS {
        let answers = answers.clone();
        // Python: pool.submit(lookup, key)
        pool.execute(move || {
            answers.send((key, lookup(key))).expect("main is waiting");
        });
    }
    drop(answers); // the inbox ends when the last task has sent its answer

    let mut answers: Vec<(u32, String)> = inbox.iter().collect();
    answers.sort();
    for (key, answer) in answers {
        println!("lookup {key}: {answer}");
    }
    let opened = OPENED.load(Ordering::Relaxed);
    println!("{opened} connections opened for {LOOKUPS} lookups on {THREADS} threads");
}
