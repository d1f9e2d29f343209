//! The one list of the prompt's parts, by name. Everything that names a part — the
//! `--off` flag, the server's `off=` field, the shell scripts' `awesh_off NAME` (their list is
//! filled in by `awesh init`), completions and `explain` — reads it here, so a new part is one
//! line in [`PARTS`] and one variant in [`Part`], not an edit in each of them.

/// A part of the prompt that can be turned off on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The Kubernetes context and namespace.
    Kube,
    /// The git branch, detached commit or operation in progress.
    Git,
    /// The working-tree status (gathered only when the config enables it, and with git).
    Status,
}

/// Every part, in the order the segment shows them, with its name and what it shows.
pub const PARTS: &[(Part, &str, &str)] = &[
    (Part::Kube, "kube", "the Kubernetes context and namespace"),
    (
        Part::Git,
        "git",
        "the git branch, detached commit or operation",
    ),
    (
        Part::Status,
        "status",
        "the working-tree status, when the config enables it",
    ),
];

impl Part {
    /// The part's name, as `awesh_off NAME` and `--off NAME` take it.
    #[must_use]
    pub fn name(self) -> &'static str {
        PARTS
            .iter()
            .find(|(p, _, _)| *p == self)
            .map_or("", |(_, name, _)| name)
    }

    /// The part called `name`.
    #[must_use]
    pub fn named(name: &[u8]) -> Option<Part> {
        PARTS
            .iter()
            .find(|(_, n, _)| n.as_bytes() == name)
            .map(|(p, _, _)| *p)
    }

    /// The part this one is a detail of, and cannot show without.
    #[must_use]
    pub fn within(self) -> Option<Part> {
        match self {
            Part::Status => Some(Part::Git),
            Part::Kube | Part::Git => None,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The names of every part, joined by `sep` (for messages and the shell scripts).
#[must_use]
pub fn names(sep: &str) -> String {
    let names: Vec<&str> = PARTS.iter().map(|(_, name, _)| *name).collect();
    names.join(sep)
}

/// The names of the parts that stand on their own (not a detail of another), joined by `sep`:
/// when all of them are off, nothing is shown.
#[must_use]
pub fn roots(sep: &str) -> String {
    let names: Vec<&str> = PARTS
        .iter()
        .filter(|(p, _, _)| p.within().is_none())
        .map(|(_, name, _)| *name)
        .collect();
    names.join(sep)
}

/// A set of parts. (No `Default`: "every part" and "no part" are both plausible, so callers
/// say which.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts(u8);

impl Parts {
    /// No part.
    pub const NONE: Parts = Parts(0);

    /// Every part.
    #[must_use]
    pub fn all() -> Parts {
        PARTS
            .iter()
            .fold(Parts::NONE, |set, (p, _, _)| set.with(*p))
    }

    /// This set and `part`.
    #[must_use]
    pub fn with(self, part: Part) -> Parts {
        Parts(self.0 | part.bit())
    }

    /// This set without `part`.
    #[must_use]
    pub fn without(self, part: Part) -> Parts {
        Parts(self.0 & !part.bit())
    }

    /// Whether `part` is in the set.
    #[must_use]
    pub fn has(self, part: Part) -> bool {
        self.0 & part.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// This set and every part in `other`.
    #[must_use]
    pub fn union(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }

    /// The parts named in `list`, separated by commas (empty names are skipped, so `""` and
    /// `"git,"` are fine).
    ///
    /// # Errors
    /// A name that is no part, with the names there are.
    pub fn parse(list: &[u8]) -> Result<Parts, String> {
        let mut set = Parts::NONE;
        for name in list.split(|&b| b == b',').filter(|n| !n.is_empty()) {
            match Part::named(name) {
                Some(part) => set = set.with(part),
                None => {
                    return Err(format!(
                        "unknown part {:?} (the parts are {})",
                        String::from_utf8_lossy(name),
                        names(", ")
                    ))
                }
            }
        }
        Ok(set)
    }

    /// The parts in the set, in [`PARTS`] order.
    pub fn iter(self) -> impl Iterator<Item = Part> {
        PARTS
            .iter()
            .map(|(p, _, _)| *p)
            .filter(move |p| self.has(*p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_one_name_and_one_bit() {
        for (part, name, _) in PARTS {
            assert_eq!(part.name(), *name);
            assert_eq!(Part::named(name.as_bytes()), Some(*part));
            assert_eq!(Parts::NONE.with(*part).iter().collect::<Vec<_>>(), [*part]);
        }
        assert_eq!(Parts::all().iter().count(), PARTS.len());
    }

    #[test]
    fn lists_parse_and_unknown_names_are_named() {
        assert_eq!(Parts::parse(b""), Ok(Parts::NONE));
        assert_eq!(Parts::parse(b"git,"), Ok(Parts::NONE.with(Part::Git)));
        assert_eq!(Parts::parse(b"kube,git,status"), Ok(Parts::all()));
        let err = Parts::parse(b"git,gti").unwrap_err();
        assert!(
            err.contains("\"gti\"") && err.contains("kube, git, status"),
            "{err}"
        );
        assert_eq!(roots(" "), "kube git");
        assert_eq!(Part::Status.within(), Some(Part::Git));
        assert!(Parts::all().without(Part::Git).has(Part::Kube));
        assert!(!Parts::all().without(Part::Git).has(Part::Git));
    }
}
