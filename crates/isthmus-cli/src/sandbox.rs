//! `isthmus-cli sandbox`: the sandbox lives in the `isthmus-sandbox` crate, shared with the
//! desktop app; the CLI only starts it and prints how to join.

pub use isthmus_sandbox::{Sandbox, HARBOR, MEADOW};
