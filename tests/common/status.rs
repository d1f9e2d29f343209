//! git's own working-tree status, for the tests that hold awesh's to it: the count per class
//! from `git --no-optional-locks status --porcelain=v2 --branch --show-stash` (which, unlike a
//! plain `git status`, never refreshes the index, so it leaves racy entries as they are).

use super::World;

/// A config with the status on and every marker showing its count, so one prompt says every
/// class. Its `[status]` table comes last, so a test may append keys to it.
pub const COUNTED: &str = r#"
[status.conflicted]
format = "{symbol}{count}"
[status.unstaged]
format = "{symbol}{count}"
[status.staged]
format = "{symbol}{count}"
[status.untracked]
format = "{symbol}{count}"
[status.stash]
format = "{symbol}{count}"
[status]
enabled = true
format = " [{conflicted}{unstaged}{staged}{untracked}{stash}{ahead}{behind}{unknown}]"
"#;

/// The classes, in the order of [`git_counts`], with the marker awesh shows for each.
pub const CLASSES: &[(&str, &str)] = &[
    ("conflicted", "="),
    ("unstaged", "*"),
    ("staged", "+"),
    ("untracked", "%"),
    ("stash", "$"),
    ("ahead", "\u{21e1}"),
    ("behind", "\u{21e3}"),
];

/// git's count per class in `dir` (relative to the world's root), in [`CLASSES`] order.
pub fn git_counts(world: &World, dir: &str) -> Vec<(&'static str, u64)> {
    let text = world.git(
        dir,
        &[
            "--no-optional-locks",
            "status",
            "--porcelain=v2",
            "--branch",
            "--show-stash",
        ],
    );
    let mut n = [0u64; 7];
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields[0] {
            "1" | "2" => {
                let xy = fields[1].as_bytes();
                n[2] += u64::from(xy[0] != b'.');
                n[1] += u64::from(xy[1] != b'.');
            }
            "u" => n[0] += 1,
            "?" => n[3] += 1,
            "#" if fields[1] == "stash" => n[4] = fields[2].parse().unwrap(),
            "#" if fields[1] == "branch.ab" => {
                n[5] = fields[2].trim_start_matches('+').parse().unwrap();
                n[6] = fields[3].trim_start_matches('-').parse().unwrap();
            }
            _ => {}
        }
    }
    CLASSES.iter().map(|(c, _)| *c).zip(n).collect()
}

/// Checks `explain --json`'s `git.status` against git's counts: an exact count equals git's, a
/// lower bound is at most git's, an unknown one is allowed. Returns the markers awesh should
/// show with every marker's `{count}` written (as in the tests' configs), `?` last when a class
/// is unknown.
#[track_caller]
pub fn expected_markers(status: &serde_json::Value, truth: &[(&str, u64)], what: &str) -> String {
    let mut want = String::new();
    let mut unknown = false;
    for ((class, marker), (_, git)) in CLASSES.iter().zip(truth) {
        let c = &status[*class];
        if c["count"].is_null() {
            unknown = true;
            continue;
        }
        let n = c["count"].as_u64().unwrap();
        if c["exact"] == true {
            assert_eq!(n, *git, "{class} in {what}: awesh {c}, git {git}");
        } else {
            assert!(
                n <= *git,
                "{class} in {what}: awesh at least {n}, git {git}"
            );
        }
        if n > 0 {
            let cut = if c["exact"] == true { "" } else { "+" };
            want.push_str(&format!("{marker}{n}{cut}"));
        }
    }
    if unknown {
        want.push('?');
    }
    want
}
