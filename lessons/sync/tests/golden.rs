//! Every variant of lesson-sync against its golden file in `golden/`.
//!
//! Each order a golden relies on comes from the primitive the variant
//! teaches, or from a channel; a timeout appears only where the other side
//! never comes, so that the timeout is the only way out.

use shared::golden::Check;

/// The worker says it is about to wait before main sets the event, and it
/// can print its second line only once the event is set.
const EVENT: Check = Check::exact("event");
/// The notify comes before the waiter exists, so the waiter can only time out.
const LOST_WAKEUP: Check = Check::exact("lost-wakeup");
/// Main wakes the consumer only once it is waiting (it says so under the
/// lock, on a second condvar): each line is caused by the one before it.
/// With a single `wait` instead of `wait_while`, the consumer takes from an
/// empty shelf, and the golden fails.
const CONDITION: Check = Check::exact("condition");
/// Producer and consumer run at the same time: each one's lines keep their
/// order; the buffer never holds more than its capacity.
const BOUNDED_BUFFER: Check =
    Check::interleaved("bounded-buffer", &["producer:", "consumer:"]);
/// The permits are counted in one thread first (an unlimited semaphore would
/// give a third); the six downloads can only show that no more than two ran.
const SEMAPHORE: Check = Check::exact("semaphore");
const CHANNEL_SEMAPHORE: Check = Check::exact("channel-semaphore");
/// Threads arrive and pass in any order, but none passes before all arrive.
const BARRIER: Check = Check::interleaved("barrier", &["A:", "B:", "C:"]);
/// C never arrives: both waiters can only time out.
const BROKEN_BARRIER: Check = Check::interleaved("broken-barrier", &["A:", "B:"]);
/// The reminder can only fire (nobody cancels it); the alarms are cancelled
/// microseconds after they start, 10 s before they would fire.
const TIMER: Check = Check::exact("timer");
/// The daemon is parked for ever when main returns: its Drop never runs.
const DAEMON: Check = Check::exact("daemon");
const STOP_AND_JOIN: Check = Check::exact("stop-and-join");
/// The config is loaded first, once, whichever thread touches it first.
const ONCE: Check = Check::interleaved("once", &["T1:", "T2:", "T3:", "T4:"]);
/// The workers finish in any order, and main's line comes after all of them.
const WAITGROUP: Check = Check::interleaved("waitgroup", &["W1:", "W2:", "W3:"]);

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-sync"), {
    event: EVENT,
    lost_wakeup: LOST_WAKEUP,
    condition: CONDITION,
    bounded_buffer: BOUNDED_BUFFER,
    semaphore: SEMAPHORE,
    channel_semaphore: CHANNEL_SEMAPHORE,
    barrier: BARRIER,
    broken_barrier: BROKEN_BARRIER,
    timer: TIMER,
    daemon: DAEMON,
    stop_and_join: STOP_AND_JOIN,
    once: ONCE,
    waitgroup: WAITGROUP,
});
