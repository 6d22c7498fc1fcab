//! Ports `asyncio.Queue(maxsize=2)` between a fast producer and a slow
//! consumer: when the queue is full, `put` waits, and the producer can run
//! ahead of the consumer by two items at most (back-pressure).

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

use crate::virtual_time::at;

// ANCHOR: queue
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn queue() {
    let start = Instant::now();
    // Python: queue = asyncio.Queue(maxsize=2)
    let (queue_tx, mut queue) = mpsc::channel(2);

    // Python: asyncio.create_task(producer(queue))
    let producer = tokio::spawn(async move {
        for item in 1..=5 {
            println!("{} producer: puts {item}", at(start));
            // Python: await queue.put(item)
            queue_tx.send(item).await.expect("the consumer is there");
            println!("{} producer: {item} is in the queue", at(start));
        }
        // The sender goes with the task: the channel closes, and the consumer's
        // loop ends. (An asyncio.Queue cannot be closed; Python puts a None.)
    });

    while let Some(item) = queue.recv().await {
        // Python: item = await queue.get()
        println!("{} consumer: takes {item}, works on it for 1 s", at(start));
        sleep(Duration::from_secs(1)).await;
    }
    println!("{} consumer: the queue is closed and empty", at(start));
    producer.await.expect("the producer does not panic");
}
// ANCHOR_END: queue
