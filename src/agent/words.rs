//! The small amount of language the local handlers need: a question split into words, matched
//! case-insensitively, with the names in it (pods, branches) kept as the user typed them.

/// Filler that never names a thing: skipped when looking for the name after a keyword.
const FILLER: &[&str] = &[
    "a", "an", "the", "of", "for", "from", "to", "in", "on", "into", "me", "my", "please",
    "called", "named", "this", "that", "current", "all", "new", "with",
];

/// A question as words.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    original: Vec<&'a str>,
    lower: Vec<String>,
}

impl<'a> Words<'a> {
    /// Splits on white space and trims punctuation that ends a sentence or clause.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let original: Vec<&str> = text
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| matches!(c, '?' | '!' | ',' | ';' | '"' | '`' | '(' | ')'))
            })
            .map(|w| w.trim_end_matches(['.', ':']))
            .filter(|w| !w.is_empty())
            .collect();
        let lower = original.iter().map(|w| w.to_lowercase()).collect();
        Words { original, lower }
    }

    /// The number of words.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lower.len()
    }

    /// No words at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    /// The lower-cased word at `i`.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.lower.get(i).map(String::as_str)
    }

    /// The position of the first of `words` present.
    #[must_use]
    pub fn find(&self, words: &[&str]) -> Option<usize> {
        self.lower.iter().position(|w| words.contains(&w.as_str()))
    }

    /// Any of `words` is present.
    #[must_use]
    pub fn has(&self, words: &[&str]) -> bool {
        self.find(words).is_some()
    }

    /// The words of `phrase` appear one after another.
    #[must_use]
    pub fn has_phrase(&self, phrase: &[&str]) -> bool {
        self.lower
            .windows(phrase.len())
            .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
    }

    /// The first word after position `i` that is not filler nor in `skip`, as typed.
    #[must_use]
    pub fn name_after(&self, i: usize, skip: &[&str]) -> Option<&'a str> {
        (i + 1..self.len())
            .find(|&j| {
                let w = self.lower[j].as_str();
                !FILLER.contains(&w) && !skip.contains(&w)
            })
            .map(|j| self.original[j])
    }

    /// Every word after position `i` that is not filler nor in `skip`, as typed.
    #[must_use]
    pub fn names_after(&self, i: usize, skip: &[&str]) -> Vec<&'a str> {
        (i + 1..self.len())
            .filter(|&j| {
                let w = self.lower[j].as_str();
                !FILLER.contains(&w) && !skip.contains(&w)
            })
            .map(|j| self.original[j])
            .collect()
    }

    /// The first word before position `i` that is not filler nor in `skip`, as typed.
    #[must_use]
    pub fn name_before(&self, i: usize, skip: &[&str]) -> Option<&'a str> {
        (0..i)
            .rev()
            .find(|&j| {
                let w = self.lower[j].as_str();
                !FILLER.contains(&w) && !skip.contains(&w)
            })
            .map(|j| self.original[j])
    }

    /// The first word that parses as a number.
    #[must_use]
    pub fn number(&self) -> Option<u32> {
        self.lower.iter().find_map(|w| w.parse().ok())
    }
}

/// `name` is safe to paste into a shell command unquoted (kubernetes and git names are).
#[must_use]
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_matched_lower_case_and_names_kept_as_typed() {
        let w = Words::new("Show me the logs of Web-API, please?");
        assert!(w.has(&["logs"]));
        assert!(w.has_phrase(&["logs", "of"]));
        let i = w.find(&["logs"]).unwrap();
        assert_eq!(w.name_after(i, &[]), Some("Web-API"));
        assert_eq!(w.name_after(i, &["web-api"]), None);
    }

    #[test]
    fn plain_names() {
        for ok in ["web-7f9c", "feature/x", "v1.2", "svc/api"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in ["", "-rf", "a;b", "$(x)", "a b", "it's"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }
}
