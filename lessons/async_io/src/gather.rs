//! Ports `asyncio.gather` and `asyncio.as_completed`: several waits at once
//! on one thread.

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

use crate::virtual_time::at;

// ANCHOR: gather
/// Python: `async def wait(name, seconds):`
async fn wait(name: &'static str, seconds: u64, start: Instant) -> &'static str {
    println!("{} {name}: waits {seconds} s", at(start));
    sleep(Duration::from_secs(seconds)).await; // Python: await asyncio.sleep(seconds)
    println!("{} {name}: done", at(start));
    name
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn gather() {
    let start = Instant::now();
    println!("one after another:");
    wait("a", 1, start).await;
    wait("b", 2, start).await;
    wait("c", 3, start).await;
    println!("one after another took {:?}: the sum", start.elapsed());

    let start = Instant::now();
    println!("together:");
    // Python: results = await asyncio.gather(wait("a", 1), wait("b", 2), wait("c", 3))
    let results = tokio::join!(
        wait("a", 1, start),
        wait("b", 2, start),
        wait("c", 3, start)
    );
    println!(
        "together took {:?}: the longest; results {results:?}",
        start.elapsed()
    );
}
// ANCHOR_END: gather

// ANCHOR: join_set
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn join_set() {
    let start = Instant::now();
    let mut waits = JoinSet::new();
    for (name, seconds) in [("c", 3), ("a", 1), ("b", 2)] {
        // Python: asyncio.create_task(wait(name, seconds))
        waits.spawn(wait(name, seconds, start));
    }
    // Python: for next_done in asyncio.as_completed(tasks): await next_done
    while let Some(finished) = waits.join_next().await {
        let name = finished.expect("a wait never fails");
        println!("{} main: {name} has finished", at(start));
    }
}
// ANCHOR_END: join_set
