//! Media that customers send (and the business sends back): how big a file we keep, how fetches
//! are retried, and how a stored file is served without ever letting a customer's file run as
//! a page of ours (an SVG "image", an HTML file named `.jpg`).

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// The largest file kept: 25 MiB. WhatsApp's own limits are 5 MB for images, 16 MB for audio
/// and video, 100 MB for documents; the Worker holds a file in memory (128 MB) while it hashes
/// and stores it, so larger documents are refused with a reason ("open it in WhatsApp").
pub const MAX_MEDIA_BYTES: u64 = 25 * 1024 * 1024;

/// Fetch attempts before a file is given up as unavailable (the console can still Retry).
pub const MAX_ATTEMPTS: u32 = 5;

/// How long to wait after failed attempt `attempt` (1-based) before the next; `None`: give up.
/// 1 min, 5 min, 30 min, 2 h — well inside the weeks Meta keeps a media id.
pub fn retry_delay_seconds(attempt: u32) -> Option<i64> {
    match attempt {
        1 => Some(60),
        2 => Some(300),
        3 => Some(1_800),
        4 => Some(7_200),
        _ => None,
    }
}

/// What WhatsApp calls a file the business sends, by its type (`None`: not sendable). The
/// Cloud API's own list: JPEG/PNG images, AAC/AMR/MP3/MP4/OGG audio, MP4/3GPP video, and
/// documents (PDF, plain text, Office files).
pub fn attachment_kind(mime: &str) -> Option<&'static str> {
    let mime = essence(mime);
    Some(match mime.as_str() {
        "image/jpeg" | "image/png" => "image",
        "audio/aac" | "audio/amr" | "audio/mpeg" | "audio/mp4" | "audio/ogg" => "audio",
        "video/mp4" | "video/3gpp" => "video",
        "application/pdf" | "text/plain" => "document",
        m if m.starts_with("application/vnd.openxmlformats-officedocument.")
            || m.starts_with("application/vnd.ms-")
            || m == "application/msword" =>
        {
            "document"
        }
        _ => return None,
    })
}

/// The largest file a website visitor may send: 10 MB (checked by the Messenger, and again by
/// the edge).
pub const MAX_VISITOR_FILE_BYTES: u64 = 10 * 1000 * 1000;

/// What a website visitor may send: pictures and PDFs.
pub const VISITOR_FILE_TYPES: [&str; 4] =
    ["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// Whether a visitor's file may be sent, or why not (the words the Messenger shows).
/// Why a visitor's file is refused (the Messenger words it in the visitor's language; the edge
/// answers with the English below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("Only pictures (JPEG, PNG, WebP) and PDFs can be sent here.")]
    Type,
    #[error("That file is empty.")]
    Empty,
    #[error("That file is over {} MB.", MAX_VISITOR_FILE_BYTES / 1000 / 1000)]
    TooBig,
}

pub fn check_visitor_file(mime: &str, size: u64) -> Result<&'static str, FileProblem> {
    let mime = essence(mime);
    if !VISITOR_FILE_TYPES.contains(&mime.as_str()) {
        return Err(FileProblem::Type);
    }
    if size == 0 {
        return Err(FileProblem::Empty);
    }
    if size > MAX_VISITOR_FILE_BYTES {
        return Err(FileProblem::TooBig);
    }
    Ok(if mime == "application/pdf" {
        "document"
    } else {
        "image"
    })
}

/// Types shown inline by the console (pictures and players). Everything else is a download.
const INLINE_TYPES: [&str; 13] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "audio/ogg",
    "audio/mpeg",
    "audio/aac",
    "audio/mp4",
    "audio/amr",
    "audio/opus",
    "video/mp4",
    "video/3gpp",
    "video/webm",
];

/// The bare media type of a `Content-Type` value (`audio/ogg; codecs=opus` → `audio/ogg`).
pub fn essence(mime: &str) -> String {
    mime.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The headers a stored file is served with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub content_type: String,
    pub content_disposition: String,
    /// Shown inline (an allow-listed picture or recording) rather than downloaded.
    pub inline: bool,
}

/// How to serve a file of type `mime` named `filename`: allow-listed pictures and recordings
/// inline with their own type; anything else (SVG, HTML, PDF, unknown) as a download of
/// `application/octet-stream` (PDFs keep their type) — never rendered from our origin.
pub fn served_as(mime: &str, filename: Option<&str>) -> Served {
    let mime = essence(mime);
    let inline = inline_type(&mime).is_some();
    let content_type = if inline || mime == "application/pdf" {
        mime
    } else {
        "application/octet-stream".to_owned()
    };
    let name = safe_filename(filename.unwrap_or("file"));
    let encoded = utf8_percent_encode(filename.unwrap_or("file"), NON_ALPHANUMERIC).to_string();
    Served {
        content_disposition: format!(
            "{}; filename=\"{name}\"; filename*=UTF-8''{encoded}",
            if inline { "inline" } else { "attachment" }
        ),
        content_type,
        inline,
    }
}

/// The type the console gives a file's same-origin `blob:` URL. The server's headers (nosniff,
/// a sandbox CSP) never apply to a `blob:`, so only an allow-listed picture or recording keeps
/// its type; anything else (HTML, SVG, XML, PDF, unknown) is `application/octet-stream`, which
/// a browser downloads and never renders. One rule with [`served_as`].
pub fn blob_type(mime: &str) -> String {
    inline_type(mime).unwrap_or_else(|| "application/octet-stream".to_owned())
}

