//! The Messenger's loader, `/widget.js` (the Worker runs first for it: wrangler.toml), served with
//! its launcher's words, so that a host page draws the launcher without a request or a `fetch()`
//! of its own: the label in the language core's `language::choose` picks from the request's
//! `Accept-Language` (the browser's languages) and the owner's settings. The loader's source has
//! the placeholder `LAUNCHER_WORDS` where they go (widget/loader.js).
//!
//! Outside opening hours, when the owner hides the launcher then, it serves a script that draws
//! nothing: the hours are known here, at no request of the page's own.
//!
//! The loader's text and each language's words are read from the assets once per isolate (a
//! deploy starts new isolates). The answer varies with `Accept-Language` and carries an ETag of
//! the loader's source and the language, so a browser's revalidation on each page view gets a
//! 304. A loader that cannot be read is logged and answered with a script that draws nothing; a
//! language whose words cannot be read, with English.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchboard_core::language::{self, Asked, DEFAULT_LANGUAGE};
use switchboard_core::settings::ProjectSettings;
use worker::{Env, Headers, Request, Response};

use crate::config::health;
use crate::config::store::ConfigStore;
use crate::error::EdgeError;
use crate::platform::clock::now_millis;

/// Where the words go in the loader's source.
const PLACEHOLDER: &str = "LAUNCHER_WORDS";

/// The loader as the assets hold it.
struct Loader {
    /// Its source, with [`PLACEHOLDER`] once.
    text: String,
    /// A hash of its source (the first 16 hex digits of its SHA-256): a new build, a new tag,
    /// whatever the assets' own ETag says, or whether they send one.
    hash: String,
    cache_control: String,
}

/// The words the loader needs before the Messenger's own file arrives: its button's label and
/// what the button says when the Messenger cannot be loaded.
#[derive(Deserialize)]
struct FileWords {
    launcher_open: String,
    load_failed: String,
}

#[derive(Serialize)]
struct LauncherWords<'a> {
    lang: &'a str,
    launcher_open: &'a str,
    load_failed: &'a str,
}

thread_local! {
    static LOADER: RefCell<Option<Rc<Loader>>> = const { RefCell::new(None) };
    /// Each language's words as the JavaScript the placeholder becomes.
    static WORDS: RefCell<HashMap<&'static str, Rc<str>>> = RefCell::new(HashMap::new());
}

/// `/widget.js`: the loader with its launcher's words. A script that draws nothing until the
/// deployment is set up (a site that already has the tag shows no broken chat while the owner
/// finishes the setup), and while the owner hides the launcher outside opening hours.
pub async fn serve(req: &Request, env: &Env) -> Result<Response, EdgeError> {
    if !health::is_ready(env).await {
        return no_launcher(
            "Switchboard is not set up yet (see /console/ on this Worker): no Messenger is shown.",
        );
    }
    // The owner's settings are kept per isolate (`ConfigStore`); if they cannot be read, the
    // defaults (no hours, English) show the launcher in the browser's language or English.
    let settings = match ConfigStore::new(env) {
        Ok(store) => store.settings().await.unwrap_or_default(),
        Err(_) => ProjectSettings::default(),
    };
    if settings.opening_hours.hides_launcher_at(now_millis()) {
        return no_launcher("Switchboard: outside opening hours, the chat is hidden.");
    }
    let browser =
        language::from_accept_language(&req.headers().get("accept-language")?.unwrap_or_default());
    let chosen = language::choose(
        Asked {
            script: None,
            browser: &browser,
        },
        settings.language.owner_choice(),
    );
    let loader = match loader(req, env).await {
        Ok(loader) => loader,
        Err(e) => {
            worker::console_error!("/widget.js: {e}");
            return no_launcher("Switchboard could not read its loader: no Messenger is shown.");
        }
    };
    // A language whose words cannot be read (logged, and tried again on the next request) is
    // served in English rather than with no launcher.
    let (lang, words) = match words(req, env, chosen).await {
        Ok(words) => (chosen, words),
        Err(e) => {
            worker::console_error!("/widget.js: {e}");
            match words(req, env, DEFAULT_LANGUAGE).await {
                Ok(words) => (DEFAULT_LANGUAGE, words),
                Err(_) => {
                    return no_launcher(
                        "Switchboard could not read its words: no Messenger is shown.",
                    )
                }
            }
        }
    };
    let etag = format!("\"{}-{lang}\"", loader.hash);
    // What a cache needs, on the 200 and the 304 alike (RFC 9110 §15.4.5).
    let headers = Headers::new();
    headers.set("cache-control", &loader.cache_control)?;
    headers.set("access-control-allow-origin", "*")?;
    headers.set("vary", "Accept-Language")?;
    headers.set("etag", &etag)?;
    if let Some(kept) = req.headers().get("if-none-match")? {
        if names(&kept, &etag) {
            return Ok(Response::empty()?.with_status(304).with_headers(headers));
        }
    }
    headers.set("content-type", "text/javascript; charset=utf-8")?;
    let text = loader.text.replacen(PLACEHOLDER, &words, 1);
    Ok(Response::ok(text)?.with_headers(headers))
}

