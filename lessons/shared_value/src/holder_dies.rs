//! Not in the tutorials: what happens to `mp.Lock()`, and to the lock of this
//! lesson, when the process that holds it dies. Neither is ever released.

use std::time::Duration;

use shared::say;

use crate::counter::Counter;
use crate::segment::Segment;
use crate::shm_sync;
use crate::workers::{DeferCtrlC, Worker};

// ANCHOR: holder_dies
/// How long the parent tries to take the lock that the dead worker holds.
const TRY_FOR: Duration = Duration::from_millis(200);

pub fn hold_and_exit(shared: &Counter) -> Result<(), String> {
    let _locked = shared.lock.lock()?;
    say!(
        "holder pid {}: took the lock, exits without unlocking",
        std::process::id()
    );
    // exit runs no Drop: the guard never unlocks. A crash or a kill -9 would
    // leave the lock just as held.
    std::process::exit(3);
}

pub fn holder_dies() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?;
    let mut holder = Worker::start("hold", "holder", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut holder])?;
    let status = holder.wait_within(shm_sync::LIMIT)?;
    say!("holder ended: {status}");
    match shared.lock.lock_within(TRY_FOR) {
        Ok(_) => say!("parent: got the lock"),
        Err(still_held) => say!("parent: {still_held}; nobody will ever unlock it"),
    }
    Ok(())
}
// ANCHOR_END: holder_dies
