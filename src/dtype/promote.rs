//! NumPy 2's type promotion (NEP 50, `np.result_type` on arrays) and casting
//! rules (`np.can_cast`) for the builtin kinds.

use super::{DType, Kind, KindClass};
use crate::error::{Result, bail};

/// NumPy's casting levels, from strictest to loosest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Casting {
    /// Identical dtypes only.
    No,
    /// Identical but for byte order.
    Equiv,
    /// Every value is preserved.
    Safe,
    /// Safe, or within the same kind class (`f8` to `f4`, `u8` to `i1`).
    SameKind,
    /// Anything goes.
    Unsafe,
}

impl Casting {
    pub fn name(self) -> &'static str {
        match self {
            Casting::No => "no",
            Casting::Equiv => "equiv",
            Casting::Safe => "safe",
            Casting::SameKind => "same_kind",
            Casting::Unsafe => "unsafe",
        }
    }
}

/// Can every value of `from` be represented in `to`? (NumPy's safe casts,
/// which count int64 -> float64 as safe.)
const fn safe_kind_rule(from: Kind, to: Kind) -> bool {
    use KindClass::*;
    if from as u8 == to as u8 {
        return true;
    }
    let (fs, ts) = (from.size(), to.size());
    match (from.class(), to.class()) {
        (Bool, _) => true,
        (_, Bool) => false,
        (Unsigned, Unsigned) | (Signed, Signed) => fs < ts,
        (Unsigned, Signed) => fs < ts,
        (Signed, Unsigned) => false,
        // ints of 1 byte fit float16, of 2 bytes float32, wider ones float64.
        (Unsigned | Signed, Float) => ts > fs || ts == 8,
        (Unsigned | Signed, Complex) => ts / 2 > fs || ts == 16,
        (Float, Float) => fs < ts,
        (Float, Complex) => ts / 2 >= fs,
        (Complex, Complex) => fs < ts,
        (Float | Complex, Unsigned | Signed) | (Complex, Float) => false,
    }
}

/// `SAFE[from] >> to & 1`: safe_kind_rule for every pair, as a table, since
/// ufunc loop resolution asks it for every candidate loop.
const SAFE: [u16; 14] = {
    let mut table = [0u16; 14];
    let mut i = 0;
    while i < 14 {
        let mut j = 0;
        while j < 14 {
            if safe_kind_rule(Kind::ALL[i], Kind::ALL[j]) {
                table[i] |= 1 << j;
            }
            j += 1;
        }
        i += 1;
    }
    table
};

/// Can every value of `from` be represented in `to`? (NumPy's safe casts.)
#[inline]
pub fn safe_kind(from: Kind, to: Kind) -> bool {
    SAFE[from as usize] >> (to as usize) & 1 != 0
}

/// NumPy's `np.can_cast(from, to, casting)`. Records cast only to an equal
/// record (every level but `unsafe` also requires that); builtin scalars
/// follow NumPy's tables.
pub fn can_cast(from: &DType, to: &DType, casting: Casting) -> bool {
    match (from, to) {
        (DType::Scalar(f), DType::Scalar(t)) => {
            let same_kind = f.kind() == t.kind();
            match casting {
                Casting::No => f == t,
                Casting::Equiv => same_kind,
                Casting::Safe => safe_kind(f.kind(), t.kind()),
                Casting::SameKind => {
                    safe_kind(f.kind(), t.kind()) || f.kind().class() <= t.kind().class()
                }
                Casting::Unsafe => true,
            }
        }
        _ => match casting {
            Casting::No => from == to && from.is_native() == to.is_native(),
            _ => {
                from.with_byte_order(super::ByteOrder::NATIVE)
                    == to.with_byte_order(super::ByteOrder::NATIVE)
            }
        },
    }
}

/// The smallest builtin kind both `a` and `b` cast to safely.
fn promote_kinds(a: Kind, b: Kind) -> Kind {
    // Kinds in the order NumPy's promotion lattice visits them.
    const ORDER: [Kind; 14] = [
        Kind::Bool,
        Kind::Int8,
        Kind::UInt8,
        Kind::Int16,
        Kind::UInt16,
        Kind::Int32,
        Kind::UInt32,
        Kind::Int64,
        Kind::UInt64,
        Kind::Float16,
        Kind::Float32,
        Kind::Float64,
        Kind::Complex64,
        Kind::Complex128,
    ];
    ORDER
        .into_iter()
        .find(|&k| safe_kind(a, k) && safe_kind(b, k))
        .expect("complex128 holds every builtin kind")
}

/// NumPy's `np.result_type(*dtypes)` for arrays of these dtypes: the result
/// is always in native byte order. Records promote only with equal records.
pub fn result_type(dtypes: &[DType]) -> Result<DType> {
    let Some(first) = dtypes.first() else {
        bail!(Type, "at least one array or dtype is required");
    };
    let mut acc = first.with_byte_order(super::ByteOrder::NATIVE);
    for d in &dtypes[1..] {
        acc = match (&acc, d) {
            (DType::Scalar(a), DType::Scalar(b)) => {
                DType::scalar(promote_kinds(a.kind(), b.kind()))
            }
            _ => {
                let d_native = d.with_byte_order(super::ByteOrder::NATIVE);
                if acc != d_native {
                    bail!(
                        Type,
                        "invalid type promotion: dtype('{}') and dtype('{}') have no common dtype",
                        acc,
                        d
                    );
                }
                acc
            }
        };
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_table_is_the_rule() {
        for (i, &a) in Kind::ALL.iter().enumerate() {
            assert_eq!(a as usize, i, "Kind::ALL is in declaration order");
            for &b in &Kind::ALL {
                assert_eq!(safe_kind(a, b), safe_kind_rule(a, b), "{a:?} -> {b:?}");
            }
        }
        assert!(safe_kind(Kind::Int64, Kind::Float64));
        assert!(!safe_kind(Kind::Float64, Kind::Int64));
    }

    fn k(s: &str) -> DType {
        DType::parse(s).unwrap()
    }

    #[test]
    fn promotion_matches_numpy_examples() {
        let cases = [
            ("i1", "u1", "i2"),
            ("u8", "i8", "f8"),
            ("i2", "f2", "f4"),
            ("i1", "f2", "f2"),
            ("i4", "f4", "f8"),
            ("i4", "c8", "c16"),
            ("f2", "c8", "c8"),
            ("?", "?", "?"),
            ("?", "u2", "u2"),
            ("u4", "i4", "i8"),
            ("f8", "c8", "c16"),
        ];
        for (a, b, r) in cases {
            assert_eq!(result_type(&[k(a), k(b)]).unwrap(), k(r), "{a} + {b}");
            assert_eq!(result_type(&[k(b), k(a)]).unwrap(), k(r), "{b} + {a}");
        }
        assert_eq!(result_type(&[k(">i4"), k(">i4")]).unwrap(), k("<i4"));
    }

    #[test]
    fn casting_levels() {
        assert!(can_cast(&k("i8"), &k("f8"), Casting::Safe));
        assert!(!can_cast(&k("i8"), &k("u1"), Casting::SameKind));
        assert!(can_cast(&k("u8"), &k("i1"), Casting::SameKind));
        assert!(!can_cast(&k("f8"), &k("i1"), Casting::SameKind));
        assert!(can_cast(&k(">i4"), &k("<i4"), Casting::Equiv));
        assert!(!can_cast(&k(">i4"), &k("<i4"), Casting::No));
        assert!(!can_cast(&k("f8"), &k("f4"), Casting::Safe));
        assert!(can_cast(&k("f8"), &k("f4"), Casting::SameKind));
    }
}
