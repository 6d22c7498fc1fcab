// A future made and dropped without .await: rustc's warning, made an error
// here so that the test sees it (tests/compile_fail.rs checks).
#![deny(unused_must_use)]

async fn send_email(to: &str) {
    println!("sent to {to}");
}

#[tokio::main]
async fn main() {
    send_email("ada@example.com");
}
