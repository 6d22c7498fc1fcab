//! lesson-fork leaves no process behind: every child it forks is reaped,
//! the adopted orphan included. (It creates no file and no shared memory;
//! the checks would see those too.)
//!
//! A test binary of its own: each check reaps every child of the test
//! process, which would disturb tests that start processes of their own.
#![cfg(target_os = "linux")]

use shared::golden::Lesson;

fn lesson() -> Lesson {
    Lesson::built("lesson-fork")
}

#[test]
fn the_full_run_leaves_nothing() {
    lesson().check_leaves_nothing(&[]);
}

/// Every variant forks at least one child: each gets its own check.
macro_rules! leaves_nothing {
    ($($test:ident: $variant:literal),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                lesson().check_leaves_nothing(&[$variant]);
            }
        )+
    };
}

leaves_nothing! {
    os_fork_leaves_nothing: "os-fork",
    parent_child_leaves_nothing: "parent-child",
    global_leaves_nothing: "global",
    copy_on_write_leaves_nothing: "copy-on-write",
    zombie_leaves_nothing: "zombie",
    orphan_leaves_nothing: "orphan",
    flush_leaves_nothing: "flush",
    threads_leaves_nothing: "threads",
}
