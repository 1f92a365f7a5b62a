//! Our own packed product for float32 and float64 on x86-64 with AVX2 and
//! FMA (in AVX-512 registers where the CPU has AVX-512F), the layout of
//! BLIS and OpenBLAS: `rhs` is copied a (KC, NC) block
//! at a time into panels NR columns wide, `lhs` an (MC, KC) block at a time
//! into panels MR rows tall, and a register tile of MR x NR accumulators
//! runs down KC of both panels. Any signed strides are read by the packing,
//! so transposed and reversed views cost one copy of each block, as in
//! every BLAS.
//!
//! Why not the gemm crate here: on the machine of the time (Zen 3, AVX2),
//! 1500^2 float64 on one core, best of 8 rounds alternating with these
//! loops in one process, its kernels ran at 25-34 GFLOP/s where these ran
//! at 33-40 (13-33% ahead over six blockings; OpenBLAS in another process
//! 34-39). Its blocking takes KC = 512, so one of its A panels (8 x 512
//! float64 = 32 KiB) fills the whole L1 cache; KC = 256 here keeps the
//! B micro-panel (16 KiB) in L1 while the A panel streams from L2. (The
//! AVX-512 tiles are twice as wide, a 32 KiB B micro-panel at KC = 256,
//! and still measured as fast as or faster than at KC = 128: see
//! `kernel`.)
//! Complex kinds and machines without AVX2 and FMA still use the gemm
//! crate.
//!
//! Each output element is the sum over KC blocks in k order, each block
//! summed in k order by one FMA chain: the same bits for any thread count
//! and whichever thread runs a piece.

use std::sync::atomic::{AtomicBool, Ordering};

use super::kernel::Mat;

/// Rows of a register tile (one broadcast of `lhs` each per k).
const MR: usize = 6;
/// k-depth of a packed block. KC 128-384 with MC 48-168 (eight pairs, both
/// threads, 1000^2 and 2000^2 float64 and 2000^2 float32, alternated in
/// one process, AVX2 tiles) measured within the machine's noise of each
/// other, and so did MC 120-360 for float32 alone.
const KC: usize = 256;
/// Rows of `lhs` packed at a time: MC x KC float64 is 240 KiB, a quarter
/// of the 1 MiB L2.
const MC: usize = 120;
/// Columns of `rhs` packed at a time: KC x NC float64 is 8 MiB of the
/// 32 MiB L3.
const NC: usize = 4080;

/// `c[0..mr, 0..nr] (+)= a_panel · b_panel` over `kc`: `a` is kc x MR (MR
/// consecutive per k), `b` is kc x NR (NR consecutive per k, 64-byte
/// aligned); `add` adds to what `c` holds, else overwrites it; `c`'s rows
/// are `rs` and its columns `cs` elements apart.
///
/// Safety: the CPU has the kernel's features; the panels hold kc·MR and
/// kc·NR elements; `c`'s `mr` x `nr` tile is writable.
type TileFn<T> = unsafe fn(usize, *const T, *const T, *mut T, isize, isize, bool, usize, usize);

/// A register-tile kernel and its width.
#[derive(Clone, Copy)]
pub(super) struct Kernel<T> {
    /// Columns of a register tile: of a packed panel of `rhs`.
    nr: usize,
    tile: TileFn<T>,
}

/// The element types with packed kernels: MR rows of two vectors a tile,
/// AVX2's (NR = 8 float64, 16 float32) and AVX-512F's (NR = 16 float64,
/// 32 float32).
pub(super) trait Packed: Copy + Default + 'static {
    const AVX2: Kernel<Self>;
    const AVX512: Kernel<Self>;
}

