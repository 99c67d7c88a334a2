use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not greet a user with a stack trace, even with RUST_BACKTRACE set.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        rex::output::say(format_args!(
            "rex: internal error{at}: {}; please report it\n",
            rex::output::one_line(&rex::panic_message(info))
        ));
    }));
    // `COMPLETE=bash rex` prints the shell hook; the hook calls rex back to complete deal
    // references, pipeline and stage names from the database (see rex completions --help),
    // quoted for the shell that inserts them.
    clap_complete::CompleteEnv::with_factory(rex::cli::command)
        .shells(rex::complete::shells::SHELLS)
        .complete();
    ExitCode::from(rex::run())
}
