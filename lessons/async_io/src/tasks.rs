//! Ports `asyncio.create_task`, `task.cancel()` and `asyncio.wait_for`.
//!
//! In Python, cancelling raises `CancelledError` inside the coroutine at its
//! `await`, and its `finally:` blocks run (they may even await). In Rust a
//! future is cancelled by dropping it: it is simply never polled again, and
//! what it owns is dropped, so its cleanup is a `Drop`, which cannot await.

use std::time::Duration;

use tokio::time::{Instant, sleep};

use crate::virtual_time::at;

// ANCHOR: cleanup
/// Whatever a future must undo when it stops, finished or cancelled.
/// Python: the `finally:` block around the coroutine's body.
struct Cleanup {
    what: &'static str,
    start: Instant,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{} {}: cleanup runs (Drop)", at(self.start), self.what);
    }
}
// ANCHOR_END: cleanup

// ANCHOR: cancel
async fn ticker(start: Instant) {
    let _cleanup = Cleanup {
        what: "ticker",
        start,
    }; // Python: try: ... finally:
    for tick in 1.. {
        sleep(Duration::from_secs(1)).await;
        println!("{} ticker: tick {tick}", at(start));
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn cancel() {
    let start = Instant::now();
    // Python: task = asyncio.create_task(ticker())
    let task = tokio::spawn(ticker(start));
    sleep(Duration::from_millis(3500)).await;
    println!("{} main: cancels the ticker", at(start));
    task.abort(); // Python: task.cancel()
    match task.await {
        // Python: except asyncio.CancelledError:
        Err(error) => {
            let cancelled = error.is_cancelled();
            println!(
                "{} main: is_cancelled() is {cancelled} ({error})",
                at(start)
            );
        }
        // Never: the ticker ticks for ever.
        Ok(()) => println!("main: the ticker finished"),
    }
}
// ANCHOR_END: cancel

// ANCHOR: timeout
/// A request to a server that takes `seconds` to answer.
async fn request(host: &'static str, seconds: u64, start: Instant) -> String {
    let _connection = Cleanup { what: host, start }; // closed however this ends
    sleep(Duration::from_secs(seconds)).await;
    format!("{host} answered after {seconds} s")
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn timeout() {
    let start = Instant::now();
    let limit = Duration::from_secs(2);
    for (host, seconds) in [("fast.example", 1), ("slow.example", 5)] {
        // Python: reply = await asyncio.wait_for(request(host, seconds), timeout=2)
        match tokio::time::timeout(limit, request(host, seconds, start)).await {
            Ok(reply) => println!("{} main: {reply}", at(start)),
            // Python: except TimeoutError:
            Err(elapsed) => println!("{} main: {host}: {elapsed} ({limit:?})", at(start)),
        }
    }
}
// ANCHOR_END: timeout
