//! The kubeconfig fast paths against the full parse: whenever the cut or serde_json answers
//! (`kube_parse::fast_answer`, the very gate `parse` uses), the answer is the full YAML
//! parse's; and `parse`, whichever way it goes, is `parse_full`.
#![no_main]

use awesh::segment::kube::parse as kube_parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let full = kube_parse::parse_full(data);
    if let Some(fast) = kube_parse::fast_answer(data) {
        assert_eq!(
            fast.as_ref(),
            full.as_ref(),
            "the fast path answered otherwise"
        );
    }
    assert_eq!(kube_parse::parse(data), full);
});
