//! # Together, not one after another
//!
//! Three pages are fetched from servers that take 1, 2 and 3 seconds to
//! answer. `main` awaits each fetch before it starts the next one, so the
//! waits add up: 6 seconds in all. Nothing makes a fetch wait for another.
//! Run the three fetches together with `tokio::join!` (Python's
//! `asyncio.gather`), so that the whole takes as long as the slowest one:
//! 3 seconds. The program runs on tokio's paused clock, so the times it
//! prints are exact.

use std::time::Duration;

use tokio::time::{Instant, sleep};

/// The time since `start` on tokio's clock, in whole seconds: `t=2s`.
fn at(start: Instant) -> String {
    format!("t={}s", start.elapsed().as_secs())
}

/// Python: `async def fetch(host, seconds):` a page from a server that takes
/// `seconds` to answer; its size in bytes.
async fn fetch(host: &str, seconds: u64, start: Instant) -> usize {
    println!("{} {host}: asked, answers in {seconds} s", at(start));
    sleep(Duration::from_secs(seconds)).await; // Python: await asyncio.sleep(seconds)
    let size = 1_000 * seconds as usize;
    println!("{} {host}: {size} bytes", at(start));
    size
}

// The clock is paused: whenever every task waits, tokio moves it straight to
// the next timer instead of sleeping. A run takes microseconds.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();

    //~ // TODO: start the three fetches together and wait for all three
    //~ // (tokio::join!), instead of one after the other.
    //~ let alpha = fetch("alpha.example", 1, start).await;
    //~ let beta = fetch("beta.example", 2, start).await;
    //~ let gamma = fetch("gamma.example", 3, start).await;
    // ANCHOR: solution
    // Python: alpha, beta, gamma = await asyncio.gather(fetch(...), ...)
    let (alpha, beta, gamma) = tokio::join!(
        fetch("alpha.example", 1, start),
        fetch("beta.example", 2, start),
        fetch("gamma.example", 3, start),
    );
    // ANCHOR_END: solution

    println!(
        "main: 3 pages, {} bytes, took {}s",
        alpha + beta + gamma,
        start.elapsed().as_secs()
    );
}
