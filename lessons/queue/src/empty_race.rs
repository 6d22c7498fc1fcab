//! Ports tutorial 003's reader, which returns as soon as `q.empty()` is
//! true: "empty" only means "empty at this instant", and a reader that
//! looks before the writer has put anything stops before it has read a
//! thing. The variant forces that outcome, so that every run shows it.

use std::process;

use ipc_channel::ipc::{self, IpcReceiver};
use ipc_channel::{IpcError, TryRecvError};
use shared::say;

use crate::ipc_queue::io_error;
use crate::workers::Worker;
use crate::writer_reader::{WriterArguments, items};

// ANCHOR: empty_race
// Python: def read(q): return as soon as q.empty() is true; else get and print
pub fn read_until_empty(queue: IpcReceiver<String>) -> Result<(), String> {
    say!("reader: pid {}", process::id());
    loop {
        // try_recv() is empty() and get() in one step: Err(Empty) means
        // "nothing in the queue at this instant", and nothing more.
        match queue.try_recv() {
            Ok(value) => say!("reader: {value} from Queue"),
            Err(TryRecvError::Empty) => {
                say!("reader: the queue is empty, so I return");
                return Ok(());
            }
            Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
                say!("reader: the queue is closed, so I return");
                return Ok(());
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

pub fn empty_race() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    // The race, with its bad outcome forced: the reader starts, and ends,
    // before the writer has put anything. In Python, it only usually happens.
    let mut pr = Worker::start("poller", queue)?; // Python: pr.start()
    let status = pr.join_ok()?;
    say!("parent: the reader has returned ({status}); the writer starts only now");
    let writer_args = WriterArguments {
        queue: queue_tx,
        items: items(&["A", "B", "C"]),
    };
    let mut pw = Worker::start("writer", writer_args)?; // Python: pw.start()
    pw.join_ok()?; // Python: pw.join()
    say!("parent: the queue was empty for a moment, not for good: nothing was read");
    Ok(())
}
// ANCHOR_END: empty_race
