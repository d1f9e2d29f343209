//! The never-block file access the prompt path stands on: non-blocking opens of regular files
//! only, reads bounded by the opened file's size and a hard cap (`files`), the check of which
//! filesystems are mounted that decides whether a read may hang (`mounts`), the server's
//! guard for a read that hangs anyway (`watchdog`), and its watches on a repository's folders
//! (`watch`), and the folder through which fish, which holds no descriptor, asks it (`mailbox`).

// No panic may reach the prompt: with panic = "abort" in release, one would take every other
// segment with it. Tests are exempt.
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

pub mod fifo;
pub mod files;
pub mod mailbox;
pub mod mounts;
pub mod watch;
pub mod watchdog;
