//! safetensors save/load: exact round trips, a format NumPy/PyTorch read, and a clear error
//! for each bad file.
use std::path::PathBuf;
use wengert_ebm::io;
use wengert_tape::{ErrorKind, ParamStore, Tensor};

/// A fresh directory for one test (removed at the end of the test).
struct Dir(PathBuf);
impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("wengert-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sample_f64() -> ParamStore<f64> {
    let mut s = ParamStore::new();
    s.insert(
        "layer1.weight",
        Tensor::new([2, 3], vec![1.0, -2.5, 3.25, 1e-310, -0.0, f64::MAX]),
    );
    s.insert("layer1.bias", Tensor::new([3], vec![0.1, 0.2, 0.3]));
    s.insert("scale", Tensor::scalar(std::f64::consts::PI));
    s.insert(
        "cube",
        Tensor::new([2, 1, 2], vec![f64::INFINITY, f64::MIN_POSITIVE, 7.0, -8.0]),
    );
    s
}

fn zeros_like<T: wengert_tape::Real>(s: &ParamStore<T>) -> ParamStore<T> {
    let mut z = ParamStore::new();
    for (_, name, t) in s.iter() {
        z.insert(name, Tensor::zeros(t.shape().clone()));
    }
    z
}

fn bits(s: &ParamStore<f64>) -> Vec<(String, Vec<usize>, Vec<u64>)> {
    s.iter()
        .map(|(_, n, t)| {
            (
                n.to_string(),
                t.shape().dims().to_vec(),
                t.data().iter().map(|x| x.to_bits()).collect(),
            )
        })
        .collect()
}

#[test]
fn f64_round_trip_is_exact() {
    let dir = Dir::new("f64");
    let path = dir.file("w.safetensors");
    let store = sample_f64();
    io::save(&store, &path).unwrap();
    let mut back = zeros_like(&store);
    io::load(&mut back, &path).unwrap();
    assert_eq!(bits(&back), bits(&store)); // bit for bit, −0.0 and subnormals included
    let fresh = io::load_new::<f64>(&path).unwrap();
    let mut want = bits(&store);
    want.sort();
    assert_eq!(bits(&fresh), want); // load_new: name order
}

#[test]
fn f32_round_trip_is_exact() {
    let dir = Dir::new("f32");
    let path = dir.file("w.safetensors");
    let mut store = ParamStore::<f32>::new();
    let k = store.insert("w", Tensor::new([3], vec![0.1, -1e-40, f32::MAX]));
    io::save(&store, &path).unwrap();
    let mut back = zeros_like(&store);
    io::load(&mut back, &path).unwrap();
    let (a, b) = (store.get(k).data(), back.get(back.key("w").unwrap()).data());
    assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
}

/// The layout NumPy and PyTorch read: an 8-byte little-endian header length, a JSON header
/// with dtype, shape and data offsets per tensor name, then the raw little-endian data.
#[test]
fn the_file_is_standard_safetensors() {
    let dir = Dir::new("layout");
    let path = dir.file("w.safetensors");
    let mut store = ParamStore::<f32>::new();
    store.insert("w", Tensor::new([2], vec![1.5, -2.0]));
    io::save(&store, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    assert!(
        header.contains(r#""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#),
        "{header}"
    );
    let data = &bytes[8 + n..];
    assert_eq!(
        data,
        [1.5f32.to_le_bytes(), (-2.0f32).to_le_bytes()].concat()
    );
}

fn io_message(r: Result<(), wengert_tape::Error>) -> String {
    let err = r.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io { .. }), "{err}");
    err.to_string()
}

#[test]
fn each_bad_file_gives_a_clear_error_and_changes_nothing() {
    let dir = Dir::new("bad");
    let good = dir.file("good.safetensors");
    let store = sample_f64();
    io::save(&store, &good).unwrap();
    let mut target = zeros_like(&store);
    let before = bits(&target);

    // Missing file.
    let missing = dir.file("nope.safetensors");
    let msg = io_message(io::load(&mut target, &missing));
    assert!(
        msg.contains("cannot read") && msg.contains("nope.safetensors"),
        "{msg}"
    );

    // Truncated file.
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.file("cut.safetensors");
    std::fs::write(&cut, &bytes[..bytes.len() - 5]).unwrap();
    let msg = io_message(io::load(&mut target, &cut));
    assert!(
        msg.contains("cut.safetensors") && msg.contains("not a valid safetensors"),
        "{msg}"
    );
    std::fs::write(&cut, &bytes[..4]).unwrap();
    assert!(io_message(io::load(&mut target, &cut)).contains("not a valid"));

    // A parameter missing from the file.
    let mut more = zeros_like(&store);
    more.insert("extra.param", Tensor::zeros([1]));
    let msg = io_message(io::load(&mut more, &good));
    assert!(
        msg.contains(r#"parameter "extra.param" is missing"#),
        "{msg}"
    );

    // A tensor in the file that is not a parameter.
    let mut fewer = ParamStore::<f64>::new();
    fewer.insert("scale", Tensor::scalar(0.0));
    let msg = io_message(io::load(&mut fewer, &good));
    assert!(msg.contains("not a parameter of the store"), "{msg}");
    assert_eq!(fewer.get(fewer.key("scale").unwrap()).data(), &[0.0]);

    // Wrong shape.
    let mut shaped = ParamStore::<f64>::new();
    for (_, name, t) in store.iter() {
        let shape = if name == "layer1.weight" {
            vec![3, 2]
        } else {
            t.shape().dims().to_vec()
        };
        shaped.insert(name, Tensor::zeros(shape));
    }
    let msg = io_message(io::load(&mut shaped, &good));
    assert!(
        msg.contains(r#""layer1.weight" has shape [2, 3], the parameter has shape [3, 2]"#),
        "{msg}"
    );

    // Wrong dtype: an f64 file into an f32 store, and back.
    let mut as_f32 = ParamStore::<f32>::new();
    for (_, name, t) in store.iter() {
        as_f32.insert(name, Tensor::zeros(t.shape().clone()));
    }
    let msg = io_message(io::load(&mut as_f32, &good));
    assert!(msg.contains("dtype F64, expected F32"), "{msg}");
    assert!(io::load_new::<f32>(&good).is_err());

    assert_eq!(bits(&target), before);
}

#[test]
fn saving_fails_clearly() {
    let dir = Dir::new("save");
    let mut store = ParamStore::<f64>::new();
    store.insert("w", Tensor::scalar(1.0));
    store.insert("w", Tensor::scalar(2.0));
    let msg = io_message(io::save(&store, dir.file("dup.safetensors")));
    assert!(msg.contains(r#"two parameters are named "w""#), "{msg}");
    let msg = io_message(io::save(
        &sample_f64(),
        dir.file("no/such/dir/w.safetensors"),
    ));
    assert!(
        msg.contains("cannot write") && msg.contains("no/such/dir"),
        "{msg}"
    );
}
