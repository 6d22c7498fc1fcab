//! The checks of lesson distributed's exercises. `cargo xtask learn` runs the
//! one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).

use std::sync::Mutex;

use shared::golden::Check;

/// Each check starts processes, and `check_leaves_nothing` looks at every
/// child of this test process: the checks take turns, even when `cargo test`
/// runs them side by side.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The manager prints the results in task order once the job is over, so the
/// output is the golden line for line: each task has exactly one result, task
/// 3's on its second attempt, and exactly one worker crashed. Then a second
/// run must leave no worker process behind.
#[test]
fn requeue() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let program = shared::exercise!("distributed-requeue");
    program.check(Check::exact("requeue").args(&[]));
    program.check_leaves_nothing(&[]);
}

/// The manager hangs up on the silent and the dripping client, each within
/// its deadline, and then answers the honest one; a second run must leave no
/// client process behind.
#[test]
fn request_deadline() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let program = shared::exercise!("distributed-request_deadline");
    program.check(Check::exact("request_deadline").args(&[]));
    program.check_leaves_nothing(&[]);
}
