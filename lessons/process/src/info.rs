//! Who is who: tutorial 004's `info(title)` (module name, parent pid, pid),
//! `multiprocessing.active_children()` and `multiprocessing.cpu_count()`.

use std::num::NonZero;
use std::os::unix::process::parent_id as getppid;
use std::process::{Child, Stdio, id as getpid};
use std::thread;

use shared::say;
use shared::worker::ROLE_VAR;

use crate::join::{join, tell_go, wait_for_go};
use crate::spawn::process;

// ANCHOR: info
// Python: def info(title): print(title, __name__, os.getppid(), os.getpid())
fn info(title: &str) {
    let role =
        std::env::var(ROLE_VAR).unwrap_or_else(|_| "none, the lesson itself".to_owned());
    say!("{title}");
    // The crate's name, fixed at build time: the same in every process.
    say!("  module name: {}", env!("CARGO_CRATE_NAME"));
    say!("  worker role: {role}");
    say!("  parent process: ppid {}", getppid());
    say!("  process id: pid {}", getpid());
}

// Python: def f(name): info('function f'); print('hello', name)
pub fn info_f(name: &str) {
    // Not in the original: wait until main has listed its children, so that
    // this child is certainly alive in the list, and the output has one order.
    wait_for_go();
    info("function f");
    say!("hello {name}");
}

pub fn info_demo() {
    info("main");
    let mut children = Vec::new();
    // Python: p = Process(target=f, args=('bob',)); p.start()
    let p = process("info-f", &["bob"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start f");
    children.push(("Process-1".to_owned(), p)); // Python names it for us

    // Python: for p in multiprocessing.active_children(): print(p.name, p.pid)
    for (name, pid) in active_children(&mut children) {
        say!("active child: name {name}, pid {pid}");
    }
    #[cfg(target_os = "linux")]
    for pid in children_in_proc() {
        say!("child in /proc: pid {pid}"); // the OS's own list
    }
    say!("main: listing done");
    // Python: multiprocessing.cpu_count()
    let cpus = thread::available_parallelism().map_or(1, NonZero::get);
    say!("cpu count: {cpus}");

    for (_, child) in &mut children {
        tell_go(child);
        join(child); // Python: p.join()
    }
}
// ANCHOR_END: info

// ANCHOR: active_children
/// Python: `multiprocessing.active_children()`. Rust keeps no list of the
/// processes we started: we keep the handles, and ask each whether it is
/// still running (`try_wait` also reaps one that has ended, as Python does).
fn active_children(children: &mut [(String, Child)]) -> Vec<(&str, u32)> {
    let mut active = Vec::new();
    for (name, child) in children.iter_mut() {
        if let Ok(None) = child.try_wait() {
            active.push((name.as_str(), child.id()));
        }
    }
    active
}

/// The children of this process as the kernel sees them: every
/// `/proc/<pid>/stat` whose parent field is our pid.
#[cfg(target_os = "linux")]
pub fn children_in_proc() -> Vec<u32> {
    let me = getpid();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // A process may end between read_dir and this read: then it is gone.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) state ppid ...": the name may contain spaces and ')'.
        let after_name = stat.rfind(')').map_or("", |at| &stat[at + 1..]);
        let ppid = after_name.split_whitespace().nth(1);
        if ppid.and_then(|p| p.parse::<u32>().ok()) == Some(me) {
            found.push(pid);
        }
    }
    found.sort();
    found
}
// ANCHOR_END: active_children
