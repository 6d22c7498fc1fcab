//! The checks of lesson distributed's exercises. `cargo xtask learn` runs the
//! one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).

//!
//! Each check starts processes, and `check_leaves_nothing` looks at every
//! child of this test process: the checks take turns (`one_at_a_time`), even
//! when `cargo test` runs them side by side.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::{Check, one_at_a_time};

/// The manager prints the results in task order once the job is over, so the
/// output is the golden line for line: each task has exactly one result, task
/// 3's on its second attempt, and exactly one worker crashed. Then a second
/// run must leave no worker process behind.
#[test]
fn requeue() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("distributed-requeue");
    program.check(Check::exact("requeue").args(&[]));
    program.check_leaves_nothing(&[]);
}

/// The manager hangs up on the silent and the dripping client, each within
/// its deadline, and then answers the honest one; a second run must leave no
/// client process behind.
#[test]
fn request_deadline() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("distributed-request_deadline");
    program.check(Check::exact("request_deadline").args(&[]));
    program.check_leaves_nothing(&[]);
}
