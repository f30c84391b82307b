use std::process::ExitCode;

fn main() -> ExitCode {
    privkit_core::internal::install_panic_hook();
    // A panic that no applet caught: the hook has said what happened; 70 is EX_SOFTWARE.
    let code = std::panic::catch_unwind(|| privkit::run(std::env::args_os().collect()))
        .unwrap_or(privkit_core::Code::Software.as_u8());
    ExitCode::from(code)
}
