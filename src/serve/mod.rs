//! `awesh serve`: one long-lived process per shell that answers prompt requests over pipes, so a
//! prompt costs no fork and no exec. Each request carries what `awesh prompt` would have read
//! from its process (working directory, variables, toggles); the answer is built from a fresh
//! [`Env`] per request by the same gather, compute and render steps, so it is byte for byte what
//! `awesh prompt --shell X` prints at that moment. What can be kept between requests is kept
//! ([`memo`]) and proved fresh with a few `stat` calls.

pub mod lane;
pub mod memo;
pub mod protocol;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use crate::config;
use crate::env::Env;
use crate::render::{self, Buf};
use crate::segment::{self, git, kube};
use lane::{Lane, Lanes};
use memo::{ConfigMemo, KubeMemo};
pub use protocol::Request;

/// Abandoned gather threads still stuck (in a read of a FIFO, a hung mount) beyond which the
/// server exits: the shell then answers with `awesh prompt`, whose stuck threads die with it.
pub const MAX_STUCK: usize = 8;

/// What a lane's thread sends back.
enum Msg {
    Git(Result<git::Raw, git::Missing>),
    Kube(Option<kube::Info>),
}

fn gather_git(_: &mut (), env: &Env) -> Msg {
    Msg::Git(git::gather(env))
}

fn gather_kube(memo: &mut KubeMemo, env: &Env) -> Msg {
    Msg::Kube(memo.answer(env))
}

/// The server's state across requests.
pub struct Server {
    config: ConfigMemo,
    git: Lane<(), Msg>,
    kube: Lane<KubeMemo, Msg>,
    lanes: Lanes,
    segment: Buf,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// A server with nothing kept yet; threads start with the first request.
    #[must_use]
    pub fn new() -> Self {
        let lanes = Lanes::default();
        Server {
            config: ConfigMemo::default(),
            git: Lane::new("git", || (), gather_git, Arc::clone(&lanes.0)),
            kube: Lane::new("kube", KubeMemo::default, gather_kube, Arc::clone(&lanes.0)),
            lanes,
            segment: Buf::new(),
        }
    }

    /// Answers `req`: the reply (`ID:SEGMENT` and the end byte) is written into `reply`.
    pub fn answer(&mut self, req: &Request, reply: &mut Vec<u8>) {
        let env = Arc::new(env_of(req));
        self.render(&env, req);
        protocol::write_reply(reply, &req.id, &self.segment);
    }

    /// True when so many abandoned threads are stuck that the server should exit.
    #[must_use]
    pub fn too_many_stuck(&self) -> bool {
        self.lanes.stuck(2) > MAX_STUCK
    }

    /// `cmd::prompt::render_with`, with the gather on the lanes' threads and the config kept.
    fn render(&mut self, env: &Arc<Env>, req: &Request) {
        let start = Instant::now();
        let config = self.config.get(env);
        let want_git = !req.no_git;
        let want_kube = !req.no_kube && config::show::decide(&config.show, env).wanted();
        let (timeout, _) = segment::timeout(None, env);

        let (tx, rx) = mpsc::sync_channel(2);
        let mut pending = 0;
        let (mut git_raw, mut kube_info, mut git_done, mut kube_done) = (None, None, false, false);
        if want_git && self.git.submit(env, &tx) {
            pending += 1;
        }
        if want_kube && self.kube.submit(env, &tx) {
            pending += 1;
        }
        drop(tx);
        let end = start + timeout;
        while pending > 0 {
            match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
                Ok(Msg::Git(raw)) => (git_raw, git_done) = (Some(raw), true),
                Ok(Msg::Kube(info)) => (kube_info, kube_done) = (info, true),
                Err(_) => break,
            }
            pending -= 1;
        }
        if want_git && !git_done {
            self.git.abandon();
        }
        if want_kube && !kube_done {
            self.kube.abandon();
        }

        let git = git_raw
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .and_then(git::compute);
        let view = kube_info.as_ref().map(|k| config::rules::view(config, k));
        self.segment.clear();
        render::format::prompt_with(
            &mut self.segment,
            req.shell,
            &config.format,
            git.as_ref(),
            view.as_ref(),
        );
    }
}

/// The environment `awesh prompt` would have had, started by the shell that sent `req`.
#[must_use]
pub fn env_of(req: &Request) -> Env {
    let mut env = match working_dir(req) {
        Some(cwd) => Env::new(cwd, std::iter::empty::<(&str, OsString)>()),
        None => Env::default(),
    };
    for (name, value) in &req.vars {
        env.set(name, value.clone());
    }
    env
}

/// The shell's working directory as `getcwd` gives it to a child: on Linux read from
/// `/proc/PID/cwd` (physical, and gone when the directory was deleted, as `getcwd` fails then);
/// elsewhere, or when that cannot be read, the shell's `$PWD` with symlinks resolved.
fn working_dir(req: &Request) -> Option<PathBuf> {
    if let Some(pid) = req.pid {
        let link = PathBuf::from(format!("/proc/{pid}/cwd"));
        if let Ok(meta) = std::fs::metadata(&link) {
            use std::os::unix::fs::MetadataExt;
            if meta.nlink() == 0 {
                return None;
            }
            if let Ok(dir) = std::fs::read_link(&link) {
                return Some(dir);
            }
        }
    }
    req.cwd
        .as_ref()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Shell;

    #[test]
    fn the_end_byte_never_appears_in_a_segment() {
        // Hostile names from disk and from the config: every control byte, styles, `%`.
        let dir = tempfile::tempdir().unwrap();
        let mut name = String::from("x");
        for b in 0u8..0x20 {
            if b != b'\n' && b != b'\r' {
                name.push(b as char);
            }
        }
        name.push_str("%\u{9b}");
        let quoted = serde_json::to_string(&name).unwrap();
        std::fs::write(
            dir.path().join("kube"),
            format!("{{\"current-context\": {quoted}, \"contexts\": [{{\"name\": {quoted}, \"context\": {{\"namespace\": {quoted}}}}}]}}"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "[context]\nstyle = \"bold red\"\nsymbol = \"\\u001e\"\n[namespace]\nstyle = \"bg:#102030\"\n",
        )
        .unwrap();
        let mut server = Server::new();
        for shell in ["plain", "bash", "zsh"] {
            let mut req = Request {
                id: b"1".to_vec(),
                cwd: Some(dir.path().into()),
                shell: match shell {
                    "bash" => Shell::Bash,
                    "zsh" => Shell::Zsh,
                    _ => Shell::Plain,
                },
                ..Request::default()
            };
            for (k, v) in [
                ("KUBECONFIG", dir.path().join("kube")),
                ("AWESH_CONFIG", dir.path().join("config.toml")),
                ("AWESH_CACHE_DIR", dir.path().join("cache")),
                ("AWESH_TIMEOUT_MS", PathBuf::from("20000")),
            ] {
                req.vars.push((k.to_string(), v.into_os_string()));
            }
            let mut reply = Vec::new();
            server.answer(&req, &mut reply);
            let body = &reply[2..reply.len() - 1];
            assert!(
                body.len() > 40,
                "{shell}: {:?}",
                String::from_utf8_lossy(body)
            );
            assert!(
                !body.contains(&protocol::END),
                "{shell}: {:?}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(reply.last(), Some(&protocol::END));
        }
    }
}
