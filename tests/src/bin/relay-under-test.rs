//! The relay's own command line, built inside this package so that tests can start it as a
//! process through `CARGO_BIN_EXE_relay-under-test`.

fn main() -> std::process::ExitCode {
    isthmus_relay::cli::main()
}
