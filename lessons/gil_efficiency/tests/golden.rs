//! Every variant of lesson-gil_efficiency against its golden file in `golden/`.
//!
//! Each measured figure varies from run to run and from machine to machine,
//! and is redacted: durations to [ELAPSED], CPU use to [PERCENT], speedups to
//! [RATIO]. No test checks how fast anything is (`cargo xtask measure` and
//! `cargo bench` do that). What is matched exactly: the sums, every line and
//! its order (each way runs after the previous one has finished: joins).

use shared::golden::Check;

const LIST_SUM: Check = Check::exact("list-sum");
const SUM_OF_POWERS: Check = Check::exact("sum-of-powers");
const BLACK_BOX: Check = Check::exact("black-box");
const WORK_SIZE: Check = Check::exact("work-size");
/// Each pool's line comes after its map has finished and its workers have
/// been joined.
const POOL_SIZES: Check = Check::exact("pool-sizes");
/// The number of CPUs depends on the machine: `[..]` in the golden.
const BUSY_LOOP: Check = Check::exact("busy-loop");
const IO_BOUND: Check = Check::exact("io-bound");
const COSTS: Check = Check::exact("costs");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-gil_efficiency"), {
    list_sum: LIST_SUM,
    sum_of_powers: SUM_OF_POWERS,
    black_box: BLACK_BOX,
    work_size: WORK_SIZE,
    pool_sizes: POOL_SIZES,
    busy_loop: BUSY_LOOP,
    io_bound: IO_BOUND,
    costs: COSTS,
});
