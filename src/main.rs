//! The `shortlist` binary: parse the arguments, run the command, set the exit status.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
