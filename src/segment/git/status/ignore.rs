//! git's ignore rules (`.gitignore`, `info/exclude`, `core.excludesFile`) as dir.c applies
//! them: lines parsed the way `add_patterns_from_buffer` does (BOM, CR, comments, trailing
//! spaces unless escaped), the last matching rule of a list decides, and lists are asked
//! deepest `.gitignore` first, then `info/exclude`, then the excludes file. The glob itself
//! is gix-glob's wildmatch, a faithful port of git's (already in the tree through gix): the
//! matcher here only decides which path text a rule sees, as `match_basename` and
//! `match_pathname` do.

use std::sync::Arc;

use gix::bstr::ByteSlice;
use gix::glob::pattern::Mode;
use gix::glob::wildmatch;
use gix::glob::Pattern;

/// The rules of one file, relative to the folder that holds it.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// The folder the rules are relative to: `""` at the top, else `a/b/` (with the slash).
    base: Vec<u8>,
    /// The rules in file order (the last match wins).
    rules: Vec<Pattern>,
}

/// git's `trim_trailing_spaces`: drop trailing spaces unless the last one is escaped.
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    let mut last_space: Option<usize> = None;
    let mut i = 0;
    while let Some(&c) = line.get(i) {
        match c {
            b' ' => {
                if last_space.is_none() {
                    last_space = Some(i);
                }
            }
            b'\\' => {
                i += 1;
                if i >= line.len() {
                    return line;
                }
                last_space = None;
            }
            _ => last_space = None,
        }
        i += 1;
    }
    if let Some(at) = last_space {
        end = at;
    }
    line.get(..end).unwrap_or(line)
}

impl List {
    /// Parses the bytes of an ignore file whose rules apply below `base` (`""` or `dir/`).
    #[must_use]
    pub fn parse(bytes: &[u8], base: Vec<u8>) -> List {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut rules = Vec::new();
        // git appends a newline, so the last line counts even without one.
        for line in bytes.split(|&b| b == b'\n') {
            if line.is_empty() || line.first() == Some(&b'#') {
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = trim_trailing_spaces(line);
            if let Some(p) = Pattern::from_bytes(line) {
                rules.push(p);
            }
        }
        List { base, rules }
    }

    /// Whether the list holds no rule.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The last rule matching `path` (relative to the work tree), if any: `Some(true)` when
    /// it excludes, `Some(false)` when it is a negation (`!`), `None` when none matches.
    #[must_use]
    pub fn decide(&self, path: &[u8], is_dir: bool, fold: bool) -> Option<bool> {
        let base_len = path.iter().rposition(|&b| b == b'/').map_or(0, |p| p + 1);
        let basename = path.get(base_len..).unwrap_or(path);
        let case = if fold {
            wildmatch::Mode::IGNORE_CASE
        } else {
            wildmatch::Mode::empty()
        };
        for rule in self.rules.iter().rev() {
            if rule.mode.contains(Mode::MUST_BE_DIR) && !is_dir {
                continue;
            }
            let hit = if rule.mode.contains(Mode::NO_SUB_DIR) && !rule.mode.contains(Mode::ABSOLUTE)
            {
                rule.matches(basename.as_bstr(), case)
            } else {
                // Anchored: the path must lie below the list's folder, and the rest is
                // matched with `/` taken literally (WM_PATHNAME).
                match strip_base(path, &self.base, fold) {
                    Some(rest) => rule.matches(
                        rest.as_bstr(),
                        case | wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
                    ),
                    None => false,
                }
            };
            if hit {
                return Some(!rule.is_negative());
            }
        }
        None
    }
}

/// `path` without the leading `base` (`dir/`), compared as git's `fspathncmp` does.
fn strip_base<'p>(path: &'p [u8], base: &[u8], fold: bool) -> Option<&'p [u8]> {
    let head = path.get(..base.len())?;
    let same = if fold {
        head.eq_ignore_ascii_case(base)
    } else {
        head == base
    };
    if same {
        path.get(base.len()..).filter(|rest| !rest.is_empty())
    } else {
        None
    }
}

/// All the lists that apply in one folder, asked in git's order.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    /// `.gitignore` files from the top down to the current folder (asked deepest first).
    pub dirs: Vec<Arc<List>>,
    /// `info/exclude` then `core.excludesFile` (asked in this order, after all `dirs`).
    pub files: Arc<Vec<List>>,
    /// `core.ignoreCase`.
    pub fold: bool,
}

