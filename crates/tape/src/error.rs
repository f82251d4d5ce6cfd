use crate::shape::Shape;
use std::fmt;
use std::panic::Location;

/// The one error type of wengert: a [`ErrorKind`] and, where known, the source line of the
/// call that failed.
///
/// ```
/// use wengert_tape::{ErrorKind, Tape};
/// let tape = Tape::<f64>::new();
/// let a = tape.tensor([3], vec![1.0, 2.0, 3.0]);
/// let b = tape.tensor([4], vec![1.0; 4]);
/// let err = a.try_add(b).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Broadcast { op: "add", .. }));
/// assert!(err.to_string().contains("[3] and [4]"));
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    location: Option<&'static Location<'static>>,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Two shapes that had to be equal were not.
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// The first shape.
        lhs: Shape,
        /// The second shape.
        rhs: Shape,
    },
    /// Two shapes cannot be broadcast together.
    Broadcast {
        /// The operation.
        op: &'static str,
        /// The first shape.
        lhs: Shape,
        /// The second shape.
        rhs: Shape,
    },
    /// `backward` was called on a tensor with more than one element and no cotangent.
    NonScalarBackward {
        /// The output's shape.
        shape: Shape,
    },
    /// Two `Var`s from different tapes met in one operation.
    DifferentTapes {
        /// The operation.
        op: &'static str,
    },
    /// An index was out of range.
    IndexOutOfRange {
        /// The operation.
        op: &'static str,
        /// The index.
        index: usize,
        /// The length it had to be below.
        len: usize,
    },
    /// An argument was invalid (an empty label set, β ≤ 0, a bad axis, ...).
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A value that had to be finite was not.
    NonFinite {
        /// Where it was found.
        what: String,
    },
    /// The anomaly mode found a non-finite value (the first node, in recording order, whose
    /// value is not finite) or gradient (the first node, in sweep order, whose backward rule
    /// turned finite gradients into a non-finite one).
    Anomaly {
        /// The op that recorded the node.
        op: &'static str,
        /// The node's index on its list.
        node: usize,
        /// Whether the value or the gradient was not finite.
        what: &'static str,
    },
    /// Gradcheck found analytic and numeric derivatives that disagree.
    GradcheckMismatch {
        /// The input's position.
        input: usize,
        /// The element within the input.
        element: usize,
        /// The output element.
        output: usize,
        /// The derivative from the tape.
        analytic: f64,
        /// The finite-difference derivative.
        numeric: f64,
    },
    /// Reading or writing a file failed.
    Io {
        /// What was being done, with the path.
        what: String,
    },
}

impl Error {
    /// An error with no source location.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            kind,
            location: None,
        }
    }

    /// Attaches the caller's source location.
    #[track_caller]
    pub fn here(kind: ErrorKind) -> Error {
        Error {
            kind,
            location: Some(Location::caller()),
        }
    }

    /// Sets the source location.
    pub fn at(mut self, loc: &'static Location<'static>) -> Error {
        self.location = Some(loc);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The source line of the failing call, when known.
    pub fn location(&self) -> Option<&'static Location<'static>> {
        self.location
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::ShapeMismatch { op, lhs, rhs } => {
                write!(f, "{op}: shape mismatch: {lhs} and {rhs}")
            }
            ErrorKind::Broadcast { op, lhs, rhs } => {
                write!(f, "{op}: shapes {lhs} and {rhs} cannot be broadcast together")
            }
            ErrorKind::NonScalarBackward { shape } => write!(
                f,
                "backward: the output has shape {shape}, not one element; use vjp with a cotangent"
            ),
            ErrorKind::DifferentTapes { op } => {
                write!(f, "{op}: the operands were recorded on different tapes")
            }
            ErrorKind::IndexOutOfRange { op, index, len } => {
                write!(f, "{op}: index {index} is out of range for length {len}")
            }
            ErrorKind::InvalidArgument { op, reason } => write!(f, "{op}: {reason}"),
            ErrorKind::NonFinite { what } => write!(f, "non-finite value: {what}"),
            ErrorKind::Anomaly { op, node, what: "gradient" } => {
                write!(f, "anomaly: the backward of node {node} ({op}) produced a non-finite gradient")
            }
            ErrorKind::Anomaly { op, node, what } => {
                write!(f, "anomaly: the {what} of node {node} ({op}) is not finite")
            }
            ErrorKind::GradcheckMismatch { input, element, output, analytic, numeric } => write!(
                f,
                "gradcheck: d output[{output}] / d input {input}[{element}]: analytic {analytic:e}, \
                 numeric {numeric:e}, abs error {:e}, rel error {:e}",
                (analytic - numeric).abs(),
                (analytic - numeric).abs() / numeric.abs().max(f64::MIN_POSITIVE)
            ),
            ErrorKind::Io { what } => write!(f, "{what}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wengert: {}", self.kind)?;
        if let Some(l) = self.location {
            write!(f, " (at {}:{}:{})", l.file(), l.line(), l.column())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
