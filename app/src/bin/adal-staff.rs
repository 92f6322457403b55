//! The staff workspace, a separate wasm binary: the citizen app never downloads it.
fn main() {
    adal_app::staff::mount();
}
