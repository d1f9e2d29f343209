//! The reftable reader on any bytes: no panic, no endless loop, and an object id it returns
//! is hex.
#![no_main]

use awesh::segment::reftable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in [&b"HEAD"[..], b"refs/heads/main"] {
        if let Ok(Some(reftable::Value::Object(id))) = reftable::find_in_table(data, name) {
            assert!(id.as_bytes().iter().all(u8::is_ascii_hexdigit));
        }
    }
});
