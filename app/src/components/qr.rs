//! A QR code drawn as inline SVG, so it prints sharp and needs no network.
//!
//! The `qrcode` crate (without default features: no `image`) has no dependencies and does
//! no I/O, so core could hold it; it lives here because a QR code is presentation, and core
//! only decides *what* it encodes (`ReconciliationAct::verify_path`).

use leptos::prelude::*;
use qrcode::QrCode;
use qrcode::render::svg;

/// The QR code of `data`, or nothing if `data` is too long for a QR code.
#[component]
pub fn Qr(#[prop(into)] data: Signal<String>, label: Signal<String>) -> impl IntoView {
    let markup = move || {
        let code = QrCode::new(data.get().as_bytes()).ok()?;
        let xml = code.render::<svg::Color>().min_dimensions(160, 160).quiet_zone(true).build();
        // The renderer starts with an XML declaration, which has no place inside HTML.
        xml.find("<svg").map(|start| xml[start..].to_owned())
    };
    view! { <div class="qr" role="img" aria-label=label inner_html=move || markup().unwrap_or_default()></div> }
}