/// The kernel this CPU runs: AVX-512F's where it has it. Measured on the
/// 2-core Zen 4 host of 2026-12-06 from C, float64, GFLOP/s medians of
/// 5-16 products alternating in one process with OpenBLAS's dgemm: on one
/// thread 3000^2, AVX2 48.3, AVX-512 6x16 with KC = 128 52.0-52.4,
/// 12x8 (KC = 256) 50.2, 8x24 (KC = 128) 50.7, OpenBLAS 53.9-54.8; on
/// two, 4000^2 AVX2 97.0 against AVX-512 103.7 (OpenBLAS 108.0), 2000^2
/// 97.1 against 100.5 (103.7). The 6x16 tiles with KC = 256 against 128
/// (a 32 KiB B micro-panel against 16): float64 one thread 3000^2 49.9
/// and 51.0 against 48.8 and 48.3, two threads 4000^2 104.8 against
/// 102.0 (OpenBLAS 105.3), 2000^2 99.2 against 97.2; float32 two threads
/// 1000^2 172.9-193.9 against 165.2-188.5 over three runs (OpenBLAS
/// 187-198), 2000^2 197.6 against 183.2 (200.5), 4000^2 195.8 against
/// 197.5 (205.5).
fn kernel<T: Packed>() -> Kernel<T> {
    if has_avx512f() { T::AVX512 } else { T::AVX2 }
}

/// Whether this CPU runs the AVX-512 tiles.
fn has_avx512f() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// One register-tile kernel: `$name`, compiled for `$features`, MR rows of
/// two vectors of `$lanes` elements in `$v`, with that width's
/// intrinsics.
macro_rules! tile_kernel {
    ($name:ident, $features:literal, $t:ty, $lanes:expr, $v:ty, $zero:ident, $load:ident,
     $loadu:ident, $storeu:ident, $set1:ident, $fma:ident, $addv:ident) => {
        /// A register tile (`TileFn`).
        ///
        /// # Safety
        /// As `TileFn`.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        #[allow(clippy::too_many_arguments)]
        pub(super) unsafe fn $name(
            kc: usize,
            mut a: *const $t,
            mut b: *const $t,
            c: *mut $t,
            rs: isize,
            cs: isize,
            add: bool,
            mr: usize,
            nr: usize,
        ) {
            const NR: usize = 2 * $lanes;
            unsafe {
                let z: $v = $zero();
                let mut acc: [[$v; 2]; MR] = [[z; 2]; MR];
                // The tile's rows of c are read or written at the end:
                // start them towards L1 now.
                for i in 0..mr {
                    let row = c.wrapping_offset(i as isize * rs);
                    _mm_prefetch::<_MM_HINT_T0>(row as *const i8);
                    _mm_prefetch::<_MM_HINT_T0>(
                        row.wrapping_offset((nr - 1) as isize * cs) as *const i8
                    );
                }
                macro_rules! step {
                    ($o:expr) => {{
                        let b0 = $load(b.add($o * NR));
                        let b1 = $load(b.add($o * NR + $lanes));
                        // A loop of constant length over a fixed-size
                        // array: unrolled, the twelve accumulators stay
                        // in registers (the assembly is the same as of
                        // the twelve FMAs written out).
                        for (r, row) in acc.iter_mut().enumerate() {
                            let x = $set1(*a.add($o * MR + r));
                            row[0] = $fma(x, b0, row[0]);
                            row[1] = $fma(x, b1, row[1]);
                        }
                    }};
                }
                let mut p = kc;
                while p >= 4 {
                    // The A panel streams from L2; ask for it 8 steps ahead.
                    _mm_prefetch::<_MM_HINT_T0>(a.wrapping_add(8 * MR) as *const i8);
                    step!(0);
                    step!(1);
                    step!(2);
                    step!(3);
                    a = a.add(4 * MR);
                    b = b.add(4 * NR);
                    p -= 4;
                }
                while p > 0 {
                    step!(0);
                    a = a.add(MR);
                    b = b.add(NR);
                    p -= 1;
                }
                if mr == MR && nr == NR && cs == 1 {
                    for (i, row) in acc.iter().enumerate() {
                        let q = c.offset(i as isize * rs);
                        let (mut v0, mut v1) = (row[0], row[1]);
                        if add {
                            v0 = $addv($loadu(q), v0);
                            v1 = $addv($loadu(q.add($lanes)), v1);
                        }
                        $storeu(q, v0);
                        $storeu(q.add($lanes), v1);
                    }
                } else {
                    // An edge tile or a strided destination: through a
                    // buffer, element by element.
                    let mut t = [<$t>::default(); MR * NR];
                    for (i, row) in acc.iter().enumerate() {
                        $storeu(t.as_mut_ptr().add(i * NR), row[0]);
                        $storeu(t.as_mut_ptr().add(i * NR + $lanes), row[1]);
                    }
                    for i in 0..mr {
                        for j in 0..nr {
                            let q = c.offset(i as isize * rs + j as isize * cs);
                            let v = t[i * NR + j];
                            *q = if add { *q + v } else { v };
                        }
                    }
                }
            }
        }
    };
}

