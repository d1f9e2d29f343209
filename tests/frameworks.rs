//! awesh inside the prompt frameworks people run, each the real one in a real terminal (a tmux
//! pane, read back as the rendered screen): the segment shows exactly once, follows `git
//! checkout -b` and `kubectl config use-context` at once, survives later prompts, asynchronous
//! redraws and re-sourcing the rc, never touches typed text, and leaves the framework's own
//! layout, prompt character and error indicator as they are without awesh.
//!
//! Registry frameworks (Debian liquidprompt and zsh-theme-powerlevel9k, npm pure-prompt and
//! spaceship-prompt, crates.io starship) are used where installed (`.ci/run` installs them; a
//! missing one fails under CI). Git-only ones come from `$AWESH_FRAMEWORKS`, pinned in
//! tests/frameworks/pins.txt; where that folder is absent the test says what it skipped.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::screen::{Screen, Shot, TWO_CONTEXTS};
use common::{awesh_bin, have, Sh, World};

/// Where a framework comes from.
#[derive(Clone, Copy)]
enum From {
    /// A checkout in `$AWESH_FRAMEWORKS/<name>`.
    Git(&'static str),
    /// A file installed by a package manager.
    Installed(&'static str),
    /// A package in npm's global folder.
    Npm(&'static str),
    /// A program on PATH.
    Program(&'static str),
}

/// One setup as a user has it: a shell, an rc that loads the framework, awesh's init last.
struct Setup {
    name: &'static str,
    shell: Sh,
    needs: &'static [From],
    /// The framework's part of the rc; `{fw}` is the frameworks folder, `{npm}` npm's root.
    rc: &'static str,
    /// How long the screen must stay unchanged before it counts as drawn.
    quiet_ms: u64,
    /// awesh's init line goes before the framework's (the README says last; some do not).
    awesh_first: bool,
    /// The framework shows the branch itself: a prompt counts as drawn once it does (pure,
    /// spaceship and p10k add it asynchronously).
    branch: bool,
    /// What the framework shows while an asynchronous part is still pending.
    busy: &'static str,
    /// Arguments to `awesh init` (`--prompt var` where the framework places the segment).
    init_args: &'static str,
}

fn frameworks_dir() -> Option<PathBuf> {
    std::env::var_os("AWESH_FRAMEWORKS").map(PathBuf::from)
}

fn npm_root() -> Option<PathBuf> {
    let out = std::process::Command::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()?;
    Some(PathBuf::from(String::from_utf8(out.stdout).ok()?.trim()))
}

/// The pinned commit of a git-only framework.
fn pin(name: &str) -> String {
    let pins = include_str!("frameworks/pins.txt");
    pins.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some(name)).then(|| w.next().unwrap_or_default().to_string())
        })
        .unwrap_or_else(|| panic!("{name} is not pinned in tests/frameworks/pins.txt"))
}

/// Whether everything `setup` needs is here; says loudly what is missing (and fails under CI
/// for what CI installs).
fn available(setup: &Setup) -> bool {
    if !have("tmux") || !have(setup.shell.name()) {
        return false;
    }
    for need in setup.needs {
        let (ok, what) = match *need {
            From::Git(name) => match frameworks_dir() {
                Some(dir) if dir.join(name).is_dir() => {
                    let head = std::process::Command::new("git")
                        .arg("-C")
                        .arg(dir.join(name))
                        .args(["rev-parse", "HEAD"])
                        .output()
                        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                        .unwrap_or_default();
                    if head != pin(name) {
                        eprintln!(
                            "*** {}: {name} is at {head}, not at the pinned {} ***",
                            setup.name,
                            pin(name)
                        );
                    }
                    (true, String::new())
                }
                _ => (
                    false,
                    format!("{name} (a git checkout in $AWESH_FRAMEWORKS)"),
                ),
            },
            From::Installed(path) => {
                let ok = std::path::Path::new(path).exists();
                assert!(
                    ok || std::env::var_os("CI").is_none(),
                    "{path} is missing, and CI is set: .ci/run must install it"
                );
                (ok, path.to_string())
            }
            From::Npm(pkg) => {
                let ok = npm_root().is_some_and(|r| r.join(pkg).is_dir());
                assert!(
                    ok || std::env::var_os("CI").is_none(),
                    "npm package {pkg} is missing, and CI is set: .ci/run must install it"
                );
                (ok, format!("npm package {pkg}"))
            }
            From::Program(p) => (have(p), p.to_string()),
        };
        if !ok {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED framework setup {}: {what} is not here ***\n",
                setup.name
            );
            return false;
        }
    }
    true
}

