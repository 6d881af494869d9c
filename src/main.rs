//! Parses the command line, runs it, maps the result to an exit code:
//! 0 success, 1 content error, 2 bad usage (clap, or an output folder that is not ernguide's).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ernguide::cli::Cli::parse();
    match ernguide::run(cli) {
        Ok(ernguide::Outcome::Success) => ExitCode::SUCCESS,
        Ok(ernguide::Outcome::ContentErrors) => ExitCode::from(1),
        Err(err) => {
            eprintln!("{}", ernguide::error::report(&err));
            if err.is::<ernguide::OutputRefused>() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
