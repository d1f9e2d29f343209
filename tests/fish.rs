//! awesh in fish, in a real terminal (a tmux pane read back as the rendered screen): the segment
//! in the prompt you have (fish's own default, a colourful custom one, tide, starship), current
//! after `git checkout -b` and `kubectl config use-context`, never glued to typed text, once
//! after re-sourcing config.fish, names shown and never run, `$status` and `$pipestatus` kept,
//! the toggles, and `--prompt var|replace`.

mod common;

use std::time::Duration;

use common::screen::{Screen, Shot, TWO_CONTEXTS};
use common::{awesh_bin, have, World};

/// A fish in a pane, in the world's repository, with `config` as its config.fish; `init` is
/// appended as `awesh init fish ARGS | source`.
fn start(world: &World, config: &str, args: &str) -> Screen {
    world.repo("repo", "main");
    world.commit("repo", "one");
    let kube = world
        .write("kube/config", TWO_CONTEXTS)
        .display()
        .to_string();
    let bin = common::sh_quote(&awesh_bin().display().to_string());
    world.write(
        "home/.config/fish/config.fish",
        format!("set -g fish_greeting ''\n{config}\n{bin} init fish {args} | source\n"),
    );
    let cache = world.path("cache").display().to_string();
    let ceiling = world.root().parent().unwrap().display().to_string();
    let env = [
        ("KUBECONFIG", kube.as_str()),
        ("XDG_CACHE_HOME", cache.as_str()),
        ("GIT_CEILING_DIRECTORIES", ceiling.as_str()),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("AWESH_TIMEOUT_MS", "5000"),
    ];
    world.screen("fish", &["fish"], &env, &world.path("repo"))
}

const QUIET: Duration = Duration::from_millis(700);

/// Runs `line`, which prints `@@N@@` last (typed as `@@(math 0+N)@@`), and returns the prompt
/// that follows it.
fn step(screen: &Screen, line: &str, n: usize) -> (Vec<String>, Shot) {
    step_as(screen, &format!("{line}; echo @@(math 0+{n})@@"), n)
}

/// [`step`] for a `line` that prints the mark itself.
fn step_as(screen: &Screen, line: &str, n: usize) -> (Vec<String>, Shot) {
    let mark = format!("@@{n}@@");
    screen.enter(line);
    let shot = screen.settle(QUIET, &format!("the prompt after {line:?}"), |s| {
        s.lines.iter().any(|l| l.contains(&mark)) && !s.cursor_line().trim().is_empty()
    });
    (shot.after(&mark), shot)
}

fn count(lines: &[String], needle: &str) -> usize {
    lines.join("\n").matches(needle).count()
}

/// The checks every prompt setup must pass, answered by the server (the default) and by a
/// process per prompt.
fn follows_the_world(config: &str) {
    for args in ["", "--no-serve"] {
        follows_the_world_with(config, args);
    }
}

fn follows_the_world_with(config: &str, args: &str) {
    if !have("fish") || !have("tmux") {
        return;
    }
    let world = World::new();
    let screen = start(&world, config, args);
    let first = screen.settle(QUIET, "the first prompt", |s| {
        s.cursor_line().contains("🌿main")
    });
    assert_eq!(count(&first.lines, "🌿"), 1, "{}", first.text());
    assert_eq!(
        count(&first.lines, ":☸️dev:☸️team:🌿main"),
        1,
        "{}",
        first.text()
    );

    let (p, shot) = step(&screen, "git checkout -q -b feat", 1);
    assert_eq!(count(&p, ":☸️dev:☸️team:🌿feat"), 1, "{}", shot.text());
    let (p, shot) = step(&screen, "kubectl config use-context prod >/dev/null", 2);
    assert_eq!(count(&p, ":☸️prod:🌿feat"), 1, "{}", shot.text());
    assert_eq!(count(&p, "🌿"), 1, "{}", shot.text());

    // The status and pipestatus the command left, for the prompt and for the next command.
    step_as(&screen, "echo @@(math 0+3)@@; false | true | false", 3);
    let (_, shot) = step(&screen, "echo \"st=$status ps=$pipestatus\"", 4);
    assert!(
        shot.lines.iter().any(|l| l.contains("st=1 ps=1 0 1")),
        "{}",
        shot.text()
    );

    // Re-sourcing adds no handler and no second wrapper.
    let (p, shot) = step(&screen, "source ~/.config/fish/config.fish", 5);
    assert_eq!(count(&p, ":☸️prod:🌿feat"), 1, "{}", shot.text());
    let (_, shot) = step(
        &screen,
        "echo handlers=(functions --handlers-type generic | string match -e __awesh_compute | count)",
        6,
    );
    assert!(
        shot.lines.iter().any(|l| l.contains("handlers=1")),
        "{}",
        shot.text()
    );

    // Typed text: after the segment, with a blank between.
    screen.type_text("echo typed");
    let shot = screen.settle(QUIET, "the typed text", |s| {
        s.cursor_line().contains("echo typed")
    });
    let line = shot.cursor_line();
    let at = line.find("echo typed").unwrap();
    let seg = line
        .find(":☸️prod:🌿feat")
        .expect("segment on the input line");
    assert!(seg < at && line[..at].ends_with(' '), "{line:?}");
}

