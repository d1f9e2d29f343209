//! The command line, as clap derives. Doc comments here are the `--help` text.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::segment::registry::{Part, Parts, PARTS};

pub use crate::shell::Shell;

/// The parser of a shell argument that takes the shells in `allowed` (each with its help).
fn shells(allowed: &'static [Shell]) -> impl TypedValueParser<Value = Shell> {
    PossibleValuesParser::new(
        allowed
            .iter()
            .map(|s| PossibleValue::new(s.name()).help(s.help())),
    )
    .map(move |name| Shell::named(name.as_bytes(), allowed).unwrap_or_default())
}

/// Where you are, in your prompt: Kubernetes context and namespace, git branch.
#[derive(Debug, Parser)]
#[command(name = "awesh", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the context segment for the current directory (always exits 0).
    Prompt(PromptArgs),
    /// Show what each segment found, where from, how long it took, and why one is missing.
    Explain(ExplainArgs),
    /// Ask how to do something: an answer and a risk-labelled command, never run.
    ///
    /// Answered locally when possible (where you are, kubectl, git, a command as typed), else by
    /// the model configured with OPENAI_API_KEY / OPENAI_BASE_URL / AWESH_MODEL.
    Ask(AskArgs),
    /// Print the shell integration for your rc file: `eval "$(awesh init bash)"`.
    ///
    /// Add `eval "$(awesh init bash)"` to ~/.bashrc, or `eval "$(awesh init zsh)"` to ~/.zshrc.
    /// Prompts are answered by an `awesh serve` the shell keeps (`--no-serve`: a process per
    /// prompt instead).
    /// The segment is kept in $AWESH_SEGMENT and added to your prompt right before its final
    /// `\$ ` (bash) or `%# ` (zsh). `awesh_off`, `awesh_on`, `awesh_off kube`, `awesh_off git`
    /// turn parts off and on in the current shell.
    Init(InitArgs),
    /// Print shell completions for awesh's own commands and options.
    Completions(CompletionsArgs),
    /// Find, print or check the configuration file.
    Config(ConfigArgs),
    /// Answer prompt requests on stdin until it closes (started by the bash, zsh and fish integration).
    ///
    /// One server per shell: each request is NUL-separated `KEY=VALUE` fields (`id`, `pid`,
    /// `cwd`, `shell`, `off` (parts to leave out, comma-separated), `short`, and the variables awesh reads, as
    /// `NAME=VALUE` or `ATTRS/NAME=VALUE`, the latter used only when ATTRS holds an `x`, as for
    /// exported ones) ended by an empty field; each reply is `ID:SEGMENT`, or `ID=` for an
    /// unchanged segment after `short=1`, ended by the byte 0x1e. Never writes to the terminal.
    Serve(ServeArgs),
    /// Print git's `__git_ps1` status for the current directory, as shell assignments for
    /// `shell-init/git-prompt.sh` (awesh's drop-in for git's script) to evaluate.
    ///
    /// Takes `--zsh`, `--pcmode`, `--expanded`, `--ifs=CHARS` (the shell's facts) and each set
    /// `GIT_PS1_*` variable as `NAME=VALUE`. Never runs git; always exits 0.
    #[command(name = "git-ps1")]
    GitPs1(GitPs1Args),
}

/// Options of `awesh serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Make the request FIFO itself (in a private folder under $TMPDIR), print `PID PATH` on
    /// a line of stdout, read requests from it once the shell has opened it, and remove it:
    /// the shell then starts no `mktemp` or `mkfifo` of its own.
    #[arg(long, hide = true)]
    pub listen: bool,
    /// Answer through files in DIR instead (made private, or taken over if it is this user's
    /// and private): the shell writes each request to `DIR/req`, the server replaces
    /// `DIR/reply` with the answer. For fish, which can hold no descriptor open.
    #[arg(long, hide = true, value_name = "DIR", conflicts_with = "listen")]
    pub mailbox: Option<std::path::PathBuf>,
}

/// Options of `awesh git-ps1`.
#[derive(Debug, Clone, Args, Default)]
pub struct GitPs1Args {
    /// Time allowed for the status counts, in milliseconds [default: 1000]; past it, what is
    /// not decided is shown as unknown (`?`).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// The shell's facts and the `GIT_PS1_*` variables that are set, as `NAME=VALUE`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "FIELD"
    )]
    pub fields: Vec<std::ffi::OsString>,
}

