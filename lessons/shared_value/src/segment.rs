//! A named POSIX shared-memory segment holding one `#[repr(C)]` struct: what
//! Python's `multiprocessing.Value` and `Array` create, and remove, out of
//! sight.
//!
//! The `shared_memory` crate does the system calls: `shm_open` makes a name
//! under `/dev/shm` (on Linux), `ftruncate` gives it a size, `mmap` puts it
//! in this process's address space. Whoever *creates* the segment owns it,
//! and the owner's `Drop` unmaps it **and unlinks the name**; a process that
//! merely opens it only unmaps it. `std::process::exit` skips every `Drop`,
//! so an owner that exits that way leaves the name behind in `/dev/shm`.
//!
//! What this module adds on top: the struct is written into the segment
//! once, by its creator, and afterwards every process sees it as `&T`; a
//! count of the processes that have opened it, so that the creator can
//! unlink the name as soon as nobody needs it any more.

use std::marker::PhantomData;
use std::mem::{needs_drop, size_of};
use std::ops::Deref;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, Ordering::*};

use shared_memory::{Shmem, ShmemConf};

use crate::workers::{Worker, wait_until};

// ANCHOR: shm_safe
/// A type that may be placed in shared memory and used from several
/// processes at once.
///
/// # Safety
///
/// The compiler cannot check this promise, hence `unsafe`. Implement it only
/// for a `#[repr(C)]` struct (a layout fixed field by field) whose fields are
/// all
/// - plain values, with no pointer, reference, `String`, `Vec` or `Box`
///   inside: a pointer is an address in *one* process, and the heap it points
///   into is that process's alone;
/// - changed only through atomics (or another type built for it, like
///   [`crate::shm_sync::ProcessLock`]), because other processes read and
///   write them at any moment, and an unsynchronised read beside a write is a
///   data race, undefined behaviour, exactly as between threads.
///
/// `Sync` is required for the same reason as between threads. A type that
/// needs `Drop` owns something outside itself (heap memory, a file): that is
/// refused when the segment is created.
pub unsafe trait ShmSafe: Sync {}
// ANCHOR_END: shm_safe

/// What the segment really holds: a little bookkeeping, then the data.
#[repr(C)]
struct Mapped<T> {
    /// How many processes have opened the segment by its name.
    opened: AtomicU32,
    data: T,
}

/// A shared-memory segment holding a `T`; derefs to `&T`.
pub struct Segment<T: ShmSafe> {
    shmem: Shmem,
    data: PhantomData<T>,
}

impl<T: ShmSafe> Segment<T> {
    // ANCHOR: create
    /// Creates a new segment named `/lesson-shared_value-pid<pid>-<n>` (a
    /// leftover is easy to recognise, and to trace back to its process) and
    /// moves `data` into it. This process owns the segment: dropping it
    /// unlinks the name, unless [`Segment::unlink`] already did.
    pub fn create(data: T) -> Result<Self, String> {
        const {
            assert!(
                !needs_drop::<T>(),
                "a type that needs Drop owns memory outside itself and cannot be shared"
            )
        };
        static CREATED: AtomicU32 = AtomicU32::new(0);
        // macOS allows 31 bytes for the name: this one stays within them.
        let name = format!(
            "/lesson-shared_value-pid{}-{}",
            std::process::id(),
            CREATED.fetch_add(1, Relaxed)
        );
        let shmem = ShmemConf::new()
            .os_id(&name)
            .size(size_of::<Mapped<T>>())
            .create()
            .map_err(|e| format!("cannot create shared memory {name}: {e}"))?;
        let place = shmem.as_ptr().cast::<Mapped<T>>();
        // mmap hands out whole pages, so this holds for any T; checked anyway.
        assert!(
            place.is_aligned(),
            "the mapping is not aligned for the data"
        );
        let mapped = Mapped {
            opened: AtomicU32::new(0),
            data,
        };
        // SAFETY: the mapping is at least size_of::<Mapped<T>>() bytes, aligned
        // (checked), and nobody else uses it yet: our workers learn its name
        // only after this.
        unsafe { place.write(mapped) };
        Ok(Segment {
            shmem,
            data: PhantomData,
        })
    }
    // ANCHOR_END: create

    /// Opens the segment that another process created as `name`, and counts
    /// this process as one that has it open.
    pub fn open(name: &str) -> Result<Self, String> {
        let shmem = ShmemConf::new()
            .os_id(name)
            .open()
            .map_err(|e| format!("cannot open shared memory {name}: {e}"))?;
        // The size is all we can check: the name says nothing about the type.
        if shmem.len() != size_of::<Mapped<T>>() {
            return Err(format!(
                "shared memory {name} holds {} bytes, not the {} of this layout",
                shmem.len(),
                size_of::<Mapped<T>>()
            ));
        }
        let segment: Segment<T> = Segment {
            shmem,
            data: PhantomData,
        };
        segment.mapped().opened.fetch_add(1, Relaxed);
        Ok(segment)
    }

    /// The name other processes open it by.
    pub fn name(&self) -> &str {
        self.shmem.get_os_id()
    }

    // ANCHOR: unlink
    /// Removes the name from the system now. The memory itself stays, for as
    /// long as any process has it mapped (like a deleted file that is still
    /// open); nobody can open it by name any more, and nothing is left to
    /// leak, whatever happens to the processes next.
    pub fn unlink(&mut self) -> Result<(), String> {
        nix::sys::mman::shm_unlink(self.name())
            .map_err(|e| format!("cannot unlink shared memory {}: {e}", self.name()))?;
        self.shmem.set_owner(false); // so that Drop does not unlink it again
        Ok(())
    }

