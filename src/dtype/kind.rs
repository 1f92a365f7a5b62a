//! The builtin scalar kinds and byte order.

/// A builtin element kind (NumPy's builtin numeric dtypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float16,
    Float32,
    Float64,
    Complex64,
    Complex128,
}

/// NumPy's kind character classes, in the order `same_kind` casting uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KindClass {
    Bool,
    Unsigned,
    Signed,
    Float,
    Complex,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Bool,
        Kind::Int8,
        Kind::Int16,
        Kind::Int32,
        Kind::Int64,
        Kind::UInt8,
        Kind::UInt16,
        Kind::UInt32,
        Kind::UInt64,
        Kind::Float16,
        Kind::Float32,
        Kind::Float64,
        Kind::Complex64,
        Kind::Complex128,
    ];

    /// Bytes per element.
    pub const fn size(self) -> usize {
        use Kind::*;
        match self {
            Bool | Int8 | UInt8 => 1,
            Int16 | UInt16 | Float16 => 2,
            Int32 | UInt32 | Float32 => 4,
            Int64 | UInt64 | Float64 | Complex64 => 8,
            Complex128 => 16,
        }
    }

    /// Required alignment in bytes (a complex aligns as its components, as in C).
    pub const fn alignment(self) -> usize {
        match self {
            Kind::Complex64 => 4,
            Kind::Complex128 => 8,
            k => k.size(),
        }
    }

    pub const fn class(self) -> KindClass {
        use Kind::*;
        match self {
            Bool => KindClass::Bool,
            Int8 | Int16 | Int32 | Int64 => KindClass::Signed,
            UInt8 | UInt16 | UInt32 | UInt64 => KindClass::Unsigned,
            Float16 | Float32 | Float64 => KindClass::Float,
            Complex64 | Complex128 => KindClass::Complex,
        }
    }

    /// NumPy's kind character: `b i u f c`.
    pub const fn kind_char(self) -> char {
        match self.class() {
            KindClass::Bool => 'b',
            KindClass::Signed => 'i',
            KindClass::Unsigned => 'u',
            KindClass::Float => 'f',
            KindClass::Complex => 'c',
        }
    }

    /// NumPy's `dtype.name`.
    pub const fn name(self) -> &'static str {
        use Kind::*;
        match self {
            Bool => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            UInt8 => "uint8",
            UInt16 => "uint16",
            UInt32 => "uint32",
            UInt64 => "uint64",
            Float16 => "float16",
            Float32 => "float32",
            Float64 => "float64",
            Complex64 => "complex64",
            Complex128 => "complex128",
        }
    }

    /// The kind with this kind character and size, if NumPy has one we support.
    pub fn from_kind_and_size(kind: char, size: usize) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.kind_char() == kind && k.size() == size)
    }

    /// Does the byte order matter for this kind? (Not for one-byte kinds.)
    pub const fn has_byte_order(self) -> bool {
        self.size() > 1
    }
}

/// Byte order of a stored scalar. `NotApplicable` is NumPy's `'|'`, used for
/// one-byte kinds and records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    Little,
    Big,
    NotApplicable,
}

impl ByteOrder {
    /// The byte order of this machine.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };

    /// The typestr character: `<`, `>` or `|`.
    pub const fn typestr_char(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }

    /// NumPy's `dtype.byteorder`: `=` for native, `|` for not applicable.
    pub fn numpy_char(self) -> char {
        if self == ByteOrder::NATIVE {
            '='
        } else {
            self.typestr_char()
        }
    }
}

/// A builtin scalar dtype: a kind stored in a byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScalarType {
    kind: Kind,
    order: ByteOrder,
}

impl ScalarType {
    /// The scalar type of `kind` in `order`; the order of one-byte kinds is
    /// always `NotApplicable`, as NumPy normalises `">i1"` to `"|i1"`.
    pub const fn new(kind: Kind, order: ByteOrder) -> Self {
        let order = if kind.has_byte_order() {
            match order {
                ByteOrder::NotApplicable => ByteOrder::NATIVE,
                o => o,
            }
        } else {
            ByteOrder::NotApplicable
        };
        ScalarType { kind, order }
    }
    pub const fn native(kind: Kind) -> Self {
        Self::new(kind, ByteOrder::NATIVE)
    }
    pub const fn kind(self) -> Kind {
        self.kind
    }
    pub const fn order(self) -> ByteOrder {
        self.order
    }
    /// Is the stored byte order the machine's (or irrelevant)?
    #[inline]
    pub fn is_native(self) -> bool {
        self.order != ByteOrder::opposite_native()
    }
    /// NumPy's typestr, e.g. `<f8`, `|b1`, `>i4`.
    pub fn typestr(self) -> String {
        format!(
            "{}{}{}",
            self.order.typestr_char(),
            self.kind.kind_char(),
            self.kind.size()
        )
    }
}

impl ByteOrder {
    const fn opposite_native() -> ByteOrder {
        match ByteOrder::NATIVE {
            ByteOrder::Little => ByteOrder::Big,
            _ => ByteOrder::Little,
        }
    }
}
