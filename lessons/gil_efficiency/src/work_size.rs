//! Ports no single Python program: tutorial 000's comparison of plain,
//! threads and processes, for three sizes of the job, to show when splitting
//! the work pays for what it costs.

use lesson_gil_efficiency::usage::best_of;
use lesson_gil_efficiency::ways;
use lesson_gil_efficiency::work::sum_of_powers_formula;
use lesson_gil_efficiency::workers::this_program;
use shared::say;

use crate::RUNS;

// ANCHOR: work_size
pub fn work_size() {
    let program = this_program();
    say!(
        "Σ(i + i² + i³) for i < n: plainly, \
         then split between 2 threads, then 2 processes"
    );
    for n in [10_000, 1_000_000, 20_000_000] {
        let (sum, plain) = best_of(RUNS, || ways::plain(n));
        let (by_threads, threads) = best_of(RUNS, || ways::threads(n, 2));
        let (by_processes, processes) = best_of(RUNS, || ways::processes(&program, n, 2));
        say!("n = {n}: sum {sum}");
        say!("  plain:       {plain}");
        say!(
            "  2 threads:   {threads}, speedup {}",
            threads.speedup_over(&plain)
        );
        say!(
            "  2 processes: {processes}, speedup {}",
            processes.speedup_over(&plain)
        );
        let agree = by_threads == sum && by_processes.as_ref() == Ok(&sum);
        say!(
            "  all three agree with the formula: {}",
            agree && sum == sum_of_powers_formula(n)
        );
        if let Err(why) = by_processes {
            say!("  the processes failed: {why}");
        }
    }
}
// ANCHOR_END: work_size
