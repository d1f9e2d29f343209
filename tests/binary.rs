//! The built `awesh` binary itself: src/build.rs links it position-dependent on Linux (no
//! relocations for the loader to apply at each prompt) unless the build asked for PIE.

mod common;

#[test]
#[cfg(target_os = "linux")]
fn linked_position_dependent_unless_asked_for_pie() {
    let elf = std::fs::read(common::awesh_bin()).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    // e_type, little-endian on every target this runs on: 2 is ET_EXEC, 3 is ET_DYN (PIE).
    let kind = u16::from_le_bytes([elf[16], elf[17]]);
    let pie_asked = option_env!("AWESH_PIE").is_some_and(|v| !v.is_empty() && v != "0");
    assert_eq!(kind, if pie_asked { 3 } else { 2 }, "ELF e_type");
}
