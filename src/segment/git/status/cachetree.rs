//! The index's cache-tree (`TREE` extension), parsed into a small arena: for each folder
//! the tree id git last wrote for it, when still valid. A valid id equal to HEAD's subtree
//! means nothing under that folder is staged, so the staged count skips it unread.
//!
//! The format (git's `Documentation/gitformat-index`): per node, its path component and a
//! NUL, the entry count in ASCII (`-1` when invalidated), a space, the subtree count, a
//! newline, the 20-byte id when valid; then its subtrees, depth first.

/// One folder of the cache-tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its name inside the parent (empty for the root).
    pub name: Vec<u8>,
    /// The tree id, when the node is valid.
    pub oid: Option<[u8; 20]>,
    /// Its subtrees, as indexes into [`Tree::nodes`].
    pub children: Vec<usize>,
}

/// A parsed cache-tree; node 0 is the root (when there is one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// All nodes, the root first.
    pub nodes: Vec<Node>,
}

/// Deeper cache-trees than this are refused (paths are at most 4 KiB; git never nests so).
const MAX_DEPTH: usize = 2048;

impl Tree {
    /// The root node's index, if the tree has one.
    #[must_use]
    pub fn root(&self) -> Option<usize> {
        (!self.nodes.is_empty()).then_some(0)
    }

    /// The valid id of node `at`, if any.
    #[must_use]
    pub fn oid(&self, at: Option<usize>) -> Option<&[u8; 20]> {
        self.nodes.get(at?)?.oid.as_ref()
    }

    /// The child of node `at` named `name`.
    #[must_use]
    pub fn child(&self, at: Option<usize>, name: &[u8]) -> Option<usize> {
        let node = self.nodes.get(at?)?;
        node.children
            .iter()
            .copied()
            .find(|&c| self.nodes.get(c).is_some_and(|n| n.name == name))
    }
}

/// Parses the body of a `TREE` extension. An empty body is an empty tree (no shortcuts);
/// a malformed one is an error (the caller then walks without shortcuts, never trusting it).
///
/// # Errors
/// Why the bytes are not a cache-tree.
pub fn parse(data: &[u8]) -> Result<Tree, String> {
    let mut tree = Tree::default();
    if data.is_empty() {
        return Ok(tree);
    }
    let mut at = 0usize;
    // Each stack item: (node index, subtrees still to read).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    loop {
        let (node, subtrees) = node_at(data, &mut at)?;
        let index = tree.nodes.len();
        tree.nodes.push(node);
        if let Some((parent, left)) = stack.last_mut() {
            *left = left.saturating_sub(1);
            let parent = *parent;
            if let Some(p) = tree.nodes.get_mut(parent) {
                p.children.push(index);
            }
        }
        if subtrees > 0 {
            if stack.len() >= MAX_DEPTH {
                return Err("cache-tree: nested too deep".into());
            }
            stack.push((index, subtrees));
        }
        while stack.last().is_some_and(|&(_, left)| left == 0) {
            stack.pop();
        }
        if stack.is_empty() {
            break;
        }
    }
    if at != data.len() {
        return Err("cache-tree: trailing bytes".into());
    }
    Ok(tree)
}

/// One node's header at `*at`, and how many subtrees follow it.
fn node_at(data: &[u8], at: &mut usize) -> Result<(Node, usize), String> {
    let rest = data.get(*at..).ok_or("cache-tree: truncated")?;
    let nul = rest
        .iter()
        .position(|&b| b == 0)
        .ok_or("cache-tree: unterminated name")?;
    let name = rest.get(..nul).unwrap_or_default().to_vec();
    let rest = rest.get(nul + 1..).ok_or("cache-tree: truncated")?;
    let nl = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("cache-tree: unterminated counts")?;
    let counts = std::str::from_utf8(rest.get(..nl).unwrap_or_default())
        .map_err(|_| "cache-tree: counts are not text")?;
    let (entries, subtrees) = counts
        .split_once(' ')
        .ok_or("cache-tree: malformed counts")?;
    let entries: i64 = entries.parse().map_err(|_| "cache-tree: bad entry count")?;
    let subtrees: usize = subtrees
        .parse()
        .map_err(|_| "cache-tree: bad subtree count")?;
    *at += nul + 1 + nl + 1;
    let oid = if entries >= 0 {
        let bytes = data.get(*at..*at + 20).ok_or("cache-tree: truncated id")?;
        *at += 20;
        let mut oid = [0u8; 20];
        oid.copy_from_slice(bytes);
        Some(oid)
    } else {
        None
    };
    Ok((
        Node {
            name,
            oid,
            children: Vec::new(),
        },
        subtrees,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, entries: i64, subtrees: usize, id: u8) -> Vec<u8> {
        let mut out = name.as_bytes().to_vec();
        out.push(0);
        out.extend_from_slice(format!("{entries} {subtrees}\n").as_bytes());
        if entries >= 0 {
            out.extend_from_slice(&[id; 20]);
        }
        out
    }

    #[test]
    fn nested_and_invalid_nodes() {
        let mut data = node("", 5, 2, 1);
        data.extend(node("a", -1, 1, 0));
        data.extend(node("deep", 2, 0, 3));
        data.extend(node("b", 1, 0, 4));
        let t = parse(&data).unwrap();
        let root = t.root();
        assert_eq!(t.oid(root), Some(&[1; 20]));
        let a = t.child(root, b"a");
        assert_eq!(t.oid(a), None);
        assert_eq!(t.oid(t.child(a, b"deep")), Some(&[3; 20]));
        assert_eq!(t.oid(t.child(root, b"b")), Some(&[4; 20]));
        assert_eq!(t.child(root, b"deep"), None);
    }

    #[test]
    fn refuses_malformed() {
        assert!(parse(b"x\0nope\n").is_err());
        let mut data = node("", 1, 0, 1);
        data.push(7);
        assert!(parse(&data).is_err());
        assert!(parse(&node("", 1, 1, 1)).is_err());
        assert_eq!(parse(b"").unwrap(), Tree::default());
    }
}
