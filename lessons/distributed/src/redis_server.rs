//! A private `redis-server` for the lesson: started on a free loopback port,
//! with a random password, no persistence and a fresh temporary folder, and
//! stopped (its folder removed) when the lesson ends, also on Ctrl-C, and even
//! when the lesson is killed (the kernel sends it SIGTERM: `PR_SET_PDEATHSIG`).
//!
//! Python has nothing to port here: the tutorial's manager *is* the broker.
//! With Redis, the broker is a program of its own, which somebody must start.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::net::TcpListener;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use parking_lot::Mutex;
use rand::RngExt;

/// How long `redis-server` may take to answer PING once started.
const START_LIMIT: Duration = Duration::from_secs(5);
/// How many free ports to try: another program may take the port between the
/// moment we find it free and the moment redis-server binds it.
const PORT_TRIES: u32 = 3;
/// How long `redis-server` may take to exit after SIGTERM before SIGKILL.
const STOP_LIMIT: Duration = Duration::from_secs(5);

/// The redis-server this lesson started, while it runs: in a static, like the
/// demo's workers, so that Ctrl-C can stop it (see `demo`'s Ctrl-C handler).
static PRIVATE: Mutex<Option<Process>> = Mutex::new(None);

/// The process and its temporary folder, which go together.
struct Process {
    child: Child,
    dir: PathBuf,
}

/// The private redis-server, while it runs. Dropping it stops the server and
/// removes its folder.
pub struct RedisServer {
    port: u16,
    password: String,
    dir: PathBuf,
}

// ANCHOR: find
/// Where `redis-server` is installed, found the way a shell finds it: on
/// `PATH` (or, with no `PATH`, in the usual places, as `execvp` does).
pub fn find_redis_server() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH")
        .unwrap_or_else(|| "/usr/local/bin:/opt/homebrew/bin:/usr/bin:/bin".into());
    find_program(&path, "redis-server").ok_or_else(|| {
        "redis-server is not installed (it is not on PATH). Install it with \
         `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install \
         redis` (macOS), or give the address of a running one with --redis URL"
            .to_owned()
    })
}

/// The first file called `name` in the folders of `path` that may be run.
fn find_program(path: &std::ffi::OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|program| {
            program
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}
// ANCHOR_END: find

impl RedisServer {
    // ANCHOR: start
    /// Starts `program` (see `find_redis_server`) on a free loopback port and
    /// waits until it answers PING.
    pub fn start(program: &Path) -> Result<RedisServer, String> {
        let password = random_password();
        let mut why = String::new();
        for _ in 0..PORT_TRIES {
            let port = free_port()?;
            let dir = spawn(program, port, &password)?;
            let server = RedisServer {
                port,
                password: password.clone(),
                dir,
            };
            // Dropped on an error: the process is stopped, its folder removed.
            match server.wait_until_it_answers() {
                Ok(()) => return Ok(server),
                Err(failure) => why = failure,
            }
        }
        Err(why)
    }
    // ANCHOR_END: start

    /// Where it listens: `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Its URL, password included: only for the lesson's own processes,
    /// never for printing.
    pub fn url(&self) -> String {
        format!("redis://:{}@127.0.0.1:{}/", self.password, self.port)
    }

    /// Its temporary folder (its log; no data: persistence is off).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Python: none. Redis: PING, until PONG, or until the process ends (the
    /// port was taken after all) or `START_LIMIT` passes.
    fn wait_until_it_answers(&self) -> Result<(), String> {
        let client = redis::Client::open(self.url())
            .map_err(|e| format!("cannot use the private Redis URL: {e}"))?;
        let deadline = Instant::now() + START_LIMIT;
        loop {
            let pong = client
                .get_connection_with_timeout(Duration::from_millis(200))
                .and_then(|mut connection| {
                    redis::cmd("PING").query::<String>(&mut connection)
                });
            if pong.is_ok() {
                return Ok(());
            }
            if let Some(status) = exited(&self.dir) {
                return Err(format!(
                    "redis-server on port {} ended at once ({status}); its log ends:\n{}",
                    self.port,
                    log_tail(&self.dir)
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "redis-server on port {} did not answer PING within {START_LIMIT:?}; \
                     its log ends:\n{}",
                    self.port,
                    log_tail(&self.dir)
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        stop_private_server();
    }
}

// ANCHOR: spawn
/// Makes the temporary folder (mode 0700: ours alone) and starts
/// redis-server in it. Returns the folder.
fn spawn(program: &Path, port: u16, password: &str) -> Result<PathBuf, String> {
    remove_folders_of_dead_lessons();
    let dir = std::env::temp_dir().join(format!(
        "{FOLDER_PREFIX}{}-{:08x}",
        std::process::id(),
        rand::rng().random::<u32>()
    ));
    // Held from the folder's creation to the process's registration: Ctrl-C
    // waits, then finds both, and removes both.
    let mut private = PRIVATE.lock();
    DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let log = dir.join("redis.log");
    let output = match open_log(&log) {
        Ok(output) => output,
        Err(e) => {
            std::fs::remove_dir_all(&dir).ok();
            return Err(format!("cannot create {}: {e}", log.display()));
        }
    };
    let mut command = Command::new(program);
    command
        .arg("-") // the rest of the configuration comes on stdin: the password
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"]) // no persistence: a lesson's queue
        .arg("--dir")
        .arg(&dir)
        .arg("--logfile")
        .arg(&log)
        .args(["--daemonize", "no"]) // stays our child, so that we can stop it
        .stdin(Stdio::piped())
        // Before the log is open (a bad option), it writes to stderr: same file.
        .stdout(
            output
                .try_clone()
                .map_err(|e| format!("cannot share the log: {e}"))?,
        )
        .stderr(output);
    die_with_this_process(&mut command);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            std::fs::remove_dir_all(&dir).ok();
            return Err(format!("cannot start {}: {e}", program.display()));
        }
    };
    // Not `--requirepass` on the command line, which `ps` shows to every user.
    // A failed write (it died at once) shows when we wait for its PING.
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "requirepass {password}").ok();
    } // dropped: closed, so that it stops reading and starts
    *private = Some(Process {
        child,
        dir: dir.clone(),
    });
    Ok(dir)
}
// ANCHOR_END: spawn

/// A private server's folder: `lesson-distributed-redis-{pid}-{random}`.
const FOLDER_PREFIX: &str = "lesson-distributed-redis-";

/// The folders of lessons that died of SIGKILL, which nothing can catch:
/// their servers died with them (`die_with_this_process`), their folders
/// stayed. The pid in the name tells whose each is.
fn remove_folders_of_dead_lessons() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(FOLDER_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        // Signal 0 checks that the process exists; ESRCH: it does not.
        if kill(Pid::from_raw(pid), None) == Err(nix::errno::Errno::ESRCH) {
            std::fs::remove_dir_all(entry.path()).ok();
        }
    }
}

