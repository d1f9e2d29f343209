#!/usr/bin/env python3
# gitstatusd beside awesh serve, git status and awesh prompt (issues 16, 17): see the docstring.
"""Side by side in one run, on the same generated repositories (issues 16 and 17): `git status`
and `awesh prompt` as processes, and the two status daemons a prompt can keep beside the shell,
gitstatusd (powerlevel10k's) and `awesh serve`, asked through their own stdin/stdout protocols:
the hot reply (same repository, nothing changed), the first reply after a one-file edit, and
each daemon's memory (VmRSS, VmHWM). Every answer is checked against git's porcelain v2 counts.

    benches/serve_status.py                           # awesh from target/release; gitstatusd skipped
    GITSTATUSD=/work/gitstatus-build/gitstatus/usrbin/gitstatusd \\
      AWESH=/work/main/target/release/awesh RUNS=20 SIZES="1000 10000 100000" benches/serve_status.py
    benches/serve_status_chart.py target/serve-status-bench/results.json docs/serve-status-bench.svg

The repositories are those of benches/status.sh (its layout and its "few changes"), made once per
run in a temp dir after checking free space and inodes, and deleted at the end, as are both
daemons (ended by their pid). Needs hyperfine for the process figures. Not run in CI.
"""

import json
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [int(s) for s in os.environ.get("SIZES", "1000 10000 100000").split()]
RUNS = int(os.environ.get("RUNS", "20"))
OUT = os.environ.get("OUT", os.path.join(ROOT, "target", "serve-status-bench"))
GSD = os.environ.get("GITSTATUSD", "")
# powerlevel10k starts gitstatusd with twice the CPU count as threads (at most 32).
THREADS = int(os.environ.get("GSD_THREADS", str(min(32, 2 * (os.cpu_count() or 8)))))
# The file the "after an edit" runs change (present in every size's first folder).
EDITED = "src/d00000/f50.txt"
RS, US = b"\x1e", b"\x1f"
REPLY_TIMEOUT_S = 120.0


def awesh_binary():
    if os.environ.get("AWESH"):
        return os.environ["AWESH"]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "awesh")


def check_room(work):
    need = sum(SIZES) + 1000
    st = os.statvfs(work)
    free_inodes, free_kb = st.f_favail, st.f_bavail * st.f_frsize // 1024
    if free_inodes < need * 2 or free_kb < need * 8:
        sys.exit(f"serve_status.py: not enough room in {work} for {need} files")


def make_repo(top, tracked, env):
    """benches/status.sh's make_repo with no ignored files: TRACKED files in folders of 100,
    one commit, every file an hour older than the index (so none is racily clean)."""
    assert tracked <= 1_000_000
    for i in range(tracked):
        d = os.path.join(top, "src", f"d{i // 100:05d}")
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i % 100:02d}.txt"), "w") as f:
            f.write(f"file {i}\n")
    with open(os.path.join(top, ".gitignore"), "w") as f:
        f.write("node_modules/\n")
    git = ["git", "-C", top]
    subprocess.run(git + ["init", "-q", "-b", "main"], env=env, check=True)
    subprocess.run(git + ["add", "-A"], env=env, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "fixture"], env=env, check=True)
    old = time.time() - 3600
    for dirpath, dirnames, filenames in os.walk(top):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            os.utime(os.path.join(dirpath, name), (old, old))
    subprocess.run(git + ["update-index", "-q", "--really-refresh"], env=env, check=True)


def dirty(top, env):
    """benches/status.sh's few changes: three files edited, one of them staged, two new."""
    old = time.time() - 1800
    for f in ("src/d00000/f01.txt", "src/d00000/f02.txt", "src/d00000/f03.txt"):
        with open(os.path.join(top, f), "a") as fh:
            fh.write("changed\n")
        os.utime(os.path.join(top, f), (old, old))
    subprocess.run(["git", "-C", top, "add", "src/d00000/f03.txt"], env=env, check=True)
    for f in ("src/new1.txt", "new2.txt"):
        with open(os.path.join(top, f), "w") as fh:
            fh.write("new\n")


