//! Which language a visitor is served in: the languages the Messenger ships, the choice from
//! what the browser asks for (`navigator.languages`), the script tag's `data-lang` and the
//! owner's default, and which of them are written right to left.

/// Every language the Messenger ships, as BCP 47 tags: `static/widget/i18n/<tag>.json`.
/// The loader (`widget/loader.js`) carries the same list.
pub const LANGUAGES: [&str; 16] = [
    "en", "pt-BR", "pt-PT", "es", "fr", "de", "it", "nl", "id", "tr", "hi", "ar", "he", "ru", "pl",
    "ja",
];

/// Each language by its own name, for the owner's console (the Messenger reads its
/// `language_name` from the language file).
pub const NAMES: [(&str, &str); 16] = [
    ("en", "English"),
    ("pt-BR", "Português (Brasil)"),
    ("pt-PT", "Português (Portugal)"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("id", "Bahasa Indonesia"),
    ("tr", "Türkçe"),
    ("hi", "हिन्दी"),
    ("ar", "العربية"),
    ("he", "עברית"),
    ("ru", "Русский"),
    ("pl", "Polski"),
    ("ja", "日本語"),
];

/// The language of a deployment that has not chosen one.
pub const DEFAULT_LANGUAGE: &str = "en";

/// The shipped language a tag asks for, if any: an exact match (any case), else its base
/// language (`es-MX` → `es`). Portuguese has two: `pt` and `pt-BR` get Brazilian, any other
/// region (`pt-AO`, `pt-MZ`) European. Old tags are read as their new ones (`iw` → `he`,
/// `in` → `id`).
pub fn supported(tag: &str) -> Option<&'static str> {
    let tag = tag.trim();
    if let Some(exact) = LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(tag)) {
        return Some(exact);
    }
    let base = tag
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match base.as_str() {
        "pt" if tag.len() == 2 || tag[3..].eq_ignore_ascii_case("br") => Some("pt-BR"),
        "pt" => Some("pt-PT"),
        "iw" => Some("he"),
        "in" => Some("id"),
        _ => LANGUAGES.iter().find(|l| **l == base).copied(),
    }
}

/// What the visitor's page asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    /// The script tag's `data-lang`: the site decided, so it wins.
    pub script: Option<&'a str>,
    /// The browser's languages, most preferred first.
    pub browser: &'a [String],
}

/// The owner's choice in settings.
#[derive(Debug, Clone, Copy)]
pub struct OwnerChoice<'a> {
    /// Used when the browser asks for nothing we ship.
    pub default: &'a str,
    /// Use `default` for everyone, whatever the browser asks for.
    pub always_default: bool,
}

/// The language to serve: `data-lang`, then (unless the owner always uses their default) the
/// browser's best match in its order of preference, then the owner's default, then English.
pub fn choose(asked: Asked<'_>, owner: OwnerChoice<'_>) -> &'static str {
    let owner_default = supported(owner.default).unwrap_or(DEFAULT_LANGUAGE);
    if let Some(lang) = asked.script.and_then(supported) {
        return lang;
    }
    if owner.always_default {
        return owner_default;
    }
    asked
        .browser
        .iter()
        .find_map(|t| supported(t))
        .unwrap_or(owner_default)
}

/// The most languages of a browser's list that are looked at (a longer list is someone's game).
pub const MAX_ASKED: usize = 12;

/// The most entries of an `Accept-Language` header that are read (a longer one is someone's game).
const MAX_ENTRIES: usize = 32;

/// The browser's languages from its `Accept-Language` header (RFC 9110 §12.5.4), most preferred
/// first, at most [`MAX_ASKED`]: what `navigator.languages` holds, as the browser sends it with a
/// request (the `/widget.js` the page loads). An entry with `q=0` ("not this one"), a `q` that is
/// not a number from 0 to 1, `*`, an empty tag or one longer than 35 characters (no language the
/// Messenger ships is) is left out; equal qualities keep their order. Only the first 32 entries
/// are read, whatever they hold: browsers send a handful.
/// (Not the `accept-language` crate: its ordering of a `q=NaN` is not a total order, and Rust's
/// sort panics on that for some lists, so one crafted header would stop the Worker.)
pub fn from_accept_language(header: &str) -> Vec<String> {
    let mut entries: Vec<(f32, usize, &str)> = header
        .split(',')
        .take(MAX_ENTRIES)
        .enumerate()
        .filter_map(|(position, entry)| {
            let mut parts = entry.split(';');
            let tag = parts.next()?.trim();
            let mut quality = 1.0;
            for parameter in parts {
                let Some((name, value)) = parameter.split_once('=') else {
                    // A bare parameter (`en;`, `de;level`) says nothing; a bare `q` is broken.
                    if parameter.trim().eq_ignore_ascii_case("q") {
                        return None;
                    }
                    continue;
                };
                if name.trim().eq_ignore_ascii_case("q") {
                    quality = value.trim().parse::<f32>().ok()?;
                }
            }
            let wanted = (0.0..=1.0).contains(&quality) && quality > 0.0;
            (wanted && !tag.is_empty() && tag != "*" && tag.len() <= 35)
                .then_some((quality, position, tag))
        })
        .collect();
    entries.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    entries
        .into_iter()
        .take(MAX_ASKED)
        .map(|(_, _, tag)| tag.to_owned())
        .collect()
}

