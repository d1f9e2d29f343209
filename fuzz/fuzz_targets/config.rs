//! The config parser on any text: no panic; every rule it keeps can be matched against a long
//! name without a panic.
#![no_main]

use awesh::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (config, _problems) = Config::from_text(&text);
    let _ = config
        .aliases
        .find("arn:aws:eks:eu-west-1:123456789012:cluster/prod");
    let _ = config.highlights.find(&"x".repeat(600));
});