def git_counts(top, env):
    """The counts of `git status --porcelain=v2 --branch --show-stash`."""
    out = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain=v2", "--branch", "--show-stash"],
        cwd=top, env=env, check=True, capture_output=True, text=True).stdout
    c = dict(staged=0, unstaged=0, untracked=0, conflicted=0, stash=0, ahead=0, behind=0)
    for line in out.splitlines():
        if line.startswith("# stash "):
            c["stash"] = int(line.split()[2])
        elif line.startswith("# branch.ab "):
            a, b = line.split()[2:4]
            c["ahead"], c["behind"] = int(a), -int(b)
        elif line.startswith(("1 ", "2 ")):
            xy = line.split()[1]
            c["staged"] += xy[0] != "."
            c["unstaged"] += xy[1] != "."
        elif line.startswith("u "):
            c["conflicted"] += 1
        elif line.startswith("? "):
            c["untracked"] += 1
    return c


MARKS = {"=": "conflicted", "+": "staged", "*": "unstaged", "%": "untracked", "$": "stash",
         "⇡": "ahead", "⇣": "behind"}


def awesh_counts(segment):
    """Counts read back from awesh's segment (markers set in the config below); None when it
    shows a count as unknown."""
    plain = re.sub(r"\x1b\[[0-9;]*m|[\x01\x02]", "", segment)
    if "?" in plain:
        return None
    c = dict(staged=0, unstaged=0, untracked=0, conflicted=0, stash=0, ahead=0, behind=0)
    for mark, n in re.findall(r"([=+*%$⇡⇣])(\d+)", plain):
        c[MARKS[mark]] = int(n)
    return c


class Daemon:
    """A status daemon on pipes: one request written, bytes read until its reply's end."""

    def __init__(self, argv, env, cwd):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        self.w, self.r = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self.buf = b""

    def ask(self, request):
        """(nanoseconds from the write to the whole reply, the reply without its end byte)."""
        t0 = time.perf_counter_ns()
        os.write(self.w, request)
        while RS not in self.buf:
            ready, _, _ = select.select([self.r], [], [], REPLY_TIMEOUT_S)
            chunk = os.read(self.r, 1 << 16) if ready else b""
            if not chunk:
                raise RuntimeError(f"{self.proc.args[0]}: no reply")
            self.buf += chunk
        t1 = time.perf_counter_ns()
        reply, self.buf = self.buf.split(RS, 1)
        return t1 - t0, reply

    def memory_kib(self):
        got = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    got[line.split(":")[0]] = int(line.split()[1])
        return got

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # this process's own child, by its pid
            self.proc.wait()


class Gitstatusd(Daemon):
    name = "gitstatusd"

    def __init__(self, env, cwd):
        # Every count computed in full (as awesh's config below asks), no index-size limit.
        argv = [GSD, "-t", str(THREADS), "-s", "-1", "-u", "-1", "-c", "-1", "-d", "-1",
                "-m", "-1"]
        super().__init__(argv, env, cwd)
        self.id = 0

    def query(self, top):
        self.id += 1
        ns, reply = self.ask(f"{self.id}".encode() + US + top.encode() + RS)
        f = reply.split(US)
        if f[0] != str(self.id).encode() or len(f) < 17 or f[1] != b"1":
            return ns, None, reply.decode(errors="replace")
        n = [int(x) for x in f[10:17]]
        counts = dict(staged=n[0], unstaged=n[1], conflicted=n[2], untracked=n[3], ahead=n[4],
                      behind=n[5], stash=n[6])
        return ns, counts, " ".join(f"{k}={v}" for k, v in counts.items())