/// A type's two kernels (`$avx2` and `$avx512` over `$lanes` elements a
/// 256-bit vector) and its `Packed` impl.
macro_rules! packed_type {
    ($module:ident, $t:ty, $lanes:expr, [$($avx2:tt)*], [$($avx512:tt)*]) => {
        mod $module {
            #[cfg(target_arch = "x86_64")]
            use std::arch::x86_64::*;

            use super::MR;
            tile_kernel!(avx2, "avx2,fma", $t, $lanes, $($avx2)*);
            tile_kernel!(avx512, "avx512f,avx2,fma", $t, 2 * $lanes, $($avx512)*);
        }

        #[cfg(target_arch = "x86_64")]
        impl Packed for $t {
            const AVX2: Kernel<$t> = Kernel {
                nr: 2 * $lanes,
                tile: $module::avx2,
            };
            const AVX512: Kernel<$t> = Kernel {
                nr: 4 * $lanes,
                tile: $module::avx512,
            };
        }

        // Never run (`available()` is false): a kernel that cannot be called.
        #[cfg(not(target_arch = "x86_64"))]
        impl Packed for $t {
            const AVX2: Kernel<$t> = Kernel {
                nr: 2 * $lanes,
                tile: |_, _, _, _, _, _, _, _, _| unreachable!("no packed kernels here"),
            };
            const AVX512: Kernel<$t> = Self::AVX2;
        }
    };
}

packed_type!(
    f64_tile,
    f64,
    4,
    [
        __m256d,
        _mm256_setzero_pd,
        _mm256_load_pd,
        _mm256_loadu_pd,
        _mm256_storeu_pd,
        _mm256_set1_pd,
        _mm256_fmadd_pd,
        _mm256_add_pd
    ],
    [
        __m512d,
        _mm512_setzero_pd,
        _mm512_load_pd,
        _mm512_loadu_pd,
        _mm512_storeu_pd,
        _mm512_set1_pd,
        _mm512_fmadd_pd,
        _mm512_add_pd
    ]
);
packed_type!(
    f32_tile,
    f32,
    8,
    [
        __m256,
        _mm256_setzero_ps,
        _mm256_load_ps,
        _mm256_loadu_ps,
        _mm256_storeu_ps,
        _mm256_set1_ps,
        _mm256_fmadd_ps,
        _mm256_add_ps
    ],
    [
        __m512,
        _mm512_setzero_ps,
        _mm512_load_ps,
        _mm512_loadu_ps,
        _mm512_storeu_ps,
        _mm512_set1_ps,
        _mm512_fmadd_ps,
        _mm512_add_ps
    ]
);

/// Whether this machine runs the packed kernels (AVX2 and FMA).
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A 64-byte aligned scratch block; panels start on cache lines.
#[repr(C, align(64))]
struct Line([u8; 64]);

/// Aligned room for `len` elements of `T`, left unwritten: the packing
/// writes every element of a panel, padding included, before a tile reads
/// it.
fn scratch<T>(len: usize) -> Vec<Line> {
    Vec::with_capacity((len * std::mem::size_of::<T>()).div_ceil(64))
}

