//! The `isthmus-relay` binary; the command line itself is `isthmus_relay::cli`.

fn main() -> std::process::ExitCode {
    isthmus_relay::cli::main()
}
