//! What the operating system knows about this process.
//!
//! Rust's standard library keeps no registry of live threads (Python's
//! `threading.enumerate()` has one). The kernel does: on Linux every thread of
//! a process is a directory under `/proc/self/task`, named by its thread id,
//! with the thread's name in `comm`.

use std::io;

// Elsewhere there is no `/proc`: the functions that read it say so.
#[cfg(not(target_os = "linux"))]
mod not_linux;
#[cfg(not(target_os = "linux"))]
pub use not_linux::{current_tid, peak_rss_kib, threads};

/// One thread of this process, as the kernel sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsThread {
    /// The kernel's thread id (what `gettid()` returns).
    pub tid: u32,
    /// The kernel's name for the thread: at most 15 bytes, cut short if longer.
    pub name: String,
    /// Whether this is the thread that `main` runs on (its id is the process id).
    pub is_main: bool,
}

/// Every thread of this process: the main thread first, the others by name.
///
/// Thread ids are handed out by the kernel and not in any order we can rely
/// on, so they don't decide the order of the list.
#[cfg(target_os = "linux")]
pub fn threads() -> io::Result<Vec<OsThread>> {
    let pid = std::process::id();
    let mut threads = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task")? {
        let entry = entry?;
        let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        // A thread can end between read_dir and this read: then it is no longer alive.
        let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) else {
            continue;
        };
        threads.push(OsThread {
            tid,
            name: comm.trim_end_matches('\n').to_owned(),
            is_main: tid == pid,
        });
    }
    threads
        .sort_by(|a, b| (!a.is_main, &a.name, a.tid).cmp(&(!b.is_main, &b.name, b.tid)));
    Ok(threads)
}

/// Waits until the kernel no longer lists thread `tid` (at most `timeout`);
/// whether it is gone.
///
/// `JoinHandle::join` returns as soon as the thread has handed over its
/// result, on its way out; the kernel takes the thread off its list a moment
/// later. A count taken right after `join` can still include it.
pub fn wait_until_gone(tid: u32, timeout: std::time::Duration) -> io::Result<bool> {
    let give_up = std::time::Instant::now() + timeout;
    loop {
        if threads()?.iter().all(|t| t.tid != tid) {
            return Ok(true);
        }
        if std::time::Instant::now() >= give_up {
            return Ok(false);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// How many threads this process has, once that number has come down to
/// `expected` (or after a few seconds, if it never does). Threads that were
/// joined can stay on the kernel's list a moment longer (see
/// [`wait_until_gone`]); only threads that were *not* stopped stay for long.
pub fn thread_count_settling_at(expected: usize) -> io::Result<usize> {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let count = threads()?.len();
        if count <= expected || std::time::Instant::now() >= give_up {
            return Ok(count);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The kernel's id of the calling thread.
#[cfg(target_os = "linux")]
pub fn current_tid() -> io::Result<u32> {
    // "/proc/thread-self" links to "<pid>/task/<tid>".
    let link = std::fs::read_link("/proc/thread-self")?;
    link.file_name()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other("unexpected /proc/thread-self link"))
}

/// The most memory this process has had resident at once so far (its peak
/// resident set size, Linux's `VmHWM`), in KiB. Memory that a program only
/// reserved (a thread's stack it never touched) is not counted: this is what
/// the program really used.
#[cfg(target_os = "linux")]
pub fn peak_rss_kib() -> io::Result<u64> {
    peak_in(&std::fs::read_to_string("/proc/self/status")?)
}

/// The peak resident set size of process `pid` so far, in KiB (see
/// [`peak_rss_kib`]): for a program that watches another one.
#[cfg(target_os = "linux")]
pub fn peak_rss_kib_of(pid: u32) -> io::Result<u64> {
    peak_in(&std::fs::read_to_string(format!("/proc/{pid}/status"))?)
}

/// The `VmHWM` figure of a `/proc/PID/status` text.
fn peak_in(status: &str) -> io::Result<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .ok_or_else(|| io::Error::other("no VmHWM line in the process's status"))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_running_thread_is_listed_under_its_name_and_gone_after_join() {
        let (started_tx, started_rx) = mpsc::channel();
        let (finish_tx, finish_rx) = mpsc::channel::<()>();
        let worker = std::thread::Builder::new()
            .name("os-test-worker".into())
            .spawn(move || {
                started_tx.send(current_tid().unwrap()).unwrap();
                finish_rx.recv().ok();
            })
            .unwrap();
        let worker_tid = started_rx.recv().unwrap();

        let listed = threads().unwrap();
        assert!(listed[0].is_main, "main thread first: {listed:?}");
        assert_eq!(listed[0].tid, std::process::id());
        let worker_entry = listed.iter().find(|t| t.tid == worker_tid).unwrap();
        assert_eq!(worker_entry.name, "os-test-worker");

        drop(finish_tx);
        worker.join().unwrap();
        let gone =
            wait_until_gone(worker_tid, std::time::Duration::from_secs(10)).unwrap();
        assert!(gone, "thread {worker_tid} still listed after join");
    }

    #[test]
    fn the_peak_is_read_from_vmhwm() {
        let status =
            "Name:\tlesson\nVmPeak:\t  9000 kB\nVmHWM:\t    4321 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(peak_in(status).ok(), Some(4321));
        assert_eq!(peak_in("Name:\tlesson\n").ok(), None);
    }

    /// The peak never falls, so that of this process, read by its pid after
    /// reading it as "self", is at least as high (and a test takes megabytes).
    #[test]
    fn the_peak_of_a_process_is_read_by_its_pid() {
        let mine = peak_rss_kib().unwrap();
        let by_pid = peak_rss_kib_of(std::process::id()).unwrap();
        assert!(
            mine > 1024 && by_pid >= mine,
            "{mine} KiB, then {by_pid} KiB"
        );
    }

    #[test]
    fn the_peak_grows_by_what_was_touched_and_stays_after_it_is_freed() {
        const MIB: u64 = 1024;
        let before = peak_rss_kib().unwrap();
        // 64 MiB, every page written, so that all of it is resident.
        let touched = vec![1u8; 64 * 1024 * 1024];
        std::hint::black_box(&touched);
        let with_it = peak_rss_kib().unwrap();
        drop(touched);
        let after = peak_rss_kib().unwrap();
        assert!(
            with_it >= before + 60 * MIB,
            "{before} KiB, then {with_it} KiB"
        );
        // Resident memory, not reserved: a virtual size would be far larger.
        assert!(
            with_it < before + 128 * MIB,
            "{before} KiB, then {with_it} KiB"
        );
        // The kernel's counts are per thread and merged now and then, so the
        // figure may move by a few pages; it does not fall back by 64 MiB.
        assert!(
            after >= before + 60 * MIB,
            "{before} KiB, then {after} KiB when freed"
        );
    }
}
