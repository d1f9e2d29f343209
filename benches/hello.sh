# shellcheck shell=bash
# Sourced by the whole-process benches (compare.sh, startup.sh): writes the hello-world floor's
# project into a folder, with awesh's release profile and nothing else, so every bench measures
# against the same program.
write_hello() { # folder
  mkdir -p "$1/src"
  cat >"$1/Cargo.toml" <<'TOML'
[package]
name = "hello"
version = "0.1.0"
edition = "2021"
[profile.release]
opt-level = 3
lto = "fat"
codegen-units = 1
panic = "abort"
strip = true
TOML
  echo 'fn main() { println!("hello"); }' >"$1/src/main.rs"
}
