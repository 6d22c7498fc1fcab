//! A parent that ends before its child: tutorial 004's program that starts a
//! child and prints its last line without `p.join()`. In Rust the parent
//! really ends first; the child lives on as an orphan, and is adopted.

use std::os::unix::process::parent_id as getppid;
use std::process::id as getpid;
use std::thread;
use std::time::{Duration, Instant};

use shared::say;

use crate::join::{JOIN_LIMIT, join};
use crate::spawn::start_worker;
use crate::thread_or_process::TASK;

// ANCHOR: parent_ends_first
pub fn parent_ends_first() {
    // Linux: this process becomes a "child subreaper". An orphan anywhere
    // below it is handed to it, instead of to init (pid 1), so that it can
    // wait for the orphan and reap it. (Not inherited by our children.)
    #[cfg(target_os = "linux")]
    {
        nix::sys::prctl::set_child_subreaper(true).expect("become a child subreaper");
        say!(
            "lesson: pid {}, a subreaper: adopts the orphans below it",
            getpid()
        );
    }

    let lesson = getpid().to_string();
    let mut parent = start_worker("parent", &[&lesson]);
    let parent_status = join(&mut parent);
    // The child lives on. Its lines come after all of the parent's (it waits
    // for the parent to end), and ours come after all of the child's.
    let orphan = reap_orphan();
    say!("lesson: the parent ended: {parent_status}");
    say!("lesson: {orphan}");
}

// Python: the main block prints, calls p.start(), prints again, and never calls p.join()
#[expect(
    clippy::zombie_processes,
    reason = "on purpose: the child outlives us, and the lesson (its subreaper) reaps it"
)]
pub fn parent(lesson: u32) {
    say!("parent: start, pid {}", getpid());
    let me = getpid().to_string();
    let child = start_worker("child", &[&me, &lesson.to_string()]); // Python: p.start()
    say!("parent: started child pid {}", child.id());
    say!("parent: end, without waiting for the child"); // Python: (no p.join())
    // Returning ends this process. Dropping `child` neither waits for the
    // child nor stops it: it lives on, an orphan.
}

// Python: def run(): print(...); time.sleep(2); print(...)
pub fn child(parent: u32, lesson: u32) {
    // Wait until the parent has ended: then the kernel gives us a new parent.
    // Bounded like every wait in this lesson.
    let deadline = Instant::now() + JOIN_LIMIT;
    while getppid() == parent && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    say!("child: start, pid {}", getpid());
    say!(
        "child: parent pid {parent} has ended; my parent is now ppid {}",
        getppid()
    );
    say!(
        "child: adopted by the lesson (the subreaper): {}",
        getppid() == lesson
    );
    thread::sleep(TASK); // Python: time.sleep(2)
    say!("child: end");
}
// ANCHOR_END: parent_ends_first

// ANCHOR: reap_orphan
/// Waits (bounded) for the orphan that was handed to this subreaper, and reaps
/// it: `Child::wait` cannot, there is no `Child` for a process we did not start.
#[cfg(target_os = "linux")]
fn reap_orphan() -> String {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let deadline = Instant::now() + JOIN_LIMIT;
    loop {
        // Any child of ours: the parent is reaped already, so only the orphan is left.
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(pid, code)) => {
                return format!("reaped the orphan, pid {pid}: exit status: {code}");
            }
            Ok(WaitStatus::Signaled(pid, signal, _)) => {
                return format!("reaped the orphan, pid {pid}: killed by {signal}");
            }
            Err(nix::errno::Errno::ECHILD) => {
                return "no orphan was handed to us".to_owned();
            }
            Ok(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(1)),
            other => {
                // Still running at the deadline (or waitpid failed): stop it.
                for pid in crate::info::children_in_proc() {
                    let pid = nix::unistd::Pid::from_raw(pid as i32);
                    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).ok();
                    waitpid(pid, None).ok();
                }
                return format!("the orphan did not end in time ({other:?}): killed it");
            }
        }
    }
}

// Elsewhere (macOS), with no subreaper, launchd adopts the orphan and reaps
// it: see not_linux.rs.
#[cfg(not(target_os = "linux"))]
use crate::not_linux::reap_orphan;
// ANCHOR_END: reap_orphan
