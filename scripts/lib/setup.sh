# Shared set-up for the quick-start commands: installs what a fresh Debian/Ubuntu machine lacks.
# Sourced, not run. Every step is skipped when its tool is already there.

need_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: '$*' needs root; run as root or install sudo" >&2; return 1; fi
}

# at_exit COMMAND...: runs COMMAND when the sourcing shell exits, after those registered later
# (one EXIT trap for every throwaway server the test command starts).
exit_actions=()
run_exit_actions() {
    local i
    for ((i = ${#exit_actions[@]} - 1; i >= 0; i--)); do eval "${exit_actions[i]}"; done
}
at_exit() {
    exit_actions+=("$*")
    trap run_exit_actions EXIT
}

# ensure_pip_tool NAME REQUIREMENT PROGRAM: a tool from PyPI in a virtual environment of its own
# (NAME, in the cache), installed when missing; prints the path of its PROGRAM.
ensure_pip_tool() {
    ensure_packages python3 python3-venv
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/isthmus/$1"
    if [ ! -x "$venv/bin/$3" ]; then
        echo "setup: installing $2 into $venv" >&2
        # What is there is not a working install (an interrupted one, a dangling link): start over.
        rm -rf "$venv"
        python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q "$2" >&2 || return 1
    fi
    echo "$venv/bin/$3"
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

# rustfmt and clippy, for the checks the test command runs: rustup's default profile has them,
# a minimal one does not.
ensure_rust_lint_tools() {
    ensure_rust
    if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
        command -v rustup >/dev/null || { echo "error: rustfmt and clippy are missing" >&2; return 1; }
        rustup component add rustfmt clippy >&2
    fi
}

# The Rust workspace builds libsignal, which needs protoc, and reqwest/sled need a C toolchain.
ensure_rust_build_deps() {
    ensure_rust
    ensure_packages protobuf-compiler build-essential pkg-config ca-certificates
}

# ensure_node: Node.js 20+ with npm (Vite and Playwright need it). Debian's own nodejs is older
# on bookworm, so when it is too old the npm registry's `node` package supplies a current one.
ensure_node() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        ensure_packages nodejs npm
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -lt 20 ]; then
        echo "setup: Node.js $major is too old; installing Node.js 20 from the npm registry" >&2
        need_root npm install -g --no-audit --no-fund node@20 >&2
        hash -r
    fi
}

# ensure_ui_deps: the UI's npm packages, exactly as package-lock.json pins them. Browsers come from
# Debian (chromium), never from a test tool's own download.
ensure_ui_deps() {
    ensure_node
    if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
        (cd ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
    fi
}

# The desktop app's build (Tauri 2 on WebKitGTK) and its end-to-end driving under Xvfb.
ensure_desktop_build_deps() {
    ensure_packages libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev \
        libsoup-3.0-dev libssl-dev
}

ensure_desktop_e2e_deps() {
    # A session bus of the tests' own and a notification server on it (second launch, clicks).
    ensure_packages xvfb webkit2gtk-driver imagemagick dbus-daemon dbus-bin dunst
    if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
        echo "setup: installing tauri-driver" >&2
        cargo install tauri-driver --locked >&2
    fi
    export PATH="$HOME/.cargo/bin:$PATH"
}
