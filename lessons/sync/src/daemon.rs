//! Ports `daemon=True`: a thread that the end of the program kills, and the
//! usual way to do without one.

use std::sync::mpsc;
use std::thread;

// ANCHOR: goodbye
/// What a thread must undo when it ends (Python: its `finally:`).
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{}: cleanup runs (Drop)", self.0);
    }
}
// ANCHOR_END: goodbye

// ANCHOR: daemon
pub fn daemon() {
    let (started_tx, started) = mpsc::channel();
    // Python: threading.Thread(target=watch, daemon=True).start()
    thread::spawn(move || {
        let _cleanup = Cleanup("daemon");
        println!("daemon: watches for ever");
        started_tx.send(()).unwrap();
        loop {
            thread::park(); // nobody unparks it
        }
    });
    started.recv().unwrap();
    println!("main: returns without joining the daemon");
}
// ANCHOR_END: daemon

// ANCHOR: stop_and_join
pub fn stop_and_join() {
    let (stop, told_to_stop) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    thread::scope(|s| {
        s.spawn(move || {
            let _cleanup = Cleanup("watcher");
            println!("watcher: watches until told to stop");
            started_tx.send(()).unwrap();
            told_to_stop.recv().ok(); // a message, or the sender dropped
        });
        started.recv().unwrap();
        println!("main: tells the watcher to stop");
        drop(stop);
    }); // the scope joins the watcher here
    println!("main: the scope has joined the watcher");
}
// ANCHOR_END: stop_and_join
