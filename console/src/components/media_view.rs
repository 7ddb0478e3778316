//! A message's file in the thread: pictures as thumbnails that open full size, recordings and
//! videos with players, documents as a download with their name and size; while a file is not
//! fetched yet (or could not be), what happened and a Retry. Files come from the admin API with
//! the admin token (never a public URL) and are shown from `blob:` URLs. A `blob:` is a document
//! of the console's own origin, so it is typed with `switchboard_core::media::blob_type` (in `AdminApi::blob_url`): only an allow-listed picture
//! or recording keeps its type, and every other file is an `application/octet-stream` download —
//! a customer's HTML or SVG can never open as a page here.

use switchboard_core::api::MediaView;
use switchboard_core::file_checks::display_filename;
use switchboard_core::media::served_as;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::focus;

#[derive(Properties, PartialEq)]
pub struct MediaBoxProps {
    pub admin: Admin,
    pub message_id: String,
    pub media: MediaView,
    /// After a Retry: read the thread again.
    pub on_change: Callback<()>,
}

/// `1536` → `1.5 KB`.
fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    }
}

#[function_component(MediaBox)]
pub fn media_box(props: &MediaBoxProps) -> Html {
    let url = use_state(|| None::<String>);
    let failed = use_state(|| None::<String>);
    let stored = props.media.state == "stored";
    {
        let (admin, id, url, failed) = (
            props.admin.clone(),
            props.message_id.clone(),
            url.clone(),
            failed.clone(),
        );
        let mime = props.media.mime_type.clone().unwrap_or_default();
        use_effect_with((stored, props.message_id.clone()), move |(stored, _)| {
            let stored = *stored;
            let made = std::rc::Rc::new(std::cell::RefCell::new(None::<String>));
            if stored {
                let made = made.clone();
                spawn_local(async move {
                    match admin.blob_url(&format!("/media/{id}"), &mime).await {
                        Ok(u) => {
                            *made.borrow_mut() = Some(u.clone());
                            url.set(Some(u));
                        }
                        Err(e) => failed.set(Some(e.to_string())),
                    }
                });
            }
            move || {
                if let Some(u) = made.borrow().as_ref() {
                    let _ = web_sys::Url::revoke_object_url(u);
                }
            }
        });
    }
    let m = &props.media;
    // Retry goes away once the file is fetched: it hands the keyboard's focus to the file's box
    // first, where the file then shows (focus would otherwise fall back to the page's start).
    let container = use_node_ref();
    let retry = {
        let (admin, id, on_change, failed) = (
            props.admin.clone(),
            props.message_id.clone(),
            props.on_change.clone(),
            failed.clone(),
        );
        let container = container.clone();
        Callback::from(move |_| {
            focus(&container);
            let (admin, id, on_change, failed) =
                (admin.clone(), id.clone(), on_change.clone(), failed.clone());
            spawn_local(async move {
                match admin
                    .post::<serde_json::Value>(
                        &format!("/media/{id}/retry"),
                        &serde_json::json!({}),
                    )
                    .await
                {
                    Ok(_) => on_change.emit(()),
                    Err(e) => failed.set(Some(e.to_string())),
                }
            });
        })
    };
    // Stored names are cleaned on the way in; cleaned again here for rows kept before that.
    let name = display_filename(
        &m.filename
            .clone()
            .unwrap_or_else(|| format!("{} file", m.kind)),
        None,
    );
    let body = match (m.state.as_str(), &*url) {
        ("stored", Some(u)) => {
            let served = served_as(m.mime_type.as_deref().unwrap_or_default(), None);
            match m.kind.as_str() {
                "image" | "sticker" if served.inline => html! {
                    <a href={u.clone()} target="_blank" rel="noopener" title="Open full size">
                        <img class="thumb" src={u.clone()} alt={format!("{} from the customer", if m.kind == "sticker" { "Sticker" } else { "Photo" })} />
                    </a>
                },
                "audio" if served.inline => {
                    html! { <audio controls=true preload="metadata" src={u.clone()} aria-label="Voice note or audio" /> }
                }
                "video" if served.inline => {
                    html! { <video class="thumb" controls=true preload="metadata" src={u.clone()} aria-label="Video" /> }
                }
                _ => html! {
                    <a class="download" href={u.clone()} download={name.clone()}>
                        { format!("Download {name}{}", m.size.map(|s| format!(" ({})", size_label(s))).unwrap_or_default()) }
                    </a>
                },
            }
        }
        ("stored", None) => html! { <span class="hint">{ "Loading the file…" }</span> },
        ("unavailable", _) => html! {
            <span class="media-problem">
                { format!("Media unavailable: {}", m.error.clone().unwrap_or_default()) }
                <button class="retry" onclick={retry}>{ "Retry" }</button>
            </span>
        },
        (_, _) => match &m.error {
            Some(e) => html! {
                <span class="media-problem">
                    { format!("Not fetched yet ({e}); trying again later.") }
                    <button class="retry" onclick={retry}>{ "Retry now" }</button>
                </span>
            },
            None => html! { <span class="hint">{ "Fetching the file from WhatsApp…" }</span> },
        },
    };
    html! {
        <div class="media" tabindex="-1" ref={container}>
            { body }
            if let Some(e) = &*failed { <span class="error" role="alert">{ e.clone() }</span> }
        </div>
    }
}
