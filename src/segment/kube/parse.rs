//! Reading the kubeconfig format: only `current-context` and each context's name and
//! namespace are deserialized, with kubectl's quirks (first YAML document only, last repeated
//! key wins, numbers and booleans refused where names belong, YAML 1.1's reading of plain
//! scalars, merge keys resolved in go-yaml v2's order). Big block-style files are first cut
//! down to those two top-level sections (`kube_cut`), so a 2.5 MB file of certificates costs a
//! scan and a small parse instead of a full YAML parse; anything the scan cannot prove it cuts
//! right falls back to the full parse.

use serde::Deserialize;

use crate::name::Name;
use crate::segment::kube::cut::{cut_to_needed_sections, json_is_plain};
use crate::segment::kube::merge;
use crate::segment::kube::scalar::Str;
use crate::segment::kube::types::{Doc, Parsed};

/// The two top-level fields awesh needs. Deserialized by hand so that, as in kubectl (Go's
/// JSON decoding of the YAML), a repeated key takes its last value instead of failing.
#[derive(Default)]
struct FileDoc {
    current_context: Option<String>,
    contexts: Option<Vec<NamedContextDoc>>,
}

/// One entry of `contexts`: its name and its context, the last of each when repeated (as in
/// kubectl; serde's derive would refuse a repeated field).
#[derive(Default)]
struct NamedContextDoc {
    name: Str,
    context: Option<ContextDoc>,
}

/// A context's body: only its namespace matters.
#[derive(Default)]
struct ContextDoc {
    namespace: Str,
}

