//! The checks of lesson shared_value's exercises. `cargo xtask learn` runs
//! the one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::{Check, line_after, one_at_a_time};

const NOTHING_LEFT: &str = "The program left something behind. The parent must wait for \
    every worker (`wait()`, Python's `p.join()`), or it leaves zombies, and must end by \
    returning from `main`, so that the segment is dropped and its name unlinked from \
    /dev/shm (`std::process::exit` skips every `Drop`).";

#[test]
fn segment_lock() {
    let _one = one_at_a_time();
    let program = shared::exercise!("shared_value-segment_lock");
    let stdout = program.stdout_of(&[]);
    let balance = line_after(&stdout, "balance after deposits of 100 and 10: ");
    assert!(
        balance == "1110",
        "\nThe balance ends at {balance}, not 1110: a deposit was lost, because both \
         processes read the balance before either wrote it back. A `static Mutex` \
         cannot stop that: each process has its own copy, so neither ever waits for \
         the other. Take `account.lock`, the lock in the segment, before the read, and \
         hold it until after the write (its guard in a named variable: `let _ = ...` \
         drops it, and releases the lock, at once)."
    );
    program.check(Check::exact("segment_lock").args(&[]));
    program.check_leaves_nothing_because(&[], NOTHING_LEFT);
}

#[test]
fn reserve_a_slot() {
    let _one = one_at_a_time();
    let program = shared::exercise!("shared_value-reserve_a_slot");
    let stdout = program.stdout_of(&[]);
    let len = line_after(&stdout, "the log holds ");
    assert!(
        len == "12 entries",
        "\nThe log holds {len}, not 12: appends that read the same `len` wrote into \
         the same slot, and the last write won. Reading `len` and moving it on must \
         be one step: `fetch_add` returns the slot and moves `len` at once."
    );
    program.check(Check::exact("reserve_a_slot").args(&[]));
    program.check_leaves_nothing_because(&[], NOTHING_LEFT);
}
