//! gil_efficiency: CPU-bound work, threads versus processes.
//!
//! The parts that the lesson binary (`src/main.rs`), its benchmark
//! (`benches/scaling.rs`) and `cargo xtask measure` share:
//!
//! - [`work`]: the jobs themselves, written so that the optimiser cannot
//!   delete them (`std::hint::black_box`).
//! - [`usage`]: wall time, CPU time (`getrusage`) and CPU use of a piece of code.
//! - [`workers`]: worker processes (this same program, started again in a
//!   role), joined with a bound and stopped on Ctrl-C.
//! - [`ways`]: one job split among N threads or N processes.
//! - [`costs`]: starting a thread or a process, and switching between two.
//! - [`measure`]: the hidden role that `cargo xtask measure` runs.

#[cfg(not(unix))]
compile_error!(
    "lesson-gil_efficiency runs on Linux and macOS only: it measures CPU time with getrusage \
     and stops its worker processes with Unix signals"
);

pub mod costs;
pub mod measure;
pub mod usage;
pub mod ways;
pub mod work;
pub mod workers;
