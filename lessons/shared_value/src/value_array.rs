//! Ports `Value` and `Array`: tutorial 000's `mp.Value('d', 0)` and
//! `mp.Array('i', [1, 2, 3])`, laid out as one `#[repr(C)]` struct, and
//! tutorial 004's child that sets `num.value = 3.1415927` and negates
//! `Array('i', range(10))` while the parent waits.

use std::array;
use std::mem::{offset_of, size_of};
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};

use shared::say;

use crate::segment::{AtomicF64, Segment, ShmSafe};
use crate::workers::{DeferCtrlC, Worker};

/// Python: `arr[:]`, the array's values as a list.
fn load_all(array: &[AtomicI32]) -> Vec<i32> {
    array.iter().map(|x| x.load(Relaxed)).collect()
}

// ANCHOR: value_array
/// Python: `value = mp.Value('d', 0)` and `array = mp.Array('i', [1, 2, 3])`,
/// as one struct. `#[repr(C)]` lays the fields out in the order written, each
/// at a fixed offset, the same in every process that maps the segment.
#[repr(C)]
struct ValueAndArray {
    value: AtomicF64, // 'd': a C double, stored as the bits of an AtomicU64
    array: [AtomicI32; 3], // 'i': a C int
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for ValueAndArray {}

pub fn value_array() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new(); // Ctrl-C waits until the segment is gone
    // Python: value = mp.Value('d', 0); array = mp.Array('i', [1, 2, 3])
    let shared = Segment::create(ValueAndArray {
        value: AtomicF64::new(0.0),
        array: [1, 2, 3].map(AtomicI32::new),
    })?;
    say!("shared memory {}", shared.name());
    say!(
        "value at offset {}: {}",
        offset_of!(ValueAndArray, value),
        shared.value.get()
    );
    say!(
        "array at offset {}: {:?}",
        offset_of!(ValueAndArray, array),
        load_all(&shared.array)
    );
    say!(
        "{} bytes in all: 8 + 3 x 4, padded to a multiple of 8",
        size_of::<ValueAndArray>()
    );

    // The same segment mapped a second time, even in this very process,
    // lands at another address: an address stored in it would mean nothing.
    let again = Segment::<ValueAndArray>::open(shared.name())?;
    again.value.set(2.5);
    say!(
        "mapped again at another address: {}; value written there, read here: {}",
        !std::ptr::eq(&*again, &*shared),
        shared.value.get()
    );
    Ok(())
} // `again` is unmapped, then `shared`, whose owner unlinks the name
// ANCHOR_END: value_array

// ANCHOR: negate
/// Python: `num = Value('d', 0.0)` and `arr = Array('i', range(10))`.
#[repr(C)]
struct NumAndArr {
    num: AtomicF64,
    arr: [AtomicI32; 10],
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for NumAndArr {}

// Python: def f(n, a): n.value = 3.1415927; for i in range(len(a)): a[i] = -a[i]
#[allow(clippy::approx_constant, reason = "the original's number, not π")]
fn f(n: &AtomicF64, a: &[AtomicI32]) {
    n.set(3.1415927);
    for x in a {
        x.store(-x.load(Relaxed), Relaxed); // only this process writes arr now
    }
}

/// The child: opens the segment by the name on its command line.
pub fn negate_child(segment: &str) -> Result<(), String> {
    let shared = Segment::<NumAndArr>::open(segment)?;
    f(&shared.num, &shared.arr);
    say!("child pid {}: num set, arr negated", std::process::id());
    Ok(())
}

pub fn negate() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: num = Value('d', 0.0); arr = Array('i', range(10))
    let mut shared = Segment::create(NumAndArr {
        num: AtomicF64::new(0.0),
        arr: array::from_fn(|i| AtomicI32::new(i as i32)),
    })?;
    // Python: p = Process(target=f, args=(num, arr)); p.start()
    let mut p = Worker::start("negate", "child", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut p])?;
    p.join()?; // Python: p.join()
    // The child has ended, and the kernel's wait makes all it wrote visible
    // here, as join() does for a thread's writes.
    say!("{}", shared.num.get()); // Python: print(num.value)
    say!("{:?}", load_all(&shared.arr)); // Python: print(arr[:])
    Ok(())
}
// ANCHOR_END: negate
