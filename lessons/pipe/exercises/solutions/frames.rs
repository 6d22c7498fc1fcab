//! # Put the boundaries back
//!
//! A worker sends five messages to the parent through a pipe. It gathers them
//! in a buffer and writes the buffer at once, as a buffered writer does, so
//! the parent's first `read` gets them all glued together and cannot tell
//! where one ends. Frame the messages: make `send` put each message's length
//! before its bytes, and `receive` read a length and then exactly that many
//! bytes. A newline after each message will not do: one message contains a
//! newline, and one is empty.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::process::{ExitCode, Stdio};

/// What the worker sends. Python would `send` each, pickled and framed.
const MESSAGES: [&str; 5] = ["42", "None", "hello", "", "two\nlines"];

fn main() -> ExitCode {
    // The worker is this same program, started again in a role (see `sender`).
    if shared::worker::role().is_some() {
        return sender();
    }

    let mut worker = shared::worker::command("sender")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the worker");
    let mut pipe = worker.stdout.take().expect("the worker's stdout is a pipe");

    let mut count = 0;
    loop {
        match receive(&mut pipe) {
            // Python: message = conn.recv()
            Ok(Some(message)) => {
                count += 1;
                // A newline in a message is shown as ↵, to keep it on one line.
                let text = String::from_utf8_lossy(&message).replace('\n', "↵");
                println!(
                    "parent: message {count}, {} bytes: \"{text}\"",
                    message.len()
                );
            }
            Ok(None) => break, // Python: EOFError
            Err(err) => {
                println!("parent: receiving failed: {err}");
                break;
            }
        }
        if count == 3 * MESSAGES.len() {
            println!("parent: too many messages, stops reading");
            break;
        }
    }
    println!("parent: the stream has ended; messages received: {count}");
    drop(pipe); // should the worker still write, it now fails instead of waiting
    let status = worker.wait().expect("wait for the worker"); // Python: p.join()
    println!("parent: the worker exited ({status})");
    ExitCode::SUCCESS
}

/// The worker: all the messages into one buffer, then one write into the pipe.
fn sender() -> ExitCode {
    let mut batch = Vec::new();
    for message in MESSAGES {
        send(&mut batch, message.as_bytes());
    }
    // stdout as an unbuffered file: the whole batch in one write(2).
    let sent = io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| File::from(fd).write_all(&batch));
    match sent {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

//~ /// Adds one message to the batch.
//~ fn send(batch: &mut Vec<u8>, message: &[u8]) {
//~     // TODO: make the message's end findable: its length (4 bytes, say) first.
//~     batch.extend_from_slice(message);
//~ }
//~
//~ /// Reads one message, or `None` at the end of the stream.
//~ fn receive(pipe: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
//~     // TODO: read exactly one message, however the bytes arrive.
//~     let mut buffer = [0; 64];
//~     let n = pipe.read(&mut buffer)?;
//~     Ok((n > 0).then(|| buffer[..n].to_vec()))
//~ }
// ANCHOR: solution
/// Adds one message to the batch: its length as 4 bytes (big-endian, as
/// Python's `Connection.send` writes it), then its bytes.
fn send(batch: &mut Vec<u8>, message: &[u8]) {
    let len = u32::try_from(message.len()).expect("a message under 4 GiB");
    batch.extend_from_slice(&len.to_be_bytes());
    batch.extend_from_slice(message);
}

/// Reads one message, or `None` at the end of the stream.
fn receive(pipe: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0; 4];
    // read_exact, not read: a read may return fewer bytes than asked for.
    match pipe.read_exact(&mut len) {
        Ok(()) => {}
        // The stream ended between two messages: the clean end.
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let mut message = vec![0; u32::from_be_bytes(len) as usize];
    pipe.read_exact(&mut message)?; // an end in here is an error: a message cut short
    Ok(Some(message))
}
// ANCHOR_END: solution