/// Options of `awesh prompt`.
#[derive(Debug, Clone, Args, Default)]
pub struct PromptArgs {
    /// Escape the output for this shell's prompt.
    #[arg(long, value_parser = shells(Shell::PROMPT), default_value = "plain")]
    pub shell: Shell,
    /// Deadline for the whole prompt, in milliseconds [env: AWESH_TIMEOUT_MS] [default: 200].
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// Leave out these parts (comma-separated, or the option repeated).
    #[arg(long, value_name = "PART", value_parser = parts(), value_delimiter = ',')]
    pub off: Vec<Part>,
    /// Leave out the git part (the same as `--off git`; kept for older shell scripts).
    #[arg(long, hide = true)]
    pub no_git: bool,
    /// Leave out the Kubernetes part (the same as `--off kube`).
    #[arg(long, hide = true)]
    pub no_kube: bool,
}

impl PromptArgs {
    /// The parts to gather: every part but those turned off.
    #[must_use]
    pub fn wanted(&self) -> Parts {
        let mut want = self.off.iter().copied().fold(Parts::all(), Parts::without);
        if self.no_git {
            want = want.without(Part::Git);
        }
        if self.no_kube {
            want = want.without(Part::Kube);
        }
        want
    }
}

/// The parts `--off` takes, from the one list of them.
fn parts() -> impl TypedValueParser<Value = Part> {
    PossibleValuesParser::new(
        PARTS
            .iter()
            .map(|(_, name, what)| PossibleValue::new(*name).help(*what)),
    )
    .try_map(|name| Part::named(name.as_bytes()).ok_or("not a part"))
}

/// Options of `awesh explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Deadline for gathering, in milliseconds [env: AWESH_TIMEOUT_MS] [default: 200].
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
}

/// Options of `awesh ask`.
#[derive(Debug, Args, Default)]
pub struct AskArgs {
    /// The question; read from stdin when absent.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "QUESTION"
    )]
    pub question: Vec<String>,
    /// Print one JSON object: answering agent, answer, command, risk, and every agent's outcome.
    #[arg(long)]
    pub json: bool,
    /// Print only the suggested command on stdout (for the shell integration); the answer and
    /// the risk label go to stderr.
    #[arg(long, conflicts_with = "json")]
    pub command_only: bool,
    /// How long to wait for the model to connect and for each part of its answer, in
    /// milliseconds [default: 30000].
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
}

/// Options of `awesh init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The shell to integrate with: bash hooks `PROMPT_COMMAND` (string or 5.1+ array) or
    /// bash-preexec's list; zsh hooks `precmd`; fish adds a `fish_prompt` event handler and
    /// wraps your `fish_prompt`.
    #[arg(value_parser = shells(Shell::INIT))]
    pub shell: Shell,
    /// How the segment reaches your prompt.
    #[arg(long, value_enum, default_value_t = PromptMode::Add)]
    pub prompt: PromptMode,
    /// Answer prompts from an `awesh serve` process that lives as long as the shell: no process
    /// is started per prompt (bash 4.4+ and zsh; older bash keeps one `awesh prompt` per
    /// prompt). The default; kept as a flag for older configs.
    #[arg(long, overrides_with = "no_serve")]
    pub serve: bool,
    /// Run `awesh prompt` once per prompt instead of keeping an `awesh serve` per shell.
    #[arg(long, overrides_with = "serve")]
    pub no_serve: bool,
}

impl InitArgs {
    /// Whether the shell keeps a server: unless `--no-serve` (the last of the two wins).
    #[must_use]
    pub fn serves(&self) -> bool {
        !self.no_serve
    }
}

/// Where `awesh init` puts the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PromptMode {
    /// Insert it into your prompt before the final `\$ ` / `%# ` (at the end if there is none);
    /// if your prompt already mentions `${AWESH_SEGMENT}`, leave it as it is.
    #[default]
    Add,
    /// Only set $AWESH_SEGMENT; place it yourself, as with `__git_ps1`.
    Var,
    /// Replace your prompt with a simple one: the directory, the segment, `$`/`%`.
    Replace,
}

/// Options of `awesh completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for.
    #[arg(value_parser = shells(Shell::INIT))]
    pub shell: Shell,
}

/// Options of `awesh config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to do with the configuration.
    #[command(subcommand)]
    pub command: ConfigCommand,
}

/// The subcommands of `awesh config`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path: $AWESH_CONFIG, else $XDG_CONFIG_HOME/awesh/config.toml.
    Path,
    /// Print a commented config holding every key at its default value.
    Default,
    /// Check the config file (unknown keys, bad regexes, bad colours...); exit 1 on any problem.
    Check {
        /// The file to check [default: the one `awesh config path` prints].
        file: Option<std::path::PathBuf>,
    },
}
