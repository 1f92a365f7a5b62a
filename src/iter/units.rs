//! The unit grid: the coalesced loop dimensions cut into units of work, so a
//! walk can start at any unit (threads take ranges of units) and read
//! mismatched layouts tile by tile.
//!
//! A unit is `rows` runs of the inner axis, each `n` long: one row when not
//! tiled, a block of the tile axis when tiled. Units are numbered in C order
//! over [outer axes but the tile axis, tile-axis blocks, inner blocks].

use crate::layout::{self, Dims, LoopSteps};

/// Rows of a tile: a multiple of 8, so each 64-byte line of a transposed
/// float64 operand is used whole before the tile moves on.
const TILE_ROWS: usize = 16;
/// Inner elements of a tile: TILE_COLS lines of the transposed operand
/// (16 KiB) stay in L1 while the tile's rows are walked.
const TILE_COLS: usize = 256;
/// Inner blocks split for threads are multiples of this many elements, so
/// that pieces start on cache lines and SIMD loops keep whole vectors.
const BLOCK_ALIGN: usize = 512;

/// A tiled walk: the tile axis' length, rows per tile, the row strides,
/// and for each operand the element size when its tile is read through a
/// dense scratch copy (inputs that step far along the inner axis but
/// contiguously along the tile axis: `M.T` in `M.T + M`).
struct Tile<const N: usize> {
    dim: usize,
    rows: usize,
    row_steps: [isize; N],
    buffered: [Option<usize>; N],
}

pub(super) struct Grid<const N: usize> {
    /// Units along each grid axis, and the pointer step of one unit there.
    counts: Dims,
    steps: LoopSteps<N>,
    /// Length of the inner axis and of its blocks; their byte strides.
    len: usize,
    block: usize,
    inner_steps: [isize; N],
    tile: Option<Tile<N>>,
}

impl<const N: usize> Grid<N> {
    /// The grid over loop dimensions from `layout::loop_dims` (non-empty).
    /// `inputs` allows tiles (which visit inner runs in pieces: only for
    /// elementwise work), giving each operand's element size when it is an
    /// input that may be read through a scratch copy, 0 otherwise. With
    /// `pieces`, inner runs are cut so there are at least that many units
    /// when the outer axes alone give fewer.
    pub(super) fn new(
        dims: &[usize],
        steps: &[[isize; N]],
        inputs: Option<[usize; N]>,
        pieces: Option<usize>,
    ) -> Self {
        let tiled = inputs.is_some();
        let inner = dims.len() - 1;
        let len = dims[inner];
        let inner_steps = steps[inner];
        let tile = if tiled {
            layout::tile_axis(dims, steps)
        } else {
            None
        };
        let mut counts = Dims::new();
        let mut grid_steps = LoopSteps::<N>::new();
        for a in (0..inner).filter(|&a| Some(a) != tile) {
            counts.push(dims[a]);
            grid_steps.push(steps[a]);
        }
        let block = match tile {
            Some(t) => {
                counts.push(dims[t].div_ceil(TILE_ROWS));
                grid_steps.push(steps[t].map(|s| s * TILE_ROWS as isize));
                TILE_COLS.min(len)
            }
            None => {
                let outer: usize = counts.iter().product();
                match pieces {
                    Some(p) if outer < p => {
                        let cuts = p.div_ceil(outer);
                        len.div_ceil(cuts).next_multiple_of(BLOCK_ALIGN).min(len)
                    }
                    _ => len,
                }
            }
        };
        counts.push(len.div_ceil(block));
        grid_steps.push(inner_steps.map(|s| s * block as isize));
        Grid {
            counts,
            steps: grid_steps,
            len,
            block,
            inner_steps,
            tile: tile.map(|t| Tile {
                dim: dims[t],
                rows: TILE_ROWS,
                row_steps: steps[t],
                buffered: std::array::from_fn(|k| {
                    let size = inputs.map_or(0, |s| s[k]);
                    let wants = size > 0
                        && steps[t][k] == size as isize
                        && inner_steps[k].unsigned_abs() > size * 8;
                    wants.then_some(size)
                }),
            }),
        }
    }

    /// Number of units.
    pub(super) fn units(&self) -> usize {
        self.counts.iter().product()
    }

