//! sync: the rest of Python's `threading` module, in Rust.
//!
//! The tutorials stop at `Lock`. A Python programmer porting a real program
//! soon reaches for `Event`, `Condition`, `Semaphore`, `Barrier`, `Timer` and
//! daemon threads. Rust's standard library has a smaller set of parts (a
//! `Mutex`, a `Condvar`, a `Barrier`, channels, `OnceLock`), and most of
//! Python's tools are a few lines built from them: this lesson builds them,
//! so that you see what each one really is.
//!
//! Each idea has its own module, the one its page of the book shows; this
//! file is the list of variants, in the order a full run shows them.

mod barrier;
mod condition;
mod daemon;
mod event;
mod once;
mod semaphore;
mod timer;
mod waitgroup;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "sync",
        about: "Python threading's other tools: Event, Condition, Semaphore, Barrier, Timer",
        variants: &[
            Variant {
                name: "event",
                about: "threading.Event: a flag in a Mutex, and a Condvar",
                run: event::event,
            },
            Variant {
                name: "lost-wakeup",
                about: "a notify before the wait is lost; an Event's flag keeps it",
                run: event::lost_wakeup,
            },
            Variant {
                name: "condition",
                about: "woken with nothing to take: wait_while checks again",
                run: condition::condition,
            },
            Variant {
                name: "bounded-buffer",
                about: "producer and consumer, a buffer of 2, two condvars",
                run: condition::bounded_buffer,
            },
            Variant {
                name: "semaphore",
                about: "a BoundedSemaphore from a Mutex and a Condvar",
                run: semaphore::semaphore,
            },
            Variant {
                name: "channel-semaphore",
                about: "a bounded channel of 2 as a semaphore",
                run: semaphore::channel_semaphore,
            },
            Variant {
                name: "barrier",
                about: "nobody passes before all 3 arrive; one leader",
                run: barrier::barrier,
            },
            Variant {
                name: "broken-barrier",
                about: "2 of 3 arrive: a barrier with a timeout breaks",
                run: barrier::broken_barrier,
            },
            Variant {
                name: "timer",
                about: "threading.Timer: fires, cancelled, dropped",
                run: timer::timer,
            },
            Variant {
                name: "daemon",
                about: "a detached thread dies with the process, no Drop",
                run: daemon::daemon,
            },
            Variant {
                name: "stop-and-join",
                about: "tell the thread to stop, and join it in a scope",
                run: daemon::stop_and_join,
            },
            Variant {
                name: "once",
                about: "made once on first use (LazyLock), set once (OnceLock)",
                run: once::once,
            },
            Variant {
                name: "waitgroup",
                about: "crossbeam's WaitGroup: wait until every worker is done",
                run: waitgroup::waitgroup,
            },
        ],
    }
    .main()
}