impl Stack {
    /// Whether `path` (relative to the work tree; `is_dir` for a folder) is ignored.
    #[must_use]
    pub fn excluded(&self, path: &[u8], is_dir: bool) -> bool {
        let dirs = self.dirs.iter().rev().map(|l| l.as_ref());
        for list in dirs.chain(self.files.iter()) {
            if let Some(verdict) = list.decide(path, is_dir, self.fold) {
                return verdict;
            }
        }
        false
    }

    /// This stack with one more folder's list (when it has rules).
    #[must_use]
    pub fn with(&self, list: Option<List>) -> Stack {
        let mut next = self.clone();
        if let Some(list) = list.filter(|l| !l.is_empty()) {
            next.dirs.push(Arc::new(list));
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, path: &str, is_dir: bool) -> Option<bool> {
        List::parse(text.as_bytes(), Vec::new()).decide(path.as_bytes(), is_dir, false)
    }

    #[test]
    fn rule_forms() {
        // (rules, path, is_dir, verdict)
        let table: &[(&str, &str, bool, Option<bool>)] = &[
            ("*.log", "a.log", false, Some(true)),
            ("*.log", "d/e/a.log", false, Some(true)),
            ("*.log\n!keep.log", "keep.log", false, Some(false)),
            ("build/", "build", true, Some(true)),
            ("build/", "build", false, None),
            ("build/", "x/build", true, Some(true)),
            ("/top", "top", false, Some(true)),
            ("/top", "d/top", false, None),
            ("a/b", "a/b", false, Some(true)),
            ("a/b", "x/a/b", false, None),
            ("**/deep", "x/y/deep", false, Some(true)),
            ("**/deep", "deep", false, Some(true)),
            ("a/**/z", "a/z", false, Some(true)),
            ("a/**/z", "a/b/c/z", false, Some(true)),
            ("a/**", "a/b", false, Some(true)),
            ("a/**", "a", true, None),
            ("a/*", "a/b/c", false, None),
            ("\\#hash", "#hash", false, Some(true)),
            ("#hash", "#hash", false, None),
            ("\\!bang", "!bang", false, Some(true)),
            ("trail   ", "trail", false, Some(true)),
            ("trail\\ ", "trail ", false, Some(true)),
            ("trail\\ ", "trail", false, None),
            ("crlf\r\n", "crlf", false, Some(true)),
            ("\u{feff}bom", "bom", false, Some(true)),
            ("f[0-9].txt", "f7.txt", false, Some(true)),
            ("f[!0-9].txt", "f7.txt", false, None),
            ("?.c", "x.c", false, Some(true)),
            ("", "x", false, None),
            ("!", "x", false, None),
        ];
        for (rules, path, is_dir, want) in table {
            assert_eq!(
                one(rules, path, *is_dir),
                *want,
                "rules {rules:?} path {path:?} dir {is_dir}"
            );
        }
    }

    #[test]
    fn base_and_case() {
        let list = List::parse(b"/x\nsub/y\n", b"d/".to_vec());
        assert_eq!(list.decide(b"d/x", false, false), Some(true));
        assert_eq!(list.decide(b"x", false, false), None);
        assert_eq!(list.decide(b"d/sub/y", false, false), Some(true));
        assert_eq!(list.decide(b"D/X", false, false), None);
        assert_eq!(list.decide(b"D/X", false, true), Some(true));
        let glob = List::parse(b"*.LOG", Vec::new());
        assert_eq!(glob.decide(b"a.log", false, true), Some(true));
        assert_eq!(glob.decide(b"a.log", false, false), None);
    }

    #[test]
    fn deeper_lists_win_then_files() {
        let files = Arc::new(vec![
            List::parse(b"*.tmp\n", Vec::new()),
            List::parse(b"*.bak\n!a.tmp\n", Vec::new()),
        ]);
        let top = Stack {
            dirs: vec![Arc::new(List::parse(b"*.o\n", Vec::new()))],
            files,
            fold: false,
        };
        let sub = top.with(Some(List::parse(b"!keep.o\n", b"s/".to_vec())));
        assert!(top.excluded(b"s/keep.o", false));
        assert!(!sub.excluded(b"s/keep.o", false));
        assert!(sub.excluded(b"s/other.o", false));
        // info/exclude is asked before the excludes file: its `*.tmp` decides.
        assert!(sub.excluded(b"a.tmp", false));
        assert!(sub.excluded(b"x.bak", false));
        assert!(!sub.excluded(b"x.c", false));
    }
}
