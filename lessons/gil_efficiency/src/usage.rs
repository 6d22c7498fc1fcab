//! What a piece of code cost: wall time, CPU time, and the two compared.
//!
//! - **Wall time**: what a clock on the wall shows between start and end.
//! - **CPU time**: how long CPUs spent running our code, added up over every
//!   thread and every child process (user + system time, from `getrusage`).
//!   Two threads busy for one second make two seconds of CPU time.
//! - **CPU use**: CPU time over wall time. 100% is one core kept busy, 200%
//!   two cores. Tutorial 003's "160%" for four Python threads is this figure,
//!   read off a system monitor.

use std::fmt;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;

// ANCHOR: cpu_time
/// CPU time used so far by this process (all of its threads) and by those of
/// its children that have ended *and been waited for*: user plus system time.
///
/// A child's CPU time is added to `RUSAGE_CHILDREN` only once it is reaped, so
/// measure processes up to the moment they have all been joined.
pub fn cpu_time() -> Duration {
    let mut total = Duration::ZERO;
    for who in [UsageWho::RUSAGE_SELF, UsageWho::RUSAGE_CHILDREN] {
        let usage = getrusage(who).expect("getrusage of this process cannot fail");
        total += duration(usage.user_time()) + duration(usage.system_time());
    }
    total
}

fn duration(time: TimeVal) -> Duration {
    let micros = i128::from(time.tv_sec()) * 1_000_000 + i128::from(time.tv_usec());
    Duration::from_micros(u64::try_from(micros).unwrap_or(0))
}

/// Runs `f` and measures what it cost.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let cpu_before = cpu_time();
    let started = Instant::now();
    let value = f();
    let wall = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    (value, Cost { wall, cpu })
}

/// Runs `f` `runs` times and keeps the fastest run: its result and its cost.
/// The fastest run is the one that the rest of the machine disturbed least.
pub fn best_of<T>(runs: u32, mut f: impl FnMut() -> T) -> (T, Cost) {
    let mut best = measure(&mut f);
    for _ in 1..runs {
        let run = measure(&mut f);
        if run.1.wall < best.1.wall {
            best = run;
        }
    }
    best
}
// ANCHOR_END: cpu_time

/// The wall time and CPU time of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Cost {
    /// CPU time over wall time: 1.0 is one core busy all along.
    pub fn cpu_use(&self) -> Percent {
        Percent(self.cpu.as_secs_f64() / seconds(self.wall))
    }

    /// How many times faster than `base` (wall time against wall time).
    pub fn speedup_over(&self, base: &Cost) -> Ratio {
        Ratio(base.wall.as_secs_f64() / seconds(self.wall))
    }
}

/// A duration in seconds, never zero (a ratio must not divide by zero).
fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64().max(1e-9)
}

/// `wall 12.34ms, cpu 24.51ms, cpu use 199%`
impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wall {:.2?}, cpu {:.2?}, cpu use {}",
            self.wall,
            self.cpu,
            self.cpu_use()
        )
    }
}

/// A share, printed as a percentage: `163%`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(pub f64);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0}%", self.0 * 100.0)
    }
}

/// A ratio such as a speedup: `1.93x`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Ratio(pub f64);

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}x", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_print_in_the_forms_the_goldens_redact() {
        let cost = Cost {
            wall: Duration::from_millis(10),
            cpu: Duration::from_millis(19),
        };
        assert_eq!(cost.to_string(), "wall 10.00ms, cpu 19.00ms, cpu use 190%");
        let plain = Cost {
            wall: Duration::from_millis(20),
            cpu: Duration::from_millis(20),
        };
        assert_eq!(cost.speedup_over(&plain).to_string(), "2.00x");
        let idle = Cost {
            wall: Duration::ZERO,
            cpu: Duration::ZERO,
        };
        assert_eq!(idle.cpu_use().to_string(), "0%");
    }

    #[test]
    fn a_timeval_becomes_a_duration() {
        assert_eq!(
            duration(TimeVal::new(2, 500_000)),
            Duration::from_millis(2500)
        );
        assert_eq!(duration(TimeVal::new(0, 7)), Duration::from_micros(7));
    }

    /// Work on this thread is CPU time of this process. The kernel counts
    /// the time each thread ran exactly, so any work at all adds some.
    #[test]
    fn work_adds_cpu_time() {
        let before = cpu_time();
        let ((), cost) = measure(|| {
            let mut sum = 0u64;
            for i in 0..10_000_000u64 {
                sum = std::hint::black_box(sum.wrapping_add(i));
            }
        });
        assert!(cpu_time() > before, "no CPU time after the work");
        assert!(cost.cpu > Duration::ZERO, "measure saw no CPU time");
    }
}