/// Arabic and Hebrew are laid out right to left.
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang, "ar" | "he")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_read_in_order_of_quality() {
        assert_eq!(
            from_accept_language("de-AT;q=0.8, pt-BR,pt;q=0.9 , en;q=0.1"),
            ["pt-BR", "pt", "de-AT", "en"]
        );
        assert_eq!(from_accept_language("fr;q=0, *;q=0.5, ja"), ["ja"]);
        // Not a quality from 0 to 1, or not a quality at all: that entry is left out.
        assert_eq!(
            from_accept_language("de;q=NaN, es;q=2, it;q=-0.5, nl;q=x, pl;q, ru;Q=0.3, tr"),
            ["tr", "ru"]
        );
        // Equal qualities keep the browser's order.
        assert_eq!(
            from_accept_language("es;q=0.5,fr;q=0.5,de;q=0.5"),
            ["es", "fr", "de"]
        );
        assert_eq!(from_accept_language(""), Vec::<String>::new());
        let long = vec!["xx"; 200].join(",");
        assert_eq!(from_accept_language(&long).len(), MAX_ASKED);
        assert_eq!(
            from_accept_language(&"x".repeat(100_000)),
            Vec::<String>::new()
        );
        // What choose() makes of them: the first one shipped.
        let browser = from_accept_language("sw-KE, pt;q=0.9");
        let asked = Asked {
            script: None,
            browser: &browser,
        };
        assert_eq!(choose(asked, owner("es")), "pt-BR");
    }

    fn browser(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    fn owner(default: &str) -> OwnerChoice<'_> {
        OwnerChoice {
            default,
            always_default: false,
        }
    }

    #[test]
    fn the_browsers_best_match_wins_in_its_order() {
        let langs = browser(&["sw", "de-AT", "en-US"]);
        let asked = Asked {
            script: None,
            browser: &langs,
        };
        assert_eq!(choose(asked, owner("en")), "de");
    }

    #[test]
    fn portuguese_by_region() {
        assert_eq!(supported("pt-BR"), Some("pt-BR"));
        assert_eq!(supported("pt-br"), Some("pt-BR"));
        assert_eq!(supported("pt"), Some("pt-BR"));
        assert_eq!(supported("pt-PT"), Some("pt-PT"));
        assert_eq!(supported("pt-AO"), Some("pt-PT"));
        assert_eq!(supported("es-419"), Some("es"));
        assert_eq!(supported("zh-CN"), None);
        assert_eq!(supported("iw"), Some("he"));
        assert_eq!(supported(""), None);
    }

    #[test]
    fn nothing_shipped_falls_back_to_the_owners_default_then_english() {
        let langs = browser(&["sw", "zh-CN"]);
        let asked = Asked {
            script: None,
            browser: &langs,
        };
        assert_eq!(choose(asked, owner("pt-BR")), "pt-BR");
        assert_eq!(choose(asked, owner("xx")), "en");
    }

    #[test]
    fn data_lang_overrides_the_browser_and_the_owners_always() {
        let langs = browser(&["de"]);
        let asked = Asked {
            script: Some("ja"),
            browser: &langs,
        };
        let always = OwnerChoice {
            default: "es",
            always_default: true,
        };
        assert_eq!(choose(asked, always), "ja");
        let no_script = Asked {
            script: Some("klingon"),
            browser: &langs,
        };
        assert_eq!(choose(no_script, always), "es");
        assert_eq!(choose(no_script, owner("es")), "de");
    }

    #[test]
    fn every_language_has_its_name_in_the_same_order() {
        let tags: Vec<&str> = NAMES.iter().map(|(tag, _)| *tag).collect();
        assert_eq!(tags, LANGUAGES);
    }

    #[test]
    fn right_to_left() {
        assert!(is_rtl("ar") && is_rtl("he"));
        assert!(!is_rtl("en") && !is_rtl("hi"));
    }

    proptest::proptest! {
        /// Any header, crafted qualities (NaN, infinities, out of range) mixed with good ones
        /// included: an answer, never a panic (the `accept-language` crate's sort panics on
        /// some of these), at most MAX_ASKED tags, none empty or `*`.
        #[test]
        fn any_accept_language_is_read_without_a_panic(
            entries in proptest::collection::vec(
                ("[a-zA-Z*-]{0,9}", proptest::option::of(proptest::prop_oneof![
                    proptest::strategy::Just("NaN".to_owned()),
                    proptest::strategy::Just("inf".to_owned()),
                    "-?[0-9]{0,2}(\\.[0-9]{0,3})?",
                ])),
                0..80,
            )
        ) {
            let header = entries
                .iter()
                .map(|(tag, q)| q.as_ref().map_or(tag.clone(), |q| format!("{tag};q={q}")))
                .collect::<Vec<_>>()
                .join(",");
            let tags = from_accept_language(&header);
            proptest::prop_assert!(tags.len() <= MAX_ASKED);
            proptest::prop_assert!(tags.iter().all(|t| !t.is_empty() && t != "*"));
        }
    }
}