/// What awesh shows for the world's kubeconfig and repository at each stage.
const FIRST: &str = ":☸️dev:☸️team:🌿main";
const BRANCHED: &str = ":☸️dev:☸️team:🌿feat";
const SWITCHED: &str = ":☸️prod:🌿feat";

/// How awesh is set up in one run.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// The framework alone: what its prompts look like without awesh.
    Without,
    Plain,
    Serve,
}

/// What one run saw: the prompt (lines) after each step, with and without colours, the hook
/// lists before and after re-sourcing, and the final screen with text typed but not entered.
struct Run {
    prompts: Vec<Vec<String>>,
    coloured: Vec<Vec<String>>,
    hooks: (String, String),
    typed: Shot,
    first: Shot,
    /// The world's root folder, which shows in prompts.
    root: String,
}

/// The commands run one after the other; each prints `@@N@@` (typed as `@@$((0+N))@@`, so the
/// echoed command line never matches) for the prompt after it to be found.
fn steps(shell: Sh) -> Vec<String> {
    let (hooks, rc) = match shell {
        Sh::Bash => ("declare -p PROMPT_COMMAND precmd_functions", ".bashrc"),
        Sh::Zsh => ("typeset -p precmd_functions", ".zshrc"),
    };
    vec![
        "git checkout -q -b feat && echo @@$((0+1))@@".into(),
        "kubectl config use-context prod >/dev/null && echo @@$((0+2))@@".into(),
        "echo @@$((0+3))@@; false".into(),
        "echo @@$((0+4))@@; true".into(),
        format!("{hooks} >~/hooks-1 2>&1; echo @@$((0+5))@@"),
        format!(". ~/{rc}; echo @@$((0+6))@@"),
        format!("{hooks} >~/hooks-2 2>&1; echo @@$((0+7))@@"),
    ]
}

fn run(setup: &Setup, mode: Mode) -> Run {
    let world = World::new();
    world.repo("repo", "main");
    world.commit("repo", "one");
    let kube = world.write("kube/config", TWO_CONTEXTS);
    let fw = frameworks_dir().unwrap_or_default().display().to_string();
    let npm = npm_root().unwrap_or_default().display().to_string();
    let framework = setup.rc.replace("{fw}", &fw).replace("{npm}", &npm);
    let plugin = setup.init_args == "plugin";
    let init = match mode {
        Mode::Without => String::new(),
        // The oh-my-zsh plugin runs the init itself, with the arguments in AWESH_INIT_ARGS.
        _ if plugin => String::new(),
        Mode::Plain => setup
            .shell
            .init(awesh_bin(), &format!("--no-serve {}", setup.init_args)),
        Mode::Serve => setup
            .shell
            .init(awesh_bin(), &format!("--serve {}", setup.init_args)),
    };
    let framework = if plugin {
        let plugins = if mode == Mode::Without {
            "git"
        } else {
            "git awesh"
        };
        let args = if mode == Mode::Serve {
            ""
        } else {
            "--no-serve"
        };
        let bin = awesh_bin().parent().unwrap().display().to_string();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/shell-init/oh-my-zsh");
        format!(
            "path=({bin} $path)\nAWESH_INIT_ARGS='{args}'\nZSH_CUSTOM=$HOME/omz-custom\n\
             mkdir -p $ZSH_CUSTOM/plugins && cp -r {dir} $ZSH_CUSTOM/plugins/awesh\n{}",
            framework.replace("{plugins}", plugins)
        )
    } else {
        framework
    };
    let rc = if setup.awesh_first {
        format!("{init}{framework}\n")
    } else {
        format!("{framework}\n{init}")
    };
    let (file, argv): (&str, &[&str]) = match setup.shell {
        Sh::Bash => (".bashrc", &["bash", "-i"]),
        Sh::Zsh => (".zshrc", &["zsh", "-i"]),
    };
    world.write(&format!("home/{file}"), rc);
    world.write("home/starship.toml", include_str!("../docs/starship.toml"));
    let kube = kube.display().to_string();
    let cache = world.path("cache").display().to_string();
    let ceiling = world.root().parent().unwrap().display().to_string();
    let env = [
        ("KUBECONFIG", kube.as_str()),
        ("XDG_CACHE_HOME", cache.as_str()),
        ("GIT_CEILING_DIRECTORIES", ceiling.as_str()),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("AWESH_TIMEOUT_MS", "5000"),
        // The full wait for the server's reply, not the 10 ms budget: on a loaded machine a
        // debug server can be later than that, and a stale prompt (issue 17) is not the
        // current one these checks compare (tests/serve_async.rs tests stale prompts).
        ("AWESH_SYNC_MS", "600000"),
    ];
    let name = format!("{}-{mode:?}", setup.name);
    let screen: Screen = world.screen(&name, argv, &env, &world.path("repo"));
    let quiet = Duration::from_millis(setup.quiet_ms);
    // Drawn: the cursor is on a prompt, and the framework shows the branch and nothing pending.
    let drawn = |s: &Shot, mark: &str, branch: &str| {
        let prompt = s.after(mark).join("\n");
        let own = prompt
            .replace(FIRST, "")
            .replace(BRANCHED, "")
            .replace(SWITCHED, "");
        !s.cursor_line().trim().is_empty()
            && (!setup.branch || own.contains(branch))
            && (setup.busy.is_empty() || !own.contains(setup.busy))
    };
    let first = screen.settle(quiet, &format!("{name}: the first prompt"), |s| {
        drawn(s, "\u{0}", "main")
    });
    let mut prompts = vec![first.after("\u{0}")];
    let mut coloured = vec![Vec::new()];
    for (i, step) in steps(setup.shell).iter().enumerate() {
        let mark = format!("@@{}@@", i + 1);
        screen.enter(step);
        let shot = screen.settle(quiet, &format!("{name}: the prompt after {step:?}"), |s| {
            s.lines.iter().any(|l| l.contains(&mark)) && drawn(s, &mark, "feat")
        });
        prompts.push(shot.after(&mark));
        coloured.push(screen.shot_with(true).after(&mark));
    }
    screen.type_text("echo typed");
    let typed = screen.settle(quiet, &format!("{name}: the typed text"), |s| {
        s.cursor_line().contains("echo typed")
    });
    let read = |f: &str| std::fs::read_to_string(world.home().join(f)).unwrap_or_default();
    Run {
        prompts,
        coloured,
        hooks: (read("hooks-1"), read("hooks-2")),
        typed,
        first,
        root: world.root().display().to_string(),
    }
}

