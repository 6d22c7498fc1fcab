//! The writer and the reader of tutorials 001, 003 and 004: one process puts
//! letters on a `multiprocessing.Queue`, another takes them and prints them.
//! The variants `terminate`, `terminate-loses`, `empty-race` and `close` use
//! these two roles. The reader also reports each item to the parent (a
//! receipt), so that the parent knows for certain what was taken.

use std::process;
use std::thread;
use std::time::Duration;

use ipc_channel::ipc::{IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use serde::{Deserialize, Serialize};
use shared::say;

use crate::workers::PATIENCE;

/// The writer's pause after each put (the originals slept up to a second).
const PAUSE: Duration = Duration::from_millis(50);

/// The writer's items, owned, from the letters written in a variant.
pub fn items(names: &[&str]) -> Vec<String> {
    names.iter().map(|&name| name.to_owned()).collect()
}

/// "A, B, C" (or "nothing").
pub fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

// ANCHOR: writer
#[derive(Serialize, Deserialize)]
pub struct WriterArguments {
    pub queue: IpcSender<String>,
    pub items: Vec<String>,
}

// Python: def write(q): print and put each value, pausing after each put
pub fn write(WriterArguments { queue, items }: WriterArguments) -> Result<(), String> {
    // Python: print('Process to write: %s' % os.getpid())
    say!("writer: pid {}", process::id());
    for value in items {
        say!("writer: Put {value} to queue...");
        // Python: q.put(value). It fails here if the queue's reader has gone.
        if queue.send(value.clone()).is_err() {
            say!("writer: cannot put {value}: nobody can read the queue any more");
            break;
        }
        thread::sleep(PAUSE); // Python: time.sleep(random.random())
    }
    say!("writer: done");
    Ok(())
}
// ANCHOR_END: writer

// ANCHOR: reader_arguments
#[derive(Serialize, Deserialize)]
pub struct ReaderArguments {
    pub queue: IpcReceiver<String>,
    /// The reader reports each item it has taken, so that the parent knows.
    pub receipts: IpcSender<Receipt>,
    /// How many lines the reader keeps in its output buffer before it writes.
    pub lines_per_write: usize,
}

/// Sent by the reader after handling an item (`took`), and after its last
/// write (`took: None`): the lines that it wrote out meanwhile, if any.
#[derive(Serialize, Deserialize)]
pub struct Receipt {
    took: Option<String>,
    written_out: Vec<String>,
}
// ANCHOR_END: reader_arguments

// ANCHOR: reader
// Python: def read(q): forever: take a value with q.get(True) and print it
pub fn read(arguments: ReaderArguments) -> Result<(), String> {
    // Python: print('Process to read: %s' % os.getpid())
    say!("reader: pid {}", process::id());
    // What print() has printed but not yet written: a Python child whose
    // stdout is a pipe keeps it in a buffer like this one, only bigger.
    let mut buffer: Vec<String> = Vec::new();
    loop {
        // Python: value = q.get(True)
        match arguments.queue.try_recv_timeout(PATIENCE) {
            Ok(value) => {
                buffer.push(value.clone());
                let mut written_out = Vec::new();
                if buffer.len() >= arguments.lines_per_write {
                    written_out = write_out(&mut buffer);
                }
                let receipt = Receipt {
                    took: Some(value),
                    written_out,
                };
                arguments
                    .receipts
                    .send(receipt)
                    .map_err(|e| e.to_string())?;
            }
            // Every sending end is gone: nothing can ever come again. This
            // never happens in Python's program, whose parent keeps q open.
            Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
                let written_out = write_out(&mut buffer);
                say!("reader: the queue is closed, and I am done");
                let receipt = Receipt {
                    took: None,
                    written_out,
                };
                return arguments.receipts.send(receipt).map_err(|e| e.to_string());
            }
            Err(TryRecvError::Empty) => return Err(format!("nothing for {PATIENCE:?}")),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Writes the buffered lines out (in one write) and empties the buffer.
fn write_out(buffer: &mut Vec<String>) -> Vec<String> {
    if !buffer.is_empty() {
        let lines: Vec<String> = buffer
            .iter()
            .map(|value| format!("reader: Get {value} from queue."))
            .collect();
        say!("{}", lines.join("\n"));
    }
    std::mem::take(buffer)
}
// ANCHOR_END: reader

// ANCHOR: follow
/// The parent's side of the receipts: reads them (each wait bounded) until
/// the reader has taken `count` items, or with `None`, until it has hung up.
/// Returns what the reader took and what it wrote out.
pub fn follow(
    receipts: &IpcReceiver<Receipt>,
    count: Option<usize>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut taken, mut written) = (Vec::new(), Vec::new());
    while Some(taken.len()) != count {
        match receipts.try_recv_timeout(PATIENCE) {
            Ok(receipt) => {
                taken.extend(receipt.took);
                written.extend(receipt.written_out);
            }
            Err(TryRecvError::IpcError(IpcError::Disconnected)) if count.is_none() => {
                break;
            }
            Err(e) => return Err(format!("the reader stopped reporting: {e}")),
        }
    }
    Ok((taken, written))
}
// ANCHOR_END: follow

#[cfg(test)]
mod tests {
    use ipc_channel::ipc;

    use super::*;

    /// Receipts for `took`, their sending end already hung up.
    fn hung_up_after(took: &[&str]) -> IpcReceiver<Receipt> {
        let (receipts_tx, receipts) = ipc::channel().unwrap();
        for &item in took {
            let written_out = vec![item.to_owned()];
            let took = Some(item.to_owned());
            receipts_tx.send(Receipt { took, written_out }).unwrap();
        }
        receipts
    }

    /// A reader that hangs up before it has taken `count` items has stopped
    /// too early; for `None`, hanging up is the end that `follow` waits for.
    #[test]
    fn follow_accepts_a_hang_up_only_when_it_waits_for_one() {
        let early = follow(&hung_up_after(&["A"]), Some(2)).unwrap_err();
        assert!(early.starts_with("the reader stopped reporting"), "{early}");
        let (taken, written) = follow(&hung_up_after(&["A"]), None).unwrap();
        assert_eq!((taken, written), (items(&["A"]), items(&["A"])));
    }
}
