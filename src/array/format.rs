//! NumPy's `repr(array)`: `array([[0, 1, 2], ...], dtype=int32)`.
//!
//! Follows NumPy 2's default print options (`arrayprint.py`): line width 75,
//! summarisation above 1000 elements with 3 edge items, floats in `maxprec`
//! mode with precision 8 (shortest round-trip digits, at most 8 after the
//! point, aligned on the decimal point), scientific notation when the
//! magnitudes call for it, complex as real and imaginary formats.

use half::f16;

use super::Array;
use crate::dtype::{DType, Kind, ScalarType, Value, read_value};

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const PRECISION: usize = 8;

pub(super) fn repr(a: &Array) -> String {
    let prefix = "array(";
    let implied = match a.dtype() {
        DType::Scalar(s) => {
            s.is_native()
                && matches!(
                    s.kind(),
                    Kind::Float64 | Kind::Int64 | Kind::Bool | Kind::Complex128
                )
        }
        _ => false,
    };
    let body = if a.size() == 0 {
        "[]".to_string()
    } else {
        array2string(a, prefix.len(), LINE_WIDTH - 1)
    };
    // Shape and dtype follow when the text does not show them (NumPy 2.2+
    // adds the shape of summarised arrays too).
    let mut extras = Vec::new();
    if (a.size() == 0 && a.shape() != [0]) || a.size() > THRESHOLD {
        extras.push(format!("shape={}", crate::text::tuple(a.shape())));
    }
    if !implied || a.size() == 0 {
        extras.push(format!("dtype={}", dtype_short_repr(a.dtype())));
    }
    if extras.is_empty() {
        return format!("{prefix}{body})");
    }
    let arr_str = format!("{prefix}{body},");
    let extra_str = format!("{})", extras.join(", "));
    let last_line_len = arr_str.len() - arr_str.rfind('\n').map_or(0, |i| i + 1);
    let spacer = if last_line_len + extra_str.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_string()
    };
    format!("{arr_str}{spacer}{extra_str}")
}

fn dtype_short_repr(d: &DType) -> String {
    match d {
        DType::Scalar(s) if s.is_native() => s.kind().name().to_string(),
        DType::Scalar(s) => format!("'{}'", s.typestr()),
        other => other.to_numpy_str(),
    }
}

/// The indices shown along an axis of length `n`; `None` marks the "...".
fn shown_indices(n: usize, summarize: bool) -> Vec<Option<usize>> {
    if summarize && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((n - EDGE_ITEMS..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    }
}

fn array2string(a: &Array, prefix_len: usize, line_width: usize) -> String {
    let summarize = a.size() > THRESHOLD;
    let axes: Vec<Vec<Option<usize>>> = a
        .shape()
        .iter()
        .map(|&n| shown_indices(n, summarize))
        .collect();
    // Every shown element's address, to size the formatter on.
    let mut ptrs = Vec::new();
    collect_ptrs(a, &axes, 0, a.data_ptr(), &mut ptrs);
    let formatter = Formatter::new(a.dtype(), &ptrs, a.ndim() == 0);
    let next_line_prefix = " ".repeat(prefix_len + 1);
    let mut r = Recurser {
        a,
        axes: &axes,
        formatter: &formatter,
    };
    r.recurse(0, a.data_ptr(), &next_line_prefix, line_width)
}

fn collect_ptrs(
    a: &Array,
    axes: &[Vec<Option<usize>>],
    axis: usize,
    p: *mut u8,
    out: &mut Vec<*const u8>,
) {
    if axis == axes.len() {
        out.push(p);
        return;
    }
    for i in axes[axis].iter().flatten() {
        collect_ptrs(
            a,
            axes,
            axis + 1,
            p.wrapping_offset(*i as isize * a.strides()[axis]),
            out,
        );
    }
}

struct Recurser<'a> {
    a: &'a Array,
    axes: &'a [Vec<Option<usize>>],
    formatter: &'a Formatter,
}