#[test]
fn fish_default_prompt() {
    follows_the_world("");
}

#[test]
fn fish_custom_coloured_prompt() {
    follows_the_world(
        "function fish_prompt
    set -l s $status
    set_color blue; printf '%s' (prompt_pwd); set_color normal
    test $s -ne 0; and printf ' [%s]' $s
    printf '\\n'; set_color green; printf '❯ '; set_color normal
end",
    );
}

#[test]
fn fish_with_starship() {
    if !have("starship") {
        return;
    }
    follows_the_world("starship init fish | source");
}

/// tide, from a pinned checkout in `$AWESH_FRAMEWORKS/tide` (tests/frameworks/pins.txt), set up
/// as its installer would with the lean style.
#[test]
fn fish_with_tide() {
    let Some(dir) = std::env::var_os("AWESH_FRAMEWORKS") else {
        eprintln!("\n*** SKIPPED fish_with_tide: AWESH_FRAMEWORKS is not set ***\n");
        return;
    };
    let tide = std::path::Path::new(&dir).join("tide");
    if !tide.is_dir() {
        eprintln!("\n*** SKIPPED fish_with_tide: no tide in $AWESH_FRAMEWORKS ***\n");
        return;
    }
    follows_the_world(&format!(
        "set -g tide {}\nset -g fish_function_path $tide/functions $fish_function_path\n\
         source $tide/conf.d/_tide_init.fish\n\
         if not set -q tide_left_prompt_items\n\
         source (functions --details _tide_sub_configure)\n_load_config lean\n_tide_finish\nend",
        tide.display()
    ));
}

/// A branch named like a fish command substitution is shown, not run; the toggles; var and replace.
#[test]
fn fish_names_toggles_and_modes() {
    if !have("fish") || !have("tmux") {
        return;
    }
    let world = World::new();
    let screen = start(&world, "", "");
    screen.settle(QUIET, "the first prompt", |s| {
        s.cursor_line().contains("🌿main")
    });
    let (p, shot) = step(&screen, "git checkout -q -b '(id)'", 1);
    assert_eq!(count(&p, "🌿(id)"), 1, "{}", shot.text());
    assert!(!p.join("\n").contains("uid="), "{}", shot.text());
    let (p, shot) = step(&screen, "awesh_off kube", 2);
    assert_eq!(count(&p, "☸️"), 0, "{}", shot.text());
    assert_eq!(count(&p, "🌿"), 1, "{}", shot.text());
    let (p, shot) = step(&screen, "awesh_off", 3);
    assert_eq!(count(&p, "🌿"), 0, "{}", shot.text());
    let (p, shot) = step(&screen, "awesh_on", 4);
    assert_eq!(count(&p, ":☸️dev:☸️team:🌿(id)"), 1, "{}", shot.text());
    // A prompt defined again (as a theme does) is wrapped again at the very next prompt, and
    // stays wrapped after an empty line.
    let (p, shot) = step(&screen, "function fish_prompt; printf 'new> '; end", 5);
    assert_eq!(count(&p, "new:☸️dev:☸️team:🌿(id)>"), 1, "{}", shot.text());
    screen.enter("");
    let shot = screen.settle(QUIET, "the prompt after an empty line", |s| {
        s.cursor_line().starts_with("new")
    });
    assert_eq!(
        shot.cursor_line().trim_end(),
        "new:☸️dev:☸️team:🌿(id)>",
        "{}",
        shot.text()
    );
    drop(screen);

    let world = World::new();
    let screen = start(
        &world,
        "function fish_prompt; printf '[%s]> ' \"$AWESH_SEGMENT\"; end",
        "--prompt var",
    );
    let shot = screen.settle(QUIET, "the first prompt", |s| {
        s.cursor_line().contains("]>")
    });
    assert!(
        shot.cursor_line().ends_with("[:☸️dev:☸️team:🌿main]>"),
        "{}",
        shot.text()
    );
    drop(screen);

    let world = World::new();
    let screen = start(&world, "", "--prompt replace");
    let shot = screen.settle(QUIET, "the first prompt", |s| {
        s.cursor_line().ends_with('>')
    });
    assert!(
        shot.cursor_line().ends_with(":☸️dev:☸️team:🌿main>"),
        "{}",
        shot.text()
    );
}
