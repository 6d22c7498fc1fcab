//! Every variant of lesson-pipe against its golden file in `golden/`.

use shared::golden::Check;

const OS_PIPE: Check = Check::exact("os-pipe");
/// The parent prints before it sends anything and after the worker has
/// exited; the worker's lines come in between, in the order it reads them.
const FRAMING: Check = Check::exact("framing");
/// Linux's default pipe buffer is 16 pages of 4 KiB: 65536 bytes, matched
/// exactly (a page size other than 4 KiB, or a smaller F_SETPIPE_SZ, would
/// change it; the golden tests run on Linux).
const BUFFER_SIZE: Check = Check::exact("buffer-size");
/// Each line is caused by the one before it: the child answers only what
/// the parent sent, the parent prints only what the child answered.
const DUPLEX: Check = Check::exact("duplex");
const IPC_CHANNEL: Check = Check::exact("ipc-channel");
/// The timeout cannot be won by chance: the worker cannot exit before the
/// parent reads (1,000,000 bytes do not fit in a 65,536-byte pipe).
const DEADLOCK: Check = Check::exact("deadlock");
const READ_FIRST: Check = Check::exact("read-first");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-pipe"), {
    os_pipe: OS_PIPE,
    framing: FRAMING,
    buffer_size: BUFFER_SIZE,
    duplex: DUPLEX,
    ipc_channel: IPC_CHANNEL,
    deadlock: DEADLOCK,
    read_first: READ_FIRST,
});
