//! The isthmus-desktop binary: everything lives in the library, so tests can reach it.
// No console window beside the app in Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
#![deny(unsafe_code)]

fn main() {
    isthmus_desktop::run();
}
