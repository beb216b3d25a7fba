//! Saving attachments: file names from other people are made safe, and a file whose
//! extension does not match what it really is gets flagged.

/// A file name safe to create in a folder of the user's choosing: no folders, no traversal,
/// no control or reserved characters, no hidden-file dot, bounded length, never empty.
pub fn sanitize(raw: &str) -> String {
    // Only the last path component counts, whichever separator the sender used.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\u{202e}' | '\u{202d}') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']);
    let mut name: String = trimmed.chars().take(120).collect();
    if name.is_empty() || name == "." || name == ".." {
        name = "attachment".to_owned();
    }
    // Names Windows reserves would be trouble if the file is ever copied there.
    let stem = name.split('.').next().unwrap_or_default().to_ascii_uppercase();
    if ["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"].contains(&stem.as_str()) {
        name = format!("_{name}");
    }
    name
}

/// What the first bytes say the file is, as an extension, when they say anything.
pub fn detected_extension(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 10] = [
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
    ];
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("webp");
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
        assert_eq!(sanitize("bad\u{0}name\n.txt"), "bad_name_.txt", "no control characters");
        assert_eq!(sanitize("invoice\u{202e}fdp.exe"), "invoice_fdp.exe", "no right-to-left override tricks");
        assert_eq!(sanitize(".bashrc"), "bashrc", "no hidden files");
        assert_eq!(sanitize(".."), "attachment");
        assert_eq!(sanitize(""), "attachment");
        assert_eq!(sanitize("CON.txt"), "_CON.txt");
        assert!(sanitize(&"a".repeat(1000)).chars().count() <= 120);
        assert_eq!(sanitize("holiday photo.jpg"), "holiday photo.jpg", "ordinary names are kept");
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
