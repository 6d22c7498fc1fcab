//! Plumbing shared by the variants: named threads, as Python's
//! `threading.Thread(name=...)` makes them.

use std::thread;

/// Starts `job` on a new thread with a name, like
/// `threading.Thread(target=job, name=name).start()`.
pub fn start<T: Send + 'static>(
    name: &str,
    job: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .expect("the OS refused to start a thread")
}

/// This thread's name, as Python's `threading.current_thread().name`.
pub fn thread_name() -> String {
    thread::current().name().unwrap_or("unnamed").to_owned()
}
