//! Waiting for threads to end. A test binary of its own with a single test,
//! so that no other test's threads come and go while it counts.
#![cfg(target_os = "linux")]

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use shared::os::{current_tid, thread_count_settling_at, threads, wait_until_gone};

/// A thread that ends on its own shortly after it starts, while the caller
/// waits for it; its id.
fn ending_soon() -> (u32, JoinHandle<()>) {
    let (tid_tx, tid) = mpsc::channel();
    let handle = thread::spawn(move || {
        tid_tx.send(current_tid().expect("tid")).expect("send");
        thread::sleep(Duration::from_millis(20));
    });
    (tid.recv().expect("tid"), handle)
}

#[test]
fn the_waits_last_until_the_thread_has_ended() {
    let alone = threads().expect("threads").len();

    let (tid_tx, tid) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let blocked = thread::spawn(move || {
        tid_tx.send(current_tid().expect("tid")).expect("send");
        released.recv().ok();
    });
    let blocked_tid = tid.recv().expect("tid");
    assert!(!wait_until_gone(blocked_tid, Duration::ZERO).expect("threads"));
    assert_eq!(
        thread_count_settling_at(alone + 1).expect("count"),
        alone + 1
    );
    drop(release);
    blocked.join().expect("join");

    let (tid, handle) = ending_soon();
    assert!(wait_until_gone(tid, Duration::from_secs(60)).expect("threads"));
    handle.join().expect("join");

    // thread_count_settling_at gives up after 5 s: ample for a 20 ms nap.
    let (_, handle) = ending_soon();
    assert_eq!(thread_count_settling_at(alone).expect("count"), alone);
    handle.join().expect("join");
}
