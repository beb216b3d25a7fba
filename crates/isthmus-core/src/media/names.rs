//! Saving and opening attachments: file names from other people are made safe, a file whose
//! extension does not match what it really is gets flagged, and only passive files open.

use crate::untrusted_text::is_hidden;

/// Names Windows reserves for devices, whatever the extension: trouble if the file is ever
/// copied there.
const WINDOWS_DEVICES: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];

/// A file name safe to create in a folder of the user's choosing and to show: no folders, no
/// traversal, no control or format characters (a bidi isolate makes `invoice\u{2067}fdp.exe\u{2069}`
/// look like a PDF: the characters go, so the real extension shows), no reserved characters or
/// device names, no hidden-file dot, bounded length, never empty.
pub fn sanitize(raw: &str) -> String {
    // Only the last path component counts, whichever separator the sender used.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|&c| !is_hidden(c))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']);
    let mut name: String = trimmed.chars().take(120).collect();
    if name.is_empty() || name == "." || name == ".." {
        name = "attachment".to_owned();
    }
    if is_windows_device(&name) {
        name = format!("_{name}");
    }
    name
}

/// `CON`, `nul.txt`, `COM1.tar.gz`, `lpt¹`, `CONIN$`...: what Windows opens as a device.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end().to_uppercase();
    if WINDOWS_DEVICES.contains(&stem.as_str()) || stem == "CONIN$" || stem == "CONOUT$" {
        return true;
    }
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|rest| {
            let mut chars = rest.chars();
            matches!((chars.next(), chars.next()), (Some('0'..='9' | '¹' | '²' | '³'), None))
        })
    };
    numbered("COM") || numbered("LPT")
}

/// Extensions of passive files: pictures, sound, video, PDF and plain text, which the system's
/// apps show rather than run. Everything else (programs, scripts, `.desktop` launchers, Java
/// archives, installers, office documents with macros, archives) is saved and shown in its
/// folder instead of being opened from a chat.
const PASSIVE: [(&str, Passive); 17] = [
    ("png", Passive::Signed("png")),
    ("jpg", Passive::Signed("jpg")),
    ("jpeg", Passive::Signed("jpg")),
    ("gif", Passive::Signed("gif")),
    ("webp", Passive::Signed("webp")),
    ("pdf", Passive::Signed("pdf")),
    ("mp3", Passive::Signed("mp3")),
    ("ogg", Passive::Signed("ogg")),
    ("opus", Passive::Signed("ogg")),
    ("oga", Passive::Signed("ogg")),
    ("wav", Passive::Signed("wav")),
    ("flac", Passive::Signed("flac")),
    ("mp4", Passive::Signed("mp4")),
    ("m4a", Passive::Signed("mp4")),
    ("mov", Passive::Signed("mp4")),
    ("webm", Passive::Signed("webm")),
    ("txt", Passive::Text),
];

#[derive(Clone, Copy)]
enum Passive {
    /// The content must start with this format's signature (`detected_extension`).
    Signed(&'static str),
    /// UTF-8 text without NUL bytes or a `#!` line: not a program.
    Text,
}

/// Whether the file may be handed to the system's opener: its extension is a passive type and
/// its first bytes are that type. A `.jar`, a `.desktop` file or a script never is, nor a
/// program that calls itself `.jpg` or `.txt`.
pub fn opens_safely(name: &str, head: &[u8]) -> bool {
    let Some((_, extension)) = name.rsplit_once('.') else { return false };
    let extension = extension.to_ascii_lowercase();
    let Some((_, kind)) = PASSIVE.iter().find(|(passive, _)| *passive == extension) else { return false };
    match kind {
        Passive::Signed(format) => detected_extension(head) == Some(format),
        Passive::Text => !head.starts_with(b"#!") && !head.contains(&0) && text_prefix(head),
    }
}

/// Whether `head` is UTF-8, allowing a character cut at its end.
fn text_prefix(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// What the first bytes say the file is, as an extension, when they say anything.
pub fn detected_extension(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 12] = [
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpg"),
        (b"GIF8", "gif"),
        (b"%PDF-", "pdf"),
        (b"PK\x03\x04", "zip"),
        (b"\x7fELF", "elf"),
        (b"MZ", "exe"),
        (b"OggS", "ogg"),
        (b"#!", "sh"),
        (b"ID3", "mp3"),
        (b"fLaC", "flac"),
        (b"\x1a\x45\xdf\xa3", "webm"),
    ];
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("webp");
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
        return Some("wav");
    }
    // MPEG audio without an ID3 tag starts with a frame sync.
    if head.len() >= 2
        && head[0] == 0xff
        && head[1] & 0xe0 == 0xe0
        && head[1] & 0x06 != 0
        && !head.starts_with(b"\xff\xd8")
    {
        return Some("mp3");
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some("mp4");
    }
    SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)).map(|(_, ext)| *ext)
}

