//! Single-steps a command under ptrace and prints, in the order first run, every distinct
//! instruction address in [LO, HI): for benches/order.sh, which turns them into the list of
//! functions a prompt runs. x86_64 Linux only; needs no crates (built with plain rustc).
//!
//!   trace LO HI PROGRAM [ARGS...]     (LO and HI in hex; the program's stdout is discarded)

use std::collections::HashSet;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

extern "C" {
    fn ptrace(request: i32, pid: i32, addr: usize, data: usize) -> i64;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
}

const PTRACE_TRACEME: i32 = 0;
const PTRACE_SINGLESTEP: i32 = 9;
const PTRACE_GETREGS: i32 = 12;
/// `struct user_regs_struct` on x86_64: 27 registers, `rip` the 17th.
const REGS: usize = 27;
const RIP: usize = 16;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex address");
    let (lo, hi) = (hex(&args[0]), hex(&args[1]));
    let mut command = Command::new(&args[2]);
    command.args(&args[3..]).stdout(Stdio::null());
    // SAFETY: PTRACE_TRACEME in the child between fork and exec touches no memory of ours.
    unsafe {
        command.pre_exec(|| {
            ptrace(PTRACE_TRACEME, 0, 0, 0);
            Ok(())
        });
    }
    let child = command.spawn().expect("spawn");
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    let (mut seen, mut order) = (HashSet::new(), Vec::new());
    let mut steps = 0u64;
    // SAFETY: plain system calls on our own stopped child; `regs` is as large as the kernel's
    // `user_regs_struct` and `status` a valid int.
    unsafe {
        waitpid(pid, &mut status, 0); // stopped at exec
        loop {
            let mut regs = [0u64; REGS];
            if ptrace(PTRACE_GETREGS, pid, 0, regs.as_mut_ptr() as usize) < 0 {
                break;
            }
            let rip = regs[RIP];
            if (lo..hi).contains(&rip) && seen.insert(rip) {
                order.push(rip);
            }
            if ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0 || waitpid(pid, &mut status, 0) < 0 {
                break;
            }
            steps += 1;
            // Exited or killed: WIFEXITED / WIFSIGNALED.
            if status & 0x7f == 0 || ((status & 0x7f) + 1) as i8 >> 1 > 0 {
                break;
            }
        }
    }
    eprintln!("trace: {steps} instructions, {} distinct in range", order.len());
    for rip in order {
        println!("{rip:x}");
    }
}