// ANCHOR: pdeathsig
/// Linux: the kernel sends the server SIGTERM when we die, even of SIGKILL,
/// which no handler of ours can catch. (Strictly: when the *thread* that
/// started it ends; the lesson starts it from the main thread.) On macOS,
/// which has no such thing, Ctrl-C and `Drop` stop it, SIGKILL does not.
fn die_with_this_process(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        let parent = nix::unistd::getpid();
        // SAFETY: between fork and exec only async-signal-safe calls are
        // allowed; prctl and getppid are system calls, and nothing allocates.
        unsafe {
            command.pre_exec(move || {
                nix::sys::prctl::set_pdeathsig(Signal::SIGTERM)?;
                // We may have died before prctl: then nobody would send it.
                if nix::unistd::getppid() != parent {
                    return Err(io::Error::from_raw_os_error(nix::libc::ESRCH));
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}
// ANCHOR_END: pdeathsig

// ANCHOR: stop
/// Stops the private redis-server, if one runs, and removes its folder. Called
/// by `Drop`, and by the Ctrl-C handler. The lock is held to the end, so that
/// a Ctrl-C during a `Drop` waits for it instead of exiting in the middle.
pub fn stop_private_server() {
    let mut private = PRIVATE.lock();
    if let Some(process) = private.take() {
        process.stop();
    }
}

impl Process {
    /// SIGTERM (Redis shuts down cleanly), a bounded wait, SIGKILL if need be;
    /// then the process is reaped and its folder removed.
    fn stop(mut self) {
        // Only a child not yet reaped still owns its pid: a reaped one's may
        // be another process's by now.
        if matches!(self.child.try_wait(), Ok(None)) {
            let pid = Pid::from_raw(self.child.id() as i32);
            kill(pid, Signal::SIGTERM).ok(); // Redis: SHUTDOWN
        }
        let deadline = Instant::now() + STOP_LIMIT;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            eprintln!(
                "warning: redis-server did not exit within {STOP_LIMIT:?}: killed it"
            );
            self.child.kill().ok();
        }
        self.child.wait().ok(); // reaped: no zombie
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("warning: cannot remove {}: {e}", self.dir.display());
        }
    }
}
// ANCHOR_END: stop

/// The private server's exit status, if it has exited.
fn exited(dir: &Path) -> Option<std::process::ExitStatus> {
    let mut private = PRIVATE.lock();
    let process = private.as_mut().filter(|p| p.dir == dir)?;
    process.child.try_wait().ok().flatten()
}

/// A port that is free now: the kernel picks it for a listener that we close
/// at once (port 0 means "any free port").
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// 128 random bits from a generator seeded by the operating system, in hex.
fn random_password() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}

fn open_log(path: &Path) -> io::Result<File> {
    OpenOptions::new().create_new(true).append(true).open(path)
}

/// The last lines of the server's log, to show why it did not come up.
fn log_tail(dir: &Path) -> String {
    match std::fs::read_to_string(dir.join("redis.log")) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(10)..].join("\n")
        }
        Err(e) => format!("(cannot read it: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// `PRIVATE` holds one server: the tests that start one take turns.
    static ONE_SERVER_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// A folder removed when the test ends, also when it fails.
    struct TempDir(PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            fs::remove_dir_all(&self.0).ok();
        }
    }

    /// Found as a shell finds it: the first *file* that may be run, not a
    /// file without the x bits, nor a folder of that name.
    #[test]
    fn a_program_is_the_first_runnable_file_on_the_path() {
        let temp = TempDir(
            std::env::temp_dir()
                .join(format!("lesson-distributed-find-{}", std::process::id())),
        );
        let [plain, folder, runnable] = ["plain", "folder", "runnable"].map(|dir| {
            fs::create_dir_all(temp.0.join(dir)).unwrap();
            temp.0.join(dir)
        });
        fs::write(plain.join("redis-server"), "").unwrap();
        fs::set_permissions(
            plain.join("redis-server"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        fs::create_dir(folder.join("redis-server")).unwrap();
        fs::write(runnable.join("redis-server"), "").unwrap();
        fs::set_permissions(
            runnable.join("redis-server"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();

        let path = std::env::join_paths([&plain, &folder, &runnable]).unwrap();
        assert_eq!(
            find_program(&path, "redis-server"),
            Some(runnable.join("redis-server"))
        );
        let path = std::env::join_paths([&plain, &folder]).unwrap();
        assert_eq!(find_program(&path, "redis-server"), None);
    }

    /// A program that ends at once (a script standing in for a redis-server
    /// that refuses its configuration) is reported with its exit status and
    /// the end of its log, without waiting; its folder is removed.
    #[test]
    fn a_server_that_ends_at_once_is_reported_with_its_log() {
        let _turn = ONE_SERVER_AT_A_TIME.lock();
        let temp = TempDir(
            std::env::temp_dir()
                .join(format!("lesson-distributed-fake-{}", std::process::id())),
        );
        fs::create_dir_all(&temp.0).unwrap();
        let fake = temp.0.join("redis-server");
        // Written by another process: a file this one had open for writing
        // could be open in a child forked meanwhile by another test, and
        // running it would fail (ETXTBSY).
        let script = "#!/bin/sh\necho 'FATAL CONFIG FILE ERROR: bad option'\nexit 3\n";
        let made = Command::new("sh")
            .args(["-c", r#"printf "$2" > "$1" && chmod 755 "$1""#, "sh"])
            .arg(&fake)
            .arg(script)
            .status();
        assert!(made.is_ok_and(|status| status.success()));

        let why = RedisServer::start(&fake).err().expect("it ended: an error");
        assert!(why.contains("ended at once (exit status: 3)"), "{why}");
        assert!(
            why.ends_with("its log ends:\nFATAL CONFIG FILE ERROR: bad option"),
            "{why}"
        );
        let ours = format!("{FOLDER_PREFIX}{}-", std::process::id());
        let left = fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .find(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with(&ours))
            });
        assert!(
            left.is_none(),
            "{:?} is left",
            left.map(|entry| entry.path())
        );
    }

    /// `start` returns once the server answers: one PING, at once and never
    /// tried again, gets PONG. Dropped, the server is stopped, its folder gone.
    #[test]
    fn a_started_server_answers_at_once() {
        let _turn = ONE_SERVER_AT_A_TIME.lock();
        let Ok(program) = find_redis_server() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have redis-server"
            );
            return;
        };
        let server = RedisServer::start(&program).unwrap();
        let client = redis::Client::open(server.url()).unwrap();
        let mut connection = client.get_connection().unwrap();
        let pong: String = redis::cmd("PING").query(&mut connection).unwrap();
        assert_eq!(pong, "PONG");
        let dir = server.dir().to_owned();
        drop(server);
        assert!(!dir.exists(), "{dir:?} is left");
    }

    #[test]
    fn a_password_is_128_random_bits_in_hex() {
        let [one, another] = [random_password(), random_password()];
        assert_eq!(one.len(), 32, "{one}");
        assert!(one.chars().all(|c| c.is_ascii_hexdigit()), "{one}");
        assert_ne!(one, another);
    }
}
