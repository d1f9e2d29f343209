//! `awesh serve`: one long-lived process per shell that answers prompt requests over pipes, so a
//! prompt costs no fork and no exec. Each request carries what `awesh prompt` would have read
//! from its process (working directory, variables, toggles); the answer is built from a fresh
//! [`Env`] per request by the same gather, compute and render steps, so it is byte for byte what
//! `awesh prompt --shell X` prints at that moment. What can be kept between requests is kept
//! ([`memo`]) and proved fresh with a few `stat` calls. The deadline is kept by
//! [`crate::io::watchdog`].

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod memo;
pub mod protocol;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use crate::env::Env;
use crate::io::watchdog::Busy;
use crate::pipeline::{self, Deadline};
use crate::render::Buf;
use crate::segment::git::kept::StatusMemo;
use crate::segment::kube::memo::KubeMemo;
use crate::segment::{On, Parts};
use memo::ConfigMemo;
pub use protocol::Request;

/// The server's state across requests.
pub struct Server {
    config: ConfigMemo,
    kube: KubeMemo,
    status: StatusMemo,
    busy: Arc<Busy>,
    segment: Buf,
    /// The last segment sent, for `short=1` clients.
    last: Option<Buf>,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// A server with nothing kept yet, whose deadlines `busy` tracks (for the guard thread of
    /// [`crate::io::watchdog::start`]; without one, nothing enforces them).
    #[must_use]
    pub fn with_busy(busy: Arc<Busy>) -> Self {
        Server {
            config: ConfigMemo::default(),
            kube: KubeMemo::default(),
            status: StatusMemo::default(),
            busy,
            segment: Buf::new(),
            last: None,
        }
    }

    /// A server with nothing kept yet and no guard.
    #[must_use]
    pub fn new() -> Self {
        Self::with_busy(Arc::default())
    }

    /// Answers `req`: the reply (`ID:SEGMENT`, or `ID=` when unchanged for a `short=1`
    /// client, and the end byte) is written into `reply`.
    pub fn answer(&mut self, req: &Request, reply: &mut Vec<u8>) {
        #[cfg(debug_assertions)]
        test_delay();
        let env = Arc::new(env_of(req));
        self.render(&env, req);
        if req.short && self.last.as_ref() == Some(&self.segment) {
            protocol::write_reply(reply, &req.id, None);
            return;
        }
        protocol::write_reply(reply, &req.id, Some(&self.segment));
        match &mut self.last {
            Some(last) => {
                last.clear();
                last.extend_from_slice(&self.segment);
            }
            None => self.last = Some(self.segment.clone()),
        }
    }

    /// Answers a request that was refused (too long): an empty segment, which is also what
    /// a `short=1` client now holds as the last one.
    pub fn refuse(&mut self, req: &Request, reply: &mut Vec<u8>) {
        protocol::refuse(reply, &req.id);
        self.last = Some(Buf::new());
    }

    /// The prompt pipeline, gathering on this thread under the guard's deadline, with the
    /// config and the Kubernetes answers kept.
    fn render(&mut self, env: &Arc<Env>, req: &Request) {
        let deadline = Deadline::start(None, env);
        let config = self.config.get(env);
        let want = req.off.iter().fold(Parts::all(), Parts::without);
        let on = On::Server {
            memo: &mut self.kube,
            status: &mut self.status,
            busy: &self.busy,
        };
        pipeline::run(env, config, want, &deadline, on).render(
            &mut self.segment,
            req.shell,
            &config.format,
        );
    }
}

/// Tests only, and only in debug builds (release builds have no such hook): when the server's
/// own environment has `AWESH_TEST_SERVE_DELAY` naming a file that holds a number of
/// milliseconds (at most 10 s), each answer starts that much later, as a server busy with a big
/// repository would. The file is read per request, so a test makes one reply late and the next
/// one prompt (tests/serve_async.rs); the delay comes before the request's deadline starts, so
/// the server's own watchdog never sees it.
#[cfg(debug_assertions)]
fn test_delay() {
    let Some(path) = std::env::var_os("AWESH_TEST_SERVE_DELAY") else {
        return;
    };
    let ms = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(0);
    if ms > 0 {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(10_000)));
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

    /// A test's request may move the server's clock for that request (tests/serve.rs does, to
    /// get past the racy window without sleeping); variables awesh does not read are dropped.
    #[test]
    fn a_request_carries_the_test_clock_offset() {
        let req = Request {
            vars: vec![
                (crate::env::CLOCK_OFFSET.into(), "2200".into()),
                ("NOT_READ".into(), "x".into()),
            ],
            ..Request::default()
        };
        let env = env_of(&req);
        assert_eq!(env.clock_offset_ns(), 2_200_000_000);
        assert_eq!(env.var("NOT_READ"), None);
        assert_eq!(env_of(&Request::default()).clock_offset_ns(), 0);
    }

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
        // A raw C1 control is refused by YAML, and so by kubectl: send it escaped.
        let quoted = serde_json::to_string(&name)
            .unwrap()
            .replace('\u{9b}', "\\u009b");
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
        for shell in ["plain", "bash", "zsh", "fish"] {
            let mut req = Request {
                id: b"1".to_vec(),
                cwd: Some(dir.path().into()),
                shell: Shell::named(shell.as_bytes(), Shell::ALL).unwrap(),
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

    /// Issue 13, case 7: after a refusal (an empty segment), a `short=1` client holds an
    /// empty segment, so the next answer is sent whole, never `ID=` for a segment it lacks.
    #[test]
    fn issue_13_a_refusal_resets_what_short_clients_hold() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kube"), "current-context: dev\n").unwrap();
        let mut req = Request {
            id: b"1".to_vec(),
            cwd: Some(dir.path().into()),
            short: true,
            ..Request::default()
        };
        for (k, v) in [
            ("KUBECONFIG", dir.path().join("kube")),
            ("AWESH_CACHE_DIR", dir.path().join("cache")),
            ("AWESH_TIMEOUT_MS", PathBuf::from("20000")),
        ] {
            req.vars.push((k.to_string(), v.into_os_string()));
        }
        let mut server = Server::new();
        let mut reply = Vec::new();
        server.answer(&req, &mut reply);
        assert!(reply.starts_with(b"1:") && reply.len() > 4, "{reply:?}");
        server.answer(&req, &mut reply);
        assert_eq!(reply, b"1=\x1e");
        server.refuse(&req, &mut reply);
        assert_eq!(reply, b"1:\x1e");
        server.answer(&req, &mut reply);
        assert!(reply.starts_with(b"1:") && reply.len() > 4, "{reply:?}");
    }
}
