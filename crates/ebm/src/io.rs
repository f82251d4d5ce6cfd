//! Saving and loading a [`ParamStore`] in the [safetensors] format: one tensor per parameter,
//! named like the parameter, little-endian `F32` or `F64`, so NumPy (`safetensors.numpy`) and
//! PyTorch (`safetensors.torch.load_file`) read trained weights directly.
//!
//! ```
//! use wengert_ebm::io;
//! use wengert_tape::{ParamStore, Tensor};
//! let dir = std::env::temp_dir().join(format!("wengert-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("weights.safetensors");
//!
//! let mut store = ParamStore::<f32>::new();
//! let w = store.insert("layer1.w", Tensor::new([2, 2], vec![1.0, 2.0, 3.0, 4.0]));
//! io::save(&store, &path).unwrap();
//!
//! let mut other = ParamStore::<f32>::new();
//! let w2 = other.insert("layer1.w", Tensor::zeros([2, 2]));
//! io::load(&mut other, &path).unwrap();
//! assert_eq!(other.get(w2), store.get(w));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! [safetensors]: https://huggingface.co/docs/safetensors
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::panic::Location;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wengert_tape::{Error, ErrorKind, ParamStore, Real, Tensor};

/// The safetensors dtype of `T`: `F32` for `f32`, `F64` for `f64`, `None` otherwise.
fn dtype_of<T: Real>() -> Option<Dtype> {
    let id = TypeId::of::<T>();
    if id == TypeId::of::<f32>() {
        Some(Dtype::F32)
    } else if id == TypeId::of::<f64>() {
        Some(Dtype::F64)
    } else {
        None
    }
}

/// An I/O error at `loc`, the public function's caller: the location is passed down because a
/// closure inside a `#[track_caller]` function does not inherit it.
fn io_err(loc: Loc, what: String) -> Error {
    Error::new(ErrorKind::Io { what }).at(loc)
}

type Loc = &'static Location<'static>;

#[track_caller]
fn element_type<T: Real>(op: &'static str) -> Result<Dtype, Error> {
    dtype_of::<T>().ok_or_else(|| {
        Error::here(ErrorKind::InvalidArgument {
            op,
            reason: format!(
                "only f32 and f64 parameters can be stored in safetensors, not {}",
                std::any::type_name::<T>()
            ),
        })
    })
}

/// Writes every parameter of `store` to `path` (created or overwritten) as a safetensors
/// file.
///
/// The write is atomic: the bytes go to a temporary file in the same directory, which is
/// flushed to disk and then renamed over `path` (and the directory flushed), so a crash or a
/// full disk mid-save leaves the old file whole, never a truncated one.
///
/// # Errors
/// [`ErrorKind::Io`] naming the path when it cannot be written or two parameters share a
/// name; [`ErrorKind::InvalidArgument`] for an element type other than `f32`/`f64`.
#[track_caller]
pub fn save<T: Real>(store: &ParamStore<T>, path: impl AsRef<Path>) -> Result<(), Error> {
    let loc = Location::caller();
    let path = path.as_ref();
    let dtype = element_type::<T>("io::save")?;
    let bytes = to_bytes(store, dtype)
        .map_err(|e| io_err(loc, format!("cannot save to {}: {e}", path.display())))?;
    write_atomic(path, &bytes)
        .map_err(|e| io_err(loc, format!("cannot write {}: {e}", path.display())))
}

/// Temporary file, fsync, rename over the target, fsync of the directory.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    // The rename is durable only once the directory entry is; not possible on every platform.
    #[cfg(unix)]
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(())
}

fn to_bytes<T: Real>(store: &ParamStore<T>, dtype: Dtype) -> Result<Vec<u8>, String> {
    let mut seen = HashSet::new();
    let mut raw: Vec<(&str, Vec<usize>, Vec<u8>)> = Vec::with_capacity(store.len());
    for (_, name, t) in store.iter() {
        if !seen.insert(name) {
            return Err(format!("two parameters are named {name:?}"));
        }
        let mut data = Vec::with_capacity(t.data().len() * dtype.size());
        for &x in t.data() {
            match dtype {
                Dtype::F32 => data.extend_from_slice(&x.to_f32().unwrap_or(f32::NAN).to_le_bytes()),
                _ => data.extend_from_slice(&x.to_f64().unwrap_or(f64::NAN).to_le_bytes()),
            }
        }
        raw.push((name, t.shape().dims().to_vec(), data));
    }
    let mut views = Vec::with_capacity(raw.len());
    for (name, shape, data) in &raw {
        let view = TensorView::new(dtype, shape.clone(), data).map_err(|e| format!("{e:?}"))?;
        views.push((*name, view));
    }
    safetensors::serialize(views, &None).map_err(|e| format!("{e:?}"))
}

