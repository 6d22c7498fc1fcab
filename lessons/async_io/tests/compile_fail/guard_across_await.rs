// A std::sync::MutexGuard held across an .await, in a task that tokio::spawn
// may move between threads: rustc refuses it (tests/compile_fail.rs checks).
use std::sync::{Arc, Mutex};
use tokio::time::{Duration, sleep};

const SECOND: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() {
    let hits = Arc::new(Mutex::new(0));
    tokio::spawn(async move {
        let mut count = hits.lock().unwrap();
        sleep(SECOND).await;
        *count += 1;
    });
}
