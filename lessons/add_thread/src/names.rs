//! Python: `threading.Thread(target=..., name=...)` and a thread's `name`
//! (`getName()`; `setName()` too, which tutorial 002 lists): the name Rust
//! keeps for a thread, and the shorter one the kernel shows.

use std::sync::{Arc, Barrier};
use std::thread;

use crate::os_threads::print_os_threads;

// ANCHOR: names
pub fn names() {
    // Every worker waits at this barrier twice: once to say "I am running",
    // once more until main has listed them.
    let gate = Arc::new(Barrier::new(4)); // three workers and main
    let wait_twice = |gate: Arc<Barrier>| {
        move || {
            gate.wait();
            gate.wait();
        }
    };

    // Python: threading.Thread(target=..., name='LoopThread')
    let short = thread::Builder::new()
        .name("LoopThread".to_owned())
        .spawn(wait_twice(Arc::clone(&gate)))
        .expect("the OS refused to start a thread");
    let long = thread::Builder::new()
        .name("worker-with-a-long-name".to_owned())
        .spawn(wait_twice(Arc::clone(&gate)))
        .expect("the OS refused to start a thread");
    // Python would call this one Thread-1; Rust gives it no name at all.
    let unnamed = thread::spawn(wait_twice(Arc::clone(&gate)));

    // Python: t.name (or t.getName()); there is no setName: a Rust name is
    // given once, to the Builder, before the thread starts.
    println!("main: name() = {:?}", thread::current().name());
    let started_as = [
        ("Builder::name(\"LoopThread\")", &short),
        ("Builder::name(\"worker-with-a-long-name\")", &long),
        ("thread::spawn", &unnamed),
    ];
    for (how, handle) in started_as {
        println!("{how}: name() = {:?}", handle.thread().name());
    }

    gate.wait(); // every worker is running, so the kernel knows its name
    println!("the kernel's names:");
    print_os_threads();
    gate.wait(); // let them return

    for handle in [short, long, unnamed] {
        handle.join().expect("a worker panicked");
    }
}
// ANCHOR_END: names