impl Recurser<'_> {
    fn recurse(&mut self, axis: usize, p: *mut u8, hanging: &str, curr_width: usize) -> String {
        let ndim = self.axes.len();
        if axis == ndim {
            return self.formatter.format(p);
        }
        let next_hanging = format!("{hanging} ");
        let next_width = curr_width - 1;
        let stride = self.a.strides()[axis];
        let items = &self.axes[axis];
        let axes_left = ndim - axis;
        let mut s = String::new();
        if axes_left == 1 {
            let elem_width = curr_width - 1;
            let mut line = hanging.to_string();
            for (k, item) in items.iter().enumerate() {
                let word = match item {
                    Some(i) => self.recurse(
                        axis + 1,
                        p.wrapping_offset(*i as isize * stride),
                        &next_hanging,
                        next_width,
                    ),
                    None => "...".to_string(),
                };
                extend_line(&mut s, &mut line, &word, elem_width, hanging);
                if k + 1 < items.len() {
                    line.push_str(", ");
                }
            }
            s.push_str(&line);
        } else {
            let line_sep = format!(",{}", "\n".repeat(axes_left - 1));
            for (k, item) in items.iter().enumerate() {
                let nested = match item {
                    Some(i) => self.recurse(
                        axis + 1,
                        p.wrapping_offset(*i as isize * stride),
                        &next_hanging,
                        next_width,
                    ),
                    None => "...".to_string(),
                };
                s.push_str(hanging);
                s.push_str(&nested);
                if k + 1 < items.len() {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", &s[hanging.len()..])
    }
}

fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, prefix: &str) {
    let needs_wrap = line.len() + word.len() > width && line.len() > prefix.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = prefix.to_string();
    }
    line.push_str(word);
}

/// Formats one element of a dtype, sized on the elements shown.
enum Formatter {
    Scalar(ScalarType, ScalarFormat),
    /// Per field: offset, formatter, sub-array shape.
    Record(Vec<(usize, Formatter, Option<Vec<usize>>)>),
}

enum ScalarFormat {
    /// NumPy pads True to the width of False, except in 0-d arrays.
    Bool {
        pad: bool,
    },
    Int {
        width: usize,
    },
    Float(FloatFormat),
    Complex {
        re: FloatFormat,
        im: FloatFormat,
    },
}

impl Formatter {
    fn new(dtype: &DType, ptrs: &[*const u8], zero_d: bool) -> Formatter {
        match dtype {
            DType::Scalar(st) => {
                // SAFETY: every pointer addresses a shown element of `dtype`.
                let values = ptrs.iter().map(|&p| unsafe { read_value(p, *st) });
                let f = match st.kind() {
                    Kind::Bool => ScalarFormat::Bool { pad: !zero_d },
                    Kind::Float16 | Kind::Float32 | Kind::Float64 => {
                        let v: Vec<f64> = values.map(|v| real_of(v).0).collect();
                        ScalarFormat::Float(FloatFormat::new(&v, st.kind(), false))
                    }
                    Kind::Complex64 | Kind::Complex128 => {
                        let (re, im): (Vec<f64>, Vec<f64>) = values.map(real_of).unzip();
                        let k = if st.kind() == Kind::Complex64 {
                            Kind::Float32
                        } else {
                            Kind::Float64
                        };
                        ScalarFormat::Complex {
                            re: FloatFormat::new(&re, k, false),
                            im: FloatFormat::new(&im, k, true),
                        }
                    }
                    _ => ScalarFormat::Int {
                        width: values.map(|v| int_string(v).len()).max().unwrap_or(0),
                    },
                };
                Formatter::Scalar(*st, f)
            }
            DType::Record(r) => Formatter::Record(
                r.fields()
                    .iter()
                    .map(|f| {
                        let (base, sub) = match &f.dtype {
                            DType::SubArray(s) => (s.base.clone(), Some(s.shape.clone())),
                            d => (d.clone(), None),
                        };
                        let n: usize = sub.as_ref().map_or(1, |s| s.iter().product());
                        let size = base.itemsize();
                        let field_ptrs: Vec<*const u8> = ptrs
                            .iter()
                            .flat_map(|&p| (0..n).map(move |k| p.wrapping_add(f.offset + k * size)))
                            .collect();
                        (
                            f.offset,
                            Formatter::new(&base, &field_ptrs, zero_d && sub.is_none()),
                            sub,
                        )
                    })
                    .collect(),
            ),
            DType::SubArray(s) => Formatter::new(&s.base, ptrs, false),
        }
    }

    fn format(&self, p: *const u8) -> String {
        match self {
            Formatter::Record(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(offset, f, sub)| {
                        let q = p.wrapping_add(*offset);
                        match sub {
                            None => f.format(q),
                            Some(shape) => f.format_block(q, shape),
                        }
                    })
                    .collect();
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            Formatter::Scalar(st, f) => {
                // SAFETY: `p` addresses one element this formatter was built for.
                f.format(unsafe { read_value(p, *st) })
            }
        }
    }

