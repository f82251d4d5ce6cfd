//! The vendored 8×8 handwritten digits (`examples/data/digits.csv.gz`, see its README):
//! 1797 rows of 64 pixel counts in 0..=16 then the label 0..=9.
use flate2::read::GzDecoder;
use std::io::Read;

/// The digits, pixels scaled to [0, 1].
pub struct Digits {
    /// 64 pixels per image, row-major, `images.len() == 64 * labels.len()`.
    pub images: Vec<f64>,
    /// The labels 0..=9.
    pub labels: Vec<usize>,
}

impl Digits {
    /// The number of images.
    #[allow(dead_code)] // not every includer counts them
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Image `i`'s 64 pixels.
    pub fn image(&self, i: usize) -> &[f64] {
        &self.images[64 * i..64 * (i + 1)]
    }

    /// The rows `idx`, as a `[idx.len() × 64]` row-major batch and their labels.
    pub fn batch(&self, idx: &[usize]) -> (Vec<f64>, Vec<usize>) {
        let mut x = Vec::with_capacity(64 * idx.len());
        for &i in idx {
            x.extend_from_slice(self.image(i));
        }
        (x, idx.iter().map(|&i| self.labels[i]).collect())
    }
}

/// Reads and parses the gzipped CSV next to the examples (path relative to the package root,
/// so `cargo run --example` works from any directory inside the repository).
#[allow(dead_code)] // the benches package reads the file through `load_from`
pub fn load() -> Result<Digits, Box<dyn std::error::Error>> {
    load_from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/digits.csv.gz"
    ))
}

/// Reads and parses the gzipped CSV at `path`.
pub fn load_from(path: &str) -> Result<Digits, Box<dyn std::error::Error>> {
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let mut images = Vec::with_capacity(1797 * 64);
    let mut labels = Vec::with_capacity(1797);
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.trim().split(',').collect();
        if fields.len() != 65 {
            return Err(
                format!("{path}:{}: expected 65 fields, got {}", n + 1, fields.len()).into(),
            );
        }
        for f in &fields[..64] {
            images.push(f.parse::<f64>()? / 16.0);
        }
        labels.push(fields[64].parse::<usize>()?);
    }
    Ok(Digits { images, labels })
}
