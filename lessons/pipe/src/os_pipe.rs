//! The course's own program under tutorial 004's `Pipe()`: an OS pipe, what
//! Python's `Pipe(duplex=False)` and `os.pipe()` are. A worker writes three
//! messages into it, and the parent reads one stream of bytes.

use std::io::{self, Write};
use std::process::Stdio;

use shared::say;

use crate::plumbing::{pipe, read_all_within, stdout_as_file};
use crate::worker::{PATIENCE, Worker};

// ANCHOR: os_pipe
pub fn os_pipe() {
    let (read_end, write_end) = pipe(); // Python: r, w = os.pipe()

    let mut command = shared::worker::command("write-bytes");
    // The worker's stdout *is* the pipe's write end: whatever it writes to
    // stdout goes into the pipe, not to the terminal.
    command.stdout(Stdio::from(write_end));
    let worker = Worker::start(command);

    say!("parent: the worker writes \"42\", \"None\" and \"hello\", one write(2) each");
    match read_all_within(&read_end, PATIENCE) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            say!("parent: read {} bytes until the end: {text:?}", bytes.len());
            say!("parent: three writes came out as one stream; where one ended is lost");
        }
        Err(err) => say!("parent: reading failed: {err}"),
    }
    worker.finish();
}

/// Worker: three separate writes into the pipe.
pub fn write_bytes() -> io::Result<()> {
    // A File does no buffering: each write_all of a short slice is one write(2).
    let mut pipe = stdout_as_file()?;
    for part in ["42", "None", "hello"] {
        pipe.write_all(part.as_bytes())?;
    }
    Ok(())
}
// ANCHOR_END: os_pipe
