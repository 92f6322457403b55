fn main() {
    adal_app::mount();
}
