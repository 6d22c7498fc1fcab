//! The course's own program on how much a pipe holds: the buffer in the
//! kernel that makes a writer wait, and the reason for tutorial 004's
//! join-before-read deadlock.

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use shared::say;

use crate::plumbing::pipe;

// ANCHOR: buffer_size
pub fn buffer_size() {
    let (_read_end, write_end) = pipe(); // nobody reads: the pipe can only fill up

    // Non-blocking: a write into a full pipe fails with EAGAIN instead of
    // waiting for a reader that will never come.
    fcntl(&write_end, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
        .expect("make the pipe non-blocking");
    let mut written = 0;
    loop {
        match nix::unistd::write(&write_end, b"X") {
            Ok(n) => written += n,
            Err(Errno::EAGAIN) => break,
            Err(err) => panic!("write to the pipe failed: {err}"),
        }
    }
    say!(
        "wrote {written} bytes, one at a time, before write(2) said EAGAIN: \
         the pipe is full"
    );

    // Linux can also tell (and change, with F_SETPIPE_SZ) the capacity.
    // Python 3.10+: fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
    #[cfg(target_os = "linux")]
    match fcntl(&write_end, FcntlArg::F_GETPIPE_SZ) {
        Ok(size) => say!("fcntl(F_GETPIPE_SZ) says the buffer holds {size} bytes"),
        Err(err) => say!("fcntl(F_GETPIPE_SZ) failed: {err}"),
    }
    say!("a blocking writer would now sleep in write(2) until a reader makes room");
}
// ANCHOR_END: buffer_size
