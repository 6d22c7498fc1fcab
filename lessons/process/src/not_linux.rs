//! The stand-ins for what needs Linux (a subreaper), on the other systems.
//!
//! A file of its own because Linux, where the tests run, never compiles it:
//! cargo-mutants leaves it alone (see `.cargo/mutants.toml`).

/// Without a subreaper (macOS), launchd (pid 1) adopts the orphan and reaps it.
pub fn reap_orphan() -> String {
    "no subreaper on this system: launchd adopts the orphan and reaps it".to_owned()
}
