//! The jobs: plain CPU work, whose answers the lesson checks exactly.

use std::hint::black_box;
use std::ops::Range;

// ANCHOR: job
/// Python: `for i in range(...): res += i + i**2 + i**3`.
///
/// Python's integers never overflow. The sum for i < 1,000,000 has 24 digits,
/// and `u64` holds 20: `u128` holds 39. Each term is computed in `u128` too,
/// so that the benchmark's longer ranges (i³ beyond 2⁶⁴) fit as well.
///
/// `inline(never)`: every way of running the job (plain, threads, processes)
/// then runs this one copy of the machine code. Inlined into each caller, the
/// loop could be laid out a little differently in each, and run a few
/// percent faster or slower for that reason alone.
#[inline(never)]
pub fn sum_of_powers(range: Range<u64>) -> u128 {
    let mut res: u128 = 0;
    for i in range {
        // black_box(i): "assume nothing about this value". Without it the
        // optimiser sees Σ i + Σ i² + Σ i³, knows the formulas for them, and
        // replaces the whole loop by a few multiplications: the work we want
        // to measure would simply not happen (see `sum_of_powers_unprotected`).
        let i = u128::from(black_box(i));
        res += i + i * i + i * i * i;
    }
    res
}
// ANCHOR_END: job

// ANCHOR: unprotected
/// The same loop without `black_box`. In a release build the optimiser
/// computes its result with a formula, in the same few nanoseconds for any
/// range (it finds the formula itself: it is not written here).
pub fn sum_of_powers_unprotected(range: Range<u64>) -> u128 {
    let mut res: u128 = 0;
    for i in range {
        let i = u128::from(i);
        res += i + i * i + i * i * i;
    }
    res
}
// ANCHOR_END: unprotected

/// Σ(i + i² + i³) for i < n, by the formulas: n(n-1)/2 for Σ i,
/// (n-1)n(2n-1)/6 for Σ i², and (n(n-1)/2)² for Σ i³. The answer every way of
/// computing the sum must find.
pub fn sum_of_powers_formula(n: u64) -> u128 {
    let n = u128::from(n);
    if n == 0 {
        return 0;
    }
    let sum_i = n * (n - 1) / 2;
    let sum_i2 = (n - 1) * n * (2 * n - 1) / 6;
    sum_i + sum_i2 + sum_i * sum_i
}

// ANCHOR: sum_list
/// Python: `sum(l)`. `black_box(list)` hides from the optimiser that the
/// same list is summed again and again, which it could otherwise sum once.
pub fn sum_list(list: &[u64]) -> u64 {
    black_box(list).iter().sum()
}
// ANCHOR_END: sum_list

// ANCHOR: run
/// Python (tutorial 002): `def run(i): i = i * i`.
pub fn run(i: u64) -> u64 {
    let i = black_box(i);
    i * i
}
// ANCHOR_END: run

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_and_the_formula_agree() {
        for n in [0, 1, 2, 3, 10, 1000, 12345] {
            assert_eq!(sum_of_powers(0..n), sum_of_powers_formula(n), "n = {n}");
            assert_eq!(sum_of_powers_unprotected(0..n), sum_of_powers_formula(n));
        }
        assert_eq!(
            sum_of_powers_formula(1_000_000) * 2,
            499_999_666_667_166_666_000_000
        );
    }

    #[test]
    fn run_squares_its_number() {
        assert_eq!(run(7), 49);
        assert_eq!(run(0), 0);
    }

    #[test]
    fn parts_add_up_to_the_whole() {
        assert_eq!(
            sum_of_powers(0..500) + sum_of_powers(500..1000),
            sum_of_powers(0..1000)
        );
    }
}
