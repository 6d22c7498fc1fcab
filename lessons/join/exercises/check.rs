//! The checks of lesson join's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// T1 and T2 run at the same time: only each thread's own order is fixed, and
/// "all done" must come after all of their lines.
#[test]
fn wait_for_both() {
    let check = Check::interleaved("wait_for_both", &["T1", "T2"]).args(&[]);
    shared::exercise!("join-wait_for_both").check(check);
}

#[test]
fn results_by_join() {
    shared::exercise!("join-results_by_join")
        .check(Check::exact("results_by_join").args(&[]));
}
