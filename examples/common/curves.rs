//! A line chart of a few curves over sample points, written as SVG and PNG.
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;
use std::path::Path;

/// One curve: a legend label, its points in order, and a colour.
pub struct Curve<'a> {
    /// The legend label.
    pub label: &'a str,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// The colour.
    pub color: RGBColor,
}

/// A chart: title, axis ranges, scattered samples (grey dots) and curves.
pub struct Chart<'a> {
    /// The caption.
    pub title: &'a str,
    /// The x range.
    pub x: Range<f64>,
    /// The y range.
    pub y: Range<f64>,
    /// Samples drawn as dots.
    pub samples: &'a [(f64, f64)],
    /// The curves.
    pub curves: Vec<Curve<'a>>,
}

const SIZE: (u32, u32) = (720, 480);

/// Writes `stem.svg` and `stem.png` (the font must be registered first).
pub fn write(chart: &Chart<'_>, stem: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let svg = stem.with_extension("svg");
    draw(&SVGBackend::new(&svg, SIZE).into_drawing_area(), chart)?;
    let png = stem.with_extension("png");
    crate::png::save(&png, SIZE, |area| draw(&area, chart))?;
    Ok(())
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Chart<'_>,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(area)
        .caption(c.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(44)
        .build_cartesian_2d(c.x.clone(), c.y.clone())?;
    chart.configure_mesh().light_line_style(WHITE).draw()?;
    chart.draw_series(
        c.samples
            .iter()
            .map(|&p| Circle::new(p, 2, RGBColor(150, 150, 150).filled())),
    )?;
    for curve in &c.curves {
        let color = curve.color;
        chart
            .draw_series(LineSeries::new(curve.points.clone(), color.stroke_width(2)))?
            .label(curve.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    area.present()?;
    Ok(())
}