    /// A C-ordered sub-array field as a nested list.
    fn format_block(&self, p: *const u8, shape: &[usize]) -> String {
        let size = match self {
            Formatter::Scalar(st, _) => st.kind().size(),
            Formatter::Record(_) => {
                unreachable!("sub-array fields of records print via their base")
            }
        };
        fn rec(f: &Formatter, p: *const u8, shape: &[usize], size: usize) -> String {
            match shape.split_first() {
                None => f.format(p),
                Some((&n, rest)) => {
                    let step = size * rest.iter().product::<usize>();
                    let items: Vec<String> = (0..n)
                        .map(|i| rec(f, p.wrapping_add(i * step), rest, size))
                        .collect();
                    format!("[{}]", items.join(", "))
                }
            }
        }
        rec(self, p, shape, size)
    }
}

impl ScalarFormat {
    fn format(&self, v: Value) -> String {
        match self {
            ScalarFormat::Bool { pad } => match (v == Value::Bool(true), pad) {
                (true, true) => " True".to_string(),
                (true, false) => "True".to_string(),
                (false, _) => "False".to_string(),
            },
            ScalarFormat::Int { width } => format!("{:>width$}", int_string(v)),
            ScalarFormat::Float(f) => f.format(real_of(v).0),
            ScalarFormat::Complex { re, im } => {
                let (r, i) = real_of(v);
                let i = im.format(i);
                let sp = i.trim_end().len();
                format!("{}{}j{}", re.format(r), &i[..sp], &i[sp..])
            }
        }
    }
}

fn int_string(v: Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Bool(b) => (b as u8).to_string(),
        other => format!("{other:?}"),
    }
}

fn real_of(v: Value) -> (f64, f64) {
    match v {
        Value::F16(h) => (h.to_f64(), 0.0),
        Value::F32(f) => (f as f64, 0.0),
        Value::F64(d) => (d, 0.0),
        Value::C64(c) => (c.re as f64, c.im as f64),
        Value::C128(c) => (c.re, c.im),
        Value::Int(i) => (i as f64, 0.0),
        Value::UInt(u) => (u as f64, 0.0),
        Value::Bool(b) => (b as u8 as f64, 0.0),
    }
}

/// NumPy's `FloatingFormat` in `maxprec` mode.
struct FloatFormat {
    kind: Kind,
    exp: bool,
    /// Digits after the point (scientific mode: mantissa digits).
    precision: usize,
    exp_size: usize,
    pad_left: usize,
    pad_right: usize,
    plus: bool,
}

/// Does the decimal text read back as `x` in `kind`'s precision?
fn round_trips(text: &str, x: f64, kind: Kind) -> bool {
    match (text.parse::<f64>(), kind) {
        (Ok(v), Kind::Float16) => f16::from_f64(v) == f16::from_f64(x),
        (Ok(v), Kind::Float32) => v as f32 == x as f32,
        (Ok(v), _) => v == x,
        (Err(_), _) => false,
    }
}

/// Shortest round-trip digits of `x` in its own precision, positional. Of
/// the shortest candidates, the one closest to the exact value, ties to the
/// even digit, as NumPy's Dragon4 (Rust's shortest form breaks ties upward).
fn shortest_positional(x: f64, kind: Kind) -> String {
    let shortest = match kind {
        Kind::Float32 => format!("{}", x as f32),
        Kind::Float16 => (0..30)
            .map(|p| format!("{x:.p$}"))
            .find(|s| round_trips(s, x, kind))
            .unwrap_or_else(|| format!("{x}")),
        _ => format!("{x}"),
    };
    let p = frac_digits(&shortest);
    let exact = format!("{x:.p$}");
    if exact != shortest && round_trips(&exact, x, kind) {
        exact
    } else {
        shortest
    }
}

/// Shortest round-trip scientific digits of `x` (mantissa, exponent), with
/// the same tie rule as `shortest_positional`.
fn shortest_scientific(x: f64, kind: Kind) -> (String, i32) {
    let shortest = match kind {
        Kind::Float32 => format!("{:e}", x as f32),
        Kind::Float16 => (0..20)
            .map(|p| format!("{x:.p$e}"))
            .find(|s| round_trips(s, x, kind))
            .unwrap_or_else(|| format!("{x:e}")),
        _ => format!("{x:e}"),
    };
    let p = frac_digits(shortest.split('e').next().unwrap_or(""));
    let exact = format!("{x:.p$e}");
    let s = if exact != shortest && round_trips(&exact, x, kind) {
        exact
    } else {
        shortest
    };
    let (m, e) = s
        .split_once('e')
        .expect("scientific format has an exponent");
    (m.to_string(), e.parse().expect("exponent is an integer"))
}

