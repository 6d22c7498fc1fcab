//! Ports tutorial 004's `Value(c_char_p, b"Hello World")`, done right: the
//! bytes themselves in a fixed-size buffer in the segment, not a pointer to
//! them in one process's heap.

use shared::say;

use crate::segment::{FixedStr, Segment, ShmSafe};
use crate::workers::{DeferCtrlC, Worker};

// ANCHOR: string
/// Python: `Value(c_char_p, b"Hello World")`, which stores a *pointer* to
/// bytes in one process's heap. Here the bytes themselves are in the segment.
#[repr(C)]
struct Greeting {
    text: FixedStr<32>,
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for Greeting {}

pub fn greet(segment: &str) -> Result<(), String> {
    let shared = Segment::<Greeting>::open(segment)?;
    say!("child read {:?}", shared.text.get()); // Python: str_val.value
    let long = "Hello from a child process, with far too much to say";
    say!("child tries {long:?}");
    if let Err(refused) = shared.text.set(long) {
        say!("child is refused: {refused}");
    }
    shared.text.set("Hello from the child")?; // Python: str_val.value = b"..."
    say!("child wrote {:?}", shared.text.get());
    Ok(())
}

pub fn string() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: str_val = mp.Value(c_char_p, b"Hello World")
    let mut shared = Segment::create(Greeting {
        text: FixedStr::new("Hello World")?,
    })?;
    say!(
        "parent wrote {:?} ({} of {} bytes)",
        shared.text.get(),
        shared.text.get().len(),
        shared.text.capacity()
    );
    let mut child = Worker::start("greet", "child", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut child])?;
    child.join()?;
    say!("parent read {:?}", shared.text.get());
    Ok(())
}
// ANCHOR_END: string
