//! PNG files without plotters' `image` encoder: draw into an RGB buffer, write it with the
//! `png` crate (the `image` crate was 12 s of the demo's first build).
use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;
use std::path::Path;

/// Draws with `draw` on a `size` bitmap and writes it to `path` as an 8-bit RGB PNG.
pub fn save(
    path: &Path,
    (w, h): (u32, u32),
    draw: impl for<'b> FnOnce(DrawingArea<BitMapBackend<'b>, Shift>) -> Result<(), Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    // The backend draws into `rgb` in place; it is dropped (and `rgb` free) when `draw` returns.
    draw(BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area())?;
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut png = png::Encoder::new(file, w, h);
    png.set_color(png::ColorType::Rgb);
    png.set_depth(png::BitDepth::Eight);
    png.write_header()?.write_image_data(&rgb)?;
    Ok(())
}
