#!/usr/bin/env python3
# The command-lag benchmark of awesh's shell integration (issue #4): what the docstring says.
"""Command lag: what a user feels, the time from Enter on an empty line to the next prompt.

The same measure as zsh-bench's "command lag", for bash, zsh and fish alike: each shell runs in a
real pseudo-terminal (TERM=xterm-256color, 200x50) in a temp HOME holding a git repository and
a kubeconfig; the script presses Enter on an empty line and times until the whole next prompt
has been written. It compares each shell bare with the same shell after
`eval "$(awesh init SHELL)"`, with the same hook running /bin/true instead of awesh (the
floor for any tool that starts one process per prompt on this machine), and with
`eval "$(awesh init SHELL --serve)"` (no process per prompt). With --count-procs it
counts with strace the processes each prompt starts. Build the binary to measure first:
`cargo build --release`.

    benches/command_lag.py [--awesh target/release/awesh] [--prompts 300] [--count-procs]
"""

import argparse
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PROMPT_END = re.compile(rb"bench[^\n]*> ")
# The next prompt, on a new line: fish repaints the line it leaves (prompt included) at Enter.
NEXT_PROMPT = re.compile(rb"\n[^\n]*bench[^\n]*> ")


def make_world(root):
    """A HOME with a kubeconfig, and a git repository on branch main; returns the repo path."""
    home = os.path.join(root, "home")
    os.makedirs(os.path.join(home, ".kube"))
    with open(os.path.join(home, ".kube", "config"), "w") as f:
        f.write(
            "apiVersion: v1\nkind: Config\ncurrent-context: prod\ncontexts:\n"
            "- name: prod\n  context:\n    cluster: c\n    namespace: payments\n"
        )
    repo = os.path.join(root, "repo")
    os.makedirs(repo)
    env = world_env(root)
    for args in (["init", "-q", "-b", "main"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    # Let the kubeconfig age past the kube cache's racy window (2 s): a file changed just now
    # is parsed again on every prompt, which is a cache miss, not what a user's prompt costs.
    time.sleep(2.2)
    return repo


def world_env(root):
    """A scrubbed environment: nothing from the caller's HOME, git or kube setup."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(root, "home"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }


def rc_text(shell, awesh, floor=False, serve=False):
    """The rc file: bracketed paste off (its escapes would follow every prompt), a prompt the
    script can recognise, and the awesh init line unless measuring the bare shell; for the
    floor, the init with /bin/true in place of the awesh binary; `--serve` or `--no-serve`."""
    if shell == "bash":
        text = "bind 'set enable-bracketed-paste off'\nPS1='bench> '\n"
    elif shell == "fish":
        text = "set -g fish_greeting ''\nfunction fish_prompt; printf 'bench> '; end\n"
        text += "function fish_title; end\nfunction fish_right_prompt; end\n"
    else:
        text = "unset zle_bracketed_paste\nPROMPT='bench> '\n"
    if awesh:
        quoted = "'" + awesh.replace("'", "'\\''") + "'"
        mode = " --serve" if serve else " --no-serve"
        if shell == "fish":
            swap = " | sed 's|^\\(set -g __awesh_bin \\).*|\\1/bin/true|'" if floor else ""
            text += f"{quoted} init fish{mode}{swap} | source\n"
        else:
            swap = " | sed 's|^\\(.*__awesh_bin=\\).*|\\1/bin/true|'" if floor else ""
            text += f'eval "$({quoted} init {shell}{mode}{swap})"\n'
    return text


class Session:
    """A shell in a pseudo-terminal, read until each prompt is complete."""

    def __init__(self, shell, root, repo, rc):
        argv = {
            "bash": ["bash", "--norc", "--noprofile", "-i"],
            "zsh": ["zsh", "-f", "-i"],
            "fish": ["fish", "--no-config", "-i"],
        }[shell]
        env = world_env(root)
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(repo)
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.read_until(lambda out: len(out) > 0)
        os.write(fd, f"{'source' if shell == 'fish' else '.'} '{rc}'\r".encode())
        self.read_until(lambda out: PROMPT_END.search(out))

    def read_until(self, done, timeout=30.0):
        out = b""
        end = time.monotonic() + timeout
        while not done(out):
            left = end - time.monotonic()
            if left <= 0:
                sys.exit(f"command_lag: no prompt within {timeout}s; the shell wrote {out!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                out += os.read(self.fd, 65536)
        return out

    def lag(self):
        """Presses Enter on an empty line; seconds until the next prompt is written."""
        start = time.perf_counter()
        os.write(self.fd, b"\r")
        self.read_until(lambda out: NEXT_PROMPT.search(out))
        return time.perf_counter() - start

    def close(self):
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def count_procs(session, prompts):
    """Processes started and programs executed per prompt, counted by strace on the shell."""
    with tempfile.NamedTemporaryFile(prefix="command-lag-", suffix=".strace") as trace:
        tracer = subprocess.Popen(
            ["strace", "-f", "-e", "trace=process", "-o", trace.name, "-p", str(session.pid)],
            stderr=subprocess.PIPE,
        )
        # strace says "attached" on stderr once it is in place.
        tracer.stderr.readline()
        for _ in range(prompts):
            session.lag()
        tracer.send_signal(signal.SIGINT)
        tracer.wait()
        lines = open(trace.name, errors="replace").read().splitlines()
    forks = sum(
        1
        for line in lines
        if re.search(r"\b(fork|vfork|clone3?)\(", line)
        and "CLONE_THREAD" not in line
        and "resumed>" not in line
    )
    execs = sum(1 for line in lines if re.search(r"\bexecve\(", line))
    return forks / prompts, execs / prompts


def measure(shell, awesh, args, floor=False, serve=False):
    root = tempfile.mkdtemp(prefix="command-lag-")
    try:
        repo = make_world(root)
        rc = os.path.join(root, "rc")
        with open(rc, "w") as f:
            f.write(rc_text(shell, awesh, floor, serve))
        session = Session(shell, root, repo, rc)
        try:
            for _ in range(args.warmup):
                session.lag()
            lags = sorted(session.lag() * 1000 for _ in range(args.prompts))
            procs = count_procs(session, 20) if args.count_procs else None
        finally:
            session.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return lags, procs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awesh", default="target/release/awesh", help="the binary to measure")
    parser.add_argument("--prompts", type=int, default=300, help="timed prompts per setup")
    parser.add_argument("--warmup", type=int, default=30, help="untimed prompts first")
    parser.add_argument("--shells", default="bash,zsh,fish", help="comma-separated")
    parser.add_argument("--count-procs", action="store_true", help="count processes (strace)")
    args = parser.parse_args()
    awesh = os.path.abspath(args.awesh)
    if not os.access(awesh, os.X_OK):
        sys.exit(f"command_lag: {awesh} is not an executable; run `cargo build --release` first")
    print(f"command lag, ms over {args.prompts} prompts (Enter on an empty line to next prompt)")
    print(f"{'setup':<14}{'median':>8}{'mean':>8}{'p10':>8}{'p90':>8}{'procs':>7}{'execs':>7}")
    for shell in args.shells.split(","):
        if not shutil.which(shell):
            print(f"{shell}: not installed, skipped")
            continue
        setups = (
            (f"{shell} bare", None, False, False),
            (f"{shell} +true", awesh, True, False),
            (f"{shell} +awesh", awesh, False, False),
            # `awesh init --serve` (the default): a server per shell answers the hook; no process
            # per prompt (fish asks it through files: see shell-init/awesh.fish).
            (f"{shell} +serve", awesh, False, True),
        )
        for label, binary, floor, serve in setups:
            lags, procs = measure(shell, binary, args, floor, serve)
            p10, p90 = lags[len(lags) // 10], lags[len(lags) * 9 // 10]
            forks, execs = procs if procs else ("-", "-")
            if procs:
                forks, execs = f"{forks:.1f}", f"{execs:.1f}"
            print(
                f"{label:<14}{statistics.median(lags):>8.2f}{statistics.mean(lags):>8.2f}"
                f"{p10:>8.2f}{p90:>8.2f}{forks:>7}{execs:>7}"
            )


if __name__ == "__main__":
    main()
