//! The serve protocol on any bytes: every request is read, refused or ends the input, with no
//! panic and no more than one field's limit held.
#![no_main]

use awesh::serve::protocol::{self, ReadError, Request, MAX_FIELD_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let (mut req, mut field) = (Request::default(), Vec::new());
    let mut reply = Vec::new();
    for _ in 0..=data.len() {
        match protocol::read_request(&mut input, &mut req, &mut field) {
            Ok(()) => protocol::write_reply(&mut reply, &req.id, Some(b"x")),
            Err(ReadError::Refused(_)) => protocol::refuse(&mut reply, &req.id),
            Err(_) => break,
        }
        assert!(field.len() <= MAX_FIELD_BYTES);
    }
    assert!(input.is_empty());
});
