//! # Give up on a silent server
//!
//! Four hosts are asked for their address, one after another. Three servers
//! answer within a second; silent.example never answers, and `main` awaits
//! its request for ever, as a bare `await` does in Python. Wait at most
//! `TIMEOUT` for each request with `tokio::time::timeout` (Python's
//! `asyncio.wait_for`), report a request that has not answered by then as a
//! `TimeoutError`, and go on with the next host.

use std::time::Duration;

use tokio::time::{Instant, sleep};

/// How long `main` waits for one answer.
const TIMEOUT: Duration = Duration::from_secs(2);

const HOSTS: [&str; 4] = [
    "alpha.example",
    "beta.example",
    "silent.example",
    "gamma.example",
];

/// The time since `start` on tokio's clock, in whole seconds: `t=2s`.
fn at(start: Instant) -> String {
    format!("t={}s", start.elapsed().as_secs())
}

/// The connection of one request: closed however the request ends, answered
/// or dropped half way. Python: the `finally:` around the request.
struct Connection {
    host: &'static str,
    start: Instant,
}

impl Drop for Connection {
    fn drop(&mut self) {
        println!("{} {}: connection closed", at(self.start), self.host);
    }
}

/// Asks `host` for its address. silent.example never answers: its future
/// never completes (it is pending for ever, and no timer will ever wake it).
async fn request(host: &'static str, start: Instant) -> String {
    let _connection = Connection { host, start };
    match host {
        "alpha.example" => {
            sleep(Duration::from_secs(1)).await;
            "10.0.0.1".to_owned()
        }
        "beta.example" => {
            sleep(Duration::from_secs(1)).await;
            "10.0.0.2".to_owned()
        }
        "gamma.example" => {
            sleep(Duration::from_secs(1)).await;
            "10.0.0.3".to_owned()
        }
        _ => std::future::pending().await,
    }
}

// The clock is paused: whenever every task waits, tokio moves it straight to
// the next timer instead of sleeping, so the times printed are exact.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    println!("main: waits at most {TIMEOUT:?} for each answer");
    for host in HOSTS {
        //~ // TODO: wait at most TIMEOUT (tokio::time::timeout). On a timeout
        //~ // print "{at} {host}: TimeoutError: no answer within {TIMEOUT:?}"
        //~ // and go on with the next host.
        //~ // Python: address = await request(host)
        //~ let address = request(host, start).await;
        //~ println!("{} {host}: {address}", at(start));
        // ANCHOR: solution
        // Python: address = await asyncio.wait_for(request(host), timeout=2)
        match tokio::time::timeout(TIMEOUT, request(host, start)).await {
            Ok(address) => println!("{} {host}: {address}", at(start)),
            // Python: except TimeoutError:
            Err(_elapsed) => println!(
                "{} {host}: TimeoutError: no answer within {TIMEOUT:?}",
                at(start)
            ),
        }
        // ANCHOR_END: solution
    }
    println!("{} main: done, and no request is left running", at(start));
}
