//! Runtime instruction-set dispatch for the dense loops: a loop body passed
//! to `dispatch` is compiled twice, for the x86-64 baseline (SSE2) and for
//! AVX2 + FMA, and the AVX2 copy runs when the CPU has it (the check is a
//! cached flag in std). Rust never contracts `a * b + c` into an FMA on
//! its own, so both copies round identically; only vector width differs.

/// Does this CPU run the AVX2 copies?
#[inline(always)]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Does this CPU also have AVX-512F and AVX-512VL: 32 vector registers
/// for AVX2-width kernels that need more than 16?
#[inline(always)]
pub fn has_avx512vl() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_avx2()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2<R>(body: impl FnOnce() -> R) -> R {
    body()
}

/// Run `body` (mark the closure `#[inline(always)]` so it is compiled into
/// each copy) with the widest vectors this CPU has.
#[inline(always)]
pub fn dispatch<R>(body: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        return unsafe { avx2(body) };
    }
    body()
}