    /// Waits until each of `workers` has opened the segment, then unlinks it.
    /// A worker that ends first is an error (and the name is then unlinked
    /// by the owner's `Drop`).
    pub fn unlink_once_opened(
        &mut self,
        workers: &mut [&mut Worker],
    ) -> Result<(), String> {
        let expected = workers.len() as u32;
        let opened = &self.mapped().opened;
        wait_until(workers, "to open the shared memory", || {
            opened.load(Relaxed) >= expected
        })?;
        self.unlink()
    }
    // ANCHOR_END: unlink

    fn mapped(&self) -> &Mapped<T> {
        // SAFETY: `create` wrote a Mapped<T> there, and `open` checked the
        // size; T: ShmSafe promises that a shared `&` is all any process needs.
        unsafe { &*self.shmem.as_ptr().cast::<Mapped<T>>() }
    }
}

impl<T: ShmSafe> Deref for Segment<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.mapped().data
    }
}

/// An `f64` that several processes may read and write: Python's
/// `Value('d')`. There is no `AtomicF64` in `std`; an `AtomicU64` holding the
/// float's 64 bits does the job.
#[repr(transparent)]
pub struct AtomicF64 {
    bits: AtomicU64,
}

impl AtomicF64 {
    pub fn new(value: f64) -> Self {
        AtomicF64 {
            bits: AtomicU64::new(value.to_bits()),
        }
    }

    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load(Relaxed))
    }

    pub fn set(&self, value: f64) {
        self.bits.store(value.to_bits(), Relaxed);
    }
}

// ANCHOR: fixed_str
/// A string of at most `N` bytes, stored in place: the bytes themselves and
/// their count, never a pointer to them.
///
/// A reader and a writer must take turns (as in this lesson, where the
/// parent reads only after the child has ended), or hold a lock: a read
/// during a write could see half of each string.
#[repr(C)]
pub struct FixedStr<const N: usize> {
    len: AtomicU32,
    bytes: [AtomicU8; N],
}

impl<const N: usize> FixedStr<N> {
    pub fn new(text: &str) -> Result<Self, String> {
        let empty = FixedStr {
            len: AtomicU32::new(0),
            bytes: [const { AtomicU8::new(0) }; N],
        };
        empty.set(text)?;
        Ok(empty)
    }

    /// Replaces the text; one that does not fit is refused, not cut short.
    pub fn set(&self, text: &str) -> Result<(), String> {
        if text.len() > N {
            return Err(format!(
                "{} bytes do not fit in a buffer of {N}",
                text.len()
            ));
        }
        for (slot, &byte) in self.bytes.iter().zip(text.as_bytes()) {
            slot.store(byte, Relaxed);
        }
        // Release: whoever reads the new length with Acquire sees the bytes too.
        self.len.store(text.len() as u32, Release);
        Ok(())
    }

    pub fn get(&self) -> String {
        let len = (self.len.load(Acquire) as usize).min(N);
        let bytes: Vec<u8> = self.bytes[..len].iter().map(|b| b.load(Relaxed)).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    pub const fn capacity(&self) -> usize {
        N
    }
}
// ANCHOR_END: fixed_str

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;
    use crate::counter::Counter;

    /// Once unlinked, the name is gone: nobody can open the segment by it,
    /// while the memory stays mapped here.
    #[test]
    fn an_unlinked_segment_cannot_be_opened_by_name() {
        let mut segment = Segment::create(Counter::new()).expect("a segment");
        let name = segment.name().to_owned();
        drop(Segment::<Counter>::open(&name).expect("opened while it has a name"));
        segment.unlink().expect("unlinked");
        assert!(
            Segment::<Counter>::open(&name).is_err(),
            "{name} opened after unlink"
        );
        segment.value.store(7, Relaxed);
        assert_eq!(segment.value.load(Relaxed), 7);
    }

    /// Once each worker has opened the segment, its name is gone, while the
    /// worker is still running and the memory still mapped. Here the test
    /// opens it in the place of its stand-in worker: a `cat` that runs until
    /// its input is closed (or it is killed, when `worker` is dropped).
    #[test]
    fn unlink_once_opened_removes_the_name_of_a_segment_in_use() {
        let mut segment = Segment::create(Counter::new()).expect("a segment");
        let name = segment.name().to_owned();
        let cat = Command::new("cat").stdin(Stdio::piped()).spawn();
        let mut worker = Worker::stand_in("cat", cat.expect("cat runs"));
        let opened = Segment::<Counter>::open(&name).expect("opened by name");
        segment
            .unlink_once_opened(&mut [&mut worker])
            .expect("unlinked");
        assert!(
            Segment::<Counter>::open(&name).is_err(),
            "{name} can still be opened"
        );
        opened.value.store(7, Relaxed);
        assert_eq!(segment.value.load(Relaxed), 7);
    }

    #[test]
    fn a_fixed_str_takes_up_to_its_capacity() {
        let text = FixedStr::<4>::new("abcd").expect("4 bytes fit in 4");
        assert_eq!(text.get(), "abcd");
        assert!(text.set("abcde").is_err(), "5 bytes fit in 4");
        assert_eq!(text.get(), "abcd", "a refused text changed it");
    }
}
