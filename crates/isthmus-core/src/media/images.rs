//! Images: the version that is sent (metadata stripped by re-encoding, orientation applied), its
//! dimensions and a small thumbnail, all under decode limits so that a decompression bomb is
//! refused instead of exhausting memory.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Thumbnails fit in this many pixels on their longer side.
pub const THUMBNAIL_MAX: u32 = 320;
/// The largest image processed: 12,000 pixels a side, 256 MiB of decoded pixels.
const MAX_SIDE: u32 = 12_000;
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// A received thumbnail must stay small: it is decoded under tighter limits.
const THUMBNAIL_MAX_ALLOC: u64 = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("not an image this app can read")]
    Unsupported,
    #[error("the image could not be decoded: it is damaged")]
    Corrupt,
    #[error("the image is too large to process safely (more than {MAX_SIDE} pixels a side or {} MiB decoded)", MAX_ALLOC / 1024 / 1024)]
    TooLarge,
}

/// An image ready to send.
#[derive(Debug)]
pub struct PreparedImage {
    /// Re-encoded bytes: no EXIF, GPS, camera or time metadata survive.
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// A JPEG of at most THUMBNAIL_MAX pixels a side.
    pub thumbnail: Vec<u8>,
}

fn limits(max_side: u32, max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    limits
}

fn classify(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        image::ImageError::Unsupported(_) => ImageError::Unsupported,
        _ => ImageError::Corrupt,
    }
}

/// Decodes with limits and applies the EXIF orientation, so that what is shown is upright.
fn decode(bytes: &[u8], max_side: u32, max_alloc: u64) -> Result<(DynamicImage, ImageFormat), ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageError::Corrupt)?;
    let format = reader.format().ok_or(ImageError::Unsupported)?;
    reader.limits(limits(max_side, max_alloc));
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let orientation = decoder.orientation().map_err(classify)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    Ok((image, format))
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, ImageError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).map_err(|_| ImageError::Corrupt)?;
    Ok(out.into_inner())
}

/// Whether `bytes` start like an image this app processes.
pub fn looks_like_image(bytes: &[u8]) -> bool {
    matches!(
        image::guess_format(bytes),
        Ok(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)
    )
}

/// Re-encodes an image for sending and makes its thumbnail.
pub fn prepare(bytes: &[u8]) -> Result<PreparedImage, ImageError> {
    let (image, format) = decode(bytes, MAX_SIDE, MAX_ALLOC)?;
    // JPEG stays JPEG; everything else becomes PNG (lossless, and no metadata survives either way).
    let (format, content_type, image) = match format {
        ImageFormat::Jpeg => (ImageFormat::Jpeg, "image/jpeg", DynamicImage::ImageRgb8(image.to_rgb8())),
        _ => (ImageFormat::Png, "image/png", image),
    };
    let thumbnail = DynamicImage::ImageRgb8(image.thumbnail(THUMBNAIL_MAX, THUMBNAIL_MAX).to_rgb8());
    Ok(PreparedImage {
        bytes: encode(&image, format)?,
        content_type,
        width: image.width(),
        height: image.height(),
        thumbnail: encode(&thumbnail, ImageFormat::Jpeg)?,
    })
}

/// Checks a thumbnail that came from someone else: it must decode under tight limits and be
/// thumbnail-sized. Anything else is dropped rather than shown.
pub fn check_thumbnail(bytes: &[u8]) -> bool {
    if bytes.is_empty() || bytes.len() > 512 * 1024 {
        return false;
    }
    matches!(decode(bytes, THUMBNAIL_MAX, THUMBNAIL_MAX_ALLOC), Ok((image, _)) if image.width() <= THUMBNAIL_MAX && image.height() <= THUMBNAIL_MAX)
}

/// The most one side of a picture may be off from the other, as its sender states it.
const MAX_ASPECT: u32 = 32;

/// A received picture's dimensions as its sender states them, kept only when they could be a
/// picture this app sends (at most `MAX_SIDE` a side, no thinner than 1:32); else unknown (0),
/// so a stated height cannot stretch a timeline.
pub fn stated_size(width: u32, height: u32) -> (u32, u32) {
    let plausible = (1..=MAX_SIDE).contains(&width)
        && (1..=MAX_SIDE).contains(&height)
        && width.max(height) / width.min(height) <= MAX_ASPECT;
    if plausible {
        (width, height)
    } else {
        (0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_sizes_are_kept_only_when_plausible() {
        assert_eq!(stated_size(4000, 3000), (4000, 3000));
        assert_eq!(stated_size(1, u32::MAX), (0, 0), "a sender-supplied height cannot blow up the layout");
        assert_eq!(stated_size(100, 100 * 33), (0, 0), "nor a sliver");
        assert_eq!(stated_size(0, 500), (0, 0));
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        encode(&DynamicImage::new_rgb8(width, height), ImageFormat::Png).expect("encode")
    }

    #[test]
    fn a_large_image_gets_a_small_thumbnail_and_its_dimensions() {
        let prepared = prepare(&png(1000, 500)).expect("prepare");
        assert_eq!((prepared.width, prepared.height), (1000, 500));
        let thumb = image::load_from_memory(&prepared.thumbnail).expect("thumbnail decodes");
        assert!(thumb.width() <= THUMBNAIL_MAX && thumb.height() <= THUMBNAIL_MAX, "thumbnails are at most 320 px");
        assert_eq!(thumb.width(), 320, "the longer side is scaled to the limit");
        assert!(check_thumbnail(&prepared.thumbnail));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A tiny file that claims 60,000 x 60,000 pixels (10 GiB decoded).
        let bomb = {
            let mut bytes = png(1, 1);
            // IHDR width and height live at bytes 16..24; the CRC is not checked before limits.
            bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
            bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
            bytes
        };
        let error = prepare(&bomb).expect_err("a bomb must not be processed");
        assert!(
            matches!(error, ImageError::TooLarge | ImageError::Corrupt),
            "refused as too large or broken: {error:?}"
        );
        assert!(!check_thumbnail(&bomb), "nor shown as a thumbnail");
    }

    #[test]
    fn garbage_is_not_an_image() {
        assert!(prepare(b"definitely not an image").is_err());
        assert!(!looks_like_image(b"%PDF-1.7"));
        assert!(looks_like_image(&png(2, 2)));
    }
}
