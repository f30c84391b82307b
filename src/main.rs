use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(privkit::run(std::env::args_os().collect()))
}
