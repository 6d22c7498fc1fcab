//! Every variant of lesson-fork against its golden file in `golden/`.

use shared::golden::Check;

/// After the fork, parent and child run at the same time: the parent's line
/// ("I (pid ...") and the child's ("I am child ...") can come in either
/// order. The parent prints its last line only after waitpid, so that one is
/// always last.
const OS_FORK: Check = Check::interleaved("os-fork", &["I (", "I am child"]);
/// The same: each process's own lines keep their order, the two processes'
/// lines interleave in any way, and the waitpid line comes after both.
const PARENT_CHILD: Check = Check::interleaved("parent-child", &["parent:", "child:"]);
/// The parent prints nothing between the fork and waitpid: the order is fixed.
const GLOBAL: Check = Check::exact("global");
const COPY_ON_WRITE: Check = Check::exact("copy-on-write");
const ZOMBIE: Check = Check::exact("zombie");
/// The orphan prints only once its parent has ended (after the parent's
/// last line), and main prints only after reaping both.
const ORPHAN: Check = Check::exact("orphan");
const FLUSH: Check = Check::exact("flush");
const THREADS: Check = Check::exact("threads");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-fork"), {
    os_fork: OS_FORK,
    parent_child: PARENT_CHILD,
    global: GLOBAL,
    copy_on_write: COPY_ON_WRITE,
    zombie: ZOMBIE,
    orphan: ORPHAN,
    flush: FLUSH,
    threads: THREADS,
});
