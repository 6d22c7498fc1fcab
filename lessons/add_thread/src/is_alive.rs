//! Python: `Thread.is_alive()` (`isAlive()` in the list of `Thread` methods
//! of tutorial 002): asked while the thread still works, and once it has
//! returned.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: is_alive
pub fn is_alive() {
    let (go, go_rx) = mpsc::channel::<()>();
    let worker = thread::Builder::new()
        .name("worker".to_owned())
        .spawn(move || {
            go_rx.recv().ok(); // its "work" lasts until main says go
            println!("worker: returning");
        })
        .expect("the OS refused to start a thread");

    println!("name: {:?}", worker.thread().name()); // Python: t.name
    // Python: t.is_alive(); Rust asks the opposite question
    println!("is_finished() while it waits: {}", worker.is_finished());

    go.send(()).expect("the worker is waiting for this");
    // Python: while t.is_alive(): ... (main could do other work here)
    while !worker.is_finished() {
        thread::sleep(Duration::from_millis(1));
    }
    println!("is_finished() after it returned: {}", worker.is_finished());

    worker.join().expect("the worker panicked"); // cannot block: it has finished
    // `join` took the handle: asking `worker.is_finished()` now would not compile.
}
// ANCHOR_END: is_alive
