use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not greet a user with a stack trace, even with RUST_BACKTRACE set.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "rex: internal error{at}: {}; please report it",
            rex::output::one_line(&rex::panic_message(info))
        );
    }));
    ExitCode::from(rex::run())
}
