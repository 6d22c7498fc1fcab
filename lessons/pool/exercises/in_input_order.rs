//! # Answers in input order
//!
//! Six jobs of very different sizes run on a pool of two threads. The biggest
//! are handed out first, so that no big job is left to run alone at the end.
//! Each job sends its answer back tagged with the position of its input, and
//! the answers arrive in the order the jobs complete, which is not the input
//! order. Print the report in input order, as Python's `pool.map` does,
//! whatever order the answers arrive in.

use std::cmp::Reverse;
use std::sync::mpsc;

use threadpool::ThreadPool;

/// Count the primes below each of these (the input, in this order).
const LIMITS: [u64; 6] = [20_000, 150_000, 5_000, 90_000, 40_000, 120_000];

/// The job: the number of primes below `limit`, by trial division. Its cost
/// grows with `limit`.
fn count_primes(limit: u64) -> usize {
    (2..limit)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}

fn main() {
    let pool = ThreadPool::new(2); // Python: pool = ThreadPool(2)
    let (answers_tx, answers) = mpsc::channel();

    // Biggest first: positions of the inputs, sorted by falling size.
    let mut by_size: Vec<usize> = (0..LIMITS.len()).collect();
    by_size.sort_by_key(|&position| Reverse(LIMITS[position]));
    for position in by_size {
        let answers_tx = answers_tx.clone();
        // Python: pool.apply_async(count_primes, (LIMITS[position],))
        pool.execute(move || {
            let count = count_primes(LIMITS[position]);
            answers_tx.send((position, count)).expect("main is waiting");
        });
    }
    // Only the jobs hold senders now: the channel closes when the last one ends.
    drop(answers_tx);

    // TODO: the answers arrive as the jobs complete. Put each count at the
    // position of its input, so that counts[i] is the answer for LIMITS[i].
    let counts: Vec<usize> = answers.iter().map(|(_position, count)| count).collect();

    // Python: for limit, count in zip(LIMITS, pool.map(count_primes, LIMITS)):
    for (limit, count) in LIMITS.iter().zip(&counts) {
        println!("primes below {limit:>7}: {count:>6}");
    }
}