/// Copies `lhs[0..mc, 0..kc]` (element strides `rs`, `cs`) into panels of
/// MR rows: for each k the panel's MR values in a row, zeros past `mc`.
unsafe fn pack_lhs<T: Packed>(
    mc: usize,
    kc: usize,
    a: *const T,
    rs: isize,
    cs: isize,
    dst: *mut T,
) {
    let mut d = dst;
    for i0 in (0..mc).step_by(MR) {
        let rows = MR.min(mc - i0);
        unsafe {
            for i in 0..MR {
                if i < rows {
                    let src = a.offset((i0 + i) as isize * rs);
                    for p in 0..kc {
                        *d.add(p * MR + i) = *src.offset(p as isize * cs);
                    }
                } else {
                    for p in 0..kc {
                        *d.add(p * MR + i) = T::default();
                    }
                }
            }
            d = d.add(kc * MR);
        }
    }
}

/// Copies `rhs[0..kc, 0..nc]` into panels of `nr` columns: for each k the
/// panel's `nr` values in a row, zeros past `nc`.
unsafe fn pack_rhs<T: Packed>(
    (kc, nc, nr): (usize, usize, usize),
    b: *const T,
    rs: isize,
    cs: isize,
    dst: *mut T,
) {
    let mut d = dst;
    for j0 in (0..nc).step_by(nr) {
        let cols = nr.min(nc - j0);
        unsafe {
            for p in 0..kc {
                let src = b.offset(p as isize * rs + j0 as isize * cs);
                let row = d.add(p * nr);
                if cols == nr && cs == 1 {
                    std::ptr::copy_nonoverlapping(src, row, nr);
                } else {
                    for j in 0..nr {
                        *row.add(j) = if j < cols {
                            *src.offset(j as isize * cs)
                        } else {
                            T::default()
                        };
                    }
                }
            }
            d = d.add(kc * nr);
        }
    }
}

/// An operand, the destination or a packing buffer, shared by the pieces
/// of one product.
#[derive(Clone, Copy)]
struct Shared<T>(*mut T);
// SAFETY: the operands are only read; pieces write disjoint tiles of the
// destination, disjoint panels of the packed rhs block (read only in the
// step after: `each` returns when every piece is done), and lhs slots
// they hold alone.
unsafe impl<T> Sync for Shared<T> {}
unsafe impl<T> Send for Shared<T> {}
impl<T> Shared<T> {
    /// The pointer (a method, so closures capture the whole `Shared`).
    fn at(self) -> *mut T {
        self.0
    }
}

/// `f(piece)` for every piece in `0..pieces`: on ndcore's team when
/// `threads > 1`, else in order here.
fn each(threads: usize, pieces: usize, f: &(dyn Fn(usize) + Sync)) {
    if threads > 1 {
        crate::iter::team::for_pieces(pieces, f)
    } else {
        (0..pieces).for_each(f)
    }
}

/// `dst := lhs · rhs` (element strides whole, by contract), on every
/// thread of ndcore's team when `par`, with the kernel this CPU runs
/// (`kernel`).
///
/// # Safety
/// `available()`; every element the shapes and strides reach is valid;
/// `dst` is writable and overlaps neither operand; `k > 0`.
pub(super) unsafe fn matmul<T: Packed>(
    m: usize,
    n: usize,
    k: usize,
    dst: Mat,
    lhs: Mat,
    rhs: Mat,
    par: bool,
) {
    unsafe { matmul_with(kernel::<T>(), (m, n, k), (dst, lhs, rhs), par) }
}