/// Reads the safetensors file at `path` into the parameters of `store`, matched by name.
/// The file must hold exactly the store's parameters, with the same shapes and the element
/// type of `T`; nothing is changed unless everything matches.
///
/// # Errors
/// [`ErrorKind::Io`] naming the path and the problem: the file is missing or unreadable,
/// is not a valid safetensors file (e.g. truncated), lacks a parameter, has a tensor that is
/// not a parameter, or has a tensor of the wrong shape or dtype.
/// [`ErrorKind::InvalidArgument`] for an element type other than `f32`/`f64`.
#[track_caller]
pub fn load<T: Real>(store: &mut ParamStore<T>, path: impl AsRef<Path>) -> Result<(), Error> {
    let loc = Location::caller();
    let path = path.as_ref();
    let dtype = element_type::<T>("io::load")?;
    let bytes = read(path, loc)?;
    let file = parse(&bytes, path, loc)?;
    let p = path.display();
    let names: HashSet<String> = file.names().into_iter().cloned().collect();
    let mut values = Vec::with_capacity(store.len());
    for (key, name, t) in store.iter() {
        if !names.contains(name) {
            return Err(io_err(
                loc,
                format!("{p}: parameter {name:?} is missing from the file"),
            ));
        }
        let view = file
            .tensor(name)
            .map_err(|e| io_err(loc, format!("{p}: {e:?}")))?;
        let want = t.shape().dims();
        if view.shape() != want {
            return Err(io_err(
                loc,
                format!(
                    "{p}: tensor {name:?} has shape {:?}, the parameter has shape {want:?}",
                    view.shape()
                ),
            ));
        }
        values.push((key, decode::<T>(&view, dtype, name, path, loc)?));
    }
    let known: HashSet<&str> = store.iter().map(|(_, n, _)| n).collect();
    if let Some(extra) = file
        .names()
        .into_iter()
        .find(|n| !known.contains(n.as_str()))
    {
        return Err(io_err(
            loc,
            format!("{p}: the file has tensor {extra:?}, which is not a parameter of the store"),
        ));
    }
    for (key, data) in values {
        store.get_mut(key).data_mut().copy_from_slice(&data);
    }
    Ok(())
}

/// Reads every tensor of the safetensors file at `path` into a new store, in name order.
///
/// # Errors
/// As [`load`] (a missing, unreadable or invalid file, a tensor of the wrong dtype).
#[track_caller]
pub fn load_new<T: Real>(path: impl AsRef<Path>) -> Result<ParamStore<T>, Error> {
    let loc = Location::caller();
    let path = path.as_ref();
    let dtype = element_type::<T>("io::load_new")?;
    let bytes = read(path, loc)?;
    let file = parse(&bytes, path, loc)?;
    let sorted: BTreeMap<String, TensorView<'_>> = file.tensors().into_iter().collect();
    let mut store = ParamStore::new();
    for (name, view) in sorted {
        let data = decode::<T>(&view, dtype, &name, path, loc)?;
        store.insert(name, Tensor::new(view.shape().to_vec(), data));
    }
    Ok(store)
}

fn read(path: &Path, loc: Loc) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| io_err(loc, format!("cannot read {}: {e}", path.display())))
}

fn parse<'a>(bytes: &'a [u8], path: &Path, loc: Loc) -> Result<SafeTensors<'a>, Error> {
    SafeTensors::deserialize(bytes).map_err(|e| {
        io_err(
            loc,
            format!(
                "{} is not a valid safetensors file ({} bytes; truncated or corrupt?): {e:?}",
                path.display(),
                bytes.len()
            ),
        )
    })
}

fn decode<T: Real>(
    view: &TensorView<'_>,
    want: Dtype,
    name: &str,
    path: &Path,
    loc: Loc,
) -> Result<Vec<T>, Error> {
    if view.dtype() != want {
        return Err(io_err(
            loc,
            format!(
                "{}: tensor {name:?} has dtype {:?}, expected {want:?}",
                path.display(),
                view.dtype()
            ),
        ));
    }
    let data = view.data();
    let out = match want {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| T::lit(f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64))
            .collect(),
        _ => data
            .chunks_exact(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                T::lit(f64::from_le_bytes(b))
            })
            .collect(),
    };
    Ok(out)
}
