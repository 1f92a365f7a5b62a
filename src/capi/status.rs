//! `nd_status`: the fixed status codes. Values are published and never
//! reused; a retired code stays here as a comment.

use crate::error::ErrorKind;

/// Status returned by every ndcore function that does not return a handle.
/// `ND_OK` is 0; every other value is a failure whose message
/// `nd_last_error()` gives. These values never change.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum nd_status {
    /// Success.
    ND_OK = 0,
    /// A required pointer argument was NULL.
    ND_ERR_NULL = 1,
    /// A bad argument value (NumPy's ValueError).
    ND_ERR_VALUE = 2,
    /// A bad type or an impossible cast (NumPy's TypeError).
    ND_ERR_TYPE = 3,
    /// An index out of range or too many indices (NumPy's IndexError).
    ND_ERR_INDEX = 4,
    /// An axis out of range or repeated (NumPy's AxisError).
    ND_ERR_AXIS = 5,
    /// Shapes that do not fit together (NumPy's ValueError for shapes).
    ND_ERR_SHAPE = 6,
    /// A dtype string or description that cannot be understood.
    ND_ERR_DTYPE = 7,
    /// A size or byte count too large for the address space.
    ND_ERR_OVERFLOW = 8,
    /// Out of memory.
    ND_ERR_MEMORY = 9,
    /// A write to read-only memory.
    ND_ERR_READONLY = 10,
    /// The operating system refused (files, memory maps).
    ND_ERR_IO = 11,
    /// A valid request ndcore does not implement yet.
    ND_ERR_UNSUPPORTED = 12,
    /// A bug in ndcore was caught at the boundary; please report it.
    ND_ERR_INTERNAL = 13,
}

impl nd_status {
    pub(crate) fn from_kind(kind: ErrorKind) -> nd_status {
        use nd_status::*;
        match kind {
            ErrorKind::Null => ND_ERR_NULL,
            ErrorKind::Value => ND_ERR_VALUE,
            ErrorKind::Type => ND_ERR_TYPE,
            ErrorKind::Index => ND_ERR_INDEX,
            ErrorKind::Axis => ND_ERR_AXIS,
            ErrorKind::Shape => ND_ERR_SHAPE,
            ErrorKind::DType => ND_ERR_DTYPE,
            ErrorKind::Overflow => ND_ERR_OVERFLOW,
            ErrorKind::Memory => ND_ERR_MEMORY,
            ErrorKind::ReadOnly => ND_ERR_READONLY,
            ErrorKind::Io => ND_ERR_IO,
            ErrorKind::Unsupported => ND_ERR_UNSUPPORTED,
            ErrorKind::Internal => ND_ERR_INTERNAL,
        }
    }

    /// The status with this code, if it is one.
    pub(crate) fn from_code(code: i32) -> Option<nd_status> {
        use nd_status::*;
        const ALL: [nd_status; 14] = [
            ND_OK,
            ND_ERR_NULL,
            ND_ERR_VALUE,
            ND_ERR_TYPE,
            ND_ERR_INDEX,
            ND_ERR_AXIS,
            ND_ERR_SHAPE,
            ND_ERR_DTYPE,
            ND_ERR_OVERFLOW,
            ND_ERR_MEMORY,
            ND_ERR_READONLY,
            ND_ERR_IO,
            ND_ERR_UNSUPPORTED,
            ND_ERR_INTERNAL,
        ];
        ALL.into_iter().find(|s| *s as i32 == code)
    }

    pub(crate) fn name(self) -> &'static std::ffi::CStr {
        use nd_status::*;
        match self {
            ND_OK => c"ND_OK",
            ND_ERR_NULL => c"ND_ERR_NULL",
            ND_ERR_VALUE => c"ND_ERR_VALUE",
            ND_ERR_TYPE => c"ND_ERR_TYPE",
            ND_ERR_INDEX => c"ND_ERR_INDEX",
            ND_ERR_AXIS => c"ND_ERR_AXIS",
            ND_ERR_SHAPE => c"ND_ERR_SHAPE",
            ND_ERR_DTYPE => c"ND_ERR_DTYPE",
            ND_ERR_OVERFLOW => c"ND_ERR_OVERFLOW",
            ND_ERR_MEMORY => c"ND_ERR_MEMORY",
            ND_ERR_READONLY => c"ND_ERR_READONLY",
            ND_ERR_IO => c"ND_ERR_IO",
            ND_ERR_UNSUPPORTED => c"ND_ERR_UNSUPPORTED",
            ND_ERR_INTERNAL => c"ND_ERR_INTERNAL",
        }
    }
}
