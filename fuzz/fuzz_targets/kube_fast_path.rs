//! The kubeconfig fast paths against the full parse: whenever the cut or serde_json answers,
//! the answer is the full YAML parse's; and `parse`, whichever way it goes, is `parse_full`.
#![no_main]

use awesh::segment::{kube_cut, kube_parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let full = kube_parse::parse_full(data);
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if let Some(cut) = kube_cut::cut_to_needed_sections(body) {
        if let Ok(fast) = kube_parse::parse_full(&cut) {
            assert_eq!(Ok(&fast), full.as_ref(), "the cut answered otherwise");
        }
    }
    assert_eq!(kube_parse::parse(data), full);
});
