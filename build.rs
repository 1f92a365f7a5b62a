//! Generates the C header with cbindgen into `$OUT_DIR/ndcore.h`.
//!
//! The committed copy lives in `include/ndcore.h`; `make header` refreshes it
//! and `tests/header.rs` fails when the two differ, so the header users see is
//! always the one the code describes.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");

    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();

    // Consumers link against libndcore.so.<major>; without a SONAME the
    // linker records the build path instead (DEPENDENCIES.md, pitfall 4).
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libndcore.so.{major}");

    // `--features system-blas`: link the CBLAS library (src/linalg/blas.rs).
    println!("cargo:rerun-if-env-changed=NDCORE_BLAS_LIB");
    if env::var_os("CARGO_FEATURE_SYSTEM_BLAS").is_some() {
        let lib = env::var("NDCORE_BLAS_LIB").unwrap_or_else(|_| "openblas".into());
        println!("cargo:rustc-link-lib=dylib={lib}");
    }

    let mut config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(format!(
        "\n/* Version of the ndcore these declarations describe (from Cargo.toml). */\n\
         #define NDCORE_VERSION_MAJOR {major}\n\
         #define NDCORE_VERSION_MINOR {minor}\n\
         #define NDCORE_VERSION_PATCH {patch}\n\
         #define NDCORE_VERSION_STRING \"{major}.{minor}.{patch}\"\n\n\
         /* DLPack's managed tensors (dlpack.h 1.x), declared only: include\n\
          * <dlpack/dlpack.h> or \"ndcore_dlpack.h\" to read their fields. */\n\
         struct DLManagedTensor;\n\
         struct DLManagedTensorVersioned;\n"
    ));
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate ndcore.h")
        .write_to_file(out_dir.join("ndcore.h"));
}
