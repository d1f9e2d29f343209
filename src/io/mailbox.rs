//! The files through which a shell that can hold no descriptor open (fish) talks to its
//! `awesh serve`: a private folder holding `req`, which the shell rewrites for each prompt, and
//! `reply`, which the server replaces (by rename) with each answer. Regular files only: the
//! shell's reads and writes never wait on the server, whatever state the server is in, where a
//! FIFO's open would wait forever for a peer that has died. The server learns of a request from
//! inotify (`IN_CLOSE_WRITE` on `req`, sent when the shell's redirection closes the file, so the
//! request is whole by then).

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use inotify::{EventMask, Inotify, WatchMask};

/// The request file's name in the folder.
pub const REQUEST: &str = "req";
/// The reply file's name.
pub const REPLY: &str = "reply";
/// Where a reply is written before it is renamed over [`REPLY`].
const NEXT_REPLY: &str = "reply.new";

/// A folder the server answers in.
#[derive(Debug)]
pub struct Mailbox {
    dir: PathBuf,
    inotify: Inotify,
    buf: Vec<u8>,
}

/// What waiting brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// The shell finished writing a request.
    Request,
    /// The folder was removed or moved: nobody can reach this server any more.
    Gone,
}

/// Keeps this server alive through the terminal's hangup: the kernel sends SIGHUP to the
/// terminal's processes when the shell that owns it exits, before the server could act on the
/// shell's goodbye and remove its folder. The server ends on its own when its shell is gone.
pub fn ignore_hangup() {
    // SAFETY: setting a signal's disposition to "ignore" runs no handler code; it affects only
    // this process and is done before any other thread starts.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
    }
}

/// This process's effective user id, as the kernel shows it (the owner of `/proc/self`).
fn my_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

impl Mailbox {
    /// Makes the folder `dir` (mode 0700; its parent must exist), or takes over one this user
    /// made earlier that nobody else may enter (a server that was ended left it behind), and
    /// starts watching it.
    ///
    /// # Errors
    /// When `dir` is a symlink, someone else's, open to others, or cannot be made or watched.
    pub fn open(dir: &Path) -> Result<Mailbox, String> {
        let made = std::fs::DirBuilder::new().mode(0o700).create(dir);
        if let Err(e) = made {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(format!("cannot make {}: {e}", dir.display()));
            }
        }
        let meta = std::fs::symlink_metadata(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if !meta.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
        if Some(meta.uid()) != my_uid() || meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "{} is not a folder only you can enter",
                dir.display()
            ));
        }
        // A request left from an earlier server is not this one's to answer.
        let _ = std::fs::remove_file(dir.join(REQUEST));
        let inotify = Inotify::init().map_err(|e| format!("inotify: {e}"))?;
        inotify
            .watches()
            .add(
                dir,
                WatchMask::CLOSE_WRITE
                    | WatchMask::MOVED_TO
                    | WatchMask::DELETE_SELF
                    | WatchMask::MOVE_SELF
                    | WatchMask::ONLYDIR
                    | WatchMask::DONT_FOLLOW,
            )
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        Ok(Mailbox {
            dir: dir.to_path_buf(),
            inotify,
            buf: vec![0; 4096],
        })
    }

    /// The folder.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Waits for the next request (several written since the last wait count as one: only the
    /// newest is in the file).
    ///
    /// # Errors
    /// When inotify fails.
    pub fn wait(&mut self) -> Result<Event, String> {
        loop {
            let events = self
                .inotify
                .read_events_blocking(&mut self.buf)
                .map_err(|e| format!("inotify: {e}"))?;
            let mut request = false;
            for event in events {
                if event
                    .mask
                    .intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::IGNORED)
                {
                    return Ok(Event::Gone);
                }
                if event.name.is_some_and(|n| n == REQUEST) {
                    request = true;
                }
            }
            if request {
                return Ok(Event::Request);
            }
        }
    }

    /// The request as the shell wrote it, at most `limit` bytes (`None`: none there).
    ///
    /// # Errors
    /// When it cannot be read or is longer than `limit`.
    pub fn request(&self, limit: u64) -> Result<Option<Vec<u8>>, String> {
        super::files::read_regular(&self.dir.join(REQUEST), limit)
    }

    /// Puts `reply` in place in one step: the shell reads the old reply or the new, never a
    /// part of one.
    ///
    /// # Errors
    /// When the file cannot be written or renamed.
    pub fn reply(&self, reply: &[u8]) -> Result<(), String> {
        let next = self.dir.join(NEXT_REPLY);
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&next)?;
            file.write_all(reply)?;
            std::fs::rename(&next, self.dir.join(REPLY))
        };
        write().map_err(|e| format!("cannot write the reply in {}: {e}", self.dir.display()))
    }

    /// Removes the folder and what the server and the shell put in it.
    pub fn remove(&self) {
        for name in [REQUEST, REPLY, NEXT_REPLY] {
            let _ = std::fs::remove_file(self.dir.join(name));
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_private_folder_and_answers_through_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("box");
        let mut mailbox = Mailbox::open(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert_eq!(mailbox.request(1 << 10).unwrap(), None);
        std::fs::write(dir.join(REQUEST), b"id=1\0\0").unwrap();
        assert_eq!(mailbox.wait().unwrap(), Event::Request);
        assert_eq!(mailbox.request(1 << 10).unwrap().unwrap(), b"id=1\0\0");
        assert!(mailbox.request(2).is_err(), "bounded");
        mailbox.reply(b"1:seg\x1e").unwrap();
        assert_eq!(std::fs::read(dir.join(REPLY)).unwrap(), b"1:seg\x1e");
        assert!(!dir.join(NEXT_REPLY).exists());
        // Taken over by the next server; a request left behind is dropped.
        drop(mailbox);
        std::fs::write(dir.join(REQUEST), b"id=2\0\0").unwrap();
        let mut again = Mailbox::open(&dir).unwrap();
        assert_eq!(again.request(1 << 10).unwrap(), None);
        again.remove();
        assert!(!dir.exists());
        assert_eq!(again.wait().unwrap(), Event::Gone);
    }

    #[test]
    fn refuses_folders_others_could_use() {
        let tmp = tempfile::tempdir().unwrap();
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(Mailbox::open(&open).unwrap_err().contains("only you"));
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(tmp.path(), &link).unwrap();
        assert!(Mailbox::open(&link).unwrap_err().contains("not a folder"));
        let file = tmp.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(Mailbox::open(&file).is_err());
        assert!(Mailbox::open(&tmp.path().join("no/such")).is_err());
    }
}
