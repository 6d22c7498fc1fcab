//! # Name the workers
//!
//! Three workers each make thumbnails of one size, and report through `log`,
//! which tags every line with the name of the thread that wrote it (Python's
//! `current_thread().name`). They are started with `thread::spawn`, so they
//! have no name: the log says `<unnamed>` for all three, and in the kernel's
//! list they look just like `main`. Start each worker with `thread::Builder`
//! instead, named `thumbs-<size>` (`thumbs-64`, `thumbs-256`, `thumbs-1024`).

use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};

use shared::os;

const SIZES: [u32; 3] = [64, 256, 1024];

/// Prints `line`, tagged with the name of the thread that calls it.
fn log(line: &str) {
    let me = thread::current(); // Python: threading.current_thread()
    let name = me.name().unwrap_or("<unnamed>"); // Python: .name
    println!("[{name}] {line}");
}

fn make_thumbnails(size: u32, gate: Arc<Barrier>) {
    log(&format!("making {size}x{size} thumbnails"));
    gate.wait(); // tells main: I am running
    gate.wait(); // until main has listed the threads
    log("done");
}

/// Python's `threading.enumerate()`, answered by the kernel: each thread's
/// name as `/proc/self/task/<tid>/comm` holds it.
fn print_kernel_names() {
    println!("the kernel's names for this process's threads:");
    match os::threads() {
        Ok(threads) => {
            for t in threads {
                let main = if t.is_main { " (main)" } else { "" };
                println!("  {}{main}", t.name);
            }
        }
        Err(err) => println!("  cannot ask the OS here ({err})"),
    }
}

fn main() {
    // Every worker waits here twice; main makes the count one more.
    let gate = Arc::new(Barrier::new(SIZES.len() + 1));
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    for size in SIZES {
        let gate = Arc::clone(&gate);
        //~ // TODO: start it with thread::Builder, named thumbs-<size>.
        //~ let worker = thread::spawn(move || make_thumbnails(size, gate));
        // ANCHOR: solution
        // Python: Thread(target=make_thumbnails, args=(size,), name=f"thumbs-{size}")
        let worker = thread::Builder::new()
            .name(format!("thumbs-{size}"))
            .spawn(move || make_thumbnails(size, gate))
            .expect("the OS refused to start a thread");
        // ANCHOR_END: solution
        workers.push(worker);
    }

    gate.wait(); // every worker is running, so the kernel knows its name
    print_kernel_names();
    gate.wait(); // let them finish

    for worker in workers {
        worker.join().expect("a worker panicked"); // Python: t.join()
    }
    log("all thumbnails made");
}
