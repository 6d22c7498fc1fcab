// The same program with a global, as Python wrote it. A `static mut` can be
// declared, but every use of it is `unsafe`: safe code may not touch it. This
// file does NOT compile, on purpose (see the lesson's test `compile_fail.rs`).

use std::thread;

static mut GLOBAL_NUM: u64 = 0; // Python: global_num = 0

fn test() {
    for _ in 0..1_000_000 {
        GLOBAL_NUM += 1; // Python: global global_num; global_num += 1
    }
}

fn main() {
    let t1 = thread::spawn(test);
    let t2 = thread::spawn(test);
    t1.join().unwrap();
    t2.join().unwrap();
}
