//! `pool-reuse`: not in the tutorials. A thread pool runs many tasks on one
//! thread, so the thread-locals that one task leaves behind are there for
//! the next, as with Python's `threading.local` under a `ThreadPoolExecutor`.

use std::sync::mpsc;

use crate::student::{STUDENT, process_student, process_thread};
use crate::threads::start;

// ANCHOR: pool_reuse
/// A job for the pool: any closure that may be sent to the worker.
type Task = Box<dyn FnOnce() + Send>;

pub fn pool_reuse() {
    let (tasks, queue) = mpsc::channel::<Task>();
    // A pool of one worker, so that the tasks run in order on the same thread.
    let worker = start("pool-worker", move || {
        for task in queue {
            task(); // the thread, and its thread-locals, outlive every task
        }
    });

    // Python: executor.submit(job), on a ThreadPoolExecutor(max_workers=1)
    let submit = |label: &'static str, job: fn()| {
        let task: Task = Box::new(move || {
            println!("{label}:");
            job();
        });
        tasks.send(task).expect("the worker is alive");
    };
    submit("task 1, the first on a fresh thread", process_student);
    submit("task 2 sets Alice and leaves her there", || {
        process_thread("Alice")
    });
    submit("task 3 is for Bob but forgets to set him", process_student);
    submit("task 4 sets Carol for its own run only", || {
        with_student("Carol", process_student)
    });
    submit(
        "task 5 sets nothing: Carol is gone, task 2's Alice is back",
        process_student,
    );
    drop(tasks); // no more tasks: the worker's loop ends
    worker.join().expect("pool-worker panicked");
}

/// Runs `task` with `student` as this thread's student, then puts back what
/// was there before, even if `task` panics (the guard's Drop does it).
fn with_student(student: &str, task: impl FnOnce()) {
    struct Restore(Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            STUDENT.set(self.0.take());
        }
    }
    let _restore = Restore(STUDENT.replace(Some(student.to_owned())));
    task();
}
// ANCHOR_END: pool_reuse
