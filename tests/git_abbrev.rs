//! A detached HEAD shows as many hex digits as `git rev-parse --short HEAD` gives: git's
//! automatic length from the packs' object count (7 for small repositories, 8 from 16,384
//! objects), `core.abbrev` from the repository's or the global config, `false` for the full id.

mod common;

use common::{stdout, World};

/// The id the prompt shows for a detached HEAD in `dir`, from `:🌿(ID)`.
fn shown_id(world: &World, dir: &str, global: bool) -> String {
    let mut cmd = world.awesh();
    if global {
        cmd.env_remove("GIT_CONFIG_GLOBAL");
    }
    cmd.arg("prompt").current_dir(world.path(dir));
    let out = stdout(cmd);
    let start = out
        .find('(')
        .unwrap_or_else(|| panic!("not detached: {out}"))
        + 1;
    out[start..out.len() - 1].to_string()
}

fn git_short(world: &World, dir: &str, global: bool) -> String {
    let mut cmd = world.command("git");
    if global {
        cmd.env_remove("GIT_CONFIG_GLOBAL");
    }
    let out = cmd
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(world.path(dir))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn detached_ids_are_as_long_as_gits() {
    let world = World::new();
    world.repo("repo", "main");
    world.commit("repo", "second");
    world.git("repo", &["checkout", "-q", "--detach"]);
    type Change<'a> = &'a dyn Fn(&World);
    let cases: &[(&str, Change, bool)] = &[
        ("loose objects", &|_| {}, false),
        ("packed", &|w| drop(w.git("repo", &["gc", "-q"])), false),
        (
            "core.abbrev = 10",
            &|w| drop(w.git("repo", &["config", "core.abbrev", "10"])),
            false,
        ),
        (
            "core.abbrev = auto",
            &|w| drop(w.git("repo", &["config", "core.abbrev", "auto"])),
            false,
        ),
        (
            "core.abbrev = false",
            &|w| drop(w.git("repo", &["config", "core.abbrev", "false"])),
            false,
        ),
        (
            "global core.abbrev = 12",
            &|w| {
                w.git("repo", &["config", "--unset", "core.abbrev"]);
                w.write("home/.gitconfig", "[core]\n\tabbrev = 12\n");
            },
            true,
        ),
        (
            "the repository's beats the global",
            &|w| drop(w.git("repo", &["config", "core.abbrev", "9"])),
            true,
        ),
    ];
    for (what, change, global) in cases {
        change(&world);
        let git = git_short(&world, "repo", *global);
        assert_eq!(shown_id(&world, "repo", *global), git, "{what}");
    }
}

/// Past 16,384 objects in packs git's automatic length is 8 (bounded: 17,000 blobs, made by
/// one `git fast-import` and packed).
#[test]
fn a_bigger_repository_gets_a_longer_id() {
    let world = World::new();
    world.repo("repo", "main");
    let mut stream = String::new();
    for i in 0..17_000 {
        let data = format!("blob {i}\n");
        stream.push_str(&format!("blob\ndata {}\n{data}\n", data.len()));
    }
    let mut child = world
        .command("git")
        .args(["fast-import", "--quiet"])
        .current_dir(world.path("repo"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    world.git("repo", &["checkout", "-q", "--detach"]);
    let git = git_short(&world, "repo", false);
    assert_eq!(git.len(), 8, "git's own length");
    assert_eq!(shown_id(&world, "repo", false), git);
}
