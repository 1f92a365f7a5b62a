//! The crate's error type: a kind (which NumPy exception it corresponds to)
//! and a NumPy-quality message. `capi` maps kinds to `nd_status` codes; the
//! core never knows about C.

use std::fmt;

/// What went wrong, in NumPy's exception vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required pointer argument was NULL (only the C boundary raises it).
    Null,
    /// A bad value: NumPy's ValueError.
    Value,
    /// A bad type or an impossible cast: NumPy's TypeError.
    Type,
    /// An index out of range or too many indices: NumPy's IndexError.
    Index,
    /// An axis out of range or repeated: NumPy's AxisError.
    Axis,
    /// Shapes that do not fit together (broadcast, reshape): NumPy's ValueError.
    Shape,
    /// A dtype string or description that cannot be understood.
    DType,
    /// A size or byte count that does not fit in the address space.
    Overflow,
    /// The allocator refused.
    Memory,
    /// A write to memory marked read-only.
    ReadOnly,
    /// The operating system refused (files, maps).
    Io,
    /// A valid request ndcore does not implement yet.
    Unsupported,
    /// A bug in ndcore (a caught panic).
    Internal,
}

/// An error with its kind and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// `return Err(Error::new(kind, format!(...)))` in one line.
macro_rules! bail {
    ($kind:ident, $($fmt:tt)+) => {
        return Err($crate::error::Error::new($crate::error::ErrorKind::$kind, format!($($fmt)+)))
    };
}
pub(crate) use bail;

/// `Error::new(kind, format!(...))` as an expression.
macro_rules! err {
    ($kind:ident, $($fmt:tt)+) => {
        $crate::error::Error::new($crate::error::ErrorKind::$kind, format!($($fmt)+))
    };
}
pub(crate) use err;
