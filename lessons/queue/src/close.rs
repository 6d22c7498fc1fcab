//! The fix for both `terminate()` and the `empty()` race, which the
//! tutorials do not show: the writer holds the queue's only sending end, so
//! the queue closes when the writer ends, and the reader ends by itself
//! after the last item. Python's counterpart is a sentinel.

use ipc_channel::ipc;
use shared::say;

use crate::ipc_queue::io_error;
use crate::workers::Worker;
use crate::writer_reader::{ReaderArguments, WriterArguments, follow, items, listed};

// ANCHOR: close
pub fn close() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    // The reader starts first, so the writer is late again: it does not matter.
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 3,
    };
    let mut pr = Worker::start("reader", reader_args)?;
    // The writer gets the only sending end: when the writer ends, the queue
    // closes, and the reader's loop ends after the last item.
    let writer_args = WriterArguments {
        queue: queue_tx,
        items: items(&["A", "B", "C", "D"]),
    };
    let mut pw = Worker::start("writer", writer_args)?;

    pw.join_ok()?; // Python: pw.join()
    let status = pr.join_ok()?; // Python: pr.join(); no terminate() needed
    let (taken, written) = follow(&receipts, None)?;
    say!("parent: the reader ended by itself ({status})");
    say!(
        "parent: it took {} and wrote out {}",
        listed(&taken),
        listed(&written)
    );
    Ok(())
}
// ANCHOR_END: close
