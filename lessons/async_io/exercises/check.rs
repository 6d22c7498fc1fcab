//! The checks of lesson async_io's exercises. `cargo xtask learn` runs the one
//! for the exercise at hand; `cargo xtask check-exercises` runs each against
//! the starter (it must fail) and the solution (it must pass).
//!
//! Every program waits on tokio's paused clock or on channels, never on a
//! sleep being long enough, so what it prints is the same on every run.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// The three fetches take 1, 2 and 3 s: 6 s one after another, 3 s together.
#[test]
fn together() {
    let program = shared::exercise!("async_io-together");
    let printed = program.printed(&[]);
    assert!(
        !printed.contains("took 6s"),
        "The whole took 6 s, the sum of the three fetches: each one began only \
         when the one before had finished. Start them together with \
         tokio::join!, and the whole takes as long as the slowest, 3 s.\n\
         --- printed ---\n{printed}"
    );
    program.check(Check::exact("together").args(&[]));
}

/// silent.example never answers: its line must report a TimeoutError, and
/// the host after it must still be asked.
#[test]
fn give_up() {
    let program = shared::exercise!("async_io-give_up");
    let printed = program.printed(&[]);
    assert!(
        printed.contains("gamma.example: 10.0.0.3"),
        "gamma.example, asked after silent.example, never got its answer \
         printed. Give each request a timeout of its own and go on with the \
         next host when one times out (a timeout around the whole loop gives \
         up on every host left).\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("give_up").args(&[]));
}

/// The runtime must stay a current-thread one: a second worker thread would
/// let the sensor run beside the blocking call and hide the problem.
#[test]
fn off_the_runtime() {
    let program = shared::exercise!("async_io-off_the_runtime");
    let printed = program.printed(&[]);
    assert!(
        !printed.contains("MultiThread"),
        "The runtime is a multi-threaded one now: another worker runs the sensor \
         while `average` blocks one. Keep `flavor = \"current_thread\"` and move \
         the blocking call off the runtime with tokio::task::spawn_blocking.\n\
         --- printed ---\n{printed}"
    );
    program.check(Check::exact("off_the_runtime").args(&[]));
}

/// No download may be refused, and three at a time take 4 s for ten (four
/// rounds of 1 s); one at a time would take 10 s.
#[test]
fn three_at_a_time() {
    let program = shared::exercise!("async_io-three_at_a_time");
    let printed = program.printed(&[]);
    let refused = printed
        .lines()
        .filter(|line| line.contains("refused"))
        .count();
    assert!(
        refused == 0,
        "The server refused {refused} downloads: more than three were connected \
         at the same time. Let a task download only while it holds one of \
         three permits of a tokio::sync::Semaphore.\n--- printed ---\n{printed}"
    );
    assert!(
        !printed.contains("took 10s"),
        "Nothing was refused, but the ten downloads took 10 s: they ran one at \
         a time. Start them all, and let the semaphore hold back all but three.\n\
         --- printed ---\n{printed}"
    );
    program.check(Check::exact("three_at_a_time").args(&[]));
}
