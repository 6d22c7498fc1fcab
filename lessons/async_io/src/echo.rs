//! Ports an `asyncio.start_server` echo server and its clients: one task per
//! connection, many connections on a few threads, and a shutdown that stops
//! accepting, lets the open connections finish, and closes the listener.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Barrier, watch};
use tokio::task::JoinSet;

const CLIENTS: usize = 100;

// ANCHOR: server
/// Python: `async def handle(reader, writer):` sends every line back.
async fn echo(stream: TcpStream) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    // Bytes, not text: a client that sends something other than UTF-8 gets it back.
    while reader.read_until(b'\n', &mut line).await? > 0 {
        // Python: writer.write(line); await writer.drain()
        writer.write_all(&line).await?;
        line.clear();
    }
    Ok(()) // the client closed its side: so do we
}

/// Accepts connections until told to stop, then waits for the open ones.
async fn serve(listener: TcpListener, mut stop: watch::Receiver<bool>) -> usize {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => { connections.spawn(echo(stream)); }
                Err(error) => eprintln!("server: accept failed: {error}"),
            },
            _ = stop.changed() => break,
        }
    }
    drop(listener); // Python: server.close(): no new connections from here on
    let served = connections.join_all().await; // Python: await server.wait_closed()
    served.len()
}
// ANCHOR_END: server

// ANCHOR: client
/// A client: connects, waits until every client is connected, then sends one
/// line and reads the echo.
async fn client(address: SocketAddr, id: usize, all_connected: Arc<Barrier>) -> bool {
    // Python: reader, writer = await asyncio.open_connection(host, port)
    let stream = TcpStream::connect(address)
        .await
        .expect("connect to the server");
    all_connected.wait().await;
    let (reader, mut writer) = stream.into_split();
    let sent = format!("hello from client {id}\n");
    writer
        .write_all(sent.as_bytes())
        .await
        .expect("send a line");
    let mut echoed = String::new();
    BufReader::new(reader)
        .read_line(&mut echoed)
        .await
        .expect("read the echo");
    echoed == sent
}
// ANCHOR_END: client

// ANCHOR: echo_server

#[tokio::main]
pub async fn echo_server() {
    // Python: server = await asyncio.start_server(handle, "127.0.0.1", 0)
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen on 127.0.0.1");
    let address = listener.local_addr().expect("the listener's address");
    println!("server: listening on {address}");
    let (stop, stopped) = watch::channel(false);
    let server = tokio::spawn(serve(listener, stopped));

    // A peer that sends half a line and vanishes must not upset the server.
    let mut rude = TcpStream::connect(address)
        .await
        .expect("connect to the server");
    rude.write_all(b"half a li")
        .await
        .expect("send half a line");
    drop(rude);

    let all_connected = Arc::new(Barrier::new(CLIENTS));
    let mut clients = JoinSet::new();
    for id in 0..CLIENTS {
        clients.spawn(client(address, id, all_connected.clone()));
    }
    let answers = clients.join_all().await;
    let echoed = answers.iter().filter(|&&same| same).count();
    println!(
        "clients: {CLIENTS} connected at once; {echoed} got their line back unchanged"
    );

    stop.send(true).expect("the server is listening"); // Python: server.close()
    let served = server.await.expect("the server does not panic");
    println!("server: stopped after {served} connections (one left after half a line)");
    match TcpStream::connect(address).await {
        Err(_) => println!("a new client: refused, nothing listens on the port any more"),
        Ok(_) => println!("a new client: connected, the listener is still open!"),
    }
}
// ANCHOR_END: echo_server
