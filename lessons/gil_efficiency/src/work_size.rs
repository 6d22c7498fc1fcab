//! Ports no single Python program: tutorial 000's comparison of plain,
//! threads and processes, for three sizes of the job, to show when splitting
//! the work pays for what it costs.

use lesson_gil_efficiency::usage::best_of;
use lesson_gil_efficiency::ways;
use lesson_gil_efficiency::work::sum_of_powers_formula;
use lesson_gil_efficiency::workers::{Failed, this_program};
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
        say!(
            "  all three agree with the formula: {}",
            all_agree(n, sum, by_threads, &by_processes)
        );
        if let Err(why) = by_processes {
            say!("  the processes failed: {why}");
        }
    }
}

/// The plain sum, the threads' and the processes' are the formula's.
fn all_agree(
    n: u64,
    plain: u128,
    threads: u128,
    processes: &Result<u128, Failed>,
) -> bool {
    plain == sum_of_powers_formula(n)
        && threads == plain
        && processes.as_ref() == Ok(&plain)
}
// ANCHOR_END: work_size

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_must_be_the_formula_s() {
        let right = sum_of_powers_formula(10);
        assert!(all_agree(10, right, right, &Ok(right)));
        let failed = Err(Failed("no answer".into()));
        for (plain, threads, processes) in [
            (right + 1, right + 1, Ok(right + 1)),
            (right, right + 1, Ok(right)),
            (right, right, Ok(right + 1)),
            (right, right, failed),
        ] {
            assert!(!all_agree(10, plain, threads, &processes));
        }
    }
}
