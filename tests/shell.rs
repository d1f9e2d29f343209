//! Issue #4: `awesh init bash|zsh` in real interactive shells under a pseudo-terminal (tmux):
//! the segment follows the world, `$?` and friends survive, toggles, a broken binary, the three
//! prompt modes. Each test starts a bare shell (`bash --norc`, `zsh -f`) in a scrubbed temp
//! HOME, sources an rc file written by the test, and reads the prompts the shell really prints.
//! Without tmux, bash or zsh a test says loudly that it was skipped (and fails under CI).

mod common;

use std::path::Path;

use common::{awesh_bin, count, start, start_with, Sh, World};

/// Segment after `cd` into a repo, after `git checkout -b`, after a kubeconfig edit; `$?`, the
/// pipeline statuses and `$_` survive the hook; no job noise.
fn segment_follows_the_world(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    world.home_kubeconfig("dev", "team");
    let (mut pty, first) = start(&world, sh, ".", &sh.init(awesh_bin(), ""));
    assert_eq!(
        first.shown(),
        "[awesh]:☸️dev:☸️team",
        "{sh:?} outside a repo"
    );

    let step = pty.run(&world, "cd repo");
    assert_eq!(
        step.shown(),
        "[awesh]:☸️dev:☸️team:🌿main",
        "{sh:?} after cd"
    );

    let step = pty.run(&world, "git checkout -q -b other");
    assert_eq!(
        step.shown(),
        "[awesh]:☸️dev:☸️team:🌿other",
        "{sh:?} after checkout"
    );

    world.home_kubeconfig("prod", "payments");
    let step = pty.run(&world, "");
    assert_eq!(
        step.shown(),
        "[awesh]:☸️prod:☸️payments:🌿other",
        "{sh:?} after kubeconfig edit"
    );

    pty.run(&world, "false");
    let step = pty.run(&world, "echo \"rc=$?\"");
    assert!(step.out().contains("rc=1\r\n"), "{sh:?}: {}", step.out());

    pty.run(&world, "false | true | (exit 3)");
    let step = pty.run(&world, &format!("echo \"ps={}\"", sh.pipestatus()));
    assert!(
        step.out().contains("ps=1 0 3\r\n"),
        "{sh:?}: {}",
        step.out()
    );

    pty.run(&world, "echo last-word");
    let step = pty.run(&world, "echo \"u=$_\"");
    assert!(
        step.out().contains("u=last-word\r\n"),
        "{sh:?}: {}",
        step.out()
    );

    let step = pty.run(&world, "jobs");
    assert!(!step.out().contains('['), "{sh:?} has jobs: {}", step.out());
    let log = String::from_utf8_lossy(&pty.raw()).into_owned();
    assert!(!log.contains("Done"), "{sh:?} printed job noise:\n{log}");
}

#[test]
fn bash_segment_follows_the_world() {
    segment_follows_the_world(Sh::Bash);
}

#[test]
fn zsh_segment_follows_the_world() {
    segment_follows_the_world(Sh::Zsh);
}

/// `awesh_off`/`awesh_on`, for one part or all of awesh, in the current shell.
fn toggles_work(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    world.home_kubeconfig("dev", "default");
    let (mut pty, first) = start(&world, sh, "repo", &sh.init(awesh_bin(), ""));
    assert_eq!(first.shown(), "[awesh]:☸️dev:🌿main", "{sh:?}");
    for (line, want) in [
        ("awesh_off kube", "[awesh]:🌿main"),
        ("awesh_off git", "[awesh]"),
        // Twice off is still one toggle: one `awesh_on` brings it back.
        ("awesh_off git", "[awesh]"),
        ("awesh_on kube", "[awesh]:☸️dev"),
        ("awesh_on git", "[awesh]:☸️dev:🌿main"),
        ("awesh_off", "[awesh]"),
        ("cd ..", "[awesh]"),
        ("cd repo", "[awesh]"),
        ("awesh_on", "[awesh]:☸️dev:🌿main"),
    ] {
        let step = pty.run(&world, line);
        assert_eq!(step.shown(), want, "{sh:?} after {line}");
        assert!(
            !step.out().contains("awesh:"),
            "{sh:?} warned: {}",
            step.out()
        );
    }
    let step = pty.run(&world, "awesh_off nonsense");
    assert!(
        step.out()
            .contains("unknown part nonsense (kube, git, status, or nothing for all)"),
        "{sh:?}: {}",
        step.out()
    );
}

#[test]
fn bash_toggles_work() {
    toggles_work(Sh::Bash);
}

#[test]
fn zsh_toggles_work() {
    toggles_work(Sh::Zsh);
}

