//! The N-d loop engine: walks operands that share a shape (each with its own
//! byte strides and data pointer) as a sequence of 1-d runs, the axes
//! coalesced and ordered by `layout::loop_dims`, and hands each run to a
//! typed inner loop. Kernels see only (pointers, strides, length).
//!
//! Later work extends this engine (tiling for mismatched layouts, splitting
//! across threads, chains of kernels per block) without changing kernels.

use crate::layout;

/// Call `run(ptrs, strides, len)` for every 1-d run covering `shape`.
///
/// # Safety
/// For each operand `k`, every address `ptrs[k] + sum(i_d * strides[k][d])`
/// with `0 <= i_d < shape[d]` must be valid for the accesses `run` makes.
pub unsafe fn for_each_run<const N: usize>(
    shape: &[usize],
    ptrs: [*mut u8; N],
    strides: [&[isize]; N],
    mut run: impl FnMut([*mut u8; N], [isize; N], usize),
) {
    let (dims, steps) = layout::loop_dims(shape, strides);
    let inner = dims.len() - 1;
    let (len, inner_steps) = (dims[inner], steps[inner]);
    if len == 0 {
        return;
    }
    let outer = &dims[..inner];
    let mut index = vec![0usize; outer.len()];
    let mut p = ptrs;
    loop {
        run(p, inner_steps, len);
        // Advance the odometer over the outer axes, innermost first.
        let mut axis = outer.len();
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            for k in 0..N {
                p[k] = p[k].wrapping_offset(steps[axis][k]);
            }
            if index[axis] < outer[axis] {
                break;
            }
            for k in 0..N {
                p[k] = p[k].wrapping_offset(-(steps[axis][k] * outer[axis] as isize));
            }
            index[axis] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_every_element_once_in_any_layout() {
        // A (3, 4) view with negative and transposed strides over 12 slots.
        let mut data = [0u8; 12];
        let base = data.as_mut_ptr();
        for strides in [[4isize, 1], [1, 3], [-4, 1], [-1, -3]] {
            data = [0; 12];
            let start = base.wrapping_offset(
                (if strides[0] < 0 { -strides[0] * 2 } else { 0 })
                    + (if strides[1] < 0 { -strides[1] * 3 } else { 0 }),
            );
            unsafe {
                for_each_run(&[3, 4], [start], [&strides], |[p], [s], n| {
                    for i in 0..n as isize {
                        *p.wrapping_offset(i * s) += 1;
                    }
                })
            };
            assert!(data.iter().all(|&x| x == 1), "{strides:?}: {data:?}");
        }
    }
}
