//! Every variant of lesson-queue against its golden file in `golden/`.

use shared::golden::Check;

/// The lists arrive in the order the threads finish, which the scheduler
/// decides (the sleeps make the reverse order likely, not certain): each
/// arrival line may come anywhere before the result. The result, restored
/// to input order by the tags, is exact.
const SQUARES: Check = Check::interleaved(
    "squares",
    &[
        "arrived: list 0",
        "arrived: list 1",
        "arrived: list 2",
        "arrived: list 3",
    ],
);
/// Which worker takes which job is up to the scheduler, so the golden has
/// `[..]` for the jobs per worker; everything else is exact.
const WORKERS: Check = Check::exact("workers");
/// The two workers run at the same time: their lines come in either order,
/// both before the total, which the parent prints after joining both.
const SUM: Check = Check::interleaved("sum", &["worker 1:", "worker 2:"]);
const PUT_GET: Check = Check::exact("put-get");
/// Writer and reader are separate processes printing at the same time: each
/// keeps its own order, and the parent's lines come after both (it joins the
/// writer and waits for the reader's receipts before it prints).
const TERMINATE: Check = Check::interleaved("terminate", &["writer:", "reader:"]);
/// As in `terminate`; what is lost (D) is exact.
const TERMINATE_LOSES: Check =
    Check::interleaved("terminate-loses", &["writer:", "reader:"]);
/// Exact: the parent starts the writer only after the reader has ended.
const EMPTY_RACE: Check = Check::exact("empty-race");
/// Writer and reader print at the same time, each in its own order; the
/// parent prints after joining both.
const CLOSE: Check = Check::interleaved("close", &["writer:", "reader:"]);

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-queue"), {
    squares: SQUARES,
    workers: WORKERS,
    sum: SUM,
    put_get: PUT_GET,
    terminate: TERMINATE,
    terminate_loses: TERMINATE_LOSES,
    empty_race: EMPTY_RACE,
    close: CLOSE,
});
