//! The use in tutorial 002 of the pip package `threadpool`: `makeRequests` with
//! positional and with keyword arguments, `putRequest`, `wait()`, and a
//! callback per result.

use std::sync::mpsc;

use threadpool::ThreadPool;

// ANCHOR: arguments
// Python: def hello(m, n, o): print("m = %s, n = %s, o = %s" % (m, n, o))
fn hello(m: &str, n: &str, o: &str) {
    println!("m = {m}, n = {n}, o = {o}");
}

/// Python's keyword arguments, `{'m': '1', 'n': '2', 'o': '3'}`: a struct with
/// a field per parameter. Fields are named where it is built, in any order;
/// a missing or misspelt one is a compile error rather than a `TypeError`.
struct HelloArgs {
    m: &'static str,
    n: &'static str,
    o: &'static str,
}

pub fn threadpool_requests() {
    let pool = ThreadPool::new(3); // Python: pool = threadpool.ThreadPool(3)

    println!("positional arguments: a tuple per request");
    // Python: func_var1 = [(['1', '2', '3'], None), (['4', '5', '6'], None)]
    let func_var1 = [("1", "2", "3"), ("4", "5", "6")];
    for (m, n, o) in func_var1 {
        // Python: pool.putRequest(req) for each req in makeRequests(hello, func_var1)
        pool.execute(move || hello(m, n, o));
    }
    pool.join(); // Python: pool.wait()

    println!("keyword arguments: a struct with named fields");
    let func_var2 = [
        HelloArgs {
            m: "1",
            n: "2",
            o: "3",
        }, // Python: (None, {'m': '1', 'n': '2', 'o': '3'})
        HelloArgs {
            o: "6",
            m: "4",
            n: "5",
        },
    ];
    for args in func_var2 {
        pool.execute(move || {
            let HelloArgs { m, n, o } = args;
            hello(m, n, o);
        });
    }
    pool.join(); // Python: pool.wait()
    // ANCHOR_END: arguments

    // ANCHOR: callbacks
    println!("callbacks: called in main, as the results arrive");
    // Python: requests = makeRequests(greeting, func_var1, callback)
    let (results_tx, results) = mpsc::channel();
    for (request, (m, n, o)) in func_var1.into_iter().enumerate() {
        let results_tx = results_tx.clone();
        pool.execute(move || {
            results_tx.send((request, greeting(m, n, o))).ok();
        });
    }
    drop(results_tx);
    // Python: pool.wait() takes each result off the pool's result queue and
    // calls the callback with it, in the thread that waits.
    for (request, result) in results {
        callback(request, &result);
    }
    pool.join(); // the pool's threads are detached: never let main return before this
}

// Python: def greeting(m, n, o): return "m = %s, n = %s, o = %s" % (m, n, o)
fn greeting(m: &str, n: &str, o: &str) -> String {
    format!("m = {m}, n = {n}, o = {o}")
}

// Python: def callback(request, result): print(...)
fn callback(request: usize, result: &str) {
    println!("callback: request {request} returned {result:?}");
}
// ANCHOR_END: callbacks