/// `matmul` with kernel `kern`. For each (KC, NC) block of `rhs`
/// the threads first pack its panels between them (one shared copy),
/// then share the register tiles in pieces of up to MC rows (`plan`):
/// each piece packs its rows of `lhs` into a slot of its own and runs
/// them against the block (or, when there are fewer row blocks than
/// threads, against a range of its panels). Against a copy of `rhs` per
/// thread (a slab of rows each, as the gemm crate is given), best of 8
/// rounds alternating in one process: float64 2000^2 74 against 70
/// GFLOP/s and 4000^2 70 against 66, float32 1000^2 138 against 131; tall
/// (4000 x 200 x 100), wide and 300^2 products within the noise.
///
/// # Safety
/// As `matmul`, and the CPU has the kernel's features.
unsafe fn matmul_with<T: Packed>(
    kern: Kernel<T>,
    (m, n, k): (usize, usize, usize),
    (dst, lhs, rhs): (Mat, Mat, Mat),
    par: bool,
) {
    let el = |bytes: isize| bytes / std::mem::size_of::<T>() as isize;
    let (mut c, mut a, mut b) = (dst, lhs, rhs);
    let (mut m, mut n) = (m, n);
    // The full tiles store rows of `dst` with vector stores when its
    // columns are adjacent. A column-major `dst` is the transposed
    // product's row-major one: dst.T = rhs.T · lhs.T.
    if el(c.cs).unsigned_abs() != 1 && el(c.rs).unsigned_abs() == 1 {
        let t = |x: Mat| Mat {
            ptr: x.ptr,
            rs: x.cs,
            cs: x.rs,
        };
        (c, a, b) = (t(c), t(rhs), t(lhs));
        (m, n) = (n, m);
    }
    let (rsc, csc) = (el(c.rs), el(c.cs));
    let (rsa, csa) = (el(a.rs), el(a.cs));
    let (rsb, csb) = (el(b.rs), el(b.cs));
    let (c, a, b) = (
        Shared(c.ptr as *mut T),
        Shared(a.ptr as *mut T),
        Shared(b.ptr as *mut T),
    );
    let threads = if par { crate::iter::team::threads() } else { 1 };
    let nr = kern.nr;
    let kcb = KC.min(k);
    let ncb = NC.min(n);
    let mut rhs_room = scratch::<T>(ncb.next_multiple_of(nr) * kcb);
    let pb = Shared(rhs_room.as_mut_ptr() as *mut T);
    // Room for one packed block of lhs rows per piece running at once:
    // a piece takes a free slot, so the block it packs is in its core's
    // L2 when its tiles read it.
    let slots = 2 * threads;
    let slot_len = MC.next_multiple_of(MR) * kcb;
    let mut lhs_room = scratch::<T>(slots * slot_len);
    let pa = Shared(lhs_room.as_mut_ptr() as *mut T);
    let taken: Vec<AtomicBool> = (0..slots).map(|_| AtomicBool::new(false)).collect();
    // Ranges of rhs panels packed per thread.
    let parts = if threads > 1 { 2 * threads } else { 1 };
    for jc in (0..n).step_by(ncb) {
        let nc = ncb.min(n - jc);
        let b_panels = nc.div_ceil(nr);
        let (rows, blocks, spans) = plan(m, threads, b_panels);
        for pc in (0..k).step_by(kcb) {
            let kc = kcb.min(k - pc);
            each(threads, parts, &|q| {
                let (lo, hi) = (b_panels * q / parts, b_panels * (q + 1) / parts);
                let (j0, j1) = (lo * nr, (hi * nr).min(nc));
                if j0 < j1 {
                    unsafe {
                        let src = b.at().offset(pc as isize * rsb + (jc + j0) as isize * csb);
                        pack_rhs((kc, j1 - j0, nr), src, rsb, csb, pb.at().add(j0 * kc));
                    }
                }
            });
            each(threads, blocks * spans, &|piece| {
                let (block, span) = (piece / spans, piece % spans);
                let (i0, i1) = (block * rows, (block * rows + rows).min(m));
                let (p0, p1) = (b_panels * span / spans, b_panels * (span + 1) / spans);
                // At most `threads` pieces run at once: a slot is free.
                let slot = loop {
                    let free = taken.iter().position(|t| {
                        t.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                            .is_ok()
                    });
                    match free {
                        Some(slot) => break slot,
                        None => std::hint::spin_loop(),
                    }
                };
                let own = unsafe { pa.at().add(slot * slot_len) };
                unsafe {
                    let src = a.at().offset(i0 as isize * rsa + pc as isize * csa);
                    pack_lhs(i1 - i0, kc, src, rsa, csa, own);
                }
                for jr in (p0 * nr..p1 * nr).step_by(nr) {
                    for ir in (i0..i1).step_by(MR) {
                        unsafe {
                            (kern.tile)(
                                kc,
                                own.add((ir - i0) * kc),
                                pb.at().add(jr * kc),
                                c.at().offset(ir as isize * rsc + (jc + jr) as isize * csc),
                                rsc,
                                csc,
                                pc > 0,
                                MR.min(m - ir),
                                nr.min(nc - jr),
                            )
                        }
                    }
                }
                taken[slot].store(false, Ordering::Release);
            });
        }
    }
}

