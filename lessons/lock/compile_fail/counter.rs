// Python's unlocked counter, ported word for word: two threads each add 1 to
// the same variable a million times, and nothing stops them from doing it at
// the same time. This file does NOT compile, on purpose: the lesson's test
// `compile_fail.rs` feeds it to rustc and checks the verdict.

use std::thread;

fn main() {
    let mut global_num = 0; // Python: global_num = 0
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..1_000_000 {
                global_num += 1; // Python: global_num += 1
            }
        });
        s.spawn(|| {
            for _ in 0..1_000_000 {
                global_num += 1;
            }
        });
    });
    println!("{global_num}");
}
