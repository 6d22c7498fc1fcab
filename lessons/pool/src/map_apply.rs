//! `multicore()` of tutorial 000: `Pool(processes=3)`, then `map`, one
//! `apply_async(...).get()`, and a list of `apply_async` handles.

use shared::say;

use crate::jobs::Calc;
use crate::pool::Pool;

// ANCHOR: map_apply
pub fn map_apply() {
    // Python: pool = mp.Pool(processes=3)
    let pool = Pool::new(3).expect("cannot start the pool");

    // Python: result = pool.map(job, range(10))
    let result = pool.map(Calc::Square, 0..10).expect("map");
    say!("{result:?}");

    // Python: res = pool.apply_async(job, (2,))
    let res = pool.apply_async(Calc::Square(2));
    say!("{}", res.get().expect("job(2)")); // Python: res.get()

    // Python: multi_res = [pool.apply_async(job, (i,)) for i in range(10)]
    let multi_res: Vec<_> = (0..10).map(|i| pool.apply_async(Calc::Square(i))).collect();
    // Python: [res.get() for res in multi_res]
    let answers: Vec<u64> = multi_res.iter().map(|r| r.get().expect("job(i)")).collect();
    say!("{answers:?}");
} // dropping the pool terminates it: its workers are killed and reaped
// ANCHOR_END: map_apply