/// How the `m` rows of a product are shared: blocks of `rows` rows (a
/// multiple of MR, at most MC), as many blocks as a multiple of the thread
/// count so that the threads get even shares, each block one piece, or,
/// when there are fewer blocks than threads, each block cut into `spans`
/// ranges of rhs panels (each such piece packs its own copy of the
/// block's rows). Returns (rows, blocks, spans).
fn plan(m: usize, threads: usize, panels: usize) -> (usize, usize, usize) {
    let blocks = m.div_ceil(MC).next_multiple_of(threads);
    let rows = m.div_ceil(blocks).next_multiple_of(MR);
    let blocks = m.div_ceil(rows);
    let spans = if blocks >= threads {
        1
    } else {
        (2 * threads).div_ceil(blocks).min(panels).max(1)
    };
    (rows, blocks, spans)
}

#[cfg(test)]
mod tests {
    use super::super::kernel::tests::store;
    use super::*;
    use std::fmt::Debug;

    /// Small integers, exact in any summation order in both types.
    fn values<T: From<i8>>(len: usize, seed: &mut u64) -> Vec<T> {
        (0..len)
            .map(|_| {
                *seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                T::from(((*seed >> 33) % 7) as i8 - 3)
            })
            .collect()
    }

    /// Each kernel this CPU runs, as `check` takes them.
    fn kernels<T: Packed>() -> Vec<Kernel<T>> {
        let mut all = vec![T::AVX2];
        if has_avx512f() {
            all.push(T::AVX512);
        }
        all
    }

    fn check<T>(sentinel: T, kern: Kernel<T>)
    where
        T: Packed
            + From<i8>
            + PartialEq
            + Debug
            + std::ops::Add<Output = T>
            + std::ops::Mul<Output = T>,
    {
        // Every edge: partial register tiles (m % 6, n % NR), k past one
        // and two KC blocks, m past MC blocks, n past an
        // NC block; each on one thread and on the team.
        let shapes = [
            (1, 1, 1),
            (5, 7, 3),
            (6, 16, 4),
            (7, 17, 257),
            (9, 35, 129),
            (13, 9, 513),
            (241, 33, 300),
            (1000, 9, 40),
            (7, NC + 5, 260),
        ];
        let mut seed = 3u64;
        let s = std::mem::size_of::<T>() as isize;
        for &(m, n, k) in &shapes {
            let a: Vec<T> = values(m * k, &mut seed);
            let b: Vec<T> = values(k * n, &mut seed);
            let mut want = vec![T::from(0); m * n];
            for i in 0..m {
                for j in 0..n {
                    let mut acc = T::from(0);
                    for p in 0..k {
                        acc = acc + a[i * k + p] * b[p * n + j];
                    }
                    want[i * n + j] = acc;
                }
            }
            for layout in 0..3 {
                let (mut sa, ars, acs, a0) = store(&a, m, k, layout);
                let (mut sb, brs, bcs, b0) = store(&b, k, n, (layout + 1) % 3);
                let lhs = Mat {
                    ptr: sa.as_mut_ptr().wrapping_add(a0) as *mut u8,
                    rs: ars,
                    cs: acs,
                };
                let rhs = Mat {
                    ptr: sb.as_mut_ptr().wrapping_add(b0) as *mut u8,
                    rs: brs,
                    cs: bcs,
                };
                // Destinations: C order, F order (the transposed
                // product), every other column of every other row (gaps
                // that must keep the sentinel), and reversed.
                let (m_, n_) = (m as isize, n as isize);
                let dsts: [(usize, isize, isize, isize); 4] = [
                    (m * n, n_, 1, 0),
                    (m * n, 1, m_, 0),
                    (4 * m * n, 4 * n_, 2, 0),
                    (m * n, -n_, -1, m_ * n_ - 1),
                ];
                let runs = dsts
                    .iter()
                    .enumerate()
                    .flat_map(|d| [(d, false), (d, true)]);
                for ((d, &(len, rs, cs, at)), par) in runs {
                    let mut out = vec![sentinel; len];
                    let dst = Mat {
                        ptr: out.as_mut_ptr().wrapping_offset(at) as *mut u8,
                        rs: rs * s,
                        cs: cs * s,
                    };
                    unsafe { matmul_with::<T>(kern, (m, n, k), (dst, lhs, rhs), par) };
                    let mut seen = vec![false; len];
                    for i in 0..m {
                        for j in 0..n {
                            let q = (at + i as isize * rs + j as isize * cs) as usize;
                            seen[q] = true;
                            assert_eq!(
                                out[q],
                                want[i * n + j],
                                "{m}x{n}x{k} NR {} layout {layout} dst {d} par {par} at ({i}, {j})",
                                kern.nr
                            );
                        }
                    }
                    for (q, v) in out.iter().enumerate() {
                        assert!(
                            seen[q] || *v == sentinel,
                            "{m}x{n}x{k} dst {d} wrote outside at {q}"
                        );
                    }
                }
            }
        }
    }

