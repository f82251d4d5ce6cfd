//! The vendored DejaVu Sans (see `examples/fonts/`), registered as plotters' `sans-serif`, so
//! the PNG backend can draw text without a system font.
use plotters::style::{register_font, FontStyle};

static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Registers the font; call once before drawing.
pub fn register() {
    register_font("sans-serif", FontStyle::Normal, FONT)
        .unwrap_or_else(|_| panic!("examples/fonts/DejaVuSans.ttf is not a valid font"));
}
