//! Every language the Messenger ships has every key, no stray one, the same placeholders as
//! English, and no empty text: a missing translation fails here, never in a visitor's panel.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use switchboard_core::language::LANGUAGES;
use switchboard_widget::i18n::T;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../static/widget/i18n")
}

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = folder().join(format!("{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path:?} is not a flat JSON object of strings: {e}"))
}

/// `{name}` placeholders in a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_shipped_language_has_a_file_and_there_are_no_others() {
    let files: BTreeSet<String> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = LANGUAGES.iter().map(|l| format!("{l}.json")).collect();
    assert_eq!(files, expected);
}

#[test]
fn every_language_has_exactly_the_messengers_keys_with_englishs_placeholders() {
    let keys: BTreeSet<&str> = T::ALL.iter().map(|t| t.key()).collect();
    let english = load("en");
    let mut problems = Vec::new();
    for lang in LANGUAGES {
        let words = load(lang);
        for key in &keys {
            let wanted = placeholders(&english[*key]);
            match words.get(*key) {
                None => problems.push(format!("{lang}: missing {key}")),
                Some(text) if text.trim().is_empty() => {
                    problems.push(format!("{lang}: {key} is empty"))
                }
                Some(text) if placeholders(text) != wanted => problems.push(format!(
                    "{lang}: {key} has {:?}, English has {wanted:?}",
                    placeholders(text)
                )),
                Some(text) if text.matches('{').count() != wanted.len() => {
                    problems.push(format!("{lang}: {key} repeats a placeholder"))
                }
                _ => {}
            }
        }
        for key in words.keys() {
            if !keys.contains(key.as_str()) {
                problems.push(format!("{lang}: {key} is not a key the Messenger uses"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn english_lists_the_keys_in_the_order_of_the_code() {
    let text = std::fs::read_to_string(folder().join("en.json")).unwrap();
    let mut at = 0;
    for t in T::ALL {
        let found = text[at..]
            .find(&format!("\"{}\"", t.key()))
            .unwrap_or_else(|| panic!("{} is missing or out of order in en.json", t.key()));
        at += found;
    }
}
