//! What the Messenger shows of a quoted message: who wrote it and a short excerpt, so a reply
//! that quotes a message not loaded in the visitor's panel still says what it answers.

use serde::{Deserialize, Serialize};

use crate::api::Author;

/// The message a Messenger message quotes (an agent's reply quoting the visitor, or an earlier
/// business message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetQuote {
    /// The quoted message's id: the Messenger moves focus to it when it is loaded.
    pub id: String,
    pub author: Author,
    /// Its first words ([`excerpt`]); a file's name when it has no text.
    pub excerpt: String,
}

/// How many characters of the quoted text the Messenger shows.
pub const EXCERPT_CHARS: usize = 80;

/// The first [`EXCERPT_CHARS`] characters of `text` on one line, cut at a word where one ends
/// near the limit, with "…" when something was left out.
pub fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= EXCERPT_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
    // Cut at the last space in the second half, so a word is not broken when it need not be.
    let kept = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_stay_whole_on_one_line() {
        assert_eq!(excerpt("Where is\n\nmy order?"), "Where is my order?");
        assert_eq!(excerpt(""), "");
    }

    #[test]
    fn long_texts_are_cut_at_a_word_with_an_ellipsis() {
        let long = "word ".repeat(40);
        let shown = excerpt(&long);
        assert!(shown.ends_with("word…"), "{shown}");
        assert!(shown.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn a_text_without_spaces_is_cut_by_characters_never_inside_one() {
        let long = "好".repeat(200);
        let shown = excerpt(&long);
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert!(shown.ends_with('…'));
    }
}