class AweshServe(Daemon):
    name = "awesh serve"

    def __init__(self, awesh, env, cwd):
        super().__init__([awesh, "serve"], env, cwd)
        self.id, self.segment = 0, ""
        # What the bash hook sends (shell-init/awesh.bash), as plain NAME=VALUE fields.
        self.vars = [f"{k}={env[k]}" for k in
                     ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "AWESH_TIMEOUT_MS")]

    def query(self, top):
        self.id = self.id % 99 + 1
        fields = [f"id={self.id}", f"cwd={top}", "shell=bash", "short=1"] + self.vars + [""]
        ns, reply = self.ask(b"".join(x.encode() + b"\0" for x in fields))
        text = reply.decode(errors="replace")
        if text == f"{self.id}=":
            pass  # unchanged: the hook keeps the last segment
        elif text.startswith(f"{self.id}:"):
            self.segment = text.split(":", 1)[1]
        else:
            return ns, None, text
        return ns, awesh_counts(self.segment), self.segment


def summary(ns_list):
    ms = sorted(x / 1e6 for x in ns_list)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return dict(median_ms=statistics.median(ms), p90_ms=p90, min_ms=ms[0], runs=len(ms))


def hyperfine(top, awesh, env, work):
    path = os.path.join(work, "h.json")
    cmds = ["-n", "git status",
            "git --no-optional-locks status --porcelain=v2 --branch --show-stash",
            "-n", "awesh prompt", f"{awesh} prompt"]
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "3", "--runs", str(RUNS),
                    "--export-json", path] + cmds, cwd=top, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rows = {}
    for r in json.load(open(path))["results"]:
        ms = sorted(t * 1000 for t in r["times"])
        p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
        rows[r["command"]] = dict(median_ms=r["median"] * 1000, p90_ms=p90, min_ms=ms[0],
                                  runs=len(ms))
    return rows


