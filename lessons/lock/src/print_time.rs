//! `print-time`: ports tutorial 002's `myThread` class, whose `run()` calls
//! `print_time` under a global `threadLock`.

use std::thread;
use std::time::Duration;

use parking_lot::Mutex;

/// One unit of `print_time`'s delay (the original used whole seconds).
const PRINT_DELAY: Duration = Duration::from_millis(10);

// ANCHOR: print_time
/// Python: `threadLock = threading.Lock()`, a global lock. It guards no data,
/// only a stretch of code, which in Rust is a `Mutex<()>`: a mutex around
/// nothing. (parking_lot's `Mutex::new` is a `const fn`, so it can be a static.)
static THREAD_LOCK: Mutex<()> = Mutex::new(());

// Python: def print_time(threadName, delay, counter): ...
fn print_time(thread_name: &str, delay: u32, counter: u32) {
    for step in 1..=counter {
        thread::sleep(PRINT_DELAY * delay); // Python: time.sleep(delay)
        // The original printed the wall-clock time; a step number is what it told.
        println!("{thread_name}: step {step} of {counter}");
    }
}

// Python: class myThread(threading.Thread): def __init__(self, threadID, name, counter)
struct MyThread {
    thread_id: u32,
    name: String,
    counter: u32,
}

impl MyThread {
    // Python: def run(self): ...
    fn run(self) {
        println!("Starting {} (thread number {})", self.name, self.thread_id);
        let _guard = THREAD_LOCK.lock(); // Python: threadLock.acquire()
        print_time(&self.name, self.counter, 3);
    } // Python: threadLock.release() — `_guard` is dropped when run returns

    // Python: thread.start() — `self` moves into the new thread, which runs `run`.
    fn start(self) -> thread::JoinHandle<()> {
        thread::Builder::new()
            .name(self.name.clone())
            .spawn(move || self.run())
            .expect("the OS refused to start a thread")
    }
}

// ANCHOR_END: print_time

// ANCHOR: print_time_main
pub fn print_time_threads() {
    let threads = vec![
        MyThread {
            thread_id: 1,
            name: "Thread-1".into(),
            counter: 1,
        },
        MyThread {
            thread_id: 2,
            name: "Thread-2".into(),
            counter: 2,
        },
    ];
    // Ported as the original wrote it: each thread is started and joined
    // before the next one starts. So the two never run at the same time, and
    // the lock never actually has to make anyone wait (jobs-lock shows a lock
    // that does).
    for thread in threads {
        // Python: t.start(); t.join()
        thread.start().join().expect("the thread panicked");
    }
    println!("Exiting Main Thread");
}
// ANCHOR_END: print_time_main
