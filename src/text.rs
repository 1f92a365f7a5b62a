//! Shapes as NumPy's messages print them. Below every layer, so dtype,
//! layout, array and the kernels share one spelling.

/// Python's tuple repr: `(3,)`, `(2, 3)`, `()`.
pub fn tuple(shape: &[usize]) -> String {
    join(shape, ", ")
}

/// NumPy's C-level spelling in some messages: `(3,)`, `(2,3)`.
pub fn tuple_compact(shape: &[usize]) -> String {
    join(shape, ",")
}

fn join(shape: &[usize], sep: &str) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(sep)
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spellings() {
        assert_eq!(super::tuple(&[3]), "(3,)");
        assert_eq!(super::tuple(&[2, 3]), "(2, 3)");
        assert_eq!(super::tuple(&[]), "()");
        assert_eq!(super::tuple_compact(&[2, 3]), "(2,3)");
    }
}
