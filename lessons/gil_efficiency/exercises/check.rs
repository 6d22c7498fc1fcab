//! The checks of lesson gil_efficiency's exercises. `cargo xtask learn` runs
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

#[test]
fn side_by_side() {
    let _one = one_at_a_time();
    let program = shared::exercise!("gil_efficiency-side_by_side");
    let stdout = stdout_of(&program);
    let threads = after(&stdout, "threads used: ");
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
    let stdout = stdout_of(&program);
    let total = after(&stdout, "total: ");
    assert!(
        total == "249999833333583333000000",
        "\nThe total is {total}, and Σ(i + i² + i³) for i < 1000000 is \
         249999833333583333000000. Read each worker's stdout to the end, parse \
         it as a u128 and add it up."
    );
    program.check(Check::exact("reap_workers").args(&[]));
    leaves_nothing(
        &program,
        "The program left processes behind. A worker that has ended stays a \
         zombie (state Z) until its parent waits for it, and dropping a `Child` \
         does not wait: call `wait()` or `wait_with_output()` on every worker, \
         as Python's `p.join()` does.",
    );
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