    /// Call `run` for every run of units `start..end`.
    ///
    /// # Safety
    /// `ptrs` with the grid's strides must address valid memory for every
    /// element of those units, as `run` accesses it.
    pub(super) unsafe fn walk(
        &self,
        ptrs: [*mut u8; N],
        start: usize,
        end: usize,
        run: &mut impl FnMut([*mut u8; N], [isize; N], usize),
    ) {
        if start >= end {
            return;
        }
        let axes = self.counts.len();
        // The multi-index of `start`, and the pointers there.
        let mut index: Dims = smallvec::smallvec![0usize; axes];
        let mut p = ptrs;
        let mut rest = start;
        for a in (0..axes).rev() {
            index[a] = rest % self.counts[a];
            rest /= self.counts[a];
            for k in 0..N {
                p[k] = p[k].wrapping_offset(self.steps[a][k] * index[a] as isize);
            }
        }
        let last = axes - 1;
        // Dense copies of the buffered operands' current tile.
        let mut scratch: [Vec<u64>; N] = std::array::from_fn(|k| match &self.tile {
            Some(t) if t.buffered[k].is_some() => {
                vec![0u64; (t.rows * self.block * t.buffered[k].unwrap_or(0)).div_ceil(8)]
            }
            _ => Vec::new(),
        });
        for _ in start..end {
            let n = self.block.min(self.len - index[last] * self.block);
            match &self.tile {
                None => run(p, self.inner_steps, n),
                Some(t) => {
                    let rows = t.rows.min(t.dim - index[last - 1] * t.rows);
                    let mut q = p;
                    let mut inner = self.inner_steps;
                    for k in 0..N {
                        if let Some(size) = t.buffered[k] {
                            let dst = scratch[k].as_mut_ptr() as *mut u8;
                            // SAFETY: the tile's elements are valid (caller);
                            // the scratch holds rows * block elements.
                            unsafe {
                                transpose_tile(p[k], self.inner_steps[k], dst, rows, n, size)
                            };
                            q[k] = dst;
                            inner[k] = size as isize;
                        }
                    }
                    for _ in 0..rows {
                        run(q, inner, n);
                        for k in 0..N {
                            q[k] = match t.buffered[k] {
                                Some(size) => q[k].wrapping_add(n * size),
                                None => q[k].wrapping_offset(t.row_steps[k]),
                            };
                        }
                    }
                }
            }
            // Advance the odometer, innermost grid axis first.
            let mut a = axes;
            while a > 0 {
                a -= 1;
                index[a] += 1;
                for k in 0..N {
                    p[k] = p[k].wrapping_offset(self.steps[a][k]);
                }
                if index[a] < self.counts[a] {
                    break;
                }
                for k in 0..N {
                    p[k] = p[k].wrapping_offset(-(self.steps[a][k] * self.counts[a] as isize));
                }
                index[a] = 0;
            }
        }
    }
}

/// Copy a `rows` x `n` tile whose rows are contiguous in the source's
/// other direction (element `(r, j)` at `src + r * size + j * step`) into
/// `dst` as `rows` dense runs of `n`: each source column is read as one
/// contiguous piece, so every cache line loaded is used whole.
///
/// # Safety
/// Every element of the tile is readable; `dst` holds `rows * n * size` bytes.
unsafe fn transpose_tile(
    src: *const u8,
    step: isize,
    dst: *mut u8,
    rows: usize,
    n: usize,
    size: usize,
) {
    with_uint_of_size!(size, T => {
        let dst = dst as *mut T;
        for j in 0..n {
            let col = src.wrapping_offset(j as isize * step) as *const T;
            for r in 0..rows {
                // SAFETY: forwarded from the caller.
                unsafe { dst.add(r * n + j).write(col.add(r).read_unaligned()) };
            }
        }
    }, _ => {
        // Records and other sizes: one strided copy per source column.
        for j in 0..n {
            // SAFETY: forwarded from the caller.
            unsafe {
                super::copy_elements(
                    src.wrapping_offset(j as isize * step),
                    size as isize,
                    dst.add(j * size),
                    (n * size) as isize,
                    rows,
                    size,
                )
            };
        }
    })
}
