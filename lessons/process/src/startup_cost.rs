//! What a process costs beside a thread. Not a program of the tutorials:
//! tutorial 003 says that processes are expensive to create, and this
//! measures how much, for this program.

use std::thread;
use std::time::Instant;

use shared::say;

use crate::join::join;
use crate::spawn::start_worker;

// ANCHOR: startup_cost
pub fn startup_cost() {
    const N: u32 = 20;
    let began = Instant::now();
    for _ in 0..N {
        thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
    }
    say!(
        "a thread:  start and join, {:.2?} each ({N} in a row)",
        began.elapsed() / N
    );

    let began = Instant::now();
    for _ in 0..N {
        let mut p = start_worker("nothing", &[]);
        join(&mut p);
    }
    say!(
        "a process: start and join, {:.2?} each ({N} in a row)",
        began.elapsed() / N
    );
}
// ANCHOR_END: startup_cost
