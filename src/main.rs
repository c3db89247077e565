//! The browser's entry: fetch the first language's messages, then draw the app over the page the
//! server rendered (see `first_paint`).

fn main() {
    qyzmet::first_paint::start();
}
