//! Ports no Python program: tutorials 001 and 003 say that a process is
//! expensive to create and that switching between tasks costs time; the
//! `costs` variant measures both, with the functions of `costs.rs`.

use std::hint::black_box;

use lesson_gil_efficiency::costs;
use lesson_gil_efficiency::usage::{Ratio, measure};
use lesson_gil_efficiency::workers::this_program;
use shared::say;

use crate::sum_of_powers::{N, job};

// ANCHOR: costs
pub fn costs_demo() {
    let program = this_program();
    let thread = costs::thread_start(100);
    say!("start and join a thread:          {thread:.2?} (average of 100)");
    let process = match costs::process_start(&program, 20) {
        Ok(process) => process,
        Err(why) => return say!("start a process: {why}"),
    };
    say!("start and join a process:         {process:.2?} (average of 20)");
    say!(
        "a process takes {} as long to start as a thread",
        Ratio(process.as_secs_f64() / thread.as_secs_f64().max(1e-9))
    );

    let threads = costs::thread_round_trip(10_000);
    say!("round trip between two threads:   {threads:.2?} (channels, average of 10000)");
    match costs::process_round_trip(&program, 10_000) {
        Ok(processes) => say!(
            "round trip between two processes: {processes:.2?} (pipes, average of 10000)"
        ),
        Err(why) => say!("round trip between two processes: {why}"),
    }
    let ((), job) = measure(|| {
        black_box(job());
    });
    say!("for scale, one job (Σ for i < {N}): {:.2?}", job.wall);
}
// ANCHOR_END: costs
