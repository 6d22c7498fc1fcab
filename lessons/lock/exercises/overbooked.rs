//! # One lock from the check to the sale
//!
//! A box office has 5 seats. The clerk looks at how many are left, lets the
//! customer pay for 3, then writes down the new number. While the customer
//! pays, someone buys 3 seats on the website, and the clerk's write wipes that
//! sale out: 6 tickets for 5 seats. Each step locks the `Mutex`, but the lock
//! is let go between the look and the write. Make the clerk's look, payment
//! and sale one critical section, so that nobody can sell the seats meanwhile.

use std::thread;

use parking_lot::Mutex;

const SEATS: u32 = 5;

struct BoxOffice {
    seats_left: u32,
    tickets_sold: u32,
}

/// The website never waits for the lock: if a sale is under way at the
/// counter, it tells its customer to try again later.
fn website_sale(office: &Mutex<BoxOffice>, wanted: u32) {
    let Some(mut office) = office.try_lock() else {
        // Python: lock.acquire(blocking=False) returned False
        println!("website: a sale is under way at the counter, try again later");
        return;
    };
    if office.seats_left < wanted {
        println!(
            "website: {} seats left, cannot sell {wanted}",
            office.seats_left
        );
        return;
    }
    office.seats_left -= wanted;
    office.tickets_sold += wanted;
    println!("website: sold {wanted}, {} seats left", office.seats_left);
}

/// Paying takes a while, and meanwhile the website's thread runs. Here that
/// "meanwhile" is made certain: the website's attempt runs on its own thread
/// while the customer pays. (It never waits for the lock: this cannot hang.)
fn customer_pays(office: &Mutex<BoxOffice>) {
    thread::scope(|s| {
        s.spawn(|| website_sale(office, 3));
    });
}

fn clerk_sale(office: &Mutex<BoxOffice>, wanted: u32) {
    // TODO: the look and the sale are two critical sections, with the
    // payment between them. Hold one guard from the look to the sale.
    let left = office.lock().seats_left; // Python: with lock: left = seats_left
    if left < wanted {
        println!("clerk: {left} seats left, cannot sell {wanted}");
        return;
    }
    println!("clerk: {left} seats left, the customer pays for {wanted}");
    customer_pays(office);
    let mut counter = office.lock(); // Python: with lock: ...
    counter.seats_left = left - wanted;
    counter.tickets_sold += wanted;
    println!("clerk: sold {wanted}, {} seats left", counter.seats_left);
} // the guard is dropped here: the lock is free again

fn main() {
    let office = Mutex::new(BoxOffice {
        seats_left: SEATS,
        tickets_sold: 0,
    });
    clerk_sale(&office, 3);
    website_sale(&office, 3); // the website's customer tries again
    let office = office.into_inner();
    println!(
        "{} tickets sold for {SEATS} seats, {} seats left",
        office.tickets_sold, office.seats_left
    );
}
