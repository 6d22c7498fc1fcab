//! # Flush the buffer when the thread exits
//!
//! `log` does not print straight away: it keeps each thread's lines in a
//! thread-local `LogBuffer` and prints them four at a time, taking the lock
//! of stdout once per batch. What is still in a buffer when its thread ends
//! is lost: Thread-A's last two rows, and the rows Thread-B logged just
//! before it stopped at a bad one, the very lines you would want to see.
//! Give `LogBuffer` a `Drop` that flushes what is left: a thread's
//! thread-locals are dropped when it exits, however its work ended.

use std::cell::RefCell;
use std::io::Write;
use std::thread::{self, JoinHandle};

/// How many lines a buffer collects before it prints them.
const BATCH: usize = 4;

/// The lines one thread has logged and not yet printed.
struct LogBuffer {
    thread: String,
    lines: Vec<String>,
}

impl LogBuffer {
    /// Runs once in each thread, the first time that thread logs.
    fn new() -> Self {
        let thread = thread::current().name().unwrap_or("<unnamed>").to_owned();
        LogBuffer {
            thread,
            lines: Vec::new(),
        }
    }

    /// Prints the buffered lines as one block, under one lock of stdout.
    fn flush(&mut self) {
        if self.lines.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        for line in &self.lines {
            writeln!(out, "{}: {line}", self.thread).expect("stdout is open");
        }
        let (thread, count) = (&self.thread, self.lines.len());
        writeln!(out, "{thread}: ({count} lines flushed)").expect("stdout is open");
        self.lines.clear();
    }
}

// TODO: flush what is left in the buffer when its thread exits.

thread_local! {
    static BUFFER: RefCell<LogBuffer> = RefCell::new(LogBuffer::new());
}

/// Python: logging.info(line), through a handler that buffers per thread.
fn log(line: String) {
    BUFFER.with_borrow_mut(|buffer| {
        buffer.lines.push(line);
        if buffer.lines.len() == BATCH {
            buffer.flush();
        }
    });
}

/// Adds up the rows; stops at the first row that is not a number.
fn import(rows: &[&str]) -> Result<u64, String> {
    let mut sum = 0;
    for (number, row) in (1..).zip(rows) {
        let value: u64 = row
            .parse()
            .map_err(|_| format!("row {number} is not a number: {row:?}"))?;
        log(format!("row {number} = {value}"));
        sum += value;
    }
    Ok(sum)
}

fn start(name: &str, rows: &'static [&'static str]) -> JoinHandle<Result<u64, String>> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || import(rows))
        .expect("the OS refused to start a thread")
}

/// Ten good rows: Thread-A prints them in batches of 4, 4 and 2.
const ROWS_A: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
/// Two good rows, then one that stops Thread-B.
const ROWS_B: [&str; 4] = ["20", "30", "forty", "50"];

fn main() {
    let a = start("Thread-A", &ROWS_A);
    let b = start("Thread-B", &ROWS_B);

    // join waits until a thread has fully exited, its thread-locals dropped.
    let results = [("Thread-A", a), ("Thread-B", b)]
        .map(|(name, thread)| (name, thread.join().expect("a thread panicked")));
    for (name, result) in results {
        match result {
            Ok(sum) => println!("main: {name} imported every row, sum {sum}"),
            Err(why) => println!("main: {name} stopped: {why}"),
        }
    }
}
