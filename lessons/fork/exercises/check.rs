//! The checks of lesson fork's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).
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
fn reap_children() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("fork-reap_children");
    program.check_leaves_nothing(&[]);
    program.check(Check::exact("reap_children").args(&[]));
}

#[test]
fn exit_in_child() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("fork-exit_in_child");
    let output = program.run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let deleters: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("delete") && line.contains("scratch file"))
        .collect();
    assert!(
        deleters.len() == 1 && deleters[0].starts_with("main "),
        "the scratch file was to be deleted once, by main, at its end; instead:\n  {}\n\
         A child that goes on after its work runs the parent's code that follows the \
         match: the rest of the loop, then the end of main. A child that returns from \
         main drops main's values on its way out. Either way its copy of the guard \
         deletes the parent's file.\n--- the whole output ---\n{stdout}",
        deleters.join("\n  ")
    );
    program.check(Check::exact("exit_in_child").args(&[]));
    program.check_leaves_nothing(&[]);
}
