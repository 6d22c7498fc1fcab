//! The checks of lesson pipe's exercises. `cargo xtask learn` runs the one for
//! the exercise at hand; `cargo xtask check-exercises` runs each against the
//! starter (it must fail) and the solution (it must pass).
//!
//! Each check also runs its program once more to make sure that it leaves no
//! process behind (`check_leaves_nothing` looks at every child of this test
//! process): run these tests one at a time, as the runner does.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// The worker writes its five messages in a single write: without framing,
/// the parent's first read always gets them glued together. Newlines as
/// separators would cut the fifth message in two.
#[test]
fn frames() {
    let program = shared::exercise!("pipe-frames");
    let output = program.run(&[]);
    let printed = String::from_utf8_lossy(&output.stdout);
    let found = printed
        .lines()
        .filter(|line| line.starts_with("parent: message "))
        .count();
    assert!(
        found >= 5,
        "The parent found {found} messages where the worker sent 5: several came \
         out of one read, glued together. A read returns whatever bytes are in the \
         pipe; only a length (or a delimiter) says where a message ends.\n\
         --- printed ---\n{printed}"
    );
    assert!(
        found <= 5,
        "The parent found {found} messages where the worker sent 5: one was cut in \
         two (a delimiter that can occur inside a message?), or the end of the \
         stream was read as messages.\n--- printed ---\n{printed}"
    );
    program.check(Check::exact("frames").args(&[]));
    program.check_leaves_nothing(&[]);
}

/// The worker replies only after the end of the request, so without a
/// half-close the parent's read can only time out.
#[test]
fn half_close() {
    let program = shared::exercise!("pipe-half_close");
    let output = program.run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("no reply within"),
        "The parent waited for the reply in vain: the worker is still reading the \
         request, because it never saw the end of it. As long as the parent's \
         sending direction is open, more text may come.\n--- output ---\n{stdout}"
    );
    assert!(
        !stdout.contains("ended without a reply"),
        "The worker saw the end of the request, but its reply could not come back: \
         the parent closed the direction it reads from too. Close only the \
         sending direction.\n--- output ---\n{stdout}"
    );
    program.check(Check::exact("half_close").args(&[]));
    program.check_leaves_nothing(&[]);
}

/// The worker writes far more than a pipe holds to both stdout and stderr:
/// reading them one after the other always hangs, in either order. Then no
/// worker may be left behind, running or as a zombie.
#[test]
fn read_both_pipes() {
    let program = shared::exercise!("pipe-read_both_pipes");
    program.check(Check::exact("read_both_pipes").args(&[]));
    program.check_leaves_nothing(&[]);
}
