//! The `wxpress` binary: everything lives in the library; `cli` parses arguments,
//! calls it, prints, and picks the exit status.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
