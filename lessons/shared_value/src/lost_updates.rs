//! Not in the tutorials: their unlocked counters add a dozen times with a
//! pause after each, and rarely lose an update. Two processes that add 1 a
//! million times each, starting together, show the lost updates of a
//! load + store, and that `fetch_add` loses none.

use std::sync::atomic::Ordering::Relaxed;

use shared::say;

use crate::counter::{Counter, add};
use crate::segment::Segment;
use crate::workers::{DeferCtrlC, Worker};

// ANCHOR: lost_updates
/// Each process of `lost-updates` adds 1 this many times.
const INCREMENTS: i32 = 1_000_000;

pub fn count(shared: &Counter, how: &str) -> Result<(), String> {
    shared.start.wait(2)?;
    if how == "load-store" {
        for _ in 0..INCREMENTS {
            add(&shared.value, 1);
        }
    } else {
        for _ in 0..INCREMENTS {
            // One indivisible read-modify-write: no other process gets in between.
            shared.value.fetch_add(1, Relaxed);
        }
    }
    Ok(())
}

pub fn lost_updates() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    for how in ["load-store", "fetch-add"] {
        let mut shared = Segment::create(Counter::new())?;
        let mut p1 = Worker::start("count", "p1", &shared, &[how])?;
        let mut p2 = Worker::start("count", "p2", &shared, &[how])?;
        shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
        p1.join()?;
        p2.join()?;
        let total = shared.value.load(Relaxed);
        say!(
            "{how}: counter = {total} of {}, lost updates: {}",
            2 * INCREMENTS,
            2 * INCREMENTS - total
        );
    }
    Ok(())
}
// ANCHOR_END: lost_updates