/// The binary at a path with a space and a quote (which the init must quote); then a binary
/// that fails, then none at all: the prompt keeps working, with one short warning each time.
fn broken_binary_keeps_the_prompt(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let dir = world.path("b i n's");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("awesh");
    if std::fs::hard_link(awesh_bin(), &bin).is_err() {
        std::fs::copy(awesh_bin(), &bin).unwrap();
    }
    // The path that runs the binary each prompt (a server would go on answering from the
    // binary it started with, as after an upgrade).
    let (mut pty, first) = start(&world, sh, "repo", &sh.init(&bin, "--no-serve"));
    assert_eq!(
        first.shown(),
        "[awesh]:🌿main",
        "{sh:?} from a path with ' and space"
    );

    std::fs::remove_file(&bin).unwrap();
    world.write("b i n's/awesh", "#!/bin/sh\necho boom >&2\nexit 3\n");
    make_executable(&bin);
    let step = pty.run(&world, "");
    assert_eq!(step.shown(), "[awesh]", "{sh:?}");
    let out = step.out();
    assert_eq!(count(&out, "awesh: "), 1, "{sh:?}: {out:?}");
    assert!(
        out.contains("(exit 3)") && !out.contains("boom"),
        "{sh:?}: {out:?}"
    );
    for _ in 0..2 {
        let step = pty.run(&world, "");
        assert_eq!(step.shown(), "[awesh]", "{sh:?}");
        assert!(
            !step.out().contains("awesh"),
            "{sh:?} warned again: {}",
            step.out()
        );
    }

    std::fs::remove_file(&bin).unwrap();
    let step = pty.run(&world, "awesh_on");
    assert_eq!(step.shown(), "[awesh]", "{sh:?}");
    let out = step.out();
    assert!(
        out.contains("awesh: ") && out.contains("is missing"),
        "{sh:?}: {out:?}"
    );
    assert!(
        !out.contains("not found") && !out.contains("No such"),
        "{sh:?}: {out:?}"
    );
    let step = pty.run(&world, "echo \"ok-$((40 + 2))\"");
    assert!(step.out().contains("ok-42\r\n"), "{sh:?}: {}", step.out());
    assert!(
        !step.out().contains("awesh"),
        "{sh:?} warned again: {}",
        step.out()
    );
    assert_eq!(step.shown(), "[awesh]", "{sh:?}");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn bash_survives_a_broken_binary() {
    broken_binary_keeps_the_prompt(Sh::Bash);
}

#[test]
fn zsh_survives_a_broken_binary() {
    broken_binary_keeps_the_prompt(Sh::Zsh);
}

/// `--prompt var` leaves the prompt alone; a prompt that names `${AWESH_SEGMENT}` itself is
/// left alone in the default mode too; `--prompt replace` gives the simple default prompt.
fn prompt_modes(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let print_var = "printf '<%s>\\n' \"$AWESH_SEGMENT\"";

    let (mut pty, first) = start(&world, sh, "repo", &sh.init(awesh_bin(), "--prompt var"));
    assert_eq!(first.shown(), "[awesh]", "{sh:?} var mode");
    let step = pty.run(&world, print_var);
    assert!(step.out().contains("<:🌿main>"), "{sh:?}: {}", step.out());
    drop(pty);

    let own = match sh {
        Sh::Bash => "PS1='[awesh ${AWESH_SEGMENT} here]\\$ '\n",
        Sh::Zsh => "setopt prompt_subst\nPROMPT='[awesh ${AWESH_SEGMENT} here]%# '\n",
    };
    let rc = format!("{own}{}", sh.init(awesh_bin(), ""));
    let (mut pty, first) = start(&world, sh, "repo", &rc);
    assert_eq!(
        first.shown(),
        "[awesh :🌿main here]",
        "{sh:?} placed by the user"
    );
    let step = pty.run(&world, "git checkout -q -b next");
    assert_eq!(
        step.shown(),
        "[awesh :🌿next here]",
        "{sh:?} placed by the user"
    );
    drop(pty);

    if sh == Sh::Zsh {
        // Placed in RPROMPT: PROMPT is left as it is.
        let rc = format!(
            "setopt prompt_subst\nRPROMPT='${{AWESH_SEGMENT}}'\n{}",
            sh.init(awesh_bin(), "")
        );
        let (mut pty, first) = start(&world, sh, "repo", &rc);
        assert!(first.shown().starts_with("[awesh]"), "{}", first.shown());
        let step = pty.run(&world, "echo \"p=$PROMPT r=$RPROMPT s=$AWESH_SEGMENT\"");
        let want = "p=[awesh]%#  r=${AWESH_SEGMENT} s=:🌿next\r\n";
        assert!(step.out().contains(want), "{}", step.out());
    }

    // The default prompt has no marker of ours: it shows the directory, so use its name.
    let rc = sh.init(awesh_bin(), "--prompt replace");
    let (_pty, first) = start_with(&world, sh, "repo", &rc, "/repo:");
    assert_eq!(first.shown(), "/repo:🌿next", "{sh:?} replace mode");
}

#[test]
fn bash_prompt_modes() {
    prompt_modes(Sh::Bash);
}

#[test]
fn zsh_prompt_modes() {
    prompt_modes(Sh::Zsh);
}
