//! The `shortlist` binary: parse the arguments, run the command, set the exit status.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_on_a_closed_pipe();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { cli::EXIT_USAGE } else { 0 });
        }
    };
    cli::set_verbosity(cli.quiet, cli.verbose);
    let outcome = match cli.command {
        cli::Command::Build(args) => cli::build::run(args),
        cli::Command::Check(args) => cli::check::run(args),
        cli::Command::Watch(args) => cli::watch::run(args),
        cli::Command::Serve(args) => cli::serve::run(args),
        cli::Command::Init(args) => cli::init::run(args),
        cli::Command::New(args) => cli::new::run(args),
        cli::Command::Schema(args) => cli::schema::run(args),
        cli::Command::Verify(args) => cli::verify::run(args),
        cli::Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = cli::Cli::command();
            clap_complete::generate(shell, &mut command, "shortlist", &mut std::io::stdout());
            Ok(())
        }
        cli::Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(cli::Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| cli::io_failure("man", "cannot write the manual page".into(), e))
        }
    };
    ExitCode::from(cli::exit_status(outcome))
}

/// `shortlist check | head -1`: when the reader of our output goes away, stop at once and
/// quietly, as every Unix filter does, rather than panic on the next line printed. Rust
/// ignores SIGPIPE by default; cargo and rustc restore it the same way. Sockets are not
/// affected: the preview server's writes ask the kernel for no signal (`MSG_NOSIGNAL`).
fn quiet_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// mimalloc rather than the system's allocator: a build makes and frees millions of small
/// strings and values, and with glibc's allocator a third of a rebuild's time at 10,000 notes
/// went to malloc and free (perf). The price is memory: the first build's peak at 10,000 notes
/// rose from 0.92 to 1.22 GB (the README gives the scale benchmark's figures).
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
