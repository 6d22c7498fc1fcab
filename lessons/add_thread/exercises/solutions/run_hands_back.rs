//! # Get the result back from `run`
//!
//! In Python you would subclass `Thread`, have `run()` store its answer in
//! `self.count`, and read `t.count` after `t.join()`. A Rust thread owns what
//! it works on, so `start` below hands each thread a *clone* of the counter:
//! the thread counts on its copy, and `main` prints the originals, still 0.
//! Make the result travel back: let `run` return it (or the whole counter),
//! let `start` return a `JoinHandle` of that, and print what `join` gives.

use std::thread::{self, JoinHandle};

const TEXT: &str = "A thread shares memory with every other thread of its process. \
    A process has memory of its own, so a process is safer and a thread is cheaper. \
    Threads that share data need a lock; processes that share data need a pipe, \
    a queue or shared memory, and still a lock. Start a thread, join a thread.";

/// How often `word` occurs in `text`, ignoring case and punctuation.
fn occurrences(word: &str, text: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.eq_ignore_ascii_case(word))
        .count()
}

// Python: class WordCounter(threading.Thread): def __init__(self, word): ...
#[derive(Clone)]
struct WordCounter {
    word: &'static str,
    count: usize,
}

impl WordCounter {
    fn new(word: &'static str) -> Self {
        WordCounter { word, count: 0 }
    }

    //~ // TODO: hand the result back. Let run return it (or the counter
    //~ // itself) and start return a JoinHandle of that, not of ().
    //~ // Python: def run(self): self.count = ...
    //~ fn run(&mut self) {
    //~     self.count = occurrences(self.word, TEXT);
    //~ }
    //~
    //~ /// Python: t.start()
    //~ fn start(&self) -> JoinHandle<()> {
    //~     let mut copy = self.clone(); // the thread needs a counter it owns
    //~     thread::spawn(move || copy.run())
    //~ }
    // ANCHOR: solution
    // Python: def run(self): self.count = ...
    fn run(mut self) -> Self {
        self.count = occurrences(self.word, TEXT);
        self // the thread's return value: join() hands it to whoever waits
    }

    /// Python: t.start(). The counter moves into the thread, and comes back
    /// out of `join()` once `run` is done with it.
    fn start(self) -> JoinHandle<Self> {
        thread::spawn(move || self.run())
    }
    // ANCHOR_END: solution
}

fn main() {
    let counters = ["thread", "process", "lock", "memory"].map(WordCounter::new);
    //~ let threads: Vec<JoinHandle<()>> = counters.iter().map(WordCounter::start).collect();
    //~ for thread in threads {
    //~     thread.join().expect("a counter panicked"); // Python: t.join()
    //~ }
    //~ for counter in &counters {
    //~     println!("{:>8}: {}", counter.word, counter.count); // Python: t.count
    //~ }
    // ANCHOR: solution
    let threads: Vec<JoinHandle<WordCounter>> =
        counters.into_iter().map(WordCounter::start).collect();
    for thread in threads {
        let counter = thread.join().expect("a counter panicked"); // Python: t.join()
        println!("{:>8}: {}", counter.word, counter.count); // Python: t.count
    }
    // ANCHOR_END: solution
}
