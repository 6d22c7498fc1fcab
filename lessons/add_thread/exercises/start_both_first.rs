//! # Start both before waiting for either
//!
//! Two threads, ping and pong, have to meet: each sends the other a hello,
//! then waits for the other's hello. `main` starts ping and waits for it to
//! finish before it starts pong, so ping waits forever: pong does not exist
//! yet, and never will, because `main` is stuck waiting for ping. Start both
//! threads first and only then wait for them, so that they run at the same
//! time and each one hears the other.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

/// Sends `other` a hello, then waits for one back; returns whether it came.
/// No time limit: the two must meet, and the runner's own limit stops a
/// program where they never can.
fn meet(other: &str, to_other: Sender<String>, from_other: Receiver<String>) -> bool {
    let me = thread::current().name().unwrap_or("<unnamed>").to_owned();
    // If `other` has already ended, its end is gone and the hello is lost.
    let _ = to_other.send(format!("hello from {me}"));
    match from_other.recv() {
        Ok(hello) => {
            println!("{me}: got \"{hello}\"");
            true
        }
        // Only if `other` ended without a word (it panicked).
        Err(_) => {
            println!("{me}: {other} is gone without a hello");
            false
        }
    }
}

/// Python: threading.Thread(target=meet, args=(...), name=name).start()
fn start(name: &str, job: impl FnOnce() -> bool + Send + 'static) -> JoinHandle<bool> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .expect("the OS refused to start a thread")
}

fn main() {
    let (to_pong, pong_inbox) = mpsc::channel();
    let (to_ping, ping_inbox) = mpsc::channel();
    let ping_job = move || meet("pong", to_pong, ping_inbox);
    let pong_job = move || meet("ping", to_ping, pong_inbox);

    // TODO: start both threads before waiting for either of them.
    let ping = start("ping", ping_job); // Python: ping.start()
    let ping_met = ping.join().expect("ping panicked"); // Python: ping.join()
    let pong = start("pong", pong_job); // Python: pong.start()
    let pong_met = pong.join().expect("pong panicked"); // Python: pong.join()

    if ping_met && pong_met {
        println!("main: ping and pong met");
    } else {
        println!("main: ping and pong missed each other");
    }
}
