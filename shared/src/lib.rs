//! Plumbing shared by the lessons, so that each lesson's `main.rs` can show
//! the concurrency it teaches and nothing else.
//!
//! - [`lesson`]: choosing a variant on the command line, `--help`, and running
//!   every variant in order under headings when none is named.
//! - [`os`]: what the operating system knows about this process (its threads).
//! - [`golden`] (feature `golden`, for tests): runs a lesson binary and checks
//!   its output against the golden files in the lesson folder.
//!
//! Nothing in here starts a thread or a process on a lesson's behalf, except
//! re-running the lesson binary itself once per variant.

pub mod course;
#[cfg(feature = "golden")]
pub mod golden;
pub mod lesson;
pub mod os;

pub use lesson::{Lesson, Variant};
