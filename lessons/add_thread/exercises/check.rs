//! The checks of lesson add_thread's exercises. `cargo xtask learn` runs the
//! one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).
//!
//! Each check first looks for the usual mistake and says what it is in plain
//! words, then compares the whole output with the golden file.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// The three workers print at the same time: only each worker's own order is
/// fixed, around main's lines (the barrier holds them there).
#[test]
fn name_the_workers() {
    let program = shared::exercise!("add_thread-name_the_workers");
    let stdout = program.stdout_of(&[]);
    assert!(
        !stdout.contains("[<unnamed>]"),
        "a worker still has no name: thread::current().name() returned None in it, \
         so log() printed <unnamed>. Give each worker its name with \
         thread::Builder::new().name(...) before spawning it.\n--- output ---\n{stdout}"
    );
    for size in [64, 256, 1024] {
        assert!(
            stdout.contains(&format!("[thumbs-{size}] making")),
            "no line from a thread named thumbs-{size}: name the worker for size \
             {size} exactly \"thumbs-{size}\".\n--- output ---\n{stdout}"
        );
    }
    let check = Check::interleaved(
        "name_the_workers",
        &["[thumbs-64]", "[thumbs-256]", "[thumbs-1024]"],
    );
    program.check(check.args(&[]));
}

#[test]
fn run_hands_back() {
    let program = shared::exercise!("add_thread-run_hands_back");
    let stdout = program.stdout_of(&[]);
    assert!(
        !stdout.lines().any(|line| line.ends_with(": 0")),
        "a count printed as 0: main printed a counter that no thread worked on. \
         Each thread counted on its own copy; print the count that comes back \
         from join() instead.\n--- output ---\n{stdout}"
    );
    program.check(Check::exact("run_hands_back").args(&[]));
}

/// ping and pong print at the same time; main's verdict comes after both.
#[test]
fn start_both_first() {
    // A serial start never ends: the runner's time limit stops it.
    let program = shared::exercise!("add_thread-start_both_first");
    program.check(Check::interleaved("start_both_first", &["ping", "pong"]).args(&[]));
}
