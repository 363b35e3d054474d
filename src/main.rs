//! The `wxpress` binary: everything lives in the library; `cli` parses arguments,
//! calls it, prints, and picks the exit status.

mod cli;

/// A build moves every post's strings between two or more threads; glibc's
/// allocator locks an arena for each free of another thread's memory, and that
/// contention cost about a tenth of a large build (README, Speed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
