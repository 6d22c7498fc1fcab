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

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGES: [&str; 3] = ["42", "", "hello"];

    /// A stream that fails, as a read from a broken device would.
    struct Failing;

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("the device failed"))
        }
    }

    #[test]
    fn messages_come_back_whole_and_then_the_end() {
        let mut stream = Vec::new();
        for message in MESSAGES {
            write_frame(&mut stream, message.as_bytes()).unwrap();
        }
        let mut input = stream.as_slice();
        for message in MESSAGES {
            let frame = read_frame(&mut input).unwrap();
            assert_eq!(frame.as_deref(), Some(message.as_bytes()));
        }
        assert_eq!(read_frame(&mut input).unwrap(), None);
    }

    /// Only an end between two messages is the end: a message cut short, or a
    /// stream that fails, is an error.
    #[test]
    fn a_cut_message_or_a_failing_stream_is_an_error() {
        let mut stream = Vec::new();
        write_frame(&mut stream, b"hello").unwrap();
        let mut cut = &stream[..stream.len() - 1];
        let err = read_frame(&mut cut).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let err = read_frame(&mut Failing).unwrap_err();
        assert_eq!(err.to_string(), "the device failed");
    }
}
