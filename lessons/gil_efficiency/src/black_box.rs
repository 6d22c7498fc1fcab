//! Ports no Python program: CPython runs every loop it is given, while an
//! optimising compiler may compute a loop's result without running it. The
//! job of tutorial 000's timing program, with and without
//! `std::hint::black_box`, shows what that does to a measurement.

use std::hint::black_box;

use lesson_gil_efficiency::usage::best_of;
use lesson_gil_efficiency::work::{
    sum_of_powers, sum_of_powers_formula, sum_of_powers_unprotected,
};
use shared::say;

use crate::RUNS;

// ANCHOR: black_box
pub fn black_box_demo() {
    say!("Σ(i + i² + i³) for i < n, in the loop with black_box and without:");
    for n in [1_000_000, 10_000_000] {
        // n itself must come from somewhere the optimiser cannot see, or it
        // could compute both sums while compiling.
        let n = black_box(n);
        let (with, kept) = best_of(RUNS, || sum_of_powers(0..n));
        let (without, unprotected) = best_of(RUNS, || sum_of_powers_unprotected(0..n));
        say!(
            "n = {n}: with black_box {:.2?}, without {:.2?}: {} as fast",
            kept.wall,
            unprotected.wall,
            unprotected.speedup_over(&kept)
        );
        say!("  both sums right: {}", both_right(n, with, without));
    }
}

/// Both loops found the sum that the formula gives.
fn both_right(n: u64, with: u128, without: u128) -> bool {
    with == sum_of_powers_formula(n) && without == with
}
// ANCHOR_END: black_box

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sums_must_be_the_formula_s() {
        let right = sum_of_powers_formula(10);
        assert!(both_right(10, right, right));
        assert!(!both_right(10, right, right + 1));
        assert!(!both_right(10, right + 1, right));
        assert!(!both_right(10, right + 1, right + 1));
    }
}
