//! The course's lessons, in course order (the order of the curriculum).

/// Each lesson is the crate `lessons/<name>`, package `lesson-<name>`.
pub const LESSONS: [&str; 12] = [
    "add_thread",
    "join",
    "queue",
    "gil_efficiency",
    "lock",
    "fork",
    "process",
    "pool",
    "pipe",
    "shared_value",
    "thread_local",
    "distributed",
];
