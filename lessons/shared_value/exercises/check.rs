//! The checks of lesson shared_value's exercises. `cargo xtask learn` runs
//! the one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).

use std::sync::{Mutex, MutexGuard};

use shared::golden::{Check, Lesson};

/// One check at a time, even when the whole file runs at once: the cleanup
/// check counts every child process of this test binary as a leftover.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the program and returns its stdout, after checking that it succeeded.
fn stdout_of(program: &Lesson) -> String {
    let output = program.run(&[]);
    assert!(
        output.status.success(),
        "the program ended with {}; it printed on stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The line of `stdout` that starts with `prefix`, without the prefix.
fn after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"))
}

const NOTHING_LEFT: &str = "The program left something behind. The parent must wait for \
    every worker (`wait()`, Python's `p.join()`), or it leaves zombies, and must end by \
    returning from `main`, so that the segment is dropped and its name unlinked from \
    /dev/shm (`std::process::exit` skips every `Drop`).";

#[test]
fn segment_lock() {
    let _one = one_at_a_time();
    let program = shared::exercise!("shared_value-segment_lock");
    let stdout = stdout_of(&program);
    let balance = after(&stdout, "balance after deposits of 100 and 10: ");
    assert!(
        balance == "1110",
        "\nThe balance ends at {balance}, not 1110: a deposit was lost, because both \
         processes read the balance before either wrote it back. A `static Mutex` \
         cannot stop that: each process has its own copy, so neither ever waits for \
         the other. Take `account.lock`, the lock in the segment, before the read, and \
         hold it until after the write (its guard in a named variable: `let _ = ...` \
         drops it, and releases the lock, at once)."
    );
    program.check(Check::exact("segment_lock").args(&[]));
    leaves_nothing(&program, NOTHING_LEFT);
}

#[test]
fn reserve_a_slot() {
    let _one = one_at_a_time();
    let program = shared::exercise!("shared_value-reserve_a_slot");
    let stdout = stdout_of(&program);
    let len = after(&stdout, "the log holds ");
    assert!(
        len == "12 entries",
        "\nThe log holds {len}, not 12: appends that read the same `len` wrote into \
         the same slot, and the last write won. Reading `len` and moving it on must \
         be one step: `fetch_add` returns the slot and moves `len` at once."
    );
    program.check(Check::exact("reserve_a_slot").args(&[]));
    leaves_nothing(&program, NOTHING_LEFT);
}

/// `check_leaves_nothing` (no process, temporary file or /dev/shm segment
/// left behind), with `why` in front of what it found. Linux only: it looks
/// in /proc and /dev/shm.
fn leaves_nothing(program: &Lesson, why: &str) {
    #[cfg(target_os = "linux")]
    {
        use std::panic::{self, AssertUnwindSafe};
        let hook = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let found = panic::catch_unwind(AssertUnwindSafe(|| program.check_leaves_nothing(&[])));
        panic::set_hook(hook);
        if let Err(found) = found {
            let found = found
                .downcast_ref::<String>()
                .map_or("(no details)", String::as_str);
            panic!("\n{why}\n\n{found}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (program, why);
}
