//! Criterion benches of the kernels through the Rust API: elementwise
//! ufuncs on the loop engine (contiguous, transposed, with a scalar, small
//! calls), a transcendental, casts and pairwise sums; matrix products
//! (gemm through the slab split, transposed operands, matrix-vector,
//! batched tiny matrices, the camera projection). `cargo bench`; the
//! same-process ratios against NumPy come from `make bench`
//! (bench/compare.py).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use ndcore::array::Array;
use ndcore::create;
use ndcore::dtype::{Casting, DType, Kind};
use ndcore::layout::Order;
use ndcore::ufunc::reduce_kernels::ReduceOp;
use ndcore::ufunc::{arith, astype, math, reduce, select};

fn f64s(n: usize) -> Array {
    create::arange(0.0, n as f64, 1.0, &DType::scalar(Kind::Float64)).expect("arange")
}

fn elementwise(c: &mut Criterion) {
    let mut g = c.benchmark_group("elementwise");
    for &n in &[1usize << 10, 1 << 16, 1 << 22] {
        let (a, b) = (f64s(n), f64s(n));
        g.throughput(Throughput::Bytes((3 * 8 * n) as u64));
        g.bench_function(format!("add f8 {n}"), |bench| {
            bench.iter(|| {
                arith::ADD
                    .call(&[black_box(&a), black_box(&b)], None)
                    .expect("add")
            })
        });
    }
    let n = 1 << 20;
    let x = f64s(n);
    g.throughput(Throughput::Bytes((2 * 8 * n) as u64));
    g.bench_function("exp f8 2^20", |bench| {
        bench.iter(|| math::EXP.call(&[black_box(&x)], None).expect("exp"))
    });
    g.bench_function("clip f8 2^20", |bench| {
        let lo = Array::weak_scalar(ndcore::dtype::Value::F64(10.0)).expect("scalar");
        let hi = Array::weak_scalar(ndcore::dtype::Value::F64(1e5)).expect("scalar");
        bench.iter(|| select::clip(black_box(&x), Some(&lo), Some(&hi), None).expect("clip"))
    });
    let m = f64s(2048 * 2048)
        .reshape(&[2048, 2048], Order::C)
        .expect("reshape");
    let mt = m.transpose(None).expect("transpose");
    g.throughput(Throughput::Bytes((3 * 8 * 2048 * 2048) as u64));
    g.bench_function("M.T + M 2048^2", |bench| {
        bench.iter(|| {
            arith::ADD
                .call(&[black_box(&mt), black_box(&m)], None)
                .expect("add")
        })
    });
    g.finish();
}

fn small_calls(c: &mut Criterion) {
    let (a, b) = (f64s(10), f64s(10));
    let out = f64s(10);
    c.bench_function("add 10 elements, new result", |bench| {
        bench.iter(|| {
            arith::ADD
                .call(&[black_box(&a), black_box(&b)], None)
                .expect("add")
        })
    });
    c.bench_function("add 10 elements, into out", |bench| {
        bench.iter(|| {
            arith::ADD
                .call(&[black_box(&a), black_box(&b)], Some(&out))
                .expect("add")
        })
    });
}

fn casts_and_sums(c: &mut Criterion) {
    let n = 1 << 22;
    let x = f64s(n);
    let mut g = c.benchmark_group("casts and sums");
    g.throughput(Throughput::Bytes((8 * n) as u64));
    g.bench_function("astype f8 -> f4", |bench| {
        bench.iter(|| {
            astype(
                black_box(&x),
                &DType::scalar(Kind::Float32),
                Casting::Unsafe,
                Order::K,
            )
            .expect("cast")
        })
    });
    g.bench_function("sum f8 (pairwise)", |bench| {
        bench.iter(|| {
            reduce::reduce(ReduceOp::Sum, black_box(&x), &reduce::ReduceArgs::default())
                .expect("sum")
        })
    });
    g.finish();
}

/// A (rows, cols) float64 matrix of 0, 1, 2, ... reshaped.
fn matrix(rows: usize, cols: usize) -> Array {
    f64s(rows * cols)
        .reshape(&[rows as i64, cols as i64], Order::C)
        .expect("reshape")
}

fn products(c: &mut Criterion) {
    use ndcore::linalg;
    let mut g = c.benchmark_group("products");
    g.sample_size(10);
    for &n in &[256usize, 1000] {
        let (a, b) = (matrix(n, n), matrix(n, n));
        g.throughput(Throughput::Elements((2 * n * n * n) as u64));
        g.bench_function(format!("dgemm {n}"), |bench| {
            bench.iter(|| linalg::matmul(black_box(&a), black_box(&b), None).expect("matmul"))
        });
        let at = a.transpose(None).expect("transpose");
        g.bench_function(format!("dgemm {n} a.T @ b"), |bench| {
            bench.iter(|| linalg::matmul(black_box(&at), black_box(&b), None).expect("matmul"))
        });
    }
    let (m, v) = (matrix(2000, 2000), f64s(2000));
    g.throughput(Throughput::Elements(2 * 2000 * 2000));
    g.bench_function("matrix-vector 2000", |bench| {
        bench.iter(|| linalg::matmul(black_box(&m), black_box(&v), None).expect("matvec"))
    });
    let x = f64s(1000 * 64)
        .reshape(&[1000, 8, 8], Order::C)
        .expect("reshape");
    g.throughput(Throughput::Elements(2 * 1000 * 512));
    g.bench_function("batched 1000 x 8x8", |bench| {
        bench.iter(|| linalg::matmul(black_box(&x), black_box(&x), None).expect("batched"))
    });
    let (cam, pts) = (matrix(3, 3), matrix(100_000, 3));
    let pts_t = pts.transpose(None).expect("transpose");
    g.throughput(Throughput::Elements(2 * 9 * 100_000));
    g.bench_function("camera 3x3 . (1e5 x 3).T", |bench| {
        bench.iter(|| linalg::dot(black_box(&cam), black_box(&pts_t), None).expect("dot"))
    });
    g.finish();
}

criterion_group!(benches, elementwise, small_calls, casts_and_sums, products);
criterion_main!(benches);
