//! Serde helper: byte strings as standard base64, the encoding of the relay's JSON API, used for
//! the profile's own records too. One definition, in the shared contract.

pub use isthmus_proto::api::base64_bytes::{deserialize, serialize};
