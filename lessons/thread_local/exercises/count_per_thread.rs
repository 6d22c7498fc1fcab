//! # A counter per thread
//!
//! `index` counts every word it reads by calling `count_word`, the way
//! metrics code deep inside a library would. The count is one static that all
//! threads share, so when a worker reads "its" count at the end it also gets
//! the title that `main` counted and every word the other workers have
//! counted so far. Give each thread a counter of its own with `thread_local!`
//! (a `Cell<u64>` is enough), so that each worker hands back through `join`
//! exactly the words it read, and `main`'s own count is the title's.

use std::collections::BTreeSet;
use std::sync::Barrier;
use std::thread;

use std::sync::atomic::{AtomicU64, Ordering};

// TODO: give every thread its own word count, with thread_local!.
static WORDS: AtomicU64 = AtomicU64::new(0);

/// Counts one word read by the calling thread.
fn count_word() {
    WORDS.fetch_add(1, Ordering::Relaxed);
}

/// How many words the calling thread has read.
fn words_counted() -> u64 {
    WORDS.load(Ordering::Relaxed)
}

/// The "library": the distinct words of `text`, in lower case. It counts every
/// word it reads, and does not tell its caller how many that was.
fn index(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .inspect(|_| count_word())
        .map(str::to_lowercase)
        .collect()
}

const TITLE: &str = "Threads and processes, in Rust";

const DOCUMENTS: [(&str, &str); 3] = [
    (
        "spawn",
        "A thread starts with spawn, runs its closure, and ends when the closure returns.",
    ),
    (
        "join",
        "Join waits for a thread to end, then hands back what its closure returned, or its panic.",
    ),
    (
        "local",
        "A thread local value belongs to one thread: each thread that touches it gets its own.",
    ),
];

fn main() {
    let title = index(TITLE); // main reads too, on its own thread
    println!("main: the title has {} distinct words", title.len());

    // Every worker waits here until all have started, so that they really
    // do read at the same time.
    let together = Barrier::new(DOCUMENTS.len());
    let counts: Vec<(usize, u64)> = thread::scope(|s| {
        let workers: Vec<_> = DOCUMENTS
            .iter()
            .map(|&(_, text)| {
                let together = &together;
                s.spawn(move || {
                    together.wait();
                    let distinct = index(text).len();
                    (distinct, words_counted()) // handed back by join
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a worker panicked"))
            .collect()
    });

    for ((name, _), (distinct, words)) in DOCUMENTS.iter().zip(&counts) {
        println!("{name}: {words} words, {distinct} distinct");
    }
    let total: u64 = counts.iter().map(|(_, words)| words).sum();
    println!("the workers read {total} words in all");
    println!("main read {} words itself", words_counted());
}
