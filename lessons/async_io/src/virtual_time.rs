//! Printing the time of an event on tokio's clock.
//!
//! The variants that wait run on a *paused* clock (`start_paused = true`):
//! the runtime does not really sleep, it moves its clock straight to the next
//! timer whenever every task is waiting. A run takes microseconds, and the
//! times it prints are exact, whatever else the machine is doing.

use tokio::time::Instant;

/// The time since `start` on tokio's clock, as `t=2s` or `t=2500ms`.
pub fn at(start: Instant) -> String {
    let elapsed = start.elapsed();
    if elapsed.subsec_millis() == 0 {
        format!("t={}s", elapsed.as_secs())
    } else {
        format!("t={}ms", elapsed.as_millis())
    }
}
