//! Two copies of one process: tutorial 003's `os.fork()` program (the child
//! gets 0, the parent the child's pid), tutorial 004's `res == ...` program,
//! and tutorial 004's global `num` that the child changes alone.

use std::sync::atomic::{AtomicI32, Ordering};

use nix::unistd::{ForkResult, getpid, getppid};
use shared::say;

use crate::safe_fork::{fork_checked, reap, run_child};

// ANCHOR: os_fork
pub fn os_fork() {
    say!("Process (pid {}) start...", getpid()); // Python: os.getpid()
    match fork_checked() {
        // Python: pid = os.fork(); if pid == 0: ...
        ForkResult::Child => run_child(|| {
            say!(
                "I am child process (pid {}) and my parent is pid {}.",
                getpid(),
                getppid() // Python: os.getppid()
            );
            0
        }),
        ForkResult::Parent { child } => {
            say!(
                "I (pid {}) just created a child process (pid {child}).",
                getpid()
            );
            // From here on, the two processes run at the same time: the two
            // lines above can come out in either order.
            let status = reap(child);
            say!("waitpid: the child pid {child} {status}");
        }
    }
}
// ANCHOR_END: os_fork

// ANCHOR: parent_child
pub fn parent_child() {
    // Python: res = os.fork(); print(f'res == {res}')
    // Python's fork returns a number, and the program must remember that 0
    // means "child". nix returns an enum: forgetting a case does not compile.
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: res == ForkResult::Child");
            say!(
                "child: I am the child, pid {}; my parent is ppid {}",
                getpid(),
                getppid()
            );
            0
        }),
        ForkResult::Parent { child } => {
            say!("parent: res == ForkResult::Parent {{ child: pid {child} }}");
            say!("parent: I am the parent, pid {}", getpid());
            // The Python program ends here without waiting (variant `orphan`
            // shows what that means); this one reaps its child.
            let status = reap(child);
            say!("waitpid: the child pid {child} {status}");
        }
    }
}
// ANCHOR_END: parent_child

// ANCHOR: global
// Python: num = 100 (a module global)
// A Rust global that may change must be an atomic or sit behind a lock. Both
// are shared between threads; neither is shared with a forked child, which
// gets its own copy of the whole memory, this global included.
static NUM: AtomicI32 = AtomicI32::new(100);

pub fn global() {
    say!("parent: start");
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: start");
            NUM.fetch_add(1, Ordering::Relaxed); // Python: global num; num += 1
            say!("child: num = {}", NUM.load(Ordering::Relaxed));
            say!("child: end");
            0
        }),
        ForkResult::Parent { child } => {
            let status = reap(child); // Python: p.join()
            say!("parent: the child pid {child} {status}");
            say!("parent: end, num = {}", NUM.load(Ordering::Relaxed));
        }
    }
}
// ANCHOR_END: global
