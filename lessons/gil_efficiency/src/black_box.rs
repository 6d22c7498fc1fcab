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
        let right = with == sum_of_powers_formula(n) && without == with;
        say!("  both sums right: {right}");
    }
}
// ANCHOR_END: black_box
