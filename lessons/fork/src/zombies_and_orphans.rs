//! Zombies and orphans: what is left of a child that has exited before its
//! parent waits, and who takes a child whose parent ends first. Tutorial 004
//! notes that a parent neither ends its child nor waits for it.

#[cfg(target_os = "linux")]
use std::io;
use std::thread;
use std::time::Instant;

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, getpid, getppid};
use shared::say;

use crate::safe_fork::{POLL, WAIT_LIMIT, describe, fork_checked, reap, run_child};

// ANCHOR: zombie
pub fn zombie() {
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: pid {} exits now, with status 3", getpid());
            3
        }),
        ForkResult::Parent { child } => {
            // Wait until the child has exited, without collecting its status.
            let seen = match wait_for_state(child, 'Z') {
                Ok(state) => format!("has exited, unwaited: state {state}"),
                Err(other) => format!("is still in state {other}"),
            };
            say!("parent: the child pid {child} {seen}");
            // The zombie is all that is left of the child: its pid and its
            // exit status, kept until the parent asks for them.
            let status = reap(child); // Python: os.waitpid(pid, 0)
            say!("parent: waitpid collected it: the child {status}");
            let state = process_state(child).expect("read the process state");
            say!(
                "parent: the kernel still lists pid {child}: {}",
                state.is_some()
            );
        }
    }
}
// ANCHOR_END: zombie

// ANCHOR: process_state
/// Waits (at most `WAIT_LIMIT`) until process `pid` is in state `wanted`;
/// its state then, or the state it was stuck in.
fn wait_for_state(pid: Pid, wanted: char) -> Result<char, char> {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        // A process we have not reaped cannot vanish: it is always listed.
        let state = process_state(pid).ok().flatten().unwrap_or('?');
        if state == wanted {
            return Ok(state);
        }
        if Instant::now() >= give_up {
            return Err(state);
        }
        thread::sleep(POLL);
    }
}

/// A process's state as the kernel shows it ('R' running, 'S' sleeping,
/// 'Z' zombie...), or None if there is no such process.
#[cfg(target_os = "linux")]
fn process_state(pid: Pid) -> io::Result<Option<char>> {
    state_in(std::fs::read_to_string(format!("/proc/{pid}/stat")))
}

/// The state in what reading `/proc/<pid>/stat` gave, or None if the
/// process is gone: not listed, or reaped while the file was being read.
#[cfg(target_os = "linux")]
fn state_in(stat: io::Result<String>) -> io::Result<Option<char>> {
    match stat {
        // "4243 (lesson-fork) Z 4242 ...": the state comes after the name in
        // parentheses (a name may hold spaces, and parentheses too).
        Ok(stat) => {
            let after_name = stat.rfind(')').map_or("", |close| &stat[close + 1..]);
            Ok(after_name.trim_start().chars().next())
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) if err.raw_os_error() == Some(Errno::ESRCH as i32) => Ok(None),
        Err(err) => Err(err),
    }
}
// ANCHOR_END: process_state

// Elsewhere (macOS), `ps` tells the state: see not_linux.rs.
#[cfg(not(target_os = "linux"))]
use crate::not_linux::process_state;

// ANCHOR: orphan
pub fn orphan() {
    let main_pid = getpid();
    // An orphan is adopted by the nearest ancestor that asked to be a "child
    // subreaper", or else by init (pid 1). Linux lets this process ask, so
    // the orphan comes back to us and we can reap it.
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_child_subreaper(true).expect("prctl(PR_SET_CHILD_SUBREAPER)");
    say!("main: pid {main_pid} plays the shell that ran the Python program");

    match fork_checked() {
        // This child plays the Python program: it forks, prints, and ends
        // without waiting for its own child.
        ForkResult::Child => run_child(|| {
            let parent = getpid();
            match fork_checked() {
                ForkResult::Child => run_child(|| {
                    // Wait (bounded) until the parent is gone: getppid() changes
                    // the moment this process is adopted.
                    let give_up = Instant::now() + WAIT_LIMIT;
                    while getppid() == parent {
                        if Instant::now() >= give_up {
                            say!("child: my parent is still alive after {WAIT_LIMIT:?}");
                            return 1;
                        }
                        thread::sleep(POLL);
                    }
                    let adopter = getppid();
                    say!(
                        "child: my parent pid {parent} has ended; my parent is now \
                         ppid {adopter} (the main process: {})",
                        adopter == main_pid
                    );
                    0
                }),
                ForkResult::Parent { child } => {
                    say!(
                        "parent: pid {parent} forked child pid {child}; \
                         my last line, no wait"
                    );
                    0 // ends without waitpid: its child becomes an orphan
                }
            }
        }),
        ForkResult::Parent { child: parent } => {
            let parent_status = reap(parent);
            // Python: os.wait() (any child): the orphan is ours now.
            let orphan = reap_any();
            say!("main: reaped the parent pid {parent}: it {parent_status}");
            match orphan {
                Ok((pid, status)) => {
                    say!("main: reaped the adopted orphan pid {pid}: it {status}")
                }
                Err(why) => say!("main: no orphan to reap: {why}"),
            }
        }
    }
}
// ANCHOR_END: orphan

// ANCHOR: reap_any
/// Reaps the next child of this process to end, whichever it is (Python:
/// `os.wait()`), waiting at most `WAIT_LIMIT`: its pid and how it ended.
fn reap_any() -> Result<(Pid, String), String> {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        match waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < give_up => thread::sleep(POLL),
            Ok(WaitStatus::StillAlive) => {
                return Err(format!("no child ended within {WAIT_LIMIT:?}"));
            }
            Ok(status) => {
                let pid = status.pid().expect("an ended child has a pid");
                return Ok((pid, describe(status)));
            }
            Err(Errno::ECHILD) => {
                return Err("this process has no child (init adopted it)".into());
            }
            Err(errno) => return Err(format!("waitpid failed: {errno}")),
        }
    }
}
// ANCHOR_END: reap_any

// A cfg(test) of its own, which cargo-mutants recognizes: it leaves tests alone.
#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use std::process::Command;

    use super::*;

    fn os_error(errno: Errno) -> io::Result<String> {
        Err(io::Error::from_raw_os_error(errno as i32))
    }

    #[test]
    fn the_state_is_the_field_after_the_last_parenthesis() {
        let stat = "4243 (a (b) c) Z 4242 4242 0".to_owned();
        assert_eq!(state_in(Ok(stat)).unwrap(), Some('Z'));
    }

    #[test]
    fn a_process_that_is_gone_has_no_state() {
        // Not listed: the file does not exist. Reaped between opening the
        // file and reading it: the read fails with ESRCH.
        assert_eq!(state_in(os_error(Errno::ENOENT)).unwrap(), None);
        assert_eq!(state_in(os_error(Errno::ESRCH)).unwrap(), None);
    }

    #[test]
    fn any_other_failure_to_read_is_an_error() {
        let err = state_in(os_error(Errno::EACCES)).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(Errno::EACCES as i32));
    }

    /// A real child (started by Command: this test process has threads, so
    /// it may not fork): a zombie once it has exited, gone once reaped.
    #[test]
    fn an_exited_child_is_a_zombie_until_it_is_reaped() {
        let mut child = Command::new("true").spawn().expect("run `true`");
        let pid = Pid::from_raw(child.id() as i32);
        let seen = wait_for_state(pid, 'Z');
        let status = child.wait().expect("reap the child"); // before any assert
        assert_eq!(seen, Ok('Z'));
        assert!(status.success(), "{status}");
        assert_eq!(process_state(pid).unwrap(), None);
    }
}