def main():
    if not shutil.which("hyperfine"):
        sys.exit("serve_status.py: needs hyperfine (for the process figures)")
    if GSD and not os.access(GSD, os.X_OK):
        sys.exit(f"serve_status.py: GITSTATUSD={GSD} is not an executable")
    awesh = awesh_binary()
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="awesh-serve-status.", dir=os.environ.get("TMPDIR", "/tmp"))
    daemons = []
    try:
        check_room(work)
        env = dict(os.environ)
        env.update(HOME=f"{work}/home", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
                   GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.com",
                   GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.com",
                   XDG_CONFIG_HOME=f"{work}/config", XDG_CACHE_HOME=f"{work}/cache",
                   AWESH_TIMEOUT_MS="10000")
        os.makedirs(f"{work}/home")
        os.makedirs(f"{work}/config/awesh")
        # Counts shown for every class (nothing stops at the first path), with fixed markers
        # so the segment can be read back and compared with git's counts.
        with open(f"{work}/config/awesh/config.toml", "w") as f:
            f.write("[status]\nenabled = true\ntimeout_ms = 5000\n")
            for cls, sym in (("conflicted", "="), ("staged", "+"), ("unstaged", "*"),
                             ("untracked", "%"), ("stash", "$")):
                f.write(f'[status.{cls}]\nsymbol = "{sym}"\nformat = "{{symbol}}{{count}}"\n')
        if not GSD:
            print("gitstatusd: GITSTATUSD is not set, skipped")
        rows, memory = [], {}

        def record(size, state, tool, kind, stats, matched, answer):
            row = dict(size=size, state=state, tool=tool, kind=kind, matched=matched,
                       answer=answer, **stats)
            rows.append(row)
            print(f"{size:>7} {state:<5} {tool:<12} {kind:<10} median {row['median_ms']:9.3f} ms"
                  f"  p90 {row['p90_ms']:9.3f}  {'matches git' if matched else 'DIFFERS'}"
                  f"  {answer}", flush=True)

        for size in SIZES:
            top = os.path.join(work, f"r{size}")
            make_repo(top, size, env)
            # One of each daemon per repository, so each one's memory is that repository's.
            ds = [AweshServe(awesh, env, work)]
            if GSD:
                ds.append(Gitstatusd(env, work))
            daemons.extend(ds)
            for state in ("clean", "dirty"):
                if state == "dirty":
                    dirty(top, env)
                want = git_counts(top, env)
                for tool, st in hyperfine(top, awesh, env, work).items():
                    if tool == "awesh prompt":
                        seg = subprocess.run([awesh, "prompt"], cwd=top, env=env,
                                             capture_output=True, text=True).stdout
                        record(size, state, tool, "process", st, awesh_counts(seg) == want, seg)
                    else:
                        record(size, state, tool, "process", st, True,
                               " ".join(f"{k}={v}" for k, v in want.items()))
                for d in ds:
                    for _ in range(3):
                        d.query(top)
                    times, ok, answer = [], True, ""
                    for _ in range(RUNS):
                        ns, counts, answer = d.query(top)
                        times.append(ns)
                        ok = ok and counts == want
                    record(size, state, d.name, "hot", summary(times), ok, answer)
                if state == "clean":
                    # The first reply after a one-file edit: a new content each time (its
                    # mtime now, newer than the index), each daemon asked once, the order
                    # alternating; every answer checked against git's at that moment.
                    times = {d.name: [] for d in ds}
                    ok = {d.name: True for d in ds}
                    answers = {}
                    for k in range(RUNS):
                        with open(os.path.join(top, EDITED), "w") as f:
                            f.write(f"edited {k}\n")
                        got = {}
                        for d in (ds if k % 2 == 0 else ds[::-1]):
                            ns, counts, answers[d.name] = d.query(top)
                            times[d.name].append(ns)
                            got[d.name] = counts
                        want_now = git_counts(top, env)
                        for name, counts in got.items():
                            ok[name] = ok[name] and counts == want_now
                    for d in ds:
                        record(size, state, d.name, "after edit", summary(times[d.name]),
                               ok[d.name], answers[d.name])
            for d in ds:
                memory.setdefault(str(size), {})[d.name] = d.memory_kib()
                print(f"{size:>7} {d.name:<12} memory {memory[str(size)][d.name]}", flush=True)
                d.stop()
                daemons.remove(d)
            shutil.rmtree(top)

        def version(argv):
            try:
                return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
            except OSError:
                return ""

        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                    if l.startswith("model name")), "")
        meta = dict(
            date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            machine=f"{platform.machine()}, {os.cpu_count()} cores, {cpu}, {platform.release()}",
            load=open("/proc/loadavg").read().split()[:3], runs=RUNS, sizes=SIZES,
            awesh=awesh, awesh_version=version([awesh, "--version"]),
            gitstatusd=GSD, gitstatusd_version=version([GSD, "-V"]) if GSD else "",
            gitstatusd_threads=THREADS if GSD else None,
            git_version=version(["git", "--version"]), edited=EDITED)
        result = dict(meta=meta, rows=rows, memory_kib=memory)
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(result, f, indent=1)
        print_table(result)
    finally:
        for d in daemons:
            d.proc.kill()
            d.proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def print_table(result):
    m = result["meta"]
    print(f"\n# {m['date']}, {m['machine']}, load {' '.join(m['load'])}, RUNS={m['runs']}")
    print("| files | state | tool | what | median ms | p90 ms | min ms | matches git |")
    print("| ---: | --- | --- | --- | ---: | ---: | ---: | --- |")
    for r in result["rows"]:
        print(f"| {r['size']} | {r['state']} | {r['tool']} | {r['kind']} | {r['median_ms']:.3f} "
              f"| {r['p90_ms']:.3f} | {r['min_ms']:.3f} | {'yes' if r['matched'] else 'NO'} |")
    print("\n| files | daemon | VmRSS MiB | VmHWM MiB |")
    print("| ---: | --- | ---: | ---: |")
    for size, tools in result["memory_kib"].items():
        for tool, mem in tools.items():
            print(f"| {size} | {tool} | {mem.get('VmRSS', 0) / 1024:.1f} "
                  f"| {mem.get('VmHWM', 0) / 1024:.1f} |")


if __name__ == "__main__":
    main()
