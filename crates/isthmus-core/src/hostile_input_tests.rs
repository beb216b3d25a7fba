//! Property tests: what other people and a damaged disk hand the engine (file names, text,
//! image headers, the relay's frames, the profile's key file) gets a value or an error, never a
//! panic, and what comes out keeps the promises made about it.

use std::collections::HashMap;

use isthmus_proto::{wire, Message as _};
use proptest::prelude::*;

use crate::media::{images, names};
use crate::untrusted_text::{for_terminal, is_hidden, json_for_terminal, one_line};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_file_name_becomes_a_safe_one(raw in "\\PC{0,200}|[\\x00-\\x1f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}./\\\\a-zA-Z]{0,60}") {
        let name = names::sanitize(&raw);
        prop_assert!(!name.is_empty());
        prop_assert!(name.chars().count() <= 121, "bounded: {name:?}");
        prop_assert!(!name.contains(['/', '\\']), "no folders: {name:?}");
        prop_assert!(!name.chars().any(is_hidden), "nothing hidden: {name:?}");
        prop_assert!(!name.starts_with('.'), "not hidden: {name:?}");
        prop_assert_eq!(names::sanitize(&name), name.clone(), "sanitising is stable");
    }

    #[test]
    fn text_for_a_terminal_carries_no_control_sequence(text in "\\PC{0,200}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202e}a\\\\]{0,60}") {
        let shown = for_terminal(&one_line(&text), true);
        prop_assert!(!shown.chars().any(is_hidden), "{shown:?}");
        let json = serde_json::to_string(&text).expect("a string serializes");
        let escaped = json_for_terminal(&json);
        prop_assert!(!escaped.chars().any(is_hidden));
        prop_assert_eq!(serde_json::from_str::<String>(&escaped).expect("still JSON"), text);
    }

    #[test]
    fn image_headers_from_anyone_decode_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = images::check_thumbnail(&bytes);
        let _ = images::prepare(&bytes);
        let _ = names::detected_extension(&bytes);
        let _ = names::opens_safely("file.png", &bytes);
    }

    #[test]
    fn a_picture_s_header_with_any_stated_size_is_refused_or_bounded(width in any::<u32>(), height in any::<u32>()) {
        // A PNG that claims any size: decoded under limits or refused, never allocated blindly.
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(1, 1)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encodes");
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let _ = images::prepare(&png);
        let (w, h) = images::stated_size(width, height);
        prop_assert!(w <= 12_000 && h <= 12_000);
    }

    #[test]
    fn any_frame_from_a_relay_is_handled_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(frame) = wire::ServerFrame::decode(bytes.as_slice()) {
            let (mut pushes, mut drained, mut pending) = (Vec::new(), false, HashMap::new());
            crate::connection::handle_frame(frame, &mut pushes, &mut drained, &mut pending);
        }
    }

    #[test]
    fn a_damaged_key_file_is_refused_not_trusted(bytes in proptest::collection::vec(any::<u8>(), 0..300), m_cost in 0u32..64, t_cost in 0u32..3, salt in "[0-9a-f]{0,40}") {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for content in [
            bytes.clone(),
            format!(r#"{{"format":1,"kdf":{{"m_cost":{m_cost},"t_cost":{t_cost},"p_cost":1}},"salt":"{salt}","nonce":"00","wrapped_key":"00"}}"#).into_bytes(),
        ] {
            std::fs::write(dir.path().join("profile.json"), &content).expect("written");
            prop_assert!(crate::Profile::unlock(dir.path(), "passphrase").is_err(), "nothing opens a damaged profile");
        }
    }
}
