//! Copy-on-write: why a fork is cheap. Not a program of the tutorials:
//! tutorial 003 names the prefork servers (Apache) that rely on it, and this
//! shows it, page by page, on Linux.

#[cfg(target_os = "linux")]
use nix::unistd::ForkResult;
#[cfg(target_os = "linux")]
use shared::say;

#[cfg(target_os = "linux")]
use crate::safe_fork::{fork_checked, reap, run_child};

// ANCHOR: copy_on_write
/// The size of the buffer that parent and child share after the fork.
#[cfg(target_os = "linux")]
const BUFFER: usize = 4 << 20; // 4 MiB

#[cfg(target_os = "linux")]
pub fn copy_on_write() {
    // Huge pages (2 MiB each) would blur the count: ask for ordinary ones.
    nix::sys::prctl::set_thp_disable(true).expect("prctl(PR_SET_THP_DISABLE)");
    let page = page_size();
    // One page more than needed, so that a page-aligned 4 MiB fits inside.
    let mut memory = vec![1u8; BUFFER + page];
    let start = memory.as_ptr().align_offset(page);
    let buffer = &mut memory[start..start + BUFFER];
    say!(
        "parent: filled a buffer of {} KiB, all of it its own: {} KiB",
        BUFFER / 1024,
        own_kib(buffer)
    );
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            // fork copied the page tables, not the pages: both processes map
            // the same memory, read-only, until one of them writes to a page.
            say!("child: right after fork, its own: {} KiB", own_kib(buffer));
            for chunk in buffer.chunks_mut(page).step_by(2) {
                chunk[0] = 2; // the first write to a page makes the kernel copy it
            }
            std::hint::black_box(&*buffer); // the writes must happen: keep them
            say!(
                "child: after writing 1 byte in every other page, its own: {} KiB",
                own_kib(buffer)
            );
            for chunk in buffer.chunks_mut(page) {
                chunk[0] = 3;
            }
            std::hint::black_box(&*buffer);
            say!(
                "child: after writing 1 byte in every page, its own: {} KiB",
                own_kib(buffer)
            );
            0
        }),
        ForkResult::Parent { child } => {
            let status = reap(child);
            say!("parent: the child pid {child} {status}");
            let untouched = buffer.iter().all(|&byte| byte == 1);
            say!("parent: every byte of its buffer is still 1: {untouched}");
        }
    }
}
// ANCHOR_END: copy_on_write

// ANCHOR: own_kib
/// How many KiB of `memory` this process has to itself: pages that no other
/// process maps. Linux tells, page by page, in /proc/self/pagemap: 8 bytes
/// per page, and bit 56 says "mapped by this process only".
#[cfg(target_os = "linux")]
fn own_kib(memory: &[u8]) -> usize {
    use std::io::{Read, Seek, SeekFrom};
    let page = page_size();
    let first_page = memory.as_ptr() as usize / page;
    let mut entries = vec![0u8; memory.len() / page * 8];
    let mut pagemap =
        std::fs::File::open("/proc/self/pagemap").expect("open /proc/self/pagemap");
    pagemap
        .seek(SeekFrom::Start(first_page as u64 * 8))
        .and_then(|_| pagemap.read_exact(&mut entries))
        .expect("read /proc/self/pagemap");
    let own_pages = entries
        .chunks_exact(8)
        .map(|entry| u64::from_ne_bytes(entry.try_into().expect("8 bytes")))
        .filter(|entry| entry >> 56 & 1 == 1)
        .count();
    own_pages * page / 1024
}
// ANCHOR_END: own_kib

#[cfg(target_os = "linux")]
fn page_size() -> usize {
    use nix::unistd::{SysconfVar, sysconf};
    let size = sysconf(SysconfVar::PAGE_SIZE).ok().flatten();
    size.expect("sysconf(_SC_PAGE_SIZE): every Unix system has a page size") as usize
}

// Elsewhere (macOS), there is no pagemap to read: see not_linux.rs.
#[cfg(not(target_os = "linux"))]
pub use crate::not_linux::copy_on_write;
