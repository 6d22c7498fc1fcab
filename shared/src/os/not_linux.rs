//! The stand-ins for what needs Linux's `/proc`, on other systems.

use std::io;

use super::OsThread;

/// Every thread of this process (needs Linux's `/proc`).
pub fn threads() -> io::Result<Vec<OsThread>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "listing a process's threads needs Linux's /proc",
    ))
}

/// The kernel's id of the calling thread (needs Linux's `/proc`).
pub fn current_tid() -> io::Result<u32> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "thread ids need Linux's /proc",
    ))
}

/// The peak resident set size (needs Linux's `/proc`).
pub fn peak_rss_kib() -> io::Result<u64> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "the peak resident set size needs Linux's /proc",
    ))
}
