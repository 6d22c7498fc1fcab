//! Ports a module-level value made on first use (Python: a global set under
//! a lock, or `functools.cache` on a function without arguments) with
//! `LazyLock`, and a value set once at run time with `OnceLock`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;

// ANCHOR: once
static LOADS: AtomicUsize = AtomicUsize::new(0);

/// Made by whichever thread touches it first; the others wait for it.
static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    LOADS.fetch_add(1, Ordering::SeqCst);
    println!("config: loaded");
    Config { port: 8080 }
});

struct Config {
    port: u16,
}

/// Set once, by `main`, from what it learns at run time.
static USER: OnceLock<String> = OnceLock::new();

pub fn once() {
    thread::scope(|s| {
        for name in ["T1", "T2", "T3", "T4"] {
            s.spawn(move || println!("{name}: port {}", CONFIG.port));
        }
    });
    println!(
        "main: the config was loaded {} time(s)",
        LOADS.load(Ordering::SeqCst)
    );

    println!("main: set(\"ada\") gives {:?}", USER.set("ada".into()));
    println!("main: set(\"grace\") gives {:?}", USER.set("grace".into()));
    println!("main: the user is {}", USER.get().expect("set above"));
}
// ANCHOR_END: once
