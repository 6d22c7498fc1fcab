//! The checks of lesson pool's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// No download may be refused. A pool of four threads never runs more than
/// four at once; twelve threads started together always do (each download
/// keeps its connection for 200 ms).
#[test]
fn four_at_a_time() {
    let program = shared::exercise!("pool-four_at_a_time");
    let output = program.run(&[]);
    let printed = String::from_utf8_lossy(&output.stdout);
    let refused = printed
        .lines()
        .filter(|line| line.contains("refused"))
        .count();
    assert!(
        refused == 0,
        "The server refused {refused} downloads: more than four were connected at \
         the same time. Run at most four downloads at once.\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("four_at_a_time").args(&[]));
}

/// The counts must be printed in the order of the inputs. The starter's
/// order cannot be right by chance: the pool has two threads and the input
/// 20,000 is handed out fifth, so at least three answers arrive before it.
#[test]
fn in_input_order() {
    let program = shared::exercise!("pool-in_input_order");
    let output = program.run(&[]);
    let printed = String::from_utf8_lossy(&output.stdout);
    let golden = include_str!("golden/in_input_order.stdout");
    let counts = |text: &str| {
        let mut counts: Vec<String> = text
            .lines()
            .filter_map(|line| line.rsplit(':').next())
            .map(|count| count.trim().to_owned())
            .collect();
        counts.sort();
        counts
    };
    let shuffled = printed != golden && counts(&printed) == counts(golden);
    assert!(
        !shuffled,
        "Every count is there, but not beside its own limit: the counts are in \
         another order than the inputs (the order the jobs completed, perhaps). \
         Put each answer at the position its tag names.\n\
         --- printed ---\n{printed}--- expected ---\n{golden}"
    );
    program.check(Check::exact("in_input_order").args(&[]));
}

/// The lookup of silent.example never answers: its line must say so, and the
/// lines of the lookups that do answer must show their addresses.
#[test]
fn stuck_job() {
    shared::exercise!("pool-stuck_job").check(Check::exact("stuck_job").args(&[]));
}
