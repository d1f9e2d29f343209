//! A short byte string kept inline: branch, context and namespace names are almost always
//! under 48 bytes, so the prompt path allocates nothing for them; longer names (EKS ARNs run
//! past 200 bytes) spill to the heap and are never truncated.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

use smallvec::SmallVec;
use std::fmt;

/// A name as found on disk. Git branch names need not be UTF-8, so this holds bytes.
#[derive(Clone, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Name(SmallVec<[u8; 48]>);

impl Name {
    /// Copies `bytes` into a new name.
    #[must_use]
    pub fn new(bytes: &[u8]) -> Self {
        Name(SmallVec::from_slice(bytes))
    }

    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The name as text, with invalid UTF-8 replaced by U+FFFD.
    #[must_use]
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// True when the name is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when the name lives inline, without a heap allocation.
    #[must_use]
    pub fn is_inline(&self) -> bool {
        !self.0.spilled()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::new(s.as_bytes())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.to_str_lossy(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn short_names_stay_inline_and_long_ones_spill_whole() {
        assert!(Name::from("feature/login").is_inline());
        let arn = format!(
            "arn:aws:eks:eu-west-1:123456789012:cluster/{}",
            "x".repeat(200)
        );
        let name = Name::from(arn.as_str());
        assert!(!name.is_inline());
        assert_eq!(name, arn.as_str());
    }
}
