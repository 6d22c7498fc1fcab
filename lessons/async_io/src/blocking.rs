//! A blocking call inside a coroutine: Python's `time.sleep` in an
//! `async def`, and its fix `asyncio.to_thread` (or `run_in_executor`).
//!
//! A runtime takes turns among its tasks only at their `.await`s. A call that
//! blocks the thread (a sleep, a blocking read, a long computation) never
//! reaches one, so for as long as it lasts no other task on that thread runs.

use std::sync::mpsc;
use std::time::Duration;

// ANCHOR: heartbeat
/// Beats every 100 ms for as long as somebody listens: a task that shows,
/// by beating or not, whether the runtime is free to run it.
async fn heartbeat(beats: mpsc::Sender<u32>) {
    for beat in 1.. {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if beats.send(beat).is_err() {
            return;
        }
    }
}
// ANCHOR_END: heartbeat

// ANCHOR: stalls
#[tokio::main(flavor = "current_thread")]
pub async fn blocking_stalls() {
    let (beats_tx, beats) = mpsc::channel();
    tokio::spawn(heartbeat(beats_tx)); // Python: asyncio.create_task(heartbeat())
    println!("main: sleeps 500 ms with std::thread::sleep, inside a task");
    std::thread::sleep(Duration::from_millis(500)); // Python: time.sleep(0.5)
    let during = beats.try_iter().count();
    println!("main: heartbeats during those 500 ms: {during}");
    println!("main: one thread, and the sleep never let go of it");
}
// ANCHOR_END: stalls

// ANCHOR: spawn_blocking
/// Blocks its thread until `count` heartbeats have arrived, but never longer
/// than a few seconds.
fn wait_for_beats(beats: &mpsc::Receiver<u32>, count: usize) -> usize {
    let limit = Duration::from_secs(5);
    (0..count)
        .take_while(|_| beats.recv_timeout(limit).is_ok())
        .count()
}

#[tokio::main(flavor = "current_thread")]
pub async fn spawn_blocking() {
    let (beats_tx, beats) = mpsc::channel();
    tokio::spawn(heartbeat(beats_tx));
    println!("main: waits for 3 heartbeats with a blocking recv, on a blocking thread");
    // Python: seen = await asyncio.to_thread(wait_for_beats, beats, 3)
    let blocking = tokio::task::spawn_blocking(move || wait_for_beats(&beats, 3));
    let seen = blocking.await.expect("the blocking call does not panic");
    println!("main: the blocking call saw {seen} heartbeats while it blocked");
    println!("main: the runtime's thread stayed free for the heartbeat task");
}
// ANCHOR_END: spawn_blocking
