//! The staff workspace, a wasm binary of its own: the citizen app never downloads it.
fn main() {
    adal_staff::mount();
}
