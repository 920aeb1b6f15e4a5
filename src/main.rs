use std::panic;
use std::process::ExitCode;

/// The exit code of a crash, as for any Rust program that panics.
const EXIT_INTERNAL_ERROR: u8 = 101;

fn main() -> ExitCode {
    install_panic_hook();
    match panic::catch_unwind(idl::cli::run) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(EXIT_INTERNAL_ERROR)),
        Err(_) => ExitCode::from(EXIT_INTERNAL_ERROR),
    }
}

/// A crash should tell the user it is idl's fault and what to send, not show a
/// Rust backtrace prompt. The panic message and location stay in the output so a
/// report (or a failing test) shows the bug; `RUST_BACKTRACE` adds the default
/// output with the backtrace.
fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            default_hook(info);
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("panic");
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "idl: internal error: {message}{location}\n\
             This is a bug in idl {}. Please report it with the command you ran and, if you can, its input.",
            env!("CARGO_PKG_VERSION")
        );
    }));
}
