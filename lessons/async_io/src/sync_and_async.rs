//! Plain (blocking) code and async code in one program, both ways round, and
//! the lock to hold across an `.await`.
//!
//! Python: `asyncio.run` and `asyncio.run_coroutine_threadsafe` call async
//! code from plain code; `asyncio.to_thread` calls plain code from async code
//! (see the `spawn-blocking` variant for the reason it matters).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, sleep};

use crate::virtual_time::at;

// ANCHOR: block_on
/// An async function, as an async library offers it.
async fn fetch(what: &str) -> String {
    sleep(Duration::from_millis(10)).await;
    format!("{what} fetched")
}

/// A plain function: it blocks its thread for as long as it computes.
fn checksum(text: &str) -> u32 {
    text.bytes().map(u32::from).sum()
}

pub fn block_on() {
    let runtime = tokio::runtime::Runtime::new().expect("start a tokio runtime");

    // Plain code calls async code and waits for the answer.
    // Python: config = asyncio.run(fetch("config"))
    let config = runtime.block_on(fetch("config"));
    println!("main thread: block_on gave back \"{config}\"");

    // Another plain thread, with a handle on the same runtime.
    let handle = runtime.handle().clone();
    let users = std::thread::spawn(move || {
        // Python: asyncio.run_coroutine_threadsafe(fetch("users"), loop).result()
        handle.block_on(fetch("users"))
    });
    let users = users.join().expect("the thread does not panic");
    println!("plain thread: Handle::block_on gave back \"{users}\"");

    // Async code calls plain code, on a thread kept for blocking work.
    let sum = runtime.block_on(async {
        let text = fetch("report").await;
        // Python: await asyncio.to_thread(checksum, text)
        tokio::task::spawn_blocking(move || checksum(&text)).await
    });
    println!(
        "a task: spawn_blocking(checksum) gave back {}",
        sum.expect("no panic")
    );

    // Dropping the runtime stops its threads and waits for them. Python: loop.close()
    drop(runtime);
    let threads =
        shared::os::thread_count_settling_at(1).expect("count this process's threads");
    println!("main: the runtime is dropped; threads left: {threads} (main)");
}
// ANCHOR_END: block_on

// ANCHOR: async_mutex
/// Appends to a shared log, one entry at a time: each writer holds the lock
/// while it waits for the (slow) disk, so two entries never mix.
async fn write_entry(
    log: Arc<tokio::sync::Mutex<Vec<String>>>,
    who: &str,
    start: Instant,
) {
    let mut entries = log.lock().await; // Python: async with lock:
    println!("{} {who}: holds the lock, writes for 1 s", at(start));
    sleep(Duration::from_secs(1)).await; // the guard is held across this .await
    entries.push(format!("{who}'s entry"));
    println!("{} {who}: done, lets go of the lock", at(start));
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn async_mutex() {
    let start = Instant::now();
    // Python: lock = asyncio.Lock()
    let log = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let writers: Vec<_> = ["alice", "bob", "carol"]
        .into_iter()
        .map(|who| tokio::spawn(write_entry(log.clone(), who, start)))
        .collect();
    for writer in writers {
        writer.await.expect("a writer does not panic");
    }
    println!("{} main: the log is {:?}", at(start), log.lock().await);
}
// ANCHOR_END: async_mutex
