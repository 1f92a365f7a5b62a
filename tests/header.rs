//! The committed header must be exactly what cbindgen generates from the
//! sources, and its version macros must match Cargo.toml.

use std::path::Path;

fn committed() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/ndcore.h");
    std::fs::read_to_string(p).expect("include/ndcore.h is committed")
}

#[test]
fn committed_header_is_fresh() {
    let fresh = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/ndcore.h"));
    // OUT_DIR belongs to the library's build script; integration tests see
    // it through the env var cargo sets when build.rs exists.
    let fresh = fresh.expect("build.rs generated ndcore.h");
    assert!(
        fresh == committed(),
        "include/ndcore.h is stale: run `make header` and commit it"
    );
}

#[test]
fn version_macros_match_cargo_toml() {
    let h = committed();
    for (name, value) in [
        ("NDCORE_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("NDCORE_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("NDCORE_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define {name} {value}\n");
        assert!(h.contains(&line), "header lacks `{}`", line.trim());
    }
    let s = format!(
        "#define NDCORE_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION")
    );
    assert!(h.contains(&s), "header lacks `{s}`");
}
