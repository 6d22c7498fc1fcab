//! Ports asyncio's first program: an `async def` awaited inside
//! `asyncio.run`, and a coroutine that is called but never awaited.

use std::time::Duration;

// ANCHOR: hello
/// Python: `async def greet(name):`
async fn greet(name: &str) -> String {
    println!("greet: starts");
    // Python: await asyncio.sleep(0.01)
    tokio::time::sleep(Duration::from_millis(10)).await;
    println!("greet: done waiting");
    format!("hello, {name}")
}

pub fn hello() {
    // The runtime is Python's event loop: it runs futures until they finish.
    // Python: asyncio.run(main())
    let runtime = tokio::runtime::Runtime::new().expect("start a tokio runtime");
    runtime.block_on(async {
        let greeting = greet("world"); // Python: coro = greet("world")
        println!("main: greet(\"world\") made a future; greet has not started");
        let greeting = greeting.await; // Python: await coro
        println!("main: awaited it: {greeting}");
    });
    // `#[tokio::main]` on an `async fn` writes these lines for you.
}
// ANCHOR_END: hello

// ANCHOR: never_awaited
/// Python: `async def send_email(to):`
async fn send_email(to: &str) {
    println!("send_email: sent to {to}");
}

#[tokio::main(flavor = "current_thread")]
pub async fn never_awaited() {
    // rustc warns "unused implementer of `Future` that must be used", as
    // Python warns "coroutine 'send_email' was never awaited". Allowed here,
    // to show what happens: nothing.
    #[allow(unused_must_use)]
    {
        send_email("ada@example.com"); // Python: send_email("ada@example.com")
    }
    println!("main: called send_email(\"ada@example.com\") without .await");
    send_email("grace@example.com").await; // Python: await send_email(...)
    println!("main: only the awaited call sent anything");
}
// ANCHOR_END: never_awaited
