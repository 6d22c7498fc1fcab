//! Python: `threading.active_count()`, `threading.enumerate()` and
//! `threading.current_thread()`, which tutorial 000's first program prints.
//!
//! Python's `threading` module keeps a list of the threads it started, and
//! answers from it. Rust's standard library keeps no such list: a thread is
//! an operating-system thread plus the `JoinHandle` you were given when you
//! started it. So these helpers ask the kernel (on Linux, `/proc/self/task`).

use std::thread;

use shared::os;

// ANCHOR: os_threads
/// Python's `threading.active_count()` and `threading.enumerate()`, answered
/// by the kernel (on Linux, from `/proc/self/task`).
pub fn print_os_threads() {
    match os::threads() {
        Ok(threads) => {
            // Python: threading.active_count()
            println!("active threads: {}", threads.len());
            for t in &threads {
                // Python: threading.enumerate()
                let main = if t.is_main { " (main)" } else { "" };
                println!("  tid {} {:?}{main}", t.tid, t.name);
            }
        }
        // macOS has no /proc: say so rather than crash.
        Err(err) => println!("active threads: cannot ask the OS here ({err})"),
    }
}

/// Python's `threading.current_thread()`: Rust's view of the thread (its
/// `ThreadId` and its name, if it was given one) and the kernel's thread id.
pub fn current_thread() -> String {
    let tid = match os::current_tid() {
        Ok(tid) => format!("tid {tid}"),
        Err(_) => "tid unknown here".to_owned(),
    };
    format!("{:?} ({tid})", thread::current())
}
// ANCHOR_END: os_threads

// ANCHOR: current_name
/// Python's `threading.current_thread().name`: the name Rust knows the
/// calling thread by.
pub fn current_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_owned()
}
// ANCHOR_END: current_name
