// Python's unlocked counter, ported word for word: two threads each add 1 to
// the same variable a million times, and nothing stops them from doing it at
// the same time. This file does NOT compile, on purpose: the lesson's test
// `compile_fail.rs` feeds it to rustc and checks the verdict.

use std::thread;

fn main() {
    let mut global_num = 0; // Python: global_num = 0

    // Python: def test1(): for i in range(1000000): global_num += 1
    let test1 = || {
        for _ in 0..1_000_000 {
            global_num += 1;
        }
    };
    // Python: def test2(): the same
    let test2 = || {
        for _ in 0..1_000_000 {
            global_num += 1;
        }
    };
    thread::scope(|s| {
        s.spawn(test1); // Python: t1.start()
        s.spawn(test2); // Python: t2.start()
    }); // the scope waits for both threads
    println!("{global_num}");
}
