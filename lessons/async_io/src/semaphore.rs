//! Ports `asyncio.Semaphore(2)`: five downloads start together, and at most
//! two of them hold a permit, and so run, at any moment.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

use crate::virtual_time::at;

// ANCHOR: semaphore
/// How many downloads run now, and the most that ever ran at once.
#[derive(Default)]
struct Running {
    now: AtomicUsize,
    most: AtomicUsize,
}

async fn download(
    page: u32,
    permits: Arc<Semaphore>,
    running: Arc<Running>,
    start: Instant,
) {
    // Python: async with semaphore:
    let _permit = permits
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let now = running.now.fetch_add(1, Ordering::SeqCst) + 1;
    running.most.fetch_max(now, Ordering::SeqCst);
    println!("{} page {page}: downloads ({now} running)", at(start));
    sleep(Duration::from_secs(1)).await; // Python: await asyncio.sleep(1)
    running.now.fetch_sub(1, Ordering::SeqCst);
    println!("{} page {page}: done, gives its permit back", at(start));
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn semaphore() {
    let start = Instant::now();
    let permits = Arc::new(Semaphore::new(2)); // Python: semaphore = asyncio.Semaphore(2)
    let running = Arc::new(Running::default());
    let mut downloads = JoinSet::new();
    for page in 1..=5 {
        downloads.spawn(download(page, permits.clone(), running.clone(), start));
    }
    downloads.join_all().await; // Python: await asyncio.gather(*downloads)
    let most = running.most.load(Ordering::SeqCst);
    println!("{} main: 5 downloads, at most {most} at once", at(start));
}
// ANCHOR_END: semaphore
