//! Every variant of lesson-async_io against its golden file in `golden/`.
//!
//! The variants that wait run on tokio's paused clock, on one thread: the
//! times they print (`t=2s`) are the clock's, exact, and the order of their
//! lines follows from the timers and the order the tasks were spawned in,
//! never from how fast the machine is.

use shared::golden::Check;

/// greet prints only once main awaits it, after main's first line.
const HELLO: Check = Check::exact("hello");
/// The future that is never awaited never prints: only grace gets mail.
const NEVER_AWAITED: Check = Check::exact("never-awaited");
/// 6 s one after another, 3 s together: exact times on the paused clock.
const GATHER: Check = Check::exact("gather");
/// Results in the order the waits end (1, 2, 3 s), not the order they began.
const JOIN_SET: Check = Check::exact("join-set");
/// Three ticks, the abort at 3.5 s, the ticker's Drop, then main's verdict.
const CANCEL: Check = Check::exact("cancel");
/// The fast request answers; the slow one is dropped at the 2 s limit.
const TIMEOUT: Check = Check::exact("timeout");
/// The runtime has one thread, and the sleep holds it: the heartbeat task
/// cannot run during it, however long the sleep is or however slow the machine.
const BLOCKING_STALLS: Check = Check::exact("blocking-stalls");
/// The blocking call waits for three beats (at most 5 s each), which only a
/// free runtime thread can send.
const SPAWN_BLOCKING: Check = Check::exact("spawn-blocking");
/// The producer runs at most two items ahead of the consumer.
const QUEUE: Check = Check::exact("queue");
/// Two permits: pages start two by two, and at most 2 ran at once.
const SEMAPHORE: Check = Check::exact("semaphore");
/// Every client gets its own line back; the server counts every connection,
/// the one that left after half a line too. Only the port varies.
const ECHO_SERVER: Check = Check::exact("echo-server");
const BLOCK_ON: Check = Check::exact("block-on");
/// The tokio Mutex is fair: the writers hold it in the order they asked.
const ASYNC_MUTEX: Check = Check::exact("async-mutex");
/// Memory and times are measured, and vary from machine to machine: `[..]`.
/// What each line measures is fixed (`tests/many.rs` checks the figures).
const MANY: Check = Check::exact("many");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-async_io"), {
    hello: HELLO,
    never_awaited: NEVER_AWAITED,
    gather: GATHER,
    join_set: JOIN_SET,
    cancel: CANCEL,
    timeout: TIMEOUT,
    blocking_stalls: BLOCKING_STALLS,
    spawn_blocking: SPAWN_BLOCKING,
    queue: QUEUE,
    semaphore: SEMAPHORE,
    echo_server: ECHO_SERVER,
    block_on: BLOCK_ON,
    async_mutex: ASYNC_MUTEX,
    many: MANY,
});
