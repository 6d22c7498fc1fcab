//! The checks of lesson gil_efficiency's exercises. `cargo xtask learn` runs
//! the one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::{Check, line_after, one_at_a_time};

#[test]
fn side_by_side() {
    let _one = one_at_a_time();
    let program = shared::exercise!("gil_efficiency-side_by_side");
    let stdout = program.stdout_of(&[]);
    let threads = line_after(&stdout, "threads used: ");
    assert!(
        threads == "4, main among them: false",
        "\nThe 4 chunks ran on {} thread(s){}. Each chunk needs a thread of its own \
         (`s.spawn` in a `thread::scope`, or `thread::spawn`), not main's.",
        threads.split(',').next().unwrap_or(threads),
        if threads.ends_with("true") {
            ", main's among them"
        } else {
            ""
        }
    );
    program.check(Check::exact("side_by_side").args(&[]));
}

#[test]
fn reap_workers() {
    let _one = one_at_a_time();
    let program = shared::exercise!("gil_efficiency-reap_workers");
    let stdout = program.stdout_of(&[]);
    let total = line_after(&stdout, "total: ");
    assert!(
        total == "249999833333583333000000",
        "\nThe total is {total}, and Σ(i + i² + i³) for i < 1000000 is \
         249999833333583333000000. Read each worker's stdout to the end, parse \
         it as a u128 and add it up."
    );
    program.check(Check::exact("reap_workers").args(&[]));
    program.check_leaves_nothing_because(
        &[],
        "The program left processes behind. A worker that has ended stays a \
         zombie (state Z) until its parent waits for it, and dropping a `Child` \
         does not wait: call `wait()` or `wait_with_output()` on every worker, \
         as Python's `p.join()` does.",
    );
}
