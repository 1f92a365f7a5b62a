//! The dense inner loops shared by the elementwise kernels: every operand
//! either a contiguous aligned run or one repeated element (a 0-d or
//! broadcast scalar, step 0), walked over raw pointers in groups.
//!
//! Each group loads all its inputs before it stores its outputs, so an
//! output that is exactly one of the inputs (in place: `a += b`,
//! `add(a, b, out=a)`, what NumPy's temporary elision produces) vectorises
//! as well as distinct operands. Loops over slices cannot: two slices of
//! one memory are not allowed, and over raw pointers the compiler guards
//! its vector loop with an overlap test that sends exact aliasing to a
//! scalar loop (measured: `add(a, 4.0, out=a)` on 1e5 float64 ran 1.8x
//! slower than into a new array). A repeated element is read once before
//! the loop, so a store can never be taken to change it.
//!
//! Groups are 8 elements, taken 4 at a time for 1-byte and 2 at a time for
//! 2-byte types, so the widest operand moves at least 32 bytes (a 256-bit
//! vector) a step; whole groups are straight-line vector code, so short
//! runs (small calls) skip a loop vectoriser's set-up, and the rest is a
//! scalar tail.

use super::simd::dispatch;

/// Elements a group.
const G: usize = 8;

/// An input: a run of elements at `p`, or (`RUN` false) the element `v`.
#[derive(Clone, Copy)]
struct Src<T, const RUN: bool> {
    p: *const T,
    v: T,
}

impl<T: Copy, const RUN: bool> Src<T, RUN> {
    /// # Safety
    /// `p` valid for one element (callers have `n > 0`).
    #[inline(always)]
    unsafe fn new(p: *const T) -> Self {
        // SAFETY: forwarded.
        Src {
            p,
            v: unsafe { p.read() },
        }
    }

    /// Elements `i .. i + L`.
    #[inline(always)]
    unsafe fn group<const L: usize>(&self, i: usize) -> [T; L] {
        if RUN {
            // SAFETY: the caller's run holds `i + L` aligned elements.
            unsafe { self.p.add(i).cast::<[T; L]>().read() }
        } else {
            [self.v; L]
        }
    }

    /// Element `i`.
    #[inline(always)]
    unsafe fn at(&self, i: usize) -> T {
        if RUN {
            // SAFETY: as `group`.
            unsafe { self.p.add(i).read() }
        } else {
            self.v
        }
    }
}

/// One dense loop per arity: `$name::<types.., RUN flags..>(inputs.., out,
/// n, f)`, each input a pointer to a run or (flag false) to one repeated
/// element. Callers pick the flags with a `match`, so only the
/// combinations they use are compiled.
macro_rules! dense_loop {
    ($name:ident; $($t:ident $p:ident $r:ident $c:ident $x:ident),+) => {
        /// The dense loop over `n` elements (see the module docs).
        ///
        /// # Safety
        /// Every input is valid and aligned for `n` elements when a run, for
        /// one when not; `out` is valid, aligned and writable for `n`
        /// elements and overlaps no input except by being exactly a run
        /// input of the same element size.
        #[inline(always)]
        pub unsafe fn $name<$($t: Copy,)+ O: Copy, $(const $r: bool),+>(
            $($p: *const $t,)+
            out: *mut O,
            n: usize,
            f: impl Fn($($t),+) -> O + Copy,
        ) {
            if n == 0 {
                return;
            }
            // SAFETY (both blocks): forwarded from the caller; `n > 0`.
            $(let $c = unsafe { Src::<$t, $r>::new($p) };)+
            dispatch(
                #[inline(always)]
                move || unsafe {
                    // The operands by value in locals: read through the
                    // closure's captures, each would be reloaded after
                    // every store (the compiler cannot tell that `out`
                    // does not point at them).
                    $(let $c = $c;)+
                    let (out, n, f) = (out, n, f);
                    // Groups of 8, `reps` of them a step so that every
                    // operand moves at least 32 bytes a step.
                    let widest = 0 $(.max(size_of::<$t>()))+ .max(size_of::<O>());
                    let reps = (4 / widest.min(4)).max(1);
                    let whole = n - n % (G * reps);
                    let mut i = 0;
                    while i < whole {
                        for _ in 0..reps {
                            $(let $x = $c.group::<G>(i);)+
                            let r: [O; G] = std::array::from_fn(|k| f($($x[k]),+));
                            out.add(i).cast::<[O; G]>().write(r);
                            i += G;
                        }
                    }
                    for i in whole..n {
                        out.add(i).write(f($($c.at(i)),+));
                    }
                },
            )
        }
    };
}

dense_loop!(unary; A a RA ca xa);
dense_loop!(binary; A a RA ca xa, B b RB cb xb);
dense_loop!(ternary; A a RA ca xa, B b RB cb xb, C c RC cc xc);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_and_repeated_operands_match_a_scalar_loop() {
        for n in [0usize, 1, 7, 8, 9, 31, 32, 33, 100] {
            let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 3.0).collect();
            let y: Vec<f64> = (0..n).map(|i| 1.0 + i as f64).collect();
            let want: Vec<f64> = x.iter().zip(&y).map(|(a, b)| a * b - 1.0).collect();
            // Distinct output.
            let mut o = vec![0.0; n];
            unsafe {
                binary::<_, _, _, true, true>(x.as_ptr(), y.as_ptr(), o.as_mut_ptr(), n, |a, b| {
                    a * b - 1.0
                })
            };
            assert_eq!(o, want);
            // Output exactly the first input, then the second.
            let mut io = x.clone();
            let p = io.as_mut_ptr();
            unsafe {
                binary::<_, _, _, true, true>(p as *const f64, y.as_ptr(), p, n, |a, b| a * b - 1.0)
            };
            assert_eq!(io, want);
            let mut io = y.clone();
            let p = io.as_mut_ptr();
            unsafe {
                binary::<_, _, _, true, true>(x.as_ptr(), p as *const f64, p, n, |a, b| a * b - 1.0)
            };
            assert_eq!(io, want);
            // A repeated element, in place over bytes (groups of 32).
            let bytes: Vec<u8> = (0..n).map(|i| i as u8).collect();
            let mut io = bytes.clone();
            let p = io.as_mut_ptr();
            let three = 3u8;
            unsafe {
                binary::<_, _, _, true, false>(p as *const u8, &three, p, n, u8::wrapping_mul)
            };
            assert_eq!(
                io,
                bytes.iter().map(|b| b.wrapping_mul(3)).collect::<Vec<_>>()
            );
            // Unary and ternary with mixed element sizes.
            let mut neg = vec![0i16; n];
            unsafe {
                unary::<_, _, true>(bytes.as_ptr(), neg.as_mut_ptr(), n, |b: u8| -(b as i16))
            };
            assert_eq!(neg, bytes.iter().map(|&b| -(b as i16)).collect::<Vec<_>>());
            let cond: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
            let (lo, zero) = (-1.0f64, 0.0f64);
            let mut sel = x.clone();
            let p = sel.as_mut_ptr();
            unsafe {
                ternary::<_, _, _, _, true, true, false>(
                    cond.as_ptr(),
                    p as *const f64,
                    &lo,
                    p,
                    n,
                    |c, a, b| if c { a } else { b + zero },
                )
            };
            let want: Vec<f64> = cond
                .iter()
                .zip(&x)
                .map(|(&c, &a)| if c { a } else { lo })
                .collect();
            assert_eq!(sel, want);
        }
    }
}
