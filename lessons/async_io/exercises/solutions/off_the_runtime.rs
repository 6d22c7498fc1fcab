//! # Off the runtime
//!
//! A sensor task produces three readings, and `average`, a function from a
//! library written for threads, waits for them with a blocking `recv()`.
//! `main` calls it inside the runtime: on a current-thread runtime that
//! blocking call holds the only thread, the sensor task never gets a turn,
//! and the readings never come. Keep the current-thread runtime and leave
//! `average` as it is: run it on tokio's blocking threads with
//! `tokio::task::spawn_blocking` (Python's `asyncio.to_thread`) and await
//! its answer.

use std::sync::mpsc;
use std::time::Duration;

/// How many readings the sensor takes.
const READINGS: u32 = 3;

/// The sensor: a task that takes a reading every 10 ms and hands it over on
/// a channel of the standard library, then stops.
async fn sensor(readings: mpsc::Sender<u32>) {
    for reading in 1..=READINGS {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let value = 20 + reading; // degrees
        println!("sensor: reading {reading} is {value}");
        if readings.send(value).is_err() {
            return; // nobody listens any more
        }
    }
}

/// The library's function: it blocks its thread until `count` readings have
/// arrived, and averages them. Do not change it; change where it runs.
fn average(readings: mpsc::Receiver<u32>, count: u32) -> u32 {
    let mut sum = 0;
    for _ in 0..count {
        sum += readings
            .recv() // blocks this thread until a reading comes
            .expect("the sensor sends every reading");
    }
    sum / count
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flavor = tokio::runtime::Handle::current().runtime_flavor();
    println!("main: a {flavor:?} runtime: one thread runs every task");
    let (readings_tx, readings) = mpsc::channel();
    tokio::spawn(sensor(readings_tx)); // Python: asyncio.create_task(sensor(...))
    println!("main: waits for {READINGS} readings with a blocking call");

    //~ // TODO: this blocks the runtime's only thread, so the sensor never runs.
    //~ // Run `average` on a blocking thread (tokio::task::spawn_blocking) and
    //~ // await its JoinHandle instead.
    //~ // Python: mean = average(readings, READINGS)
    //~ let mean = average(readings, READINGS);
    // ANCHOR: solution
    // Python: mean = await asyncio.to_thread(average, readings, READINGS)
    let blocking = tokio::task::spawn_blocking(move || average(readings, READINGS));
    let mean = blocking.await.expect("average does not panic");
    // ANCHOR_END: solution

    println!("main: the average of the {READINGS} readings is {mean}");
}
