//! Kubeconfigs with YAML merge keys (`<<: *defaults`). serde_yaml 0.9 does not apply them, and
//! its `Value::apply_merge` lets a mapping's own keys win; kubectl reads YAML with go-yaml v2,
//! which applies a merge where it stands, in order: a key before `<<` is overridden by the
//! merged one, a key after it overrides, and in `<<: [*a, *b]` the earlier mapping wins. So
//! the first document is read into a small tree that keeps repeated keys (the last wins, as
//! in kubectl), the merges are applied in go-yaml's order, and the two fields are taken out.
//! Only files that contain `<<` come here: the tree costs more than the direct parse.

use serde::de::{Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};

use crate::segment::kube::scalar::Str;
use crate::segment::kube::types::Doc;

/// A YAML node, with only what the kubeconfig fields need told apart.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Str(String),
    /// A number, boolean or tagged value: never a name.
    Other,
    /// Key-value pairs in order, repeats included.
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_owned()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Other)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Node::Map(pairs))
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
                // A value with a custom tag: never a name kubectl would show.
                let (_, variant) = data.variant::<serde::de::IgnoredAny>()?;
                variant.newtype_variant::<serde::de::IgnoredAny>()?;
                Ok(Node::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// How deep merges may nest before the file is refused (merges of merges of...).
const MAX_DEPTH: usize = 64;

/// Applies every merge key in `node`, as go-yaml v2 does.
fn resolve(node: Node, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("merge keys nest too deep".into());
    }
    match node {
        Node::Map(pairs) => {
            let mut out: Vec<(Node, Node)> = Vec::with_capacity(pairs.len());
            let set = |out: &mut Vec<(Node, Node)>, k: Node, v: Node| match out
                .iter_mut()
                .find(|(ok, _)| *ok == k)
            {
                Some(slot) => slot.1 = v,
                None => out.push((k, v)),
            };
            for (k, v) in pairs {
                if k == Node::Str("<<".into()) {
                    let sources = match resolve(v, depth + 1)? {
                        Node::Map(m) => vec![m],
                        // Earlier mappings take precedence: applied last.
                        Node::Seq(items) => items
                            .into_iter()
                            .rev()
                            .map(|item| match item {
                                Node::Map(m) => Ok(m),
                                _ => Err("a merge key lists something that is not a mapping"),
                            })
                            .collect::<Result<_, _>>()?,
                        _ => return Err("a merge key's value is not a mapping".into()),
                    };
                    for (mk, mv) in sources.into_iter().flatten() {
                        set(&mut out, mk, mv);
                    }
                } else {
                    set(&mut out, resolve(k, depth + 1)?, resolve(v, depth + 1)?);
                }
            }
            Ok(Node::Map(out))
        }
        Node::Seq(items) => items
            .into_iter()
            .map(|i| resolve(i, depth + 1))
            .collect::<Result<_, _>>()
            .map(Node::Seq),
        other => Ok(other),
    }
}

/// The value of `key` in a mapping (each key is there once after [`resolve`]).
fn get<'n>(pairs: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
    pairs
        .iter()
        .find(|(k, _)| matches!(k, Node::Str(s) if s == key))
        .map(|(_, v)| v)
}

/// A name field: a string or null, as `parse::Str` reads it.
fn string(node: Option<&Node>, what: &str) -> Result<Option<String>, String> {
    match node {
        None | Some(Node::Null) => Ok(None),
        Some(Node::Str(s)) => Str::of::<serde_yaml::Error>(s)
            .map(|s| s.0)
            .map_err(|e| e.to_string()),
        Some(_) => Err(format!("{what} is not a string")),
    }
}

/// Reads the first document of a kubeconfig that uses merge keys.
///
/// # Errors
/// The parser's message, or what in the file kubectl would refuse.
pub(crate) fn parse(bytes: &[u8]) -> Result<Option<Doc>, String> {
    let Some(doc) = serde_yaml::Deserializer::from_slice(bytes).next() else {
        return Ok(None);
    };
    let top = Node::deserialize(doc).map_err(|e| e.to_string())?;
    let pairs = match resolve(top, 0)? {
        Node::Null => return Ok(None),
        Node::Map(pairs) => pairs,
        _ => return Err("the kubeconfig is not a mapping".into()),
    };
    let current_context = string(get(&pairs, "current-context"), "current-context")?;
    let contexts = match get(&pairs, "contexts") {
        None | Some(Node::Null) => None,
        Some(Node::Seq(items)) => Some(
            items
                .iter()
                .map(|item| {
                    let Node::Map(entry) = item else {
                        return Err("a contexts entry is not a mapping".to_string());
                    };
                    let name = string(get(entry, "name"), "a context name")?;
                    let body = match get(entry, "context") {
                        None | Some(Node::Null) => None,
                        Some(Node::Map(body)) => {
                            Some(string(get(body, "namespace"), "a namespace")?)
                        }
                        Some(_) => return Err("a context is not a mapping".into()),
                    };
                    Ok((name, body))
                })
                .collect::<Result<Vec<_>, String>>()?,
        ),
        Some(_) => return Err("contexts is not a list".into()),
    };
    Ok(Some(Doc {
        current_context,
        contexts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn namespace(text: &str) -> Option<Option<String>> {
        let doc = parse(text.as_bytes()).ok()??;
        doc.contexts?.into_iter().next()?.1
    }

    /// Issue 13, case 2: merge keys are applied in kubectl's order (each checked against
    /// `kubectl config view --minify` by hand, and by tests/kube_differential.rs).
    #[test]
    fn issue_13_merge_keys_follow_kubectl() {
        let d = "d: &d\n  namespace: fromd\ne: &e\n  namespace: frome\ncurrent-context: a\ncontexts:\n- name: a\n  context:\n";
        let cases = [
            ("    namespace: own\n    <<: *d\n", "fromd"),
            ("    <<: *d\n    namespace: own\n", "own"),
            ("    <<: *d\n", "fromd"),
            ("    <<: [*d, *e]\n", "fromd"),
            ("    <<: [*e, *d]\n", "frome"),
            ("    <<: {namespace: inline}\n", "inline"),
        ];
        for (body, want) in cases {
            assert_eq!(
                namespace(&format!("{d}{body}")),
                Some(Some(want.to_string())),
                "{body}"
            );
        }
        let whole_entry = "c: &c\n  name: a\n  context: {namespace: m}\ncurrent-context: a\ncontexts:\n- <<: *c\n";
        assert_eq!(namespace(whole_entry), Some(Some("m".into())));
        assert!(parse(b"a: &a 1\nx:\n  <<: *a\n").is_err());
    }

    /// Aliases of aliases (a "billion laughs") are cut off by the parser's repetition limit,
    /// not expanded into the tree.
    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 {x: 1}\n");
        for i in 1..30 {
            let j = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} {{<<: [*a{j}, *a{j}], k{i}: [*a{j}, *a{j}, *a{j}, *a{j}]}}\n"
            ));
        }
        text.push_str("current-context: x\n");
        assert!(parse(text.as_bytes()).is_err());
    }
}
