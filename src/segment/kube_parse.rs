//! Reading the kubeconfig format: only `current-context` and each context's name and
//! namespace are deserialized, with kubectl's quirks (first YAML document only, last repeated
//! key wins, numbers refused where names belong). Big block-style files are first cut down to
//! those two top-level sections by a line scan, so a 2.5 MB file of certificates costs a scan
//! and a small parse instead of a full YAML parse; anything the scan cannot cut with certainty
//! falls back to the full parse.

use serde::Deserialize;

use crate::name::Name;
use crate::segment::kube::Parsed;

/// The two top-level fields awesh needs. Deserialized by hand so that, as in kubectl (Go's
/// JSON decoding of the YAML), a repeated key takes its last value instead of failing.
#[derive(Default)]
struct FileDoc {
    current_context: Option<String>,
    contexts: Option<Vec<NamedContextDoc>>,
}

#[derive(Deserialize)]
struct NamedContextDoc {
    #[serde(default)]
    name: Str,
    #[serde(default)]
    context: Option<ContextDoc>,
}

#[derive(Deserialize)]
struct ContextDoc {
    #[serde(default)]
    namespace: Str,
}

/// A string field as kubectl reads it: a string, or null; a number or boolean is an error
/// that makes kubectl refuse the whole file.
#[derive(Default)]
struct Str(Option<String>);

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Str;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str(Some(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Str, E> {
                Ok(Str(Some(v)))
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

enum Field {
    CurrentContext,
    Contexts,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(match v {
                    "current-context" => Field::CurrentContext,
                    "contexts" => Field::Contexts,
                    _ => Field::Other,
                })
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Field, E> {
                Ok(Field::Other)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Field, E> {
                Ok(Field::Other)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Field, E> {
                Ok(Field::Other)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Field, E> {
                Ok(Field::Other)
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Deserialize<'de> for FileDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FileDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a kubeconfig mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FileDoc, A::Error> {
                let mut doc = FileDoc::default();
                while let Some(key) = map.next_key::<Field>()? {
                    match key {
                        Field::CurrentContext => doc.current_context = map.next_value::<Str>()?.0,
                        Field::Contexts => doc.contexts = map.next_value()?,
                        Field::Other => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(doc)
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses a kubeconfig (YAML or JSON), keeping only `current-context` and each context's
/// name and namespace. Every other field is skipped without being stored. Like kubectl, only
/// the first YAML document counts, and a context name defined twice in one file is an error.
///
/// # Errors
/// The parser's message, with the line where it failed.
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let doc: Option<FileDoc> = match first {
        None => None,
        // JSON is YAML too, but serde_json reads it an order of magnitude faster.
        Some(b'{') => match serde_json::from_slice(bytes) {
            Ok(doc) => doc,
            Err(_) => first_yaml_document(bytes)?,
        },
        Some(_) => match cut_to_needed_sections(bytes) {
            // The cut text is a valid kubeconfig of its own; if it does not parse (an alias
            // into a dropped section, say), the full parse decides, with its line numbers.
            Some(cut) => match first_yaml_document(&cut) {
                Ok(doc) => doc,
                Err(_) => first_yaml_document(bytes)?,
            },
            None => first_yaml_document(bytes)?,
        },
    };
    let doc = doc.unwrap_or_default();
    let listed = doc.contexts.unwrap_or_default();
    let mut contexts: Vec<(Name, Option<Name>)> = Vec::with_capacity(listed.len());
    // A set, not a scan of `contexts`: that was quadratic, and 20,000 contexts took 0.2 s.
    let mut seen = std::collections::HashSet::with_capacity(listed.len());
    for c in listed {
        let name = Name::from(c.name.0.unwrap_or_default().as_str());
        if !seen.insert(name.clone()) {
            return Err(format!(
                "context name {:?} is defined twice (kubectl refuses this file)",
                name.to_string()
            ));
        }
        let namespace = c
            .context
            .and_then(|b| b.namespace.0)
            .filter(|n| !n.is_empty())
            .map(|n| Name::from(n.as_str()));
        contexts.push((name, namespace));
    }
    Ok(Parsed {
        current_context: doc
            .current_context
            .filter(|c| !c.is_empty())
            .map(|c| Name::from(c.as_str())),
        contexts,
    })
}

/// Files smaller than this are parsed whole: the scan would not pay for itself.
const CUT_THRESHOLD: usize = 4 << 10;

/// Keeps only the `current-context` and `contexts` top-level sections of the first document of
/// a block-style YAML kubeconfig (what kubectl writes), dropping `clusters`, `users` and their
/// certificates unparsed. Returns `None` whenever the layout is anything but plain: a top-level
/// line that is not a bare `key:`, a flow, quoted, tagged or anchored top-level value, a
/// directive or complex key. Top-level keys sit at column 0 in block style, and everything
/// belonging to them is indented or is a `- ` entry at column 0, so cutting at column-0 keys
/// keeps whole sections.
#[must_use]
pub fn cut_to_needed_sections(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < CUT_THRESHOLD {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 16);
    let mut keep = true;
    let mut seen_key = false;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let is_marker =
            |m: &[u8]| line.starts_with(m) && line.get(3).is_none_or(|b| b.is_ascii_whitespace());
        match line[0] {
            b' ' | b'\t' | b'\r' | b'\n' | b'#' => {}
            b'-' if is_marker(b"---") => {
                if seen_key {
                    break; // a second document: kubectl reads only the first
                }
            }
            b'-' => {
                if !seen_key || line.get(1).is_some_and(|b| !b.is_ascii_whitespace()) {
                    return None;
                }
            }
            b'.' if is_marker(b"...") => break,
            _ => {
                let colon = line.iter().position(|&b| b == b':')?;
                let key = &line[..colon];
                let value = line[colon + 1..].trim_ascii();
                let plain_key = key
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !plain_key
                    || matches!(
                        value.first(),
                        Some(b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'"' | b'\'')
                    )
                {
                    return None;
                }
                seen_key = true;
                keep = key == b"current-context" || key == b"contexts";
            }
        }
        if keep {
            out.extend_from_slice(line);
        }
    }
    Some(out)
}

fn first_yaml_document(bytes: &[u8]) -> Result<Option<FileDoc>, String> {
    match serde_yaml::Deserializer::from_slice(bytes).next() {
        Some(doc) => Option::<FileDoc>::deserialize(doc).map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pads a kubeconfig with a big `users` section so the cut applies.
    fn padded(text: &str) -> String {
        let cert = "QUJD".repeat(64);
        let mut s = String::from("users:\n");
        for i in 0..80 {
            s.push_str(&format!(
                "- name: u{i}\n  user:\n    client-key-data: {cert}\n"
            ));
        }
        format!("{s}{text}")
    }

    #[test]
    fn the_cut_gives_the_full_parse_answer() {
        let cases = [
            "current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: n\n",
            "contexts:\n- context:\n    cluster: c\n    namespace: n\n  name: a\ncurrent-context: a\nkind: Config\n",
            "current-context: a\ncontexts:\n  - name: a\n    context: {namespace: n}\n",
            "current-context: a\n---\ncurrent-context: b\n",
            "current-context: a\ncurrent-context: b\n",
            "x: &anchor\n  namespace: n\ncurrent-context: a\ncontexts:\n- name: a\n  context: *anchor\n",
            "current-context: a # comment\n# top comment\ncontexts:\n- name: a\n  context:\n    namespace: |\n      n\n",
            "current-context: \"a\"\ncontexts: []\n",
            "current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: n\n...\ncurrent-context: z\n",
            "current-context: a\r\ncontexts:\r\n- name: a\r\n  context:\r\n    namespace: n\r\n",
            "\"quoted-key\": 1\ncurrent-context: a\n",
        ];
        for text in cases {
            let text = padded(text);
            let full = first_yaml_document(text.as_bytes())
                .map(|d| d.map(|d| (d.current_context, d.contexts.map(|c| c.len()))));
            let via_parse = parse(text.as_bytes()).map(|p| p.current_context);
            let full_cc = full
                .as_ref()
                .ok()
                .and_then(|d| d.as_ref().and_then(|d| d.0.clone()));
            assert_eq!(
                via_parse.ok().flatten().map(|n| n.to_string()),
                full_cc,
                "{text}"
            );
        }
    }

    #[test]
    fn the_cut_drops_what_is_not_needed_and_refuses_odd_layouts() {
        let text = padded("current-context: a\ncontexts:\n- name: a\n");
        let cut = cut_to_needed_sections(text.as_bytes()).unwrap();
        assert_eq!(cut, b"current-context: a\ncontexts:\n- name: a\n");
        for odd in [
            "{current-context: a}\n",
            "? complex\n: key\n",
            "%YAML 1.1\n---\na: 1\n",
            "users: [\n]\n",
            "-x\n",
        ] {
            assert_eq!(
                cut_to_needed_sections(padded(odd).as_bytes()),
                None,
                "{odd:?}"
            );
        }
    }

    #[test]
    fn parse_accepts_what_kubectl_accepts() {
        let cases: &[(&str, &[u8])] = &[
            ("yaml", b"current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: n\n"),
            ("json", br#"{"current-context":"a","contexts":[{"name":"a","context":{"namespace":"n"}}]}"#),
            ("quoted keys", b"\"current-context\": 'a'\n\"contexts\": [{\"name\": a, context: {namespace: n}}]\n"),
            ("crlf", b"current-context: a\r\ncontexts:\r\n- name: a\r\n  context:\r\n    namespace: n\r\n"),
            ("bom", b"\xEF\xBB\xBFcurrent-context: a\ncontexts:\n- name: a\n  context: {namespace: n}\n"),
            ("anchors", b"base: &ctx\n  namespace: n\ncurrent-context: a\ncontexts:\n- name: a\n  context: *ctx\n"),
        ];
        for (label, text) in cases {
            let parsed = parse(text).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(parsed.current_context, Some(Name::from("a")), "{label}");
            assert_eq!(
                parsed.contexts,
                vec![(Name::from("a"), Some(Name::from("n")))],
                "{label}"
            );
        }
    }

    #[test]
    fn repeated_keys_and_documents_follow_kubectl() {
        let last_key = parse(b"current-context: a\ncurrent-context: b\n").unwrap();
        assert_eq!(last_key.current_context, Some(Name::from("b")));
        let docs = parse(b"current-context: a\n---\ncurrent-context: b\n").unwrap();
        assert_eq!(docs.current_context, Some(Name::from("a")));
        let nulls =
            parse(b"current-context: ~\ncontexts:\n- name: x\n  context: {namespace: null}\n")
                .unwrap();
        assert_eq!(
            nulls,
            Parsed {
                current_context: None,
                contexts: vec![(Name::from("x"), None)]
            }
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            &b"current-context: [unclosed"[..],
            b"\x00\x01\x02",
            b"- just\n- a list\n",
            b"current-context: a\n  bad: indent\n x",
        ] {
            assert!(parse(text).is_err(), "{:?}", String::from_utf8_lossy(text));
        }
        assert_eq!(parse(b"").unwrap(), Parsed::default());
    }
}
