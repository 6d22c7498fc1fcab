//! # How did each child end?
//!
//! A small test runner runs four checks, each in a process of its own, so
//! that a check that crashes cannot take the runner down with it. All that a
//! process tells its parent when it ends is its exit status, and the runner
//! prints "done" for each check whatever the status says. Write `verdict`,
//! which puts an `ExitStatus` into words as its comment asks, so that the
//! runner reports what really happened to each check.

use std::process::{Child, ExitCode, ExitStatus, Stdio};

/// The checks: each runs in a worker process, this same program started again.
const CHECKS: [&str; 4] = ["sums", "parse", "lookup", "memory"];

fn main() -> ExitCode {
    // Python: if __name__ == "__main__": a worker goes its own way first.
    if let Some(check) = shared::worker::role() {
        return run_check(&check);
    }
    let children: Vec<(&str, Child)> = CHECKS
        .iter()
        .map(|&check| {
            let child = shared::worker::command(check)
                // A panic's message goes to stderr, which the runner does not
                // show: it goes by the exit status alone.
                .stderr(Stdio::null())
                .spawn() // Python: p = Process(target=check); p.start()
                .expect("the OS refused to start a process");
            (check, child)
        })
        .collect();

    let mut passed = 0;
    for (check, mut child) in children {
        let status = child.wait().expect("wait for a check"); // Python: p.join()
        if status.success() {
            passed += 1;
        }
        println!("check {check}: {}", verdict(status));
    }
    println!("{passed} of {} checks passed", CHECKS.len());
    ExitCode::SUCCESS
}

/// How a check's process ended, in words:
/// - exit status 0: "passed";
/// - exit status 101, which a Rust program ends with when `main` panics:
///   "panicked";
/// - any other exit status N: "failed with exit status N";
/// - no exit status at all, because signal S killed the process:
///   "killed by signal S".
fn verdict(status: ExitStatus) -> String {
    // TODO: tell the four cases apart, with status.code() and status.signal()
    // (the trait std::os::unix::process::ExitStatusExt gives ExitStatus a signal()).
    let _ = status;
    "done".to_owned()
}

/// The worker side: the check named by the role.
fn run_check(check: &str) -> ExitCode {
    match check {
        // Passes: ends with exit status 0.
        "sums" => {
            if (1..=100).sum::<u32>() == 5050 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        // Panics: 300 does not fit in a u8.
        "parse" => {
            let small: u8 = "300".parse().expect("a number below 256");
            ExitCode::from(small)
        }
        // Fails: the name is not in the list, and 3 is this program's "not found".
        "lookup" => {
            if ["ada", "grace"].contains(&"linus") {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            }
        }
        // Is killed: a process that uses up the memory is ended by the kernel's
        // out-of-memory killer, with SIGKILL. Here the check plays the kernel.
        "memory" => {
            nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL).ok();
            ExitCode::FAILURE // never reached: SIGKILL cannot be caught
        }
        _ => {
            eprintln!("error: no check named {check:?}");
            ExitCode::from(2)
        }
    }
}
