# Shared set-up for the quick-start commands: installs what a fresh Debian/Ubuntu machine lacks.
# Sourced, not run. Every step is skipped when its tool is already there.

need_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: '$*' needs root; run as root or install sudo" >&2; return 1; fi
}

apt_updated=false
# ensure_packages PACKAGE... : installs the Debian packages that are not installed yet.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing ${missing[*]}" >&2
    if [ "$apt_updated" = false ]; then need_root apt-get update -qq; apt_updated=true; fi
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_rust: a Rust toolchain must be on the machine (rustup installs it; this script cannot).
ensure_rust() {
    if ! command -v cargo >/dev/null; then
        [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    command -v cargo >/dev/null || { echo "error: install Rust first (https://rustup.rs)" >&2; return 1; }
}

# The Rust workspace builds libsignal, which needs protoc, and reqwest/sled need a C toolchain.
ensure_rust_build_deps() {
    ensure_rust
    ensure_packages protobuf-compiler build-essential pkg-config ca-certificates
}
