//! Plumbing shared by the lessons, so that each lesson's `main.rs` can show
//! the concurrency it teaches and nothing else.
//!
//! - [`lesson`]: choosing a variant on the command line, `--help`, and running
//!   every variant in order under headings when none is named.
//! - [`os`]: what the operating system knows about this process (its threads).
//! - [`worker`]: starting this same program again in a worker role.
//! - [`say!`]: `println!` whose line stays whole when processes share stdout.
//! - [`golden`] (feature `golden`, for tests): runs a lesson binary and checks
//!   its output against the golden files in the lesson folder.
//! - [`leaks`] (feature `golden`, Linux): checks that a lesson, run to the end
//!   or interrupted, leaves no process, temp file or shared memory behind.
//!
//! Nothing in here starts a thread or a process on a lesson's behalf, except
//! re-running the lesson binary itself once per variant, and building (not
//! spawning) the command that starts it as a worker.

pub mod course;
#[cfg(feature = "golden")]
pub mod golden;
#[cfg(all(feature = "golden", target_os = "linux"))]
pub mod leaks;
pub mod lesson;
pub mod os;
pub mod say;
pub mod worker;

pub use lesson::{Lesson, Variant};
