//! A name as kubectl reads it from a kubeconfig: `current-context`, a context's name and its
//! namespace are strings or null, and anything else makes kubectl refuse the file. kubectl
//! reads YAML 1.1 (go-yaml v2), serde_yaml YAML 1.2: where they disagree on a plain scalar
//! (`yes`, `on`, `n`, `0o17`, `1_000` are booleans and numbers to kubectl), the value is refused
//! here too, so awesh never shows a name kubectl would not.

use serde::Deserialize;

/// A string field as kubectl reads it: a string, or null; a number or boolean is an error
/// that makes kubectl refuse the whole file. kubectl reads YAML 1.1 (go-yaml v2), where plain
/// `yes`, `on`, `0o17` or `1_000` are booleans and numbers, and serde_yaml reads YAML 1.2,
/// where they are strings; serde does not say whether a string was quoted, so such a value
/// is an error here too: the prompt shows nothing rather than a name kubectl would refuse.
#[derive(Default)]
pub struct Str(pub Option<String>);

impl Str {
    /// `Ok` for a string kubectl reads as a string, whatever the quoting.
    ///
    /// # Errors
    /// When kubectl could read `v` as something else than a string.
    pub fn of<E: serde::de::Error>(v: &str) -> Result<Str, E> {
        if go_yaml_may_read_as_non_string(v) {
            return Err(E::custom(format!(
                "kubectl reads {v:?} as a boolean or number unless quoted, and awesh cannot tell whether it is"
            )));
        }
        Ok(Str(Some(v.to_owned())))
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Str;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Str, E> {
                Str::of(v)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Str, E> {
                Ok(Str(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Str, E> {
                Ok(Str(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// True when go-yaml v2 (kubectl's YAML reader) resolves `v`, written plain, to something other
/// than a string: its boolean words, or a number by its rules (`_` ignored; Go integer syntax
/// with `0x`, `0o`, `0b` and leading-zero octal; YAML 1.1 floats). Errs on the side of "may".
#[must_use]
pub fn go_yaml_may_read_as_non_string(v: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if WORDS.contains(&v) {
        return true;
    }
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return false;
    }
    let plain: Vec<u8> = v.bytes().filter(|&b| b != b'_').collect();
    let unsigned = plain
        .strip_prefix(b"-")
        .or_else(|| plain.strip_prefix(b"+"))
        .unwrap_or(&plain);
    let all = |s: &[u8], ok: fn(&u8) -> bool| !s.is_empty() && s.iter().all(ok);
    let int = match unsigned {
        [b'0', b'x' | b'X', rest @ ..] => all(rest, u8::is_ascii_hexdigit),
        [b'0', b'o' | b'O', rest @ ..] => all(rest, |b| (b'0'..=b'7').contains(b)),
        [b'0', b'b' | b'B', rest @ ..] => all(rest, |b| *b == b'0' || *b == b'1'),
        _ => all(unsigned, u8::is_ascii_digit),
    };
    int || yaml_float(unsigned)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, go-yaml v2's float syntax after the sign.
fn yaml_float(s: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let lead = digits(s);
    let mut rest = s.get(lead..).unwrap_or_default();
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = digits(frac);
        if lead == 0 && n == 0 {
            return false;
        }
        rest = frac.get(n..).unwrap_or_default();
    } else if lead == 0 {
        return false;
    }
    match rest {
        [] => true,
        [b'e' | b'E', exp @ ..] => {
            let exp = exp
                .strip_prefix(b"-")
                .or_else(|| exp.strip_prefix(b"+"))
                .unwrap_or(exp);
            !exp.is_empty() && digits(exp) == exp.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each checked against `kubectl config view --minify` (YAML 1.1 via go-yaml v2).
    #[test]
    fn go_yaml_non_strings_are_spotted() {
        for v in [
            "yes", "on", "n", "Off", "0o17", "0x1f", "+1", ".5", "1e3", "1_000", "08", "1.",
            "-0b1", "+.5", "0.1e+5",
        ] {
            assert!(go_yaml_may_read_as_non_string(v), "{v}");
        }
        for v in [
            "2024-01-01",
            "123-456",
            "+",
            ".",
            "inf",
            "nan",
            "1.5.6",
            "12e",
            "0x",
            "_1",
            "0b2",
            "1:20",
            "prod",
            "yesno",
        ] {
            assert!(!go_yaml_may_read_as_non_string(v), "{v}");
        }
    }
}