/// `mime`'s bare type when it is an allow-listed picture or recording (shown inline).
pub fn inline_type(mime: &str) -> Option<String> {
    let mime = essence(mime);
    INLINE_TYPES.contains(&mime.as_str()).then_some(mime)
}

/// A filename safe inside a quoted header value: letters, digits, `.`, `-`, `_`, space; at most
/// 100 characters; never empty or hidden.
pub fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// A `Range` that no byte of the file satisfies (answered 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// A `Range: bytes=…` request against a file of `size` bytes: the inclusive byte span to send,
/// `None` for no range (send it all), `Err` when it cannot be satisfied (416).
pub fn byte_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, Unsatisfiable> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') || size == 0 {
        return Ok(None); // several ranges: send the whole file, as servers may
    }
    let (start, end) = spec.split_once('-').ok_or(Unsatisfiable)?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| Unsatisfiable)?;
            if n == 0 {
                return Err(Unsatisfiable);
            }
            (size.saturating_sub(n), size - 1)
        }
        (s, "") => (s.parse().map_err(|_| Unsatisfiable)?, size - 1),
        (s, e) => (
            s.parse().map_err(|_| Unsatisfiable)?,
            e.parse::<u64>().map_err(|_| Unsatisfiable)?.min(size - 1),
        ),
    };
    if start > end || start >= size {
        return Err(Unsatisfiable);
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_and_recordings_inline_everything_else_downloads() {
        let jpg = served_as("image/jpeg", Some("broken chair.jpg"));
        assert!(jpg.inline);
        assert_eq!(jpg.content_type, "image/jpeg");
        assert!(jpg
            .content_disposition
            .starts_with("inline; filename=\"broken chair.jpg\""));
        let voice = served_as("audio/ogg; codecs=opus", None);
        assert_eq!(voice.content_type, "audio/ogg");
        for evil in [
            "image/svg+xml",
            "text/html",
            "application/xhtml+xml",
            "text/xml",
            "",
        ] {
            let s = served_as(evil, Some("photo.jpg"));
            assert!(!s.inline, "{evil}");
            assert_eq!(s.content_type, "application/octet-stream", "{evil}");
            assert!(s.content_disposition.starts_with("attachment;"));
        }
        let pdf = served_as("application/pdf", Some("invoice 42.pdf"));
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf
            .content_disposition
            .starts_with("attachment; filename=\"invoice 42.pdf\""));
    }

    #[test]
    fn a_blob_is_typed_only_with_an_inline_type() {
        assert_eq!(blob_type("image/png"), "image/png");
        assert_eq!(blob_type("audio/ogg; codecs=opus"), "audio/ogg");
        for evil in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "text/xml",
            "application/xml",
            "application/pdf",
            "TEXT/HTML; charset=utf-8",
            "",
        ] {
            assert_eq!(blob_type(evil), "application/octet-stream", "{evil}");
        }
    }

    #[test]
    fn filenames_cannot_break_out_of_the_header() {
        assert_eq!(safe_filename("a\"; x=1.pdf"), "a__ x_1.pdf");
        assert_eq!(safe_filename("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_filename("...."), "file");
        assert_eq!(safe_filename("ünïcode.txt"), "_n_code.txt");
        assert_eq!(safe_filename(&"a".repeat(300)).len(), 100);
        let s = served_as("application/pdf", Some("Rechnung für Mai.pdf"));
        assert!(s
            .content_disposition
            .contains("filename*=UTF-8''Rechnung%20f%C3%BCr%20Mai%2Epdf"));
        assert!(!s.content_disposition.contains('\n'));
    }

    #[test]
    fn ranges_as_players_ask_for_them() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-"), 100), Ok(Some((0, 99))));
        assert_eq!(byte_range(Some("bytes=10-19"), 100), Ok(Some((10, 19))));
        assert_eq!(byte_range(Some("bytes=90-200"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=5-2"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=x-"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 100), Ok(None));
    }

    #[test]
    fn only_what_whatsapp_takes_can_be_attached() {
        assert_eq!(attachment_kind("image/jpeg"), Some("image"));
        assert_eq!(attachment_kind("application/pdf"), Some("document"));
        assert_eq!(attachment_kind("audio/ogg; codecs=opus"), Some("audio"));
        assert_eq!(attachment_kind("image/svg+xml"), None);
        assert_eq!(attachment_kind("text/html"), None);
    }

    #[test]
    fn visitors_send_pictures_and_pdfs_up_to_10_mb() {
        assert_eq!(check_visitor_file("image/png", 10), Ok("image"));
        assert_eq!(
            check_visitor_file("application/pdf", 10_000_000),
            Ok("document")
        );
        assert_eq!(
            check_visitor_file("application/pdf", 10_000_001),
            Err(FileProblem::TooBig)
        );
        assert!(check_visitor_file("application/pdf", 10_000_001)
            .unwrap_err()
            .to_string()
            .contains("10 MB"));
        assert!(check_visitor_file("image/svg+xml", 10).is_err());
        assert!(check_visitor_file("text/html", 10).is_err());
        assert!(check_visitor_file("image/png", 0).is_err());
    }

    #[test]
    fn retries_back_off_then_give_up() {
        assert_eq!(retry_delay_seconds(1), Some(60));
        assert_eq!(retry_delay_seconds(4), Some(7_200));
        assert_eq!(retry_delay_seconds(MAX_ATTEMPTS), None);
    }
}
