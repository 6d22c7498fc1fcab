//! What crosses into a child and what comes back: tutorial 004's global
//! `num`, which a child changes without the parent noticing, and the one
//! thing every child hands back on its own, its exit status.

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use shared::say;

use crate::join::join;
use crate::spawn::{process, start_worker};

// ANCHOR: global_not_shared
/// Python: `num = 100`, a module global. A Rust global that changes must be
/// an atomic (or sit behind a lock); each process has its own regardless.
static NUM: AtomicU32 = AtomicU32::new(100);

// Python: def run(): global num; num += 1; print(num)
pub fn add_one_to_num() {
    say!("child: start, num = {}", NUM.load(Relaxed));
    NUM.fetch_add(1, Relaxed);
    say!("child: num = {}", NUM.load(Relaxed));
    say!("child: end");
}

pub fn global_not_shared() {
    say!("parent: start, num = {}", NUM.load(Relaxed));
    // Python: p = Process(target=run); p.start()
    let mut p = start_worker("global-num", &[]);
    join(&mut p); // Python: p.join()
    say!("parent: end, num = {}", NUM.load(Relaxed));

    // Not in the original: spawn copies nothing from the parent's memory. The
    // next child runs the program from the start, so its num starts at 100.
    // (A forked child would start from a copy: 500.) To hand a child a
    // value, pass it as an argument.
    NUM.store(500, Relaxed);
    say!("parent: num = 500 now, and another child starts");
    let mut p = start_worker("global-num", &[]);
    join(&mut p);
    say!("parent: end, num = {}", NUM.load(Relaxed));
}
// ANCHOR_END: global_not_shared

// ANCHOR: exit_codes
pub fn exit_codes() {
    // Without a queue or a pipe, the exit status is all a child can tell us.
    let mut workers = vec![
        (
            "returns ExitCode::SUCCESS",
            start_worker("exit-with", &["0"]),
        ),
        (
            "returns ExitCode::from(3)",
            start_worker("exit-with", &["3"]),
        ),
        ("panics", start_worker("panic", &[])),
    ];
    let mut stuck = process("wait-for-go", &[])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start a worker");
    // Python: p.terminate() sends SIGTERM; Child::kill sends SIGKILL.
    stuck.kill().expect("kill a running child");
    workers.push(("is killed by main", stuck));

    for (what, child) in &mut workers {
        let status = join(child);
        say!("worker that {what}: {status}");
        say!(
            "  code() = {:?}, signal() = {:?}, success() = {}",
            status.code(),
            status.signal(),
            status.success()
        );
    }
}
// ANCHOR_END: exit_codes