/// A mapping key as the structs above see it: a string, or anything else (ignored).
struct Key(Option<String>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(Some(v.to_owned())))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Key, E> {
                Ok(Key(None))
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Deserialize<'de> for NamedContextDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = NamedContextDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a context entry")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<NamedContextDoc, A::Error> {
                let mut doc = NamedContextDoc::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_deref() {
                        Some("name") => doc.name = map.next_value()?,
                        Some("context") => doc.context = map.next_value()?,
                        _ => {
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

impl<'de> Deserialize<'de> for ContextDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ContextDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a context")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ContextDoc, A::Error> {
                let mut doc = ContextDoc::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_deref() {
                        Some("namespace") => doc.namespace = map.next_value()?,
                        _ => {
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
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_deref() {
                        Some("current-context") => doc.current_context = map.next_value::<Str>()?.0,
                        Some("contexts") => doc.contexts = map.next_value()?,
                        _ => {
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
    fast_answer(bytes).unwrap_or_else(|| parse_full(bytes))
}

/// What the fast paths answer, when one does: serde_json for JSON that both parsers read
/// alike, or the YAML parse of the file cut down to its two sections (`kube_cut`). `None`
/// when neither applies or the cut does not parse (an alias into a dropped section, say):
/// then [`parse_full`] decides, with its own line numbers. Whenever this is `Some`, it equals
/// [`parse_full`]: the property tests and the fuzz target hold it to that.
#[must_use]
pub fn fast_answer(bytes: &[u8]) -> Option<Result<Parsed, String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Merge keys take the full path (kube_merge), whatever the layout.
    if bytes.windows(2).any(|w| w == b"<<") {
        return None;
    }
    let doc: Option<FileDoc> = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        // JSON is YAML too, but serde_json reads it an order of magnitude faster.
        Some(b'{') if json_is_plain(bytes) => serde_json::from_slice(bytes).ok()?,
        Some(_) => first_yaml_document(&cut_to_needed_sections(bytes)?).ok()?,
        None => return None,
    };
    Some(finish(doc.map(Doc::from)))
}

/// The full parse: serde_yaml over the whole first document (through `kube_merge` when the
/// file may use merge keys), the answer [`fast_answer`] must give when it gives one.
///
/// # Errors
/// As [`parse`].
pub fn parse_full(bytes: &[u8]) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Merge keys need the whole tree (kube_merge); serde_yaml alone ignores them. A quoted
    // `"<<"` is a plain key to kubectl, and the tree cannot tell it from a merge.
    if bytes.windows(2).any(|w| w == b"<<") {
        if bytes.windows(3).any(|w| w == b"\"<<" || w == b"'<<") {
            return Err("a quoted \"<<\" key: awesh cannot tell it from a merge key".into());
        }
        return merge::parse(bytes).and_then(finish);
    }
    finish(first_yaml_document(bytes)?.map(Doc::from))
}

impl From<FileDoc> for Doc {
    fn from(d: FileDoc) -> Self {
        Doc {
            current_context: d.current_context,
            contexts: d.contexts.map(|list| {
                list.into_iter()
                    .map(|c| (c.name.0, c.context.map(|b| b.namespace.0)))
                    .collect()
            }),
        }
    }
}

/// Turns a document into what the merge needs, refusing a context name defined twice.
fn finish(doc: Option<Doc>) -> Result<Parsed, String> {
    let doc = doc.unwrap_or_default();
    let listed = doc.contexts.unwrap_or_default();
    let mut contexts: Vec<(Name, Option<Name>)> = Vec::with_capacity(listed.len());
    // A set, not a scan of `contexts`: that was quadratic, and 20,000 contexts took 0.2 s.
    let mut seen = std::collections::HashSet::with_capacity(listed.len());
    for (name, body) in listed {
        let name = Name::from(name.unwrap_or_default().as_str());
        if !seen.insert(name.clone()) {
            return Err(format!(
                "context name {:?} is defined twice (kubectl refuses this file)",
                name.to_string()
            ));
        }
        let namespace = body
            .flatten()
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

    /// Issue 13, case 1: whatever the layout, the fast path's answer is the full parse's.
    #[test]
    fn issue_13_the_fast_path_gives_the_full_parse_answer() {
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
            "current-context: real\rcurrent-context: fake\n",
            "x: \"a\u{85}current-context: fake\"\ncurrent-context: real\n",
            "x: a\u{2028}current-context: fake\ncurrent-context: real\n",
            "x: \"multi\ncurrent-context: fake\"\ncurrent-context: real\n",
            "current-context: real\nx: 'multi\ncurrent-context: fake'\n",
            "x: {a: 1,\ncurrent-context: fake}\ncurrent-context: real\n",
            "x: [a,\ncurrent-context: fake]\n",
            "current-context: real\r...\ncurrent-context: fake\n",
            "current-context: real\nx: |\n  a\ncurrent-context: fake\n",
            "current-context: yes\n",
            "current-context: 'on'\n",
        ];
        for text in cases {
            for text in [padded(text), format!("{text}{}", padded(""))] {
                assert_eq!(
                    parse(text.as_bytes()),
                    parse_full(text.as_bytes()),
                    "{text:?}"
                );
            }
        }
    }

    /// Found by the kube_fast_path fuzz target: a `"<<` inside a plain scalar of a dropped
    /// section made the full parse refuse the file (a quoted merge key cannot be told apart)
    /// while the cut, which drops it, answered. The fast path now steps aside for any `<<`.
    #[test]
    fn issue_13_fuzz_a_merge_marker_in_a_dropped_section_leaves_the_fast_path() {
        let text = padded(
            "current-context: prod\ncontexts:\n- name: prod\n  context:\n    namespace: ns\n",
        )
        .replace(
            "client-key-data: QUJD",
            "client-key-data: QUJD{\"namespace\"<<:\"n1\"}QUJD",
        );
        assert!(cut_to_needed_sections(text.as_bytes()).is_some());
        assert_eq!(fast_answer(text.as_bytes()), None);
        assert_eq!(parse(text.as_bytes()), parse_full(text.as_bytes()));
    }

    #[test]
    fn parse_accepts_what_kubectl_accepts() {
        let cases: &[(&str, &[u8])] = &[
            ("yaml", b"current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: ns\n"),
            ("json", br#"{"current-context":"a","contexts":[{"name":"a","context":{"namespace":"ns"}}]}"#),
            ("quoted keys", b"\"current-context\": 'a'\n\"contexts\": [{\"name\": a, context: {namespace: ns}}]\n"),
            ("crlf", b"current-context: a\r\ncontexts:\r\n- name: a\r\n  context:\r\n    namespace: ns\r\n"),
            ("bom", b"\xEF\xBB\xBFcurrent-context: a\ncontexts:\n- name: a\n  context: {namespace: ns}\n"),
            ("anchors", b"base: &ctx\n  namespace: ns\ncurrent-context: a\ncontexts:\n- name: a\n  context: *ctx\n"),
        ];
        for (label, text) in cases {
            let parsed = parse(text).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(parsed.current_context, Some(Name::from("a")), "{label}");
            assert_eq!(
                parsed.contexts,
                vec![(Name::from("a"), Some(Name::from("ns")))],
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
