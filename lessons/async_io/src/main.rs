//! async_io: coroutines, from Python's asyncio to tokio.
//!
//! The tutorials name three ways to do several things at once: processes,
//! threads and coroutines, and show code for the first two only. This lesson
//! is the third. A coroutine (Python's `async def`, Rust's `async fn`) is a
//! function that can stop at each `await` and be resumed later, so one thread
//! can take turns among thousands of them: a *runtime* (Python's event loop,
//! tokio here) runs whichever one can go on.
//!
//! Each idea has its own module, the one its page of the book shows; this
//! file is the list of variants, in the order a full run shows them.

mod blocking;
mod echo;
mod gather;
mod hello;
mod many;
mod queue;
mod semaphore;
mod sync_and_async;
mod tasks;
mod virtual_time;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    // `many` measures each crowd in a process of its own, started again with
    // a role; `cargo xtask measure-async` uses the same role.
    if let Some(role) = shared::worker::role() {
        return many::worker(&role, std::env::args().skip(1));
    }
    Lesson {
        name: "async_io",
        about: "Coroutines: asyncio beside tokio (await, tasks, cancellation, a server)",
        variants: &[
            Variant {
                name: "hello",
                about: "an async fn runs when awaited, inside a runtime (asyncio.run)",
                run: hello::hello,
            },
            Variant {
                name: "never-awaited",
                about: "a future that is never awaited does nothing at all",
                run: hello::never_awaited,
            },
            Variant {
                name: "gather",
                about: "waits of 1, 2 and 3 s: 6 s one after another, 3 s with join!",
                run: gather::gather,
            },
            Variant {
                name: "join-set",
                about: "tasks in a JoinSet, results in the order they finish",
                run: gather::join_set,
            },
            Variant {
                name: "cancel",
                about: "a spawned task aborted (task.cancel()): its Drop cleans up",
                run: tasks::cancel,
            },
            Variant {
                name: "timeout",
                about: "time::timeout (asyncio.wait_for) drops a slow request",
                run: tasks::timeout,
            },
            Variant {
                name: "blocking-stalls",
                about: "thread::sleep in a task stops every other task on the thread",
                run: blocking::blocking_stalls,
            },
            Variant {
                name: "spawn-blocking",
                about: "the blocking call on a blocking thread: the others go on",
                run: blocking::spawn_blocking,
            },
            Variant {
                name: "queue",
                about: "a bounded channel (asyncio.Queue(2)) holds back the producer",
                run: queue::queue,
            },
            Variant {
                name: "semaphore",
                about: "five downloads, at most two at once (asyncio.Semaphore(2))",
                run: semaphore::semaphore,
            },
            Variant {
                name: "echo-server",
                about: "a TCP echo server, 100 clients at once, a clean shutdown",
                run: echo::echo_server,
            },
            Variant {
                name: "block-on",
                about: "plain code calls async code (block_on), and async calls plain",
                run: sync_and_async::block_on,
            },
            Variant {
                name: "async-mutex",
                about: "tokio's Mutex, held across an .await by one task at a time",
                run: sync_and_async::async_mutex,
            },
            Variant {
                name: "many",
                about: "10,000 waiting threads against 10,000 and 100,000 tasks: memory",
                run: many::many,
            },
        ],
    }
    .main()
}