/// Whether an `If-None-Match` names `etag` (RFC 9110 §13.1.2: the weak comparison, or `*`).
/// Cloudflare weakens an ETag (`W/"…"`) when it compresses an answer, and the browser sends it
/// back so.
fn names(if_none_match: &str, etag: &str) -> bool {
    fn opaque(tag: &str) -> &str {
        let tag = tag.trim();
        tag.strip_prefix("W/").unwrap_or(tag)
    }
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

/// A script that draws nothing, asked for again on the next page view.
fn no_launcher(why: &str) -> Result<Response, EdgeError> {
    let mut response = Response::ok(format!("/*! {why} */\n"))?;
    let headers = response.headers_mut();
    headers.set("content-type", "text/javascript; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set("access-control-allow-origin", "*")?;
    Ok(response)
}

async fn loader(req: &Request, env: &Env) -> Result<Rc<Loader>, EdgeError> {
    if let Some(kept) = LOADER.with(|l| l.borrow().clone()) {
        return Ok(kept);
    }
    let mut asset = asset(req, env, "/widget.js").await?;
    let cache_control = asset
        .headers()
        .get("cache-control")?
        .unwrap_or_else(|| "public, max-age=0, must-revalidate".to_owned());
    let text = asset.text().await?;
    if !text.contains(PLACEHOLDER) {
        return Err(EdgeError::Internal(
            "the loader in the assets has no place for its words (rebuild: scripts/build)".into(),
        ));
    }
    let hash = hex::encode(&Sha256::digest(text.as_bytes())[..8]);
    let loader = Rc::new(Loader {
        text,
        hash,
        cache_control,
    });
    LOADER.with(|l| *l.borrow_mut() = Some(loader.clone()));
    Ok(loader)
}

/// A language's words as a JavaScript object literal (JSON is one).
async fn words(req: &Request, env: &Env, lang: &'static str) -> Result<Rc<str>, EdgeError> {
    if let Some(kept) = WORDS.with(|w| w.borrow().get(lang).cloned()) {
        return Ok(kept);
    }
    let mut file = asset(req, env, &format!("/widget/i18n/{lang}.json")).await?;
    let words: FileWords = serde_json::from_str(&file.text().await?)
        .map_err(|e| EdgeError::Internal(format!("widget/i18n/{lang}.json: {e}")))?;
    let literal: Rc<str> = serde_json::to_string(&LauncherWords {
        lang,
        launcher_open: &words.launcher_open,
        load_failed: &words.load_failed,
    })
    .map_err(|e| EdgeError::Internal(e.to_string()))?
    .into();
    WORDS.with(|w| w.borrow_mut().insert(lang, literal.clone()));
    Ok(literal)
}

async fn asset(req: &Request, env: &Env, path: &str) -> Result<Response, EdgeError> {
    let mut url = req.url()?;
    url.set_path(path);
    url.set_query(None);
    let response = env.assets("ASSETS")?.fetch(url.to_string(), None).await?;
    if response.status_code() != 200 {
        return Err(EdgeError::Internal(format!(
            "the assets answered {} for {path}",
            response.status_code()
        )));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn if_none_match_compares_weakly_and_takes_a_star() {
        let etag = "\"0123abcd-pt-BR\"";
        assert!(names("\"0123abcd-pt-BR\"", etag));
        assert!(
            names("W/\"0123abcd-pt-BR\"", etag),
            "weakened by a compressing proxy"
        );
        assert!(names("\"old-en\", W/\"0123abcd-pt-BR\"", etag));
        assert!(names("*", etag));
        assert!(!names("\"0123abcd-en\"", etag), "another language");
        assert!(!names("\"0123abcd-pt-BR", etag));
        assert!(!names("", etag));
    }
}
