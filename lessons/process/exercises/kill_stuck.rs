//! # Give up on a stuck child
//!
//! The parent runs two jobs in worker processes and allows each two seconds.
//! The quick job ends at once; the stuck one never ends, as a job with a bug
//! might. `finish` waits with `Child::wait()`, which has no time limit, so
//! the parent is stuck as well. Make `finish` wait at most `limit` (Python:
//! `p.join(timeout)`), then kill a job that is still running (Python:
//! `p.kill()`) and wait for it once more, so that it is not left a zombie.

use std::process::{Child, ExitCode};
use std::thread;
use std::time::Duration;

/// How long a job may run.
const LIMIT: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    // Python: if __name__ == "__main__": a worker goes its own way first.
    if let Some(job) = shared::worker::role() {
        return run_job(&job);
    }
    let jobs: Vec<(&str, Child)> = ["quick", "stuck"]
        .into_iter()
        .map(|job| {
            let child = shared::worker::command(job)
                .spawn() // Python: p = Process(target=job); p.start()
                .expect("the OS refused to start a process");
            (job, child)
        })
        .collect();
    for (job, mut child) in jobs {
        let outcome = finish(&mut child, LIMIT);
        println!("job {job}: {outcome}");
    }
    ExitCode::SUCCESS
}

/// Waits for `child` to end, but for `limit` at most; kills it if it is
/// still running then. Says how it ended.
fn finish(child: &mut Child, limit: Duration) -> String {
    // TODO: wait at most `limit`: Child::try_wait() says whether the child has
    // ended, without waiting. Then kill() a child that has not, and wait() for it.
    let _ = limit;
    let status = child.wait().expect("wait for a job");
    status.to_string()
}

/// The worker side: the job named by the role.
fn run_job(job: &str) -> ExitCode {
    match job {
        "quick" => ExitCode::SUCCESS,
        // Waits for something that never happens.
        "stuck" => loop {
            thread::sleep(Duration::from_secs(60));
        },
        _ => {
            eprintln!("error: no job named {job:?}");
            ExitCode::from(2)
        }
    }
}