/// Whether the name's extension disagrees with the detected type (say, a program named `.jpg`).
pub fn extension_mismatch(name: &str, head: &[u8]) -> bool {
    let Some(detected) = detected_extension(head) else { return false };
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    let same = |a: &str, b: &str| {
        a == b || matches!((a, b), ("jpg", "jpeg") | ("jpeg", "jpg") | ("mp4", "m4a" | "mov" | "m4v"))
    };
    // Office documents and other formats are ZIP inside; a ZIP signature under those names is fine.
    let zip_family = detected == "zip"
        && ["docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "jar", "apk"].contains(&extension.as_str());
    !(same(detected, &extension) || zip_family)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_neutralised() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd", "no traversal");
        assert_eq!(sanitize("..\\..\\Windows\\system32\\evil.dll"), "evil.dll", "backslashes count as separators");
        assert_eq!(sanitize("/absolute/path.txt"), "path.txt");
        assert_eq!(sanitize("bad\u{0}name\n.txt"), "badname.txt", "no control characters");
        assert_eq!(sanitize("invoice\u{202e}fdp.exe"), "invoicefdp.exe", "no right-to-left override tricks");
        assert_eq!(sanitize("invoice\u{2067}fdp.exe\u{2069}"), "invoicefdp.exe", "nor isolates: it shows as .exe");
        for format in ['\u{200b}', '\u{200e}', '\u{2066}', '\u{2068}', '\u{feff}', '\u{061c}'] {
            assert_eq!(sanitize(&format!("a{format}b.txt")), "ab.txt", "{format:?} is a format character");
        }
        assert_eq!(sanitize(".bashrc"), "bashrc", "no hidden files");
        assert_eq!(sanitize(".."), "attachment");
        assert_eq!(sanitize(""), "attachment");
        for device in ["CON.txt", "con", "Nul.tar.gz", "COM9.log", "lpt1", "COM\u{b9}.txt", "CONIN$"] {
            assert!(sanitize(device).starts_with('_'), "{device} is a Windows device name");
        }
        for fine in ["CONSOLE.txt", "COM10.txt", "company.pdf", "nullable.rs"] {
            assert_eq!(sanitize(fine), fine, "{fine} only looks like a device name");
        }
        assert!(sanitize(&"a".repeat(1000)).chars().count() <= 120);
        assert_eq!(sanitize("holiday photo.jpg"), "holiday photo.jpg", "ordinary names are kept");
    }

    #[test]
    fn only_passive_files_whose_content_matches_open() {
        assert!(opens_safely("cat.JPG", b"\xff\xd8\xff\xe0 photo"), "a photo opens");
        assert!(opens_safely("song.flac", b"fLaC\0\0\0\x22"), "sound opens");
        assert!(opens_safely("notes.txt", "plain words, ünïcode".as_bytes()), "text opens");
        assert!(opens_safely("paper.pdf", b"%PDF-1.7"), "a PDF opens");
        for (name, head) in [
            ("tool.jar", &b"PK\x03\x04"[..]),
            ("launcher.desktop", b"[Desktop Entry]\nExec=sh -c evil"),
            ("install.sh", b"#!/bin/sh\nrm -rf ~"),
            ("setup.exe", b"MZ\x90\x00"),
            ("doc.docx", b"PK\x03\x04"),
            ("no-extension", b"\xff\xd8\xff"),
        ] {
            assert!(!opens_safely(name, head), "{name} is never handed to the opener");
        }
        assert!(!opens_safely("cat.jpg", b"MZ\x90\x00 a program"), "a program dressed as a photo does not open");
        assert!(!opens_safely("readme.txt", b"#!/bin/sh\necho"), "a script dressed as text does not open");
        assert!(!opens_safely("readme.txt", b"ELF\x00\x01binary"), "binary content is not text");
        assert!(!opens_safely("photo.png", b""), "an empty file has no type to trust");
    }

    #[test]
    fn a_mismatched_extension_is_flagged() {
        assert!(extension_mismatch("cute-cat.jpg", b"MZ\x90\x00 this is a program"), "a program dressed as a photo");
        assert!(extension_mismatch("report.pdf", b"\x7fELF\x02\x01"), "an executable dressed as a PDF");
        assert!(!extension_mismatch("photo.JPEG", b"\xff\xd8\xff\xe0"), "matching types are fine, whatever the case");
        assert!(!extension_mismatch("notes.docx", b"PK\x03\x04"), "documents are zip inside");
        assert!(!extension_mismatch("notes.txt", b"plain words"), "unknown content is not flagged");
    }
}
