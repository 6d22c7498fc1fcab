//! The leak checks must catch what they claim to catch. A shell stands in for
//! a lesson that misbehaves (the checks run it with an empty PATH, hence the
//! absolute paths).
#![cfg(target_os = "linux")]

use std::panic::{AssertUnwindSafe, catch_unwind};

use shared::golden::Lesson;

fn shell() -> Lesson {
    Lesson::new("/bin/sh", env!("CARGO_MANIFEST_DIR"))
}

fn fails(check: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(check)).is_err()
}

/// The message of the panic that `check` must end in.
fn failure(check: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(check)).expect_err("it must fail");
    *payload.downcast::<String>().expect("a formatted message")
}

#[test]
fn the_leak_checks_catch_leaks_and_pass_clean_runs() {
    let sh = shell();
    // Clean: a child that is waited for.
    sh.check_leaves_nothing(&["-c", "/bin/sleep 0.01; exit 0"]);
    // An orphan still running when the "lesson" ends, with what the learner
    // most likely forgot.
    let why = "wait for every child you start";
    // It ends only once the orphan is sleep (has called exec), not a copy of sh.
    let orphan =
        "/bin/sleep 30 & until read name </proc/$!/comm && [ $name = sleep ]; do :; done";
    let orphan = failure(|| sh.check_leaves_nothing_because(&["-c", orphan], why));
    assert!(orphan.starts_with(&format!("{why}\n\n")), "{orphan}");
    // "process <pid> (sleep) was left behind, still running ..."
    let named = orphan
        .split_once("process ")
        .and_then(|(_, rest)| rest.split_once(' '));
    assert!(
        named.is_some_and(|(pid, rest)| pid.parse::<u32>().is_ok()
            && rest.starts_with("(sleep) was left behind, still running")),
        "{orphan}"
    );
    sh.check_leaves_nothing_because(&["-c", "exit 0"], why);
    // A temporary file.
    assert!(fails(|| sh.check_leaves_nothing(&[
        "-c",
        "/usr/bin/touch \"$TMPDIR/left\""
    ])));
    // A shared-memory segment.
    let name = format!("/dev/shm/course-leak-test-{}", std::process::id());
    assert!(fails(|| sh.check_leaves_nothing(&[
        "-c",
        &format!("/usr/bin/touch {name}")
    ])));
    assert!(
        !std::path::Path::new(&name).exists(),
        "the check removes what it finds"
    );

    // Ctrl-C only once the line is printed.
    let never =
        failure(|| sh.check_interrupt_leaves_nothing(&["-c", "echo hello"], "ready"));
    let said = r#"never printed a line containing "ready"; it printed:"#;
    assert!(never.contains(&format!("{said}\nhello")), "{never}");
    // Ctrl-C: the whole group dies and nothing is left.
    sh.check_interrupt_leaves_nothing(&["-c", "echo ready; exec /bin/sleep 30"], "ready");
    // Ctrl-C, but a child that ignores it survives and is orphaned. It says
    // "ready" only once it ignores SIGINT, so the signal cannot come too early.
    let survivor = "(trap '' INT; echo ready; exec /bin/sleep 30) & wait";
    assert!(fails(
        || sh.check_interrupt_leaves_nothing(&["-c", survivor], "ready")
    ));
}