/// A prompt as it looks with the segment taken out: digits masked (clocks, load) and runs of
/// blanks made one, so padding a framework adds to fit the segment does not count.
fn layout(lines: &[String], segment: &str, root: &str) -> String {
    // (`…` is spaceship's mark for a part still pending, which it sometimes never fills in,
    // with or without awesh.)
    let text = lines
        .join("\n")
        .replace(segment, "")
        .replace(root, "ROOT")
        .replace('…', "");
    // Themes shorten long paths their own way: keep only the last folder's name.
    let text = text.replace(
        &format!(
            "{}/repo",
            std::path::Path::new(root)
                .file_name()
                .unwrap()
                .to_string_lossy()
        ),
        "ROOT/repo",
    );
    let masked: String = text
        .chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect();
    masked
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(setup: &Setup) {
    if !available(setup) {
        return;
    }
    let runs: Vec<(Mode, Run)> = std::thread::scope(|scope| {
        let handles: Vec<_> = [Mode::Without, Mode::Plain, Mode::Serve]
            .into_iter()
            .map(|mode| scope.spawn(move || (mode, run(setup, mode))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let without = &runs[0].1;
    let name = setup.name;
    // The segment expected in the prompt after each step (0 is the first prompt).
    let expected = [
        FIRST, BRANCHED, SWITCHED, SWITCHED, SWITCHED, SWITCHED, SWITCHED, SWITCHED,
    ];
    for (mode, run) in &runs[1..] {
        let ctx = |i: usize| {
            format!(
                "{name} ({mode:?}), prompt {i}:\n{}",
                run.prompts[i].join("\n")
            )
        };
        for (i, prompt) in run.prompts.iter().enumerate() {
            if setup.awesh_first && i == 0 {
                // bash-preexec loaded after awesh installs itself at the first prompt and runs
                // the rc's `precmd` after awesh's hooks that once; from the next prompt on
                // awesh's hooks are in its list, in order.
                continue;
            }
            let text = prompt.join("\n");
            let segment = expected[i];
            // Exactly once, current, and no other segment of ours (a stale one) anywhere.
            assert_eq!(text.matches(segment).count(), 1, "{}", ctx(i));
            assert_eq!(text.matches('🌿').count(), 1, "{}", ctx(i));
            // (Where the rc lists awesh as one of the theme's own elements, the theme draws it
            // with its own separators: nothing to compare with a prompt that lacks it.)
            if i > 0 && !setup.rc.contains(" awesh ") {
                // The framework's own layout and prompt character, exactly as without awesh.
                assert_eq!(
                    layout(prompt, segment, &run.root),
                    layout(&without.prompts[i], segment, &without.root),
                    "{} -- without awesh it was:\n{}",
                    ctx(i),
                    without.prompts[i].join("\n")
                );
            }
        }
        if !setup.awesh_first && run.first.lines.iter().all(|l| !l.contains("awesh:")) {
            assert_eq!(
                run.first.text().matches(FIRST).count(),
                1,
                "{}",
                run.first.text()
            );
        }
        // The error indicator: where the framework shows `false` differently from `true`,
        // it still does.
        if without.coloured[3] != without.coloured[4] {
            assert_ne!(
                run.coloured[3], run.coloured[4],
                "{name} ({mode:?}): the prompt after `false` looks like the one after `true`"
            );
        }
        // Re-sourcing the rc adds no hook (where the framework itself adds none).
        if without.hooks.0 == without.hooks.1 {
            assert_eq!(
                run.hooks.0, run.hooks.1,
                "{name} ({mode:?}): re-sourcing changed the hooks"
            );
        }
        for hook in ["__awesh_hook", "__awesh_insert", "__awesh_precmd"] {
            assert!(
                run.hooks.1.matches(hook).count() <= 1,
                "{name} ({mode:?}): {hook} twice:\n{}",
                run.hooks.1
            );
        }
        // Typed text: after the segment, with a blank between them; the segment never after
        // the cursor.
        let line = run.typed.cursor_line();
        let typed_at = line
            .find("echo typed")
            .expect("typed text on the cursor line");
        assert!(
            line[..typed_at].ends_with(' ') && !line[..typed_at].trim_end().ends_with("echo"),
            "{name} ({mode:?}): typed text glued to the prompt: {line:?}"
        );
        if let Some(at) = line.find(SWITCHED) {
            assert!(
                at < typed_at,
                "{name} ({mode:?}): segment after the cursor: {line:?}"
            );
        } else {
            // Not on the input line: then on the line above it (the info line).
            let above = run.typed.lines[..run.typed.cursor.0].join("\n");
            assert!(
                above.contains(SWITCHED),
                "{name} ({mode:?}):\n{}",
                run.typed.text()
            );
        }
    }
}

/// oh-my-zsh's set-up, then `$theme_and_plugins` (which sources oh-my-zsh.sh).
macro_rules! omz {
    ($rest:literal) => {
        concat!(
            "export ZSH={fw}/ohmyzsh\nDISABLE_AUTO_UPDATE=true\nZSH_DISABLE_COMPFIX=true\n",
            "ZSH_CACHE_DIR=$HOME/.cache/omz\nZSH_COMPDUMP=$HOME/.zcompdump\n",
            $rest
        )
    };
}

/// powerlevel10k and powerlevel9k, non-interactive: no wizard, no gitstatusd download.
macro_rules! p9k_vars {
    ($left:literal) => {
        concat!(
            "POWERLEVEL9K_DISABLE_GITSTATUS=true\nPOWERLEVEL9K_DISABLE_CONFIGURATION_WIZARD=true\n",
            "POWERLEVEL9K_INSTANT_PROMPT=off\n",
            "POWERLEVEL9K_LEFT_PROMPT_ELEMENTS=(",
            $left,
            ")\n",
            "POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS=(status)\n"
        )
    };
}

macro_rules! setup_test {
    ($test:ident, $name:literal, $shell:expr, $needs:expr, $rc:expr, $quiet:literal, $first:literal) => {
        setup_test!($test, $name, $shell, $needs, $rc, $quiet, $first, true, "");
    };
    ($test:ident, $name:literal, $shell:expr, $needs:expr, $rc:expr, $quiet:literal, $first:literal,
     $branch:literal, $busy:literal) => {
        setup_test!($test, $name, $shell, $needs, $rc, $quiet, $first, $branch, $busy, "");
    };
    ($test:ident, $name:literal, $shell:expr, $needs:expr, $rc:expr, $quiet:literal, $first:literal,
     $branch:literal, $busy:literal, $init:literal) => {
        #[test]
        fn $test() {
            check(&Setup {
                name: $name,
                shell: $shell,
                needs: $needs,
                rc: $rc,
                quiet_ms: $quiet,
                awesh_first: $first,
                branch: $branch,
                busy: $busy,
                init_args: $init,
            });
        }
    };
}

setup_test!(
    ohmyzsh_robbyrussell,
    "oh-my-zsh robbyrussell",
    Sh::Zsh,
    &[From::Git("ohmyzsh")],
    omz!("ZSH_THEME=robbyrussell\nplugins=(git)\nsource $ZSH/oh-my-zsh.sh"),
    800,
    false
);
setup_test!(
    ohmyzsh_agnoster,
    "oh-my-zsh agnoster",
    Sh::Zsh,
    &[From::Git("ohmyzsh")],
    omz!("ZSH_THEME=agnoster\nplugins=(git)\nsource $ZSH/oh-my-zsh.sh"),
    800,
    false
);
setup_test!(
    ohmyzsh_kube_ps1,
    "oh-my-zsh kube-ps1 plugin",
    Sh::Zsh,
    &[From::Git("ohmyzsh")],
    omz!(
        "ZSH_THEME=robbyrussell\nplugins=(git kube-ps1)\nsource $ZSH/oh-my-zsh.sh\n\
          PROMPT='$(kube_ps1) '$PROMPT"
    ),
    800,
    false
);
setup_test!(
    pure,
    "pure",
    Sh::Zsh,
    &[From::Npm("pure-prompt")],
    "fpath+=({npm}/pure-prompt)\nautoload -U promptinit\npromptinit\nprompt pure",
    2000,
    false
);
setup_test!(
    spaceship,
    "spaceship",
    Sh::Zsh,
    &[From::Npm("spaceship-prompt")],
    // (Its docker section would ask a daemon that may not answer, holding up the async worker.)
    "SPACESHIP_PROMPT_ORDER=(user dir host git exec_time line_sep jobs exit_code char)\n\
     source {npm}/spaceship-prompt/spaceship.zsh",
    2500,
    false
);
setup_test!(
    starship_zsh,
    "starship (zsh)",
    Sh::Zsh,
    &[From::Program("starship")],
    "eval \"$(starship init zsh)\"",
    800,
    false
);
setup_test!(
    starship_bash,
    "starship (bash)",
    Sh::Bash,
    &[From::Program("starship")],
    "eval \"$(starship init bash)\"",
    800,
    false
);
setup_test!(
    powerlevel10k,
    "powerlevel10k",
    Sh::Zsh,
    &[From::Git("powerlevel10k")],
    concat!(
        p9k_vars!("dir vcs newline prompt_char"),
        "source {fw}/powerlevel10k/powerlevel10k.zsh-theme"
    ),
    1500,
    false
);
setup_test!(
    powerlevel9k,
    "powerlevel9k (Debian)",
    Sh::Zsh,
    &[From::Installed(
        "/usr/share/powerlevel9k/powerlevel9k.zsh-theme"
    )],
    concat!(
        p9k_vars!("dir vcs"),
        "source /usr/share/powerlevel9k/powerlevel9k.zsh-theme"
    ),
    800,
    false
);
setup_test!(
    liquidprompt,
    "liquidprompt",
    Sh::Bash,
    &[From::Installed("/usr/share/liquidprompt/liquidprompt")],
    "LP_ENABLE_LOAD=0\nLP_ENABLE_BATT=0\nLP_ENABLE_RUNTIME=0\nLP_ENABLE_TEMP=0\n\
     source /usr/share/liquidprompt/liquidprompt",
    800,
    false,
    false,
    ""
);
setup_test!(
    bash_it_bobby,
    "bash-it bobby",
    Sh::Bash,
    &[From::Git("bash-it")],
    "export BASH_IT={fw}/bash-it\nexport BASH_IT_THEME=bobby\nsource \"$BASH_IT\"/bash_it.sh",
    800,
    false
);
setup_test!(
    bash_it_powerline,
    "bash-it powerline",
    Sh::Bash,
    &[From::Git("bash-it")],
    "export BASH_IT={fw}/bash-it\nexport BASH_IT_THEME=powerline\nsource \"$BASH_IT\"/bash_it.sh",
    800,
    false
);
setup_test!(
    bash_preexec_after_awesh,
    "bash-preexec loaded after awesh",
    Sh::Bash,
    &[From::Git("bash-preexec")],
    "PS1='\\u@\\h:\\w\\$ '\nsource {fw}/bash-preexec/bash-preexec.sh\n\
     precmd() { PS1='\\u@\\h:\\w\\$ '; }",
    800,
    true,
    false,
    ""
);
setup_test!(
    bash_preexec,
    "bash-preexec",
    Sh::Bash,
    &[From::Git("bash-preexec")],
    "PS1='\\u@\\h:\\w\\$ '\nsource {fw}/bash-preexec/bash-preexec.sh\n\
     precmd() { PS1='\\u@\\h:\\w\\$ '; }",
    800,
    false,
    false,
    ""
);
setup_test!(
    kube_ps1_bash,
    "kube-ps1 (bash)",
    Sh::Bash,
    &[From::Git("kube-ps1")],
    "source {fw}/kube-ps1/kube-ps1.sh\nPS1='[\\u@\\h \\W $(kube_ps1)]\\$ '",
    800,
    false,
    false,
    ""
);

// The frameworks' own ways of placing the segment, as the README shows them.
setup_test!(
    ohmyzsh_plugin,
    "oh-my-zsh with the awesh plugin",
    Sh::Zsh,
    &[From::Git("ohmyzsh")],
    omz!("ZSH_THEME=robbyrussell\nplugins=({plugins})\nsource $ZSH/oh-my-zsh.sh"),
    800,
    false,
    true,
    "",
    "plugin"
);
setup_test!(
    powerlevel10k_element,
    "powerlevel10k with an awesh element",
    Sh::Zsh,
    &[From::Git("powerlevel10k")],
    concat!(
        p9k_vars!("dir vcs awesh newline prompt_char"),
        "source {fw}/powerlevel10k/powerlevel10k.zsh-theme"
    ),
    1500,
    false
);
setup_test!(
    spaceship_section,
    "spaceship with an awesh section",
    Sh::Zsh,
    &[From::Npm("spaceship-prompt")],
    "SPACESHIP_PROMPT_ORDER=(user dir host git awesh exec_time line_sep jobs exit_code char)\n\
     source {npm}/spaceship-prompt/spaceship.zsh",
    2500,
    // spaceship looks its sections up when it is sourced and drops the missing ones
    // ("Warning! The 'awesh' section was not found"): awesh's init goes first, as README says.
    true
);
setup_test!(
    starship_env_var_bash,
    "starship env_var (bash)",
    Sh::Bash,
    &[From::Program("starship")],
    "export STARSHIP_CONFIG=$HOME/starship.toml\neval \"$(starship init bash)\"",
    800,
    false,
    true,
    "",
    "--prompt var"
);
setup_test!(
    starship_env_var_zsh,
    "starship env_var (zsh)",
    Sh::Zsh,
    &[From::Program("starship")],
    "export STARSHIP_CONFIG=$HOME/starship.toml\neval \"$(starship init zsh)\"",
    800,
    false,
    true,
    "",
    "--prompt var"
);

/// With powerlevel10k loaded and no awesh element, `awesh init zsh` says once how to add one:
/// in the first shell, not in the next.
#[test]
fn powerlevel10k_hint_is_said_once() {
    let setup = Setup {
        name: "powerlevel10k hint",
        shell: Sh::Zsh,
        needs: &[From::Git("powerlevel10k")],
        rc: "",
        quiet_ms: 1500,
        awesh_first: false,
        branch: false,
        busy: "",
        init_args: "",
    };
    if !available(&setup) {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let fw = frameworks_dir().unwrap().display().to_string();
    let rc = concat!(
        p9k_vars!("dir vcs newline prompt_char"),
        "source {fw}/powerlevel10k/powerlevel10k.zsh-theme\n"
    )
    .replace("{fw}", &fw);
    world.write(
        "home/.zshrc",
        format!("{rc}{}", Sh::Zsh.init(awesh_bin(), "")),
    );
    let cache = world.path("cache").display().to_string();
    let env = [("XDG_CACHE_HOME", cache.as_str())];
    let hint = "add awesh to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS";
    for (n, want) in [(0, 1), (1, 0)] {
        let screen = world.screen(
            &format!("hint-{n}"),
            &["zsh", "-i"],
            &env,
            &world.path("repo"),
        );
        let shot = screen.settle(Duration::from_millis(1500), "the first prompt", |s| {
            s.cursor_line().contains('❯')
        });
        assert_eq!(
            shot.text().matches(hint).count(),
            want,
            "shell {n}:\n{}",
            shot.text()
        );
    }
}
