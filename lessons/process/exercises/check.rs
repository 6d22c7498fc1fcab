//! The checks of lesson process's exercises. `cargo xtask learn` runs the one
//! for the exercise at hand; `cargo xtask check-exercises` runs each against
//! the starter (it must fail) and the solution (it must pass).
//!
//! The leak check adopts and reaps every child of this test process, so the
//! checks take turns (`one_at_a_time`) even when cargo test runs them side by
//! side.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::{Check, one_at_a_time};

#[test]
fn exit_status() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-exit_status");
    program.check(Check::exact("exit_status").args(&[]));
    program.check_leaves_nothing(&[]);
}

#[test]
fn start_both() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-start_both");
    let output = program.run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("asker: exit status: 0")
            && stdout.contains("answerer: exit status: 0"),
        "the workers did not both succeed:\n{stdout}\nWhat they said:\n{stderr}\n\
         Each worker waits for the other's line: it can only come if both workers are \
         running at the same time."
    );
    // The workers' lines on stderr come in one order: each waits for the other's.
    program.check(Check::exact("start_both").args(&[]));
    program.check_leaves_nothing(&[]);
}

#[test]
fn kill_stuck() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-kill_stuck");
    program.check(Check::exact("kill_stuck").args(&[]));
    program.check_leaves_nothing(&[]);
}
