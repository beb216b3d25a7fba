//! Tauri's build step: embeds tauri.conf.json, the capabilities and the icons.
//!
//! The app embeds the built UI (`../ui/dist`) unless built without the default
//! `embedded-ui` feature. A fresh clone has no `ui/dist` until `npm run build` ran, and Tauri
//! refuses to compile without it; so a missing folder gets a page that says how to build the
//! UI, which keeps `cargo build --workspace` working everywhere.
use std::path::Path;

const PLACEHOLDER: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Isthmus</title></head>
<body><main><h1>The Isthmus UI has not been built</h1>
<p>Run <code>npm --prefix ui ci &amp;&amp; npm --prefix ui run build</code>, then build the app again.</p></main></body></html>
"#;

fn main() {
    let dist = Path::new("../ui/dist");
    if !dist.exists() {
        std::fs::create_dir_all(dist).expect("create ui/dist for the placeholder page");
        std::fs::write(dist.join("index.html"), PLACEHOLDER).expect("write the placeholder page");
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build();
}
