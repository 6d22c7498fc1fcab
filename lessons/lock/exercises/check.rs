//! The checks of lesson lock's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).
//!
//! Each check first looks for the mistakes the exercise is about, to say in
//! plain words what went wrong, then compares the whole output with the
//! golden file.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use std::process::Output;

use shared::golden::Check;

/// What the program printed on stdout and on stderr.
fn printed(output: &Output) -> (String, String) {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (text(&output.stdout), text(&output.stderr))
}

/// If the program failed, how it ended, for the end of a message.
fn how_it_ended(output: &Output) -> String {
    let (_, stderr) = printed(output);
    match output.status.success() {
        true => String::new(),
        false => format!("\n\nThen it ended with {}:\n{stderr}", output.status),
    }
}

#[track_caller]
fn assert_success(output: &Output) {
    let (stdout, stderr) = printed(output);
    assert!(
        output.status.success(),
        "The program ended with {}. It printed:\n{stdout}\nand on stderr:\n{stderr}",
        output.status
    );
}

#[test]
fn overbooked() {
    let program = shared::exercise!("lock-overbooked");
    let output = program.run(&[]);
    let (stdout, _) = printed(&output);
    assert!(
        !stdout.contains("website: sold"),
        "The website sold seats while the clerk's customer was paying:\n\n{stdout}\n\
         The clerk had let go of the lock after looking, so the website found it \
         free. Hold one guard from the look to the sale.{}",
        how_it_ended(&output)
    );
    assert_success(&output);
    assert!(
        stdout.contains("3 tickets sold for 5 seats, 2 seats left"),
        "The clerk should sell 3 of the 5 seats, and the website none:\n\n{stdout}"
    );
    program.check(Check::exact("overbooked").args(&[]));
}

#[test]
fn lock_once() {
    let program = shared::exercise!("lock-lock_once");
    let output = program.run(&[]);
    let (stdout, _) = printed(&output);
    assert!(
        !stdout.contains("total 90"),
        "The auditor counted the books in the middle of the transfer and found \
         30 missing:\n\n{stdout}\n\
         The transfer must hold the lock from the withdrawal to the deposit: \
         lock once, and pass the data (not the Mutex) to the helpers.{}",
        how_it_ended(&output)
    );
    assert_success(&output);
    program.check(Check::exact("lock_once").args(&[]));
}

/// The teller's panic is reported on stderr (golden/poisoned.stderr).
#[test]
fn poisoned() {
    let program = shared::exercise!("lock-poisoned");
    let output = program.run(&[]);
    let (stdout, stderr) = printed(&output);
    let short = stdout.lines().any(|line| {
        line.starts_with("alice ")
            && line.contains(", total ")
            && !line.ends_with("total 120")
    });
    assert!(
        !short,
        "The books were read, but not repaired: the bank should hold 120 in all, \
         and the transfer that panicked took 30 from alice without giving them to \
         anyone:\n\n{stdout}\nGive alice her 30 back through the guard.{}",
        how_it_ended(&output)
    );
    if !output.status.success() {
        let why = if stderr.contains("the bank's lock is poisoned") {
            "The next transfer found the lock still poisoned: once the data is \
             repaired, say so with `bank.clear_poison()`."
        } else if stderr.contains("PoisonError") {
            "It called `unwrap()` on the `Err` that `lock()` returns for a poisoned \
             lock. The `Err` holds the guard: take it out."
        } else {
            "It panicked."
        };
        panic!(
            "The program ended with {}. {why}\n\nIt printed:\n{stdout}\nand on stderr:\n{stderr}",
            output.status
        );
    }
    program.check(Check::exact("poisoned").args(&[]));
}