fn frac_digits(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

impl FloatFormat {
    fn new(values: &[f64], kind: Kind, plus: bool) -> FloatFormat {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let nonzero: Vec<f64> = finite
            .iter()
            .map(|v| v.abs())
            .filter(|&v| v != 0.0)
            .collect();
        let mut exp = false;
        if !nonzero.is_empty() {
            let max = nonzero.iter().copied().fold(f64::MIN, f64::max);
            let min = nonzero.iter().copied().fold(f64::MAX, f64::min);
            // 10**min(8, finfo(dtype).precision): 1e3 for float16, 1e6 for
            // float32, 1e8 for float64.
            let cutoff = match kind {
                Kind::Float16 => 1e3,
                Kind::Float32 => 1e6,
                _ => 1e8,
            };
            exp = max >= cutoff || min < 1e-4 || max / min > 1e3;
        }
        let mut f = FloatFormat {
            kind,
            exp,
            precision: 0,
            exp_size: 0,
            pad_left: 0,
            pad_right: 0,
            plus,
        };
        if finite.is_empty() {
            // Only the non-finite padding below applies.
        } else if exp {
            let mut prec = 0;
            let mut exp_size = 2;
            let mut pad_left = 0;
            for &v in &finite {
                let (m, e) = f.mantissa_exponent(v, None);
                prec = prec.max(frac_digits(&m));
                exp_size = exp_size.max(e.unsigned_abs().to_string().len());
                pad_left = pad_left.max(m.split('.').next().unwrap().len());
            }
            f.precision = prec;
            f.exp_size = exp_size;
            f.pad_left = pad_left;
            f.pad_right = exp_size + 2 + prec;
        } else {
            for &v in &finite {
                let s = f.positional(v);
                let (int, frac) = s.split_once('.').unwrap();
                f.pad_left = f.pad_left.max(int.len());
                f.pad_right = f.pad_right.max(frac.len());
            }
        }
        if finite.len() != values.len() {
            let neginf = plus || values.iter().any(|v| v.is_infinite() && *v < 0.0);
            let offset = f.pad_right + 1;
            f.pad_left = f
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + neginf as usize).saturating_sub(offset));
        }
        f
    }

    fn sign(&self, v: f64) -> &'static str {
        if v.is_sign_negative() {
            "-"
        } else if self.plus {
            "+"
        } else {
            ""
        }
    }

    /// Positional digits, at most PRECISION after the point, trimmed, always
    /// with a point (`1.`), with the sign.
    fn positional(&self, v: f64) -> String {
        let a = v.abs();
        let mut s = shortest_positional(a, self.kind);
        if frac_digits(&s) > PRECISION {
            s = format!("{a:.PRECISION$}");
            s = s.trim_end_matches('0').to_string();
        }
        if !s.contains('.') {
            s.push('.');
        }
        format!("{}{s}", self.sign(v))
    }

    /// Mantissa (with sign and point) and exponent; `precision` pads the
    /// mantissa with zeros to that many digits.
    fn mantissa_exponent(&self, v: f64, precision: Option<usize>) -> (String, i32) {
        let a = v.abs();
        let (mut m, mut e) = shortest_scientific(a, self.kind);
        if frac_digits(&m) > PRECISION {
            let s = format!("{a:.PRECISION$e}");
            let (mm, ee) = s.split_once('e').unwrap();
            m = mm.trim_end_matches('0').to_string();
            e = ee.parse().unwrap();
        }
        if !m.contains('.') {
            m.push('.');
        }
        if let Some(p) = precision.filter(|&p| p > frac_digits(&m)) {
            // More digits than the shortest form: the value's own digits
            // (NumPy's min_digits), correctly rounded.
            let s = format!("{a:.p$e}");
            let (mm, ee) = s.split_once('e').unwrap();
            m = mm.to_string();
            e = ee.parse().unwrap();
        }
        (format!("{}{m}", self.sign(v)), e)
    }

    fn format(&self, v: f64) -> String {
        if !v.is_finite() {
            let word = if v.is_nan() {
                format!("{}nan", if self.plus { "+" } else { "" })
            } else {
                format!("{}inf", self.sign(v))
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{word:>width$}");
        }
        if self.exp {
            let (m, e) = self.mantissa_exponent(v, Some(self.precision));
            let (int, frac) = m.split_once('.').unwrap();
            let esign = if e < 0 { '-' } else { '+' };
            let digits = format!("{:0w$}", e.unsigned_abs(), w = self.exp_size);
            format!("{int:>pl$}.{frac}e{esign}{digits}", pl = self.pad_left)
        } else {
            let s = self.positional(v);
            let (int, frac) = s.split_once('.').unwrap();
            format!(
                "{int:>pl$}.{frac:<pr$}",
                pl = self.pad_left,
                pr = self.pad_right
            )
        }
    }
}
