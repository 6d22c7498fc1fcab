//! # Three at a time
//!
//! Ten pages are to be downloaded from a server that accepts at most three
//! connections at once and refuses any more. The program starts a task per
//! page, all ten at the same moment, so most downloads are refused. Let at
//! most three tasks download at once with a `tokio::sync::Semaphore` of three
//! permits (Python's `asyncio.Semaphore(3)`): a task takes a permit before it
//! connects, and gives it back when its download is done. The program runs on
//! tokio's paused clock, so the time it prints is exact.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

const PAGES: usize = 10;
/// The server refuses a connection while this many are open.
const MAX_CONNECTIONS: usize = 3;
/// How long one download keeps its connection open.
const TRANSFER: Duration = Duration::from_secs(1);

/// The connections open on the server right now.
static OPEN: AtomicUsize = AtomicUsize::new(0);

/// Downloads `page`: its size in bytes, or why the server refused it.
async fn download(page: usize) -> Result<usize, String> {
    let open = OPEN.fetch_add(1, Ordering::SeqCst) + 1;
    if open > MAX_CONNECTIONS {
        OPEN.fetch_sub(1, Ordering::SeqCst);
        return Err(format!(
            "refused: {MAX_CONNECTIONS} connections already open"
        ));
    }
    sleep(TRANSFER).await; // the transfer takes a while
    OPEN.fetch_sub(1, Ordering::SeqCst);
    Ok(1_000 + 10 * page)
}

// The clock is paused: whenever every task waits, tokio moves it straight to
// the next timer instead of sleeping. A run takes microseconds.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    println!(
        "main: {PAGES} pages to download, at most {MAX_CONNECTIONS} connections at once"
    );
    let mut downloads = JoinSet::new();

    // TODO: at most MAX_CONNECTIONS downloads at once: a Semaphore with that
    // many permits, and a permit held by each task while it downloads.
    for page in 1..=PAGES {
        // Python: asyncio.create_task(download(page))
        downloads.spawn(async move { (page, download(page).await) });
    }

    // Python: results = await asyncio.gather(*tasks)
    let mut bytes = 0;
    let mut refused = Vec::new();
    for (page, result) in downloads.join_all().await {
        match result {
            Ok(size) => bytes += size,
            Err(why) => refused.push((page, why)),
        }
    }
    refused.sort();
    println!(
        "main: downloaded {} of {PAGES} pages, {bytes} bytes, took {}s",
        PAGES - refused.len(),
        start.elapsed().as_secs()
    );
    for (page, why) in &refused {
        println!("main: page {page} {why}");
    }
}
