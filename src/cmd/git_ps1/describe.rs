//! Naming a detached HEAD the way `GIT_PS1_DESCRIBE_STYLE` asks `git describe` to, natively
//! where awesh can show it gives git's answer: the default style (a tag exactly at HEAD, as
//! `git describe --tags --exact-match HEAD` picks it). The walking styles (`tag`, `describe`,
//! `contains`, `branch`) are not computed: they answer "unknown", which the prompt shows as
//! the short id with a `?`, never a name git would not give.

use super::compose::Described;
use super::opts::Describe;

/// The name git's describe would print for commit `hex` in `style`.
#[must_use]
pub fn describe(repo: &gix::Repository, hex: &str, style: Describe) -> Described {
    let found = match style {
        Describe::Default => exact_tag(repo, hex),
        Describe::Tag | Describe::Describe | Describe::Contains | Describe::Branch => None,
    };
    match found {
        Some(Some(name)) => Described::Name(name),
        Some(None) => Described::NoName,
        None => Described::Unknown,
    }
}

/// A candidate tag: describe's priority (2 annotated, 1 lightweight) and the tagger date.
struct Candidate {
    name: Vec<u8>,
    prio: u8,
    date: Option<i64>,
}

/// `git describe --tags --exact-match`: of the tags whose peeled object is HEAD, an annotated
/// one before a lightweight one; among annotated ones the newer tagger date, and otherwise
/// the first in ref-name order (git walks refs sorted, and keeps the first of equals).
/// `None` when the refs cannot be read.
fn exact_tag(repo: &gix::Repository, hex: &str) -> Option<Option<Vec<u8>>> {
    let head = gix::ObjectId::from_hex(hex.as_bytes()).ok()?;
    let platform = repo.references().ok()?;
    let mut best: Option<Candidate> = None;
    let mut names: Vec<(Vec<u8>, gix::ObjectId, gix::ObjectId)> = Vec::new();
    for reference in platform.tags().ok()? {
        let mut reference = reference.ok()?;
        let name = reference.name().as_bstr().to_vec();
        let Some(direct) = reference.try_id().map(gix::Id::detach) else {
            continue;
        };
        let Ok(peeled) = reference.peel_to_id() else {
            continue;
        };
        names.push((name, direct, peeled.detach()));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, direct, peeled) in names {
        if peeled != head {
            continue;
        }
        let annotated = direct != peeled;
        let prio = if annotated { 2 } else { 1 };
        let short = name.strip_prefix(b"refs/tags/").unwrap_or(&name).to_vec();
        let date = if annotated {
            tag_date(repo, direct)
        } else {
            None
        };
        let replace = match &best {
            None => true,
            Some(b) if b.prio < prio => true,
            // Two annotated tags: the newer tagger date wins (an unreadable current one loses).
            Some(b) if b.prio == 2 && prio == 2 => match (b.date, date) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(old), Some(new)) => old < new,
            },
            Some(_) => false,
        };
        if replace {
            best = Some(Candidate {
                name: short,
                prio,
                date,
            });
        }
    }
    Some(best.map(|b| b.name))
}

/// The tagger date of an annotated tag (0 without a tagger line, as git's parse_tag).
fn tag_date(repo: &gix::Repository, id: gix::ObjectId) -> Option<i64> {
    let object = repo.find_object(id).ok()?;
    let tag = object.try_into_tag().ok()?;
    let decoded = tag.decode().ok()?;
    Some(
        decoded
            .tagger()
            .ok()
            .flatten()
            .and_then(|t| t.time().ok())
            .map_or(0, |t| t.seconds),
    )
}
