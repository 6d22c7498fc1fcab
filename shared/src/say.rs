//! Printing whole lines from several processes at once.
//!
//! `println!` is enough inside one process: the stdout lock keeps each line
//! together. Between processes that share a stdout pipe there is no lock, and
//! `println!("pid {pid}")` may reach the pipe in two `write`s (`"pid "`, then
//! `"4242\n"`), between which another process can write a line of its own.
//! [`say!`](crate::say) formats the whole line first and hands it to the
//! kernel in one `write`, which a pipe keeps whole (up to `PIPE_BUF`, 4096
//! bytes on Linux).

use std::io::Write;

/// Writes `line` (which ends with a newline) to stdout in a single `write`.
#[doc(hidden)]
pub fn write_line(line: &str) {
    let mut stdout = std::io::stdout().lock();
    // Whatever an earlier print! left in the buffer goes first, on its own.
    stdout.flush().ok();
    if stdout.write_all(line.as_bytes()).is_err() {
        // Nobody reads our output any more; the program carries on quietly.
    }
    stdout.flush().ok();
}

/// `println!`, but the line reaches stdout in one piece even when other
/// processes write to the same pipe at the same time.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say::write_line(&format!("{}\n", format_args!($($arg)*)))
    };
}
