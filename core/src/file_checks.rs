//! What a file is by its bytes, and its name as an agent may safely read it.
//!
//! A visitor's file is accepted for what its first bytes say (PDF, JPEG, PNG, WebP), never for
//! the type the browser claims: an HTML page declared `image/png` is refused. Names are shown to
//! agents without control or bidirectional-override characters (which can make `gpj.exe` read
//! as `exe.jpg`) and with one visible extension: `invoice.pdf.exe` reads `invoice_pdf.exe`.

/// The type a visitor's file really is, by its magic number; `None`: none we take.
pub fn sniff_visitor_file(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether `bytes` are the `declared` type (already allow-listed); the visitor's words if not.
pub fn check_visitor_bytes(declared: &str, bytes: &[u8]) -> Result<(), String> {
    match sniff_visitor_file(bytes) {
        Some(real) if real == declared => Ok(()),
        _ => {
            Err("That file is not the picture or PDF it says it is, so it was not sent.".to_owned())
        }
    }
}

/// The usual extension of a type a visitor may send.
fn extension_of(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        _ => return None,
    })
}

/// `JPEG` and `jpg` name the same type.
fn same_extension(ext: &str, real: &str) -> bool {
    let ext = ext.trim().to_ascii_lowercase();
    ext == real || (real == "jpg" && ext == "jpeg")
}

/// Characters never shown in a name: controls, bidirectional marks and overrides, and
/// zero-width characters.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The most characters of a name shown.
const MAX_NAME_CHARS: usize = 120;

/// A name an agent can trust to say what the file is: hidden characters removed, runs of
/// spaces folded, every dot but the last one's made `_` (one extension), no leading dot, at
/// most 120 characters with the extension kept. With `real_type` (a type we verified by its
/// bytes), the extension is that type's: `photo.png.exe` of a PNG is `photo_png_exe.png`.
pub fn display_filename(name: &str, real_type: Option<&str>) -> String {
    let visible: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' => '_',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .filter(|c| !hidden(*c))
        .collect();
    let folded = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = folded.trim_start_matches(['.', ' ']);
    let (stem, ext) = match (real_type.and_then(extension_of), trimmed.rsplit_once('.')) {
        // The name already ends in the real type's extension: keep it as the one extension.
        (Some(real), Some((stem, ext))) if same_extension(ext, real) => {
            (stem.to_owned(), Some(real.to_owned()))
        }
        (Some(real), _) => (trimmed.to_owned(), Some(real.to_owned())),
        (None, Some((stem, ext))) if !stem.is_empty() && !ext.is_empty() => {
            (stem.to_owned(), Some(ext.to_owned()))
        }
        (None, _) => (trimmed.to_owned(), None),
    };
    let stem = stem.trim_end_matches('.').replace('.', "_");
    let stem = if stem.trim().is_empty() {
        "file".to_owned()
    } else {
        stem
    };
    let ext: Option<String> = ext.map(|e| e.chars().filter(|c| *c != ' ').take(10).collect());
    let room = MAX_NAME_CHARS - ext.as_ref().map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match ext.filter(|e| !e.is_empty()) {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem.trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_say_what_a_file_is() {
        assert_eq!(
            sniff_visitor_file(b"%PDF-1.7\n..."),
            Some("application/pdf")
        );
        assert_eq!(
            sniff_visitor_file(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_visitor_file(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(
            sniff_visitor_file(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(sniff_visitor_file(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff_visitor_file(b"<html><script>alert(1)</script>"), None);
        assert_eq!(
            sniff_visitor_file(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(sniff_visitor_file(b""), None);
    }

    #[test]
    fn a_declared_type_must_match_the_bytes() {
        assert!(check_visitor_bytes("image/png", b"\x89PNG\r\n\x1a\n....").is_ok());
        assert!(check_visitor_bytes("image/png", b"%PDF-1.4").is_err());
        assert!(check_visitor_bytes("application/pdf", b"<html>").is_err());
        assert!(check_visitor_bytes("image/jpeg", b"")
            .unwrap_err()
            .contains("not the picture or PDF"));
    }

    #[test]
    fn a_name_has_one_visible_extension_and_no_hidden_characters() {
        assert_eq!(display_filename("invoice.pdf.exe", None), "invoice_pdf.exe");
        assert_eq!(
            display_filename("invoice.pdf.exe", Some("application/pdf")),
            "invoice_pdf_exe.pdf"
        );
        // U+202E RIGHT-TO-LEFT OVERRIDE: "photo\u{202E}gnp.exe" reads "photoexe.png".
        assert_eq!(
            display_filename("photo\u{202E}gnp.exe", None),
            "photognp.exe"
        );
        assert_eq!(display_filename("a\u{0}b\n\tc.txt", None), "ab c.txt");
        assert_eq!(
            display_filename("fatura de março.pdf", None),
            "fatura de março.pdf"
        );
        assert_eq!(display_filename("..hidden", None), "hidden");
        let path = display_filename("../../etc/passwd", None);
        assert!(!path.contains('/') && !path.starts_with('.'), "{path}");
        assert_eq!(display_filename("", Some("image/png")), "file.png");
        assert_eq!(
            display_filename("order-7781.pdf", Some("application/pdf")),
            "order-7781.pdf"
        );
        assert_eq!(
            display_filename("Photo.JPEG", Some("image/jpeg")),
            "Photo.jpg"
        );
        assert_eq!(
            display_filename("scan.pdf", Some("image/png")),
            "scan_pdf.png"
        );
        assert_eq!(display_filename("\u{200B}\u{FEFF}", None), "file");
        assert_eq!(display_filename("report.", None), "report");
        let long = display_filename(&format!("{}.pdf", "a".repeat(500)), None);
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with(".pdf"));
    }

    #[test]
    fn every_name_is_bounded_and_free_of_hidden_characters() {
        let samples = ["", ".", "....", "a.b.c.d.e", "x\u{202D}y.z", "é.ü", " . . "];
        for s in samples {
            let shown = display_filename(s, None);
            assert!(!shown.is_empty(), "{s:?}");
            assert!(!shown.chars().any(hidden), "{s:?}");
            assert!(shown.matches('.').count() <= 1, "{s:?} → {shown:?}");
            assert!(!shown.starts_with('.'), "{s:?} → {shown:?}");
        }
    }
}
