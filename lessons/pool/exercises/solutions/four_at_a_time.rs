//! # Four at a time
//!
//! Twelve pages are to be downloaded from a server that accepts at most four
//! connections at once and refuses any more. The program starts a thread per
//! page, all twelve at the same moment, so most downloads are refused. Run the
//! downloads on a pool of four threads instead (the `threadpool` crate): a
//! pool runs at most as many jobs at once as it has threads, and the others
//! wait in its queue until a thread is free.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const PAGES: usize = 12;
/// The server refuses a connection while this many are open.
const MAX_CONNECTIONS: usize = 4;
/// How long one download keeps its connection open.
const TRANSFER: Duration = Duration::from_millis(200);

/// The connections open on the server right now.
static OPEN: AtomicUsize = AtomicUsize::new(0);

/// Downloads `page`: its size in bytes, or why the server refused it.
fn download(page: usize) -> Result<usize, String> {
    let open = OPEN.fetch_add(1, Ordering::SeqCst) + 1;
    if open > MAX_CONNECTIONS {
        OPEN.fetch_sub(1, Ordering::SeqCst);
        return Err(format!(
            "refused: {MAX_CONNECTIONS} connections already open"
        ));
    }
    thread::sleep(TRANSFER); // the transfer takes a while
    OPEN.fetch_sub(1, Ordering::SeqCst);
    Ok(1_000 + 10 * page)
}

fn main() {
    println!(
        "main: {PAGES} pages to download, at most {MAX_CONNECTIONS} connections at once"
    );
    let (results_tx, results) = mpsc::channel();

    //~ // TODO: at most MAX_CONNECTIONS downloads at once: a pool of that many threads.
    //~ for page in 0..PAGES {
    //~     let results_tx = results_tx.clone();
    //~     // Python: threading.Thread(target=download, args=(page,)).start()
    //~     thread::spawn(move || {
    //~         results_tx
    //~             .send((page, download(page)))
    //~             .expect("main is waiting");
    //~     });
    //~ }
    // ANCHOR: solution
    // Python: pool = ThreadPool(4)
    let pool = threadpool::ThreadPool::new(MAX_CONNECTIONS);
    for page in 0..PAGES {
        let results_tx = results_tx.clone();
        // Python: pool.apply_async(download, (page,))
        pool.execute(move || {
            results_tx
                .send((page, download(page)))
                .expect("main is waiting");
        });
    }
    // ANCHOR_END: solution
    // Only the jobs hold senders now: the loop below ends after the last one.
    drop(results_tx);

    let mut bytes = 0;
    let mut refused = Vec::new();
    for (page, result) in results {
        match result {
            Ok(size) => bytes += size,
            Err(why) => refused.push((page, why)),
        }
    }
    refused.sort();
    println!(
        "main: downloaded {} of {PAGES} pages, {bytes} bytes",
        PAGES - refused.len()
    );
    for (page, why) in &refused {
        println!("main: page {page} {why}");
    }
}
