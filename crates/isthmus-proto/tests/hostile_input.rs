//! Property tests: whatever bytes another party sends, the wire types and the contract's parsers
//! answer with a value or an error, never a panic, and what they accept has its exact shape.

use isthmus_proto::api::{
    cut_report_body, is_media_id, ErrorBody, PendingRequests, ReportRequest, CUT_MARK, MEDIA_ID_HEX_CHARS,
};
use isthmus_proto::{wire, Address, Message as _, NetworkName, UserName};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_bytes_decode_to_a_frame_or_an_error_and_their_addresses_convert_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(frame) = wire::ServerFrame::decode(bytes.as_slice()) {
            if let Some(wire::server_frame::Frame::Push(envelope)) = frame.frame {
                for address in [envelope.source, envelope.destination].into_iter().flatten() {
                    let _ = Address::try_from(&address);
                }
            }
        }
        if let Ok(frame) = wire::ClientFrame::decode(bytes.as_slice()) {
            if let Some(wire::client_frame::Frame::Send(send)) = frame.frame {
                if let Some(address) = send.envelope.and_then(|envelope| envelope.destination) {
                    let _ = Address::try_from(&address);
                }
            }
        }
        let _ = wire::Content::decode(bytes.as_slice());
        let _ = wire::FederatedDelivery::decode(bytes.as_slice());
        let _ = wire::FederatedBundleRequest::decode(bytes.as_slice());
        let _ = wire::PreKeyBundle::decode(bytes.as_slice());
    }

    #[test]
    fn an_address_that_parses_is_valid_and_round_trips(raw in "\\PC{0,80}", name in "[a-z][a-z0-9._-]{0,40}", network in "[a-z0-9.-]{1,70}", device in any::<u32>()) {
        if let Ok(address) = raw.parse::<Address>() {
            prop_assert_eq!(address.to_string().parse::<Address>().ok(), Some(address));
        }
        let wire = wire::Address { name: name.clone(), network: network.clone(), device };
        if let Ok(address) = Address::try_from(&wire) {
            prop_assert!(UserName::parse(&name).is_ok() && NetworkName::parse(&network).is_ok());
            prop_assert_eq!(address.device, device);
        }
    }

    #[test]
    fn json_bodies_of_the_contract_parse_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..256), text in "\\PC{0,200}") {
        let _ = serde_json::from_slice::<ErrorBody>(&bytes);
        let _ = serde_json::from_slice::<ReportRequest>(&bytes);
        let _ = serde_json::from_slice::<PendingRequests>(&bytes);
        let _ = serde_json::from_str::<ReportRequest>(&text);
    }

    #[test]
    fn a_cut_report_body_fits_and_keeps_its_start(body in "\\PC{0,300}", max in 0usize..200) {
        let cut = cut_report_body(&body, max);
        if body.chars().count() <= max {
            prop_assert_eq!(cut, body);
        } else {
            prop_assert!(cut.chars().count() <= max, "never over the limit");
            let keep = max.saturating_sub(CUT_MARK.chars().count());
            let start: String = body.chars().take(keep).collect();
            prop_assert!(cut.starts_with(&start), "what is kept is the body's start");
        }
    }

    #[test]
    fn only_the_exact_shape_is_a_media_id(text in "\\PC{0,40}") {
        if is_media_id(&text) {
            prop_assert_eq!(text.len(), MEDIA_ID_HEX_CHARS);
            prop_assert!(text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }
}
