//! Helpers that the variants share: a pipe whose ends no child inherits by
//! accident, a read to the end of a stream with a deadline, and stdout as an
//! unbuffered file.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

// ANCHOR: pipe
/// A pipe whose ends are not inherited by child processes, except as the
/// stdin/stdout we hand them on purpose. (Python's os.pipe() does the same.)
/// A worker that inherited the write end by accident would never see the
/// end of its own input.
pub fn pipe() -> (OwnedFd, OwnedFd) {
    let (read_end, write_end) = nix::unistd::pipe().expect("create a pipe");
    for end in [&read_end, &write_end] {
        fcntl(end, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))
            .expect("mark the pipe close-on-exec");
    }
    (read_end, write_end)
}
// ANCHOR_END: pipe

// ANCHOR: read_all_within
/// Reads until the writer closes its end, for at most `timeout`.
pub fn read_all_within(pipe: &OwnedFd, timeout: Duration) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut ready = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        match poll(
            &mut ready,
            PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX),
        ) {
            Ok(0) => {
                let why = format!("the writer did not finish within {timeout:?}");
                return Err(io::Error::new(io::ErrorKind::TimedOut, why));
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(err) => return Err(err.into()),
        }
        match nix::unistd::read(pipe, &mut chunk) {
            Ok(0) => return Ok(bytes), // every write end is closed: the end
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(err) => return Err(err.into()),
        }
    }
}
// ANCHOR_END: read_all_within

/// This process's stdout as an unbuffered file, for bytes that are not text lines.
pub fn stdout_as_file() -> io::Result<File> {
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}
