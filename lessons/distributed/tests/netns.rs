//! Two hosts on one machine: the manager and a worker, each in a network
//! namespace of its own, joined by a virtual Ethernet cable (a veth pair).
//! Each namespace has its own interfaces and addresses, so the worker
//! reaches the manager over a real (virtual) link, at a 10.x address that
//! exists only inside the two namespaces, as it would reach another machine.
//!
//! Needs root and the `ip` tool (CI has both); elsewhere the test prints why
//! it is skipped and passes. The namespaces are named after this process's
//! id and deleted afterwards, also when the test fails.

mod common;

use std::process::Command;

use common::{BIN, PATIENCE, Running, assert_every_result_exactly_once};

const MANAGER_IP: &str = "10.77.0.1";
const WORKER_IP: &str = "10.77.0.2";

/// Two namespaces and the cable between them; deleted on drop.
struct TwoHosts {
    manager: String,
    worker: String,
}

impl TwoHosts {
    fn new() -> Result<TwoHosts, String> {
        let pid = std::process::id();
        let hosts = TwoHosts {
            manager: format!("ldm{pid}"),
            worker: format!("ldw{pid}"),
        };
        // From here on, dropping `hosts` deletes whatever was made.
        ip(&["netns", "add", &hosts.manager])?;
        ip(&["netns", "add", &hosts.worker])?;
        // The cable is made inside the manager's namespace, its other end
        // put straight into the worker's: it never appears on this host.
        let (m, w) = (format!("vm{pid}"), format!("vw{pid}"));
        let manager = hosts.manager.as_str();
        ip(&[
            "-n",
            manager,
            "link",
            "add",
            &m,
            "type",
            "veth",
            "peer",
            "name",
            &w,
            "netns",
            &hosts.worker,
        ])?;
        ip(&[
            "-n",
            manager,
            "addr",
            "add",
            &format!("{MANAGER_IP}/30"),
            "dev",
            &m,
        ])?;
        ip(&[
            "-n",
            &hosts.worker,
            "addr",
            "add",
            &format!("{WORKER_IP}/30"),
            "dev",
            &w,
        ])?;
        for (namespace, device) in [(manager, &m), (hosts.worker.as_str(), &w)] {
            ip(&["-n", namespace, "link", "set", "lo", "up"])?;
            ip(&["-n", namespace, "link", "set", device, "up"])?;
        }
        Ok(hosts)
    }

    /// The lesson binary, run inside `namespace`.
    fn run(namespace: &str, name: &str, args: &[&str], key: &str) -> Running {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", namespace, BIN])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LESSON_AUTHKEY", key);
        Running::spawn(name, command)
    }
}

impl Drop for TwoHosts {
    fn drop(&mut self) {
        // Deleting a namespace deletes the cable end inside it.
        for namespace in [&self.manager, &self.worker] {
            ip(&["netns", "delete", namespace]).ok();
        }
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    let output = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

#[test]
fn a_manager_and_a_worker_on_two_hosts() {
    if !nix::unistd::geteuid().is_root() {
        println!("skipped: making network namespaces needs root");
        return;
    }
    if Command::new("ip").arg("-V").output().is_err() {
        println!("skipped: the `ip` tool (iproute2) is not installed");
        return;
    }
    let hosts = match TwoHosts::new() {
        Ok(hosts) => hosts,
        Err(why) => {
            println!("skipped: cannot make two network namespaces here: {why}");
            return;
        }
    };

    let listen = format!("{MANAGER_IP}:0");
    let manager_args = [
        "manager", "--listen", &listen, "--tasks", "4", "--seed", "11",
    ];
    let mut manager =
        TwoHosts::run(&hosts.manager, "manager", &manager_args, "two hosts");
    let address = manager.address().to_string();
    assert!(address.starts_with(MANAGER_IP), "{address}");

    let worker_args = ["worker", "--connect", &address, "--pause", "0"];
    let worker = TwoHosts::run(&hosts.worker, "worker", &worker_args, "two hosts");
    let (status, lines, stderr) = worker.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(lines.contains(&"worker: worker exit.".to_owned()));

    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    // The manager saw the worker come from the other host's address.
    let authenticated = lines
        .iter()
        .find(|l| l.contains(" authenticated "))
        .expect("an authenticated line");
    assert!(
        authenticated.starts_with(&format!("manager: {WORKER_IP}:")),
        "{authenticated}"
    );
    drop(hosts);
}
