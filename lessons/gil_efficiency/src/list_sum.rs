//! Ports tutorial 000's "the GIL is not always efficient" program: a list of
//! a million numbers summed four times over, plainly (`normal(l * 4)`) and by
//! four threads that each sum a copy and put the sum on a `Queue`.

use std::sync::mpsc;
use std::thread;

use lesson_gil_efficiency::usage::best_of;
use lesson_gil_efficiency::work::sum_list;
use shared::say;

use crate::RUNS;

// ANCHOR: list_sum
const LIST_LEN: u64 = 1_000_000;

// Python: def job(l, q): res = sum(l); q.put(res)
fn list_job(l: &[u64], q: &mpsc::Sender<u64>) {
    let res = sum_list(l);
    q.send(res).expect("main holds the receiver");
}

// Python: def multithreading(l)
fn multithreading(l: &[u64]) -> u64 {
    let (q, results) = mpsc::channel(); // Python: q = Queue()
    thread::scope(|s| {
        for i in 0..4 {
            let q = q.clone();
            // Python: t = threading.Thread(target=job,
            //                              args=(copy.copy(l), q), name='T%i' % i)
            // Python: t.start()
            thread::Builder::new()
                .name(format!("T{i}"))
                .spawn_scoped(s, move || list_job(l, &q))
                .expect("the OS refused a thread");
        }
    }); // Python: [t.join() for t in threads]: the scope joins them
    drop(q); // so that a missing sum makes recv() fail instead of waiting forever
    let mut total = 0;
    for _ in 0..4 {
        // Python: total += q.get()
        total += results.recv().expect("each thread sent its sum");
    }
    total
}

// Python: def normal(l): total = sum(l), called with l * 4
fn normal_list(l: &[u64]) -> u64 {
    // `l * 4` builds a list four times as long; summing `l` four times is
    // the same work without the copy.
    (0..4).map(|_| sum_list(l)).sum()
}
// ANCHOR_END: list_sum

// ANCHOR: list_sum_demo
pub fn list_sum() {
    let l: Vec<u64> = (0..LIST_LEN).collect(); // Python: l = list(range(1000000))
    say!("l = 0..{LIST_LEN}, summed 4 times over");

    let (total, plain) = best_of(RUNS, || normal_list(&l));
    say!("normal:         {total}");
    say!("normal:         {plain}");

    let (total, threads) = best_of(RUNS, || multithreading(&l));
    say!("multithreading: {total}");
    say!(
        "multithreading: {threads}, speedup {}",
        threads.speedup_over(&plain)
    );
}
// ANCHOR_END: list_sum_demo
