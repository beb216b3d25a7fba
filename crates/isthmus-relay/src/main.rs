//! The `isthmus-relay` binary; the command line itself is `isthmus_relay::cli`.

/// mimalloc instead of glibc's malloc: a loaded relay allocates per frame and per statement on
/// many threads, where glibc's arenas spent about an eighth of the CPU (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    isthmus_relay::cli::main()
}
