//! Ports the writer and reader programs that end with `pr.terminate()`:
//! tutorial 001's (the writer puts A, B and C) and tutorial 004's (A to D).
//! The reader loops forever, so the parent has to kill it, and whatever the
//! reader was still holding dies with it.

use ipc_channel::ipc;
use shared::say;

use crate::ipc_queue::io_error;
use crate::workers::Worker;
use crate::writer_reader::{ReaderArguments, WriterArguments, follow, items, listed};

// ANCHOR: terminate
pub fn terminate() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    // Python: pw = Process(target=write, args=(q,)); pw.start()
    let writer_args = WriterArguments {
        queue: queue_tx.clone(),
        items: items(&["A", "B", "C"]),
    };
    let mut pw = Worker::start("writer", writer_args)?;
    // Python: pr = Process(target=read, args=(q,)); pr.start()
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 1,
    };
    let mut pr = Worker::start("reader", reader_args)?;
    // The parent keeps `queue_tx`, as Python's parent keeps q: the queue
    // stays open, and the reader can never learn that nothing more will come.

    pw.join_ok()?; // Python: pw.join()
    // Not in Python: wait until the reader has printed all three, so that
    // terminate() cannot cut it short (the tutorial relied on the writer's sleep).
    let (taken, _) = follow(&receipts, Some(3))?;
    say!(
        "parent: the writer has ended; the reader has printed {}",
        listed(&taken)
    );
    let status = pr.terminate()?; // Python: pr.terminate(), then pr.join() to reap it
    say!("parent: terminate(): the reader was killed ({status}) and reaped");
    drop(queue_tx);
    Ok(())
}
// ANCHOR_END: terminate

// ANCHOR: terminate_loses
pub fn terminate_loses() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    let writer_args = WriterArguments {
        queue: queue_tx.clone(),
        items: items(&["A", "B", "C", "D"]),
    };
    let mut pw = Worker::start("writer", writer_args)?; // Python: pw.start()
    // This reader writes its output three lines at a time.
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 3,
    };
    let mut pr = Worker::start("reader", reader_args)?; // Python: pr.start()

    pw.join_ok()?; // Python: pw.join()
    // Wait until the reader has taken all four: nothing is left in the queue.
    let (taken, written) = follow(&receipts, Some(4))?;
    say!(
        "parent: the reader has taken {}; it has written out {}",
        listed(&taken),
        listed(&written)
    );
    let status = pr.terminate()?; // Python: pr.terminate()
    say!("parent: terminate(): the reader was killed ({status}) and reaped");
    let lost: Vec<String> = taken
        .into_iter()
        .filter(|item| !written.contains(item))
        .collect();
    say!(
        "parent: lost with it: {}, taken from the queue but still in its buffer",
        listed(&lost)
    );
    say!("parent: done"); // Python: the last print, "the parent process ends"
    drop(queue_tx);
    Ok(())
}
// ANCHOR_END: terminate_loses
