//! Python: tutorial 000's first program, which counts and lists the threads,
//! starts a thread running `thread_job`, and counts and lists them again.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use shared::os;

use crate::os_threads::{current_thread, print_os_threads};

// ANCHOR: add_thread
// Python: def thread_job(): print('This is added Thread, number is %s' % ...)
fn thread_job() {
    println!("This is added Thread, number is {}", current_thread());
}

pub fn add_thread() {
    println!("-- before starting the added thread");
    print_os_threads();
    // Python: threading.current_thread()
    println!("current thread: {}", current_thread());

    let (started_tx, started) = mpsc::channel();
    let (finish, finish_rx) = mpsc::channel::<()>();
    // Python: add_thread = threading.Thread(target=thread_job); add_thread.start()
    let added = thread::spawn(move || {
        thread_job();
        started_tx.send(os::current_tid().ok()).ok();
        // Stay alive until main has counted: otherwise the count is a race
        // between main asking and this thread ending.
        finish_rx.recv().ok();
    });
    let added_tid = started
        .recv()
        .expect("the added thread tells us it started");

    println!("-- while the added thread is alive");
    print_os_threads();
    println!("current thread: {}", current_thread());

    drop(finish); // lets the added thread return
    added.join().expect("the added thread panicked"); // Python: add_thread.join()
    if let Some(tid) = added_tid {
        // join returns as the thread hands over its result, on its way out; the
        // kernel drops it from its list a moment later. Count once it has.
        os::wait_until_gone(tid, Duration::from_secs(10)).ok();
    }
    println!("-- after join");
    print_os_threads();
}
// ANCHOR_END: add_thread
