//! The course's own program on framing, what Python's `Connection.send` and
//! `recv` do under the pickle: a 4-byte length before each message, so that a
//! stream of bytes carries whole messages again.

use std::fs::File;
use std::io::{self, Read, Write};
use std::process::Stdio;

use shared::say;

use crate::plumbing::pipe;
use crate::worker::Worker;

// ANCHOR: framing
pub fn framing() {
    let (read_end, write_end) = pipe();

    let mut command = shared::worker::command("read-frames");
    command.stdin(Stdio::from(read_end)); // this time the worker reads the pipe
    let worker = Worker::start(command);

    say!("parent: sends 3 messages, each as a 4-byte length and then its bytes");
    let mut pipe = File::from(write_end);
    for message in ["42", "None", "hello"] {
        if let Err(err) = write_frame(&mut pipe, message.as_bytes()) {
            say!("parent: sending failed: {err}");
            break;
        }
    }
    // Closing the write end is how the reader learns that nothing more comes.
    drop(pipe); // Python: w.close()
    worker.finish();
}

fn write_frame(out: &mut impl Write, message: &[u8]) -> io::Result<()> {
    let len = u32::try_from(message.len()).map_err(io::Error::other)?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(message)
}

/// One message, or `None` at the end of the stream.
fn read_frame(input: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        // The stream ended cleanly between two messages.
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let mut message = vec![0; u32::from_be_bytes(len) as usize];
    input.read_exact(&mut message)?; // an end here would be a message cut short: an error
    Ok(Some(message))
}

/// Worker: reads messages from stdin (the pipe) until the parent closes it.
pub fn read_frames() -> io::Result<()> {
    let mut pipe = io::stdin().lock();
    let mut count = 0;
    while let Some(message) = read_frame(&mut pipe)? {
        count += 1;
        say!(
            "child: message {count}: {:?}",
            String::from_utf8_lossy(&message)
        );
    }
    say!("child: end of the stream after {count} messages");
    Ok(())
}
// ANCHOR_END: framing