    /// The AVX2 and the AVX-512 tiles give the same bits on random floats:
    /// each element is one chain of fused multiply-adds over the same KC
    /// blocks whatever the tile width (edge tiles on both widths, k past
    /// two KC blocks).
    #[test]
    fn both_tile_widths_round_alike() {
        fn run<T: Packed>(
            kern: Kernel<T>,
            (m, n, k): (usize, usize, usize),
            a: &[T],
            b: &[T],
        ) -> Vec<T> {
            let s = std::mem::size_of::<T>() as isize;
            let mat = |p: *const T, rs: usize| Mat {
                ptr: p as *mut u8,
                rs: rs as isize * s,
                cs: s,
            };
            let mut out = vec![T::default(); m * n];
            let dst = mat(out.as_mut_ptr(), n);
            // SAFETY: the operands and the destination hold m x k, k x n
            // and m x n elements; the CPU runs the kernel (`kernels`).
            unsafe {
                matmul_with(
                    kern,
                    (m, n, k),
                    (dst, mat(a.as_ptr(), k), mat(b.as_ptr(), n)),
                    true,
                )
            };
            out
        }
        if !available() || kernels::<f64>().len() < 2 {
            eprintln!("no AVX-512F here: one tile width only");
            return;
        }
        let (m, n, k) = (37, 45, 600);
        let mut seed = 5u64;
        let mut draw = |len: usize| -> Vec<f64> {
            (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
                })
                .collect()
        };
        // Both widths' products of a and b, compared bit for bit.
        fn alike<T: Packed>(shape: (usize, usize, usize), a: &[T], b: &[T], bits: fn(&T) -> u64) {
            let [narrow, wide] = [T::AVX2, T::AVX512].map(|kern| run(kern, shape, a, b));
            assert!(narrow.iter().zip(&wide).all(|(x, y)| bits(x) == bits(y)));
        }
        let (a, b) = (draw(m * k), draw(k * n));
        alike((m, n, k), &a, &b, |v| v.to_bits());
        let narrow = |v: &[f64]| -> Vec<f32> { v.iter().map(|&x| x as f32).collect() };
        alike((m, n, k), &narrow(&a), &narrow(&b), |v| v.to_bits().into());
    }

    #[test]
    fn every_edge_and_layout_matches_the_naive_product() {
        if !available() {
            eprintln!("no AVX2 and FMA here: the packed kernels are not used");
            return;
        }
        for kern in kernels::<f64>() {
            check::<f64>(f64::from(99i8), kern);
        }
        for kern in kernels::<f32>() {
            check::<f32>(f32::from(99i8), kern);
        }
    }
}
