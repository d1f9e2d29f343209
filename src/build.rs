//! How the `awesh` binary is linked on Linux, for a prompt that starts as fast as it can.
//!
//! - The unwinder linked in (`libgcc_eh.a`) instead of loaded (`libgcc_s.so.1`): loading that
//!   library runs its constructor, which probes the CPU with `cpuid` — an instruction a
//!   virtual machine traps, 6 µs each here — and maps, relocates and binds one more library.
//!   A hello world linked this way starts 0.11 ms (13%) sooner on this project's machine.
//!   Unwinding is only for backtraces (panics abort), and glibc still comes from the system.
//! - Position-dependent (`-no-pie`): a PIE awesh has the dynamic loader apply ~3,600
//!   relocations at every start, and the pages they write are copied: 14 more page faults,
//!   15-55 µs of a ~0.9 ms prompt here. The cost is address-space randomisation of awesh's own
//!   code only (stack, heap, libc and mmaps stay randomised), the choice kubectl's official
//!   builds make too. `AWESH_PIE=1` at build time restores PIE, for packagers who require it.
//! - Stripped here (`--strip-all`) rather than by the profile, so that a build with
//!   `AWESH_KEEP_SYMBOLS=1` has the very same symbol names (the profile's `strip` changes
//!   them) for `benches/order.sh` to read.
//! - Hot code first (`src/prompt.order`, made by `benches/order.sh`): the functions a prompt
//!   runs are spread over 2.4 MB of code, one page fault per 64 KiB touched; placed together
//!   they fault in a few. Only with lld (Rust 1.90+ links x86_64 Linux with it by default)
//!   and no linker chosen by the user; a stale list only loses the ordering.

use std::path::Path;

fn main() {
    for var in ["AWESH_PIE", "AWESH_KEEP_SYMBOLS", "RUSTC_LINKER"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=src/prompt.order");
    let cfg = |name: &str| std::env::var(name).unwrap_or_default();
    let flag = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    if cfg("CARGO_CFG_TARGET_OS") != "linux" {
        return;
    }
    // A static build (`-C target-feature=+crt-static`) links glibc and the unwinder from their
    // archives itself and chooses its own kind of executable: `-no-pie` on top of it gives a
    // binary that asks for a dynamic loader and crashes at its first instruction.
    let crt_static = cfg("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    let strip = cfg("PROFILE") == "release" && !flag("AWESH_KEEP_SYMBOLS");
    if crt_static {
        if strip {
            println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
        }
        return;
    }
    if cfg("CARGO_CFG_TARGET_ENV") == "gnu" {
        // Linked before std's `-lgcc_s`, so lld resolves the unwinder from the archive and
        // `--as-needed` then drops libgcc_s.so.1 from the binary's needs.
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
    if !flag("AWESH_PIE") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    // (Only release builds: test and debug binaries keep their symbols for backtraces.)
    if strip {
        println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
    }
    let order = Path::new(&cfg("CARGO_MANIFEST_DIR")).join("src/prompt.order");
    if cfg("PROFILE") == "release" && order.is_file() && links_with_lld() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// True when the link is surely lld's: x86_64 Linux (glibc) with Rust 1.90 or later, whose
/// default there is its own rust-lld (and the toolchain has it), and nothing configured to
/// change the linker.
fn links_with_lld() -> bool {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu" || std::env::var_os("RUSTC_LINKER").is_some() {
        return false;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if ["linker", "fuse-ld", "link-self-contained"]
        .iter()
        .any(|f| flags.contains(f))
    {
        return false;
    }
    let Ok(out) = std::process::Command::new(rustc_path()).arg("-V").output() else {
        return false;
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&out.stdout);
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split(['.', '-'])
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    if (major, minor) < (1, 90) {
        return false;
    }
    // And the toolchain ships the lld it would use (a distribution's rustc may not).
    let Ok(out) = std::process::Command::new(rustc_path())
        .args(["--print", "sysroot"])
        .output()
    else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(&target)
        .join("bin/gcc-ld/ld.lld")
        .is_file()
}

fn rustc_path() -> std::ffi::OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}
