//! Sharing memory with other array libraries by their own descriptions:
//! DLPack tensors (`dlpack`). Fortran descriptors go through a C shim
//! compiled against the Fortran compiler's own header (`fortran/`), never a
//! Rust copy of the struct.

pub mod dlpack;
