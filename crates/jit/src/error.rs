//! The crate's one error type.
use std::fmt;
use std::panic::Location;

/// What went wrong.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Tracing the function failed (a tensor op, a tensor output, ...).
    Trace(wengert_tape::Error),
    /// An operation that the compiler cannot represent (a `map_param` without a primitive).
    Unsupported {
        /// The op's name.
        op: &'static str,
        /// Why.
        reason: String,
    },
    /// A transform met a function without a derivative (a user op's derivative, in `hvp`).
    NotDifferentiable {
        /// The transform.
        transform: &'static str,
        /// The function's index in the program.
        func: u32,
    },
    /// A call's inputs take another branch than the trace did.
    Guard {
        /// The guard's number.
        id: u32,
        /// The comparison's source line.
        loc: &'static Location<'static>,
        /// The comparison.
        cmp: crate::ir::Cmp,
        /// Its outcome when traced.
        expect: bool,
    },
    /// A slice of the wrong length.
    Length {
        /// The call.
        op: &'static str,
        /// Which argument.
        what: &'static str,
        /// Its length.
        got: usize,
        /// The length wanted.
        expected: usize,
    },
}

/// An error of the compiled path, with the caller's source line where known.
///
/// ```
/// use wengert_jit::{Compiled, ErrorKind};
/// let f = Compiled::trace(&[1.0], |_, x| x[0] * 2.0).unwrap();
/// let err = f.value(&[1.0, 2.0]).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Length { got: 2, expected: 1, .. }));
/// assert!(err.to_string().contains(file!()));
/// ```
#[derive(Clone, Debug)]
pub struct Error(Box<Inner>);

/// Boxed, so that a `Result<f64, Error>` is two words, returned in registers: the thin
/// calls ([`GradFn`](crate::GradFn)) went through a 64-byte result on the stack.
#[derive(Clone, Debug)]
struct Inner {
    kind: ErrorKind,
    loc: Option<&'static Location<'static>>,
}

impl Error {
    /// An error at the caller's line.
    #[track_caller]
    pub fn here(kind: ErrorKind) -> Error {
        Error(Box::new(Inner {
            kind,
            loc: Some(Location::caller()),
        }))
    }

    /// An error without a line.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner { kind, loc: None }))
    }

    /// The error, located at `loc` (for errors made away from the caller's frame).
    pub(crate) fn at(mut self, loc: &'static Location<'static>) -> Error {
        self.0.loc = Some(loc);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The caller's source line, if known.
    pub fn location(&self) -> Option<&'static Location<'static>> {
        self.0.loc
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wengert-jit: ")?;
        match &self.0.kind {
            ErrorKind::Trace(e) => write!(f, "tracing failed: {e}")?,
            ErrorKind::Unsupported { op, reason } => write!(f, "{op}: {reason}")?,
            ErrorKind::NotDifferentiable { transform, func } => write!(
                f,
                "{transform}: function {func} of the program has no derivative (a user op's \
                 derivative cannot be differentiated again)"
            )?,
            ErrorKind::Guard {
                id,
                loc,
                cmp,
                expect,
            } => write!(
                f,
                "guard {id} failed: these inputs take another branch than the trace did at the \
                 comparison at {}:{}:{} (`a {} b` was {expect} when traced; retrace, or write \
                 the branch with select_cmp)",
                loc.file(),
                loc.line(),
                loc.column(),
                match cmp {
                    crate::ir::Cmp::Lt => "<",
                    crate::ir::Cmp::Le => "<=",
                    crate::ir::Cmp::Gt => ">",
                    crate::ir::Cmp::Ge => ">=",
                    crate::ir::Cmp::Eq => "==",
                    crate::ir::Cmp::Ne => "!=",
                }
            )?,
            ErrorKind::Length {
                op,
                what,
                got,
                expected,
            } => write!(f, "{op}: {what} has length {got}, expected {expected}")?,
        }
        if let Some(l) = self.0.loc {
            write!(f, " (at {}:{}:{})", l.file(), l.line(), l.column())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<wengert_tape::Error> for Error {
    fn from(e: wengert_tape::Error) -> Error {
        // The tape's error names its own line already.
        Error::new(ErrorKind::Trace(e))
    }
}
