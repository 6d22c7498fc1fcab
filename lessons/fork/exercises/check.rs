//! The checks of lesson fork's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).
//!
//! The leak check adopts and reaps every child of this test process, so the
//! checks take turns (`one_at_a_time`) even when cargo test runs them side by
//! side.

use std::sync::{Mutex, MutexGuard};

use shared::golden::{Check, Lesson};

fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the program once more, as a child subreaper: a process it leaves
/// behind, a zombie or one still running, is handed to this check, which
/// reports it. A file left in its temporary folder is reported too.
#[cfg(target_os = "linux")]
fn leaves_nothing(program: &Lesson) {
    use std::panic::{AssertUnwindSafe, catch_unwind, set_hook, take_hook};
    // Catch the leak check's own panic quietly, to add what it means.
    let hook = take_hook();
    set_hook(Box::new(|_| {}));
    let verdict = catch_unwind(AssertUnwindSafe(|| program.check_leaves_nothing(&[])));
    set_hook(hook);
    if let Err(panic) = verdict {
        let why = (panic.downcast_ref::<String>().map(String::as_str))
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("the leak check failed");
        panic!(
            "{why}\n\nState Z is a zombie: a child that has exited, but whose parent ended \
             without waiting for it (waitpid). Any other state is a child that was still \
             running when the program ended."
        );
    }
}

/// /proc and child subreapers are Linux's: elsewhere only the output is checked.
#[cfg(not(target_os = "linux"))]
fn leaves_nothing(_program: &Lesson) {}

#[test]
fn reap_children() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("fork-reap_children");
    leaves_nothing(&program);
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
    leaves_nothing(&program);
}
