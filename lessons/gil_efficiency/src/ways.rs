//! One job, Σ(i + i² + i³) for i < n, done three ways: plain, split among
//! threads, split among processes. The lesson's `work-size` variant, its
//! benchmark and `cargo xtask measure` all use these.

use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;
use std::thread;

use crate::work::sum_of_powers;
use crate::workers::{self, Failed, Worker};

/// The worker role that sums a range: `sum START END`.
pub const SUM: &str = "sum";

/// `0..n` cut into `parts` consecutive ranges of (nearly) equal length.
pub fn split(n: u64, parts: usize) -> Vec<Range<u64>> {
    let parts = parts.max(1) as u64;
    (0..parts)
        .map(|k| n * k / parts..n * (k + 1) / parts)
        .collect()
}

// ANCHOR: ways
/// The plain way: the whole job, in this thread.
pub fn plain(n: u64) -> u128 {
    sum_of_powers(0..n)
}

/// A part of the job in each of `workers` threads, the parts' sums added up.
pub fn threads(n: u64, workers: usize) -> u128 {
    thread::scope(|s| {
        let running: Vec<_> = split(n, workers)
            .into_iter()
            .map(|part| s.spawn(move || sum_of_powers(part)))
            .collect();
        running
            .into_iter()
            .map(|thread| thread.join().expect("a sum cannot panic"))
            .sum()
    })
}

/// A part of the job in each of `workers` processes: `program` (this
/// lesson's executable) started in the role [`SUM`], told its part on its
/// command line, printing its sum on its stdout.
pub fn processes(program: &Path, n: u64, workers: usize) -> Result<u128, Failed> {
    let mut started = Vec::new();
    for part in split(n, workers) {
        let mut command = workers::command(program, SUM);
        command
            .arg(part.start.to_string())
            .arg(part.end.to_string());
        started.push(Worker::start(&mut command)?);
    }
    // All of them run by now; collect the answers in order.
    let mut total = 0;
    let mut failure = None;
    for worker in started {
        match worker.join().and_then(|output| parse_sum(&output)) {
            Ok(sum) => total += sum,
            Err(why) => failure = failure.or(Some(why)),
        }
    }
    failure.map_or(Ok(total), Err)
}

/// The worker side of [`processes`]: sums its part and prints the sum.
pub fn serve_sum(args: &[String]) -> ExitCode {
    let bound = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let (Some(start), Some(end)) = (bound(0), bound(1)) else {
        eprintln!("error: role {SUM} wants START END, got {args:?}");
        return ExitCode::from(2);
    };
    println!("{}", sum_of_powers(start..end));
    ExitCode::SUCCESS
}
// ANCHOR_END: ways

/// A sum as a worker printed it.
pub fn parse_sum(output: &[u8]) -> Result<u128, Failed> {
    let text = String::from_utf8_lossy(output);
    text.trim()
        .parse()
        .map_err(|_| Failed(format!("a worker printed {text:?}, not a sum")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_cover_the_range_once() {
        for (n, parts) in [(10, 3), (1_000_000, 7), (5, 8), (0, 2)] {
            let split = split(n, parts);
            assert_eq!(split.len(), parts);
            assert_eq!(split[0].start, 0);
            assert_eq!(split[parts - 1].end, n);
            for pair in split.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
        }
    }

    #[test]
    fn threads_find_the_plain_answer() {
        for workers in 1..=5 {
            assert_eq!(threads(10_000, workers), plain(10_000));
        }
    }
}
