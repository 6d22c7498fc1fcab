//! The checks of lesson sync's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).
//!
//! Each program orders its threads with channels, locks and condition
//! variables, never with a sleep being long enough, so what it prints is the
//! same on every run.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// The worker waits while main sleeps 100 ms: a sleeping wait looks at the
/// flag once or twice, a busy-wait thousands of times.
#[test]
fn wait_for_ready() {
    let program = shared::exercise!("sync-wait_for_ready");
    let printed = program.printed(&[]);
    assert!(
        !printed.contains("it was spinning"),
        "The worker looked at the flag again and again while main got ready: \
         it spun, and kept a CPU busy doing nothing. Sleep on the Condvar \
         instead: Condvar::wait_while, with `!flag.is_set()` as the condition \
         to wait while.\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("wait_for_ready").args(&[]));
}

/// main wakes the consumer while the shelf is empty, and puts the parcel
/// there only once the consumer has looked again.
#[test]
fn while_not_if() {
    let program = shared::exercise!("sync-while_not_if");
    let printed = program.printed(&[]);
    assert!(
        !printed.contains("took nothing"),
        "The consumer woke up, did not look again, and took from an empty \
         shelf. A wake-up is no promise: check the shelf again after each one \
         and wait again while it is empty (a `while` loop, or \
         Condvar::wait_while).\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("while_not_if").args(&[]));
}

/// Ada answers at once, so the reminder must never go out; the timer's
/// thread is joined before main's last line.
#[test]
fn cancel_the_timer() {
    let program = shared::exercise!("sync-cancel_the_timer");
    let printed = program.printed(&[]);
    assert!(
        !printed.contains("timer: reminds"),
        "The reminder went out although main cancelled it: `cancel` did not \
         reach the timer's thread, which waited out its delay and fired. Send \
         it a message on `self.cancel`: its recv_timeout then returns at once \
         with Ok, and it gives up.\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("cancel_the_timer").args(&[]));
}

/// No fetch may be refused. Without a wait, the first three crawlers keep
/// their connections until the six others have tried and been refused; with
/// a wait that does not look again, every sleeper woken by a release gets in.
#[test]
fn three_crawlers() {
    let program = shared::exercise!("sync-three_crawlers");
    let printed = program.printed(&[]);
    let refused = printed
        .lines()
        .filter(|line| line.contains("refused"))
        .count();
    assert!(
        refused == 0,
        "The site refused {refused} fetches: more than three crawlers were \
         connected at the same time. `acquire` must wait on the Condvar while \
         no permit is free, and look again after every wake-up: `release` \
         wakes every waiting crawler, and only one of them gets the permit \
         (Condvar::wait_while with `permits.none_free()`).\n\
         --- printed ---\n{printed}"
    );
    program.check(Check::exact("three_crawlers").args(&[]));
}
