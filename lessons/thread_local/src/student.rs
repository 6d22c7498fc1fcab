//! `local-school`: ports tutorial 003's `threading.local()` program, in which
//! two named threads each store a student in the same global `local_school`
//! and greet only their own.

use std::cell::RefCell;

use crate::threads::{start, thread_name};

// ANCHOR: student
thread_local! {
    // Python: local_school = threading.local()
    // Python creates one object and adds attributes to it at run time; Rust
    // declares one static per value, with its type and the value every
    // thread starts from. Nobody has a student until they set one.
    pub static STUDENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

// Python: def process_student(): ...
pub fn process_student() {
    let thread = thread_name(); // Python: threading.current_thread().name
    // `with` lends this thread's value to the closure, and only to it: the
    // reference cannot be kept or sent to another thread.
    STUDENT.with(|student| match &*student.borrow() {
        // Python: print('Hello, %s (in %s)' % (local_school.student, ...))
        Some(student) => println!("Hello, {student} (in {thread})"),
        // Python would raise AttributeError: the attribute was never set.
        None => println!("No student here (in {thread})"),
    });
}

// Python: def process_thread(name): ...
pub fn process_thread(name: &str) {
    STUDENT.set(Some(name.to_owned())); // Python: local_school.student = name
    process_student();
}
// ANCHOR_END: student

// ANCHOR: local_school
pub fn local_school() {
    // main is a thread too, with its own student.
    STUDENT.set(Some("Zoe".to_owned()));
    process_student();

    // Python: t1 = threading.Thread(target=process_thread, args=('Alice',),
    //                               name='Thread-A')
    let t1 = start("Thread-A", || process_thread("Alice")); // Python: t1.start()
    let t2 = start("Thread-B", || process_thread("Bob")); // Python: t2.start()
    t1.join().expect("Thread-A panicked"); // Python: t1.join()
    t2.join().expect("Thread-B panicked"); // Python: t2.join()

    // Both threads set "the" STUDENT, each its own copy: main's is untouched.
    process_student();
}
// ANCHOR_END: local_school
