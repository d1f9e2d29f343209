//! Links the `awesh` binary as a position-dependent executable on Linux. A position-independent
//! one (Rust's default) has the dynamic loader apply ~3,600 relocations at every start, and
//! the pages they write are copied: 14 page faults and ~40 µs a prompt on this project's
//! machine, 4% of the whole process. The cost is address-space randomisation of awesh's own
//! code (the stack, heap and libraries are still randomised), the same choice as kubectl's
//! official builds. Packagers who require PIE can build with `AWESH_PIE=1`.

fn main() {
    println!("cargo:rerun-if-env-changed=AWESH_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let pie = std::env::var_os("AWESH_PIE").is_some_and(|v| !v.is_empty() && v != "0");
    if linux && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
