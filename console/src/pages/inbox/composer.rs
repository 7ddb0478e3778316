//! The reply box of a thread, within WhatsApp's 24-hour window (or always, in the Messenger):
//! text, or a file with the text as its caption; outside the window, an approved template with
//! its values, the unsent text kept. Nothing typed is lost: a failed send keeps the text, or stays
//! in the thread with its error and a retry.

use serde_json::{json, Value};
use switchboard_core::api::{template_placeholders, MessageView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::receipts::use_typing;
use crate::api::Admin;
use crate::components::message_content::snippet;
use crate::dom::{bind_textarea, select_value};

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub admin: Admin,
    /// The conversation's id.
    pub id: String,
    /// The conversation's number: its templates are offered once the window has closed.
    pub phone_number_id: Option<String>,
    pub whatsapp: bool,
    pub window_open: bool,
    /// The thread's error line (shown above the composer): a send sets or clears it.
    pub send_error: UseStateHandle<Option<String>>,
    /// Reads the thread and the list again after a send.
    pub bump: Callback<()>,
    /// The message the next text quotes (WhatsApp shows it above the reply), and how to drop it.
    #[prop_or_default]
    pub quoting: Option<MessageView>,
    #[prop_or_default]
    pub clear_quote: Callback<()>,
}

#[function_component(Composer)]
pub fn composer(props: &ComposerProps) -> Html {
    let draft = use_state(String::new);
    // One send at a time; each reply carries an idempotency key, kept until the edge has it, so a
    // repeated request (a double click, a retry after a network error) never sends twice.
    let sending = use_state(|| false);
    let client_key = use_state(new_client_key);
    let templates = use_state(Vec::<Value>::new);
    let template = use_state(String::new);
    let parameters = use_state(Vec::<String>::new);
    let (whatsapp, window_open) = (props.whatsapp, props.window_open);
    let typing = use_typing(&props.admin, &props.id, whatsapp && window_open);
    let (send_error, bump) = (props.send_error.clone(), props.bump.clone());
    {
        let (admin, templates) = (props.admin.clone(), templates.clone());
        let number = props.phone_number_id.clone();
        let needed = whatsapp && !window_open;
        use_effect_with((needed, number.clone()), move |_| {
            if let (true, Some(number)) = (needed, number) {
                spawn_local(async move {
                    if let Ok(t) = admin
                        .get::<Vec<Value>>(&format!("/numbers/{number}/templates"))
                        .await
                    {
                        templates.set(t);
                    }
                });
            }
        });
    }
    let send = {
        let (admin, id, draft, send_error, bump, sending, client_key) = (
            props.admin.clone(),
            props.id.clone(),
            draft.clone(),
            send_error.clone(),
            bump.clone(),
            sending.clone(),
            client_key.clone(),
        );
        Callback::from(move |mut body: Value| {
            if *sending {
                return;
            }
            sending.set(true);
            body["client_key"] = Value::from((*client_key).clone());
            let (admin, id, draft, send_error, bump, sending, client_key) = (
                admin.clone(),
                id.clone(),
                draft.clone(),
                send_error.clone(),
                bump.clone(),
                sending.clone(),
                client_key.clone(),
            );
            let is_text = body.get("text").is_some();
            spawn_local(async move {
                let result = admin
                    .post::<MessageView>(&format!("/conversations/{id}/messages"), &body)
                    .await;
                // The edge has this key's message unless the request never got there.
                if !matches!(&result, Err(e) if e.status == 0 || e.status == 400 || e.status == 409)
                {
                    client_key.set(new_client_key());
                }
                sending.set(false);
                match result {
                    Ok(_) => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(None);
                    }
                    // Graph did not answer in time: it may have gone out. Never "failed".
                    Err(e) if e.status == 504 => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(Some("WhatsApp did not confirm this message in time; it may still have been delivered. It is marked \"not confirmed\" until WhatsApp reports on it — send it again only if the customer did not get it.".to_owned()));
                    }
                    // Stored but refused by WhatsApp: it shows in the thread as failed, with a retry.
                    Err(e) if e.status == 502 => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(Some("WhatsApp did not accept the message. It is kept in the thread with the error and a Retry button.".to_owned()));
                    }
                    // Not stored (window closed, network): the text stays in the box.
                    Err(e) => send_error.set(Some(e.to_string())),
                }
                bump.emit(());
            });
        })
    };
    let on_submit = {
        let (send, draft) = (send.clone(), draft.clone());
        let (quoting, clear_quote) = (props.quoting.clone(), props.clear_quote.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                let mut body = json!({ "text": *draft });
                if let Some(quoted) = &quoting {
                    body["reply_to"] = Value::from(quoted.id.clone());
                    clear_quote.emit(());
                }
                send.emit(body);
            }
        })
    };
    let on_file = {
        let (admin, id, draft, send_error, bump, sending) = (
            props.admin.clone(),
            props.id.clone(),
            draft.clone(),
            send_error.clone(),
            bump.clone(),
            sending.clone(),
        );
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            if *sending {
                send_error.set(Some(
                    "Wait until the message being sent has gone, then attach the file again."
                        .to_owned(),
                ));
                return;
            }
            let (admin, id, draft, send_error, bump, sending) = (
                admin.clone(),
                id.clone(),
                draft.clone(),
                send_error.clone(),
                bump.clone(),
                sending.clone(),
            );
            sending.set(true);
            spawn_local(async move {
                let caption = (*draft).clone();
                let result = admin
                    .post_file::<MessageView>(
                        &format!("/conversations/{id}/attachments"),
                        &file,
                        &caption,
                    )
                    .await;
                sending.set(false);
                match result {
                    Ok(_) => {
                        draft.set(String::new());
                        send_error.set(None);
                    }
                    Err(e) => send_error.set(Some(e.to_string())),
                }
                bump.emit(());
            });
        })
    };
    let on_template = {
        let (template, parameters) = (template.clone(), parameters.clone());
        Callback::from(move |e: Event| {
            template.set(select_value(&e));
            parameters.set(Vec::new());
        })
    };
    let chosen = templates
        .iter()
        .find(|t| t["name"].as_str() == Some(template.as_str()))
        .or_else(|| templates.first())
        .cloned();
    let placeholders = chosen
        .as_ref()
        .map_or(0, |t| template_placeholders(&template_body(t)));
    let send_template = {
        let (send, chosen, parameters) = (send.clone(), chosen.clone(), parameters.clone());
        Callback::from(move |_| {
            if let Some(t) = &chosen {
                let values: Vec<String> = (0..placeholders)
                    .map(|i| parameters.get(i).cloned().unwrap_or_default())
                    .collect();
                send.emit(json!({ "template": { "name": t["name"], "language": t["language"], "parameters": values } }));
            }
        })
    };
    html! {
        if window_open {
            <form class="reply" onsubmit={on_submit}>
                if let Some(quoted) = &props.quoting { { quote_bar(quoted, &props.clear_quote) } }
                <label for="reply-text" class="sr">{ "Reply" }</label>
                <textarea id="reply-text" placeholder={if whatsapp { "Reply on WhatsApp…" } else { "Reply in the Messenger…" }}
                    value={(*draft).clone()} oninput={typed_with(bind_textarea(&draft), typing)} />
                <label class="attach" for="reply-file" title="The text box becomes its caption">{ "Attach file" }
                    // Busy while sending, never disabled: a disabled control loses the keyboard's
                    // focus (to the page's start). A send already in flight refuses a second one.
                    <input id="reply-file" type="file" class="sr" onchange={on_file} aria-disabled={sending.then_some("true")}
                        accept="image/jpeg,image/png,application/pdf,text/plain,audio/mpeg,audio/ogg,audio/aac,audio/mp4,video/mp4,video/3gpp" />
                </label>
                <button type="submit" class="primary" aria-disabled={sending.then_some("true")}>{ if *sending { "Sending…" } else { "Send" } }</button>
            </form>
        } else {
            <div class="window-closed" role="status">
                <p>{ "More than 24 hours have passed since the customer's last message. WhatsApp only allows an approved template now." }</p>
                if !draft.is_empty() { <p class="hint">{ format!("Your unsent text is kept: “{}”", *draft) }</p> }
                <label for="template">{ "Template " }</label>
                <select id="template" onchange={on_template}>
                    { for templates.iter().map(|t| {
                        let name = t["name"].as_str().unwrap_or_default().to_owned();
                        html! { <option value={name.clone()} selected={*template == name}>{ format!("{name} ({}) — {}", t["language"].as_str().unwrap_or_default(), template_body(t)) }</option> }
                    }) }
                </select>
                { for (0..placeholders).map(|i| {
                    let value = parameters.get(i).cloned().unwrap_or_default();
                    let parameters = parameters.clone();
                    let oninput = Callback::from(move |e: InputEvent| {
                        let mut values = (*parameters).clone();
                        values.resize(values.len().max(i + 1), String::new());
                        values[i] = crate::dom::input_value(&e);
                        parameters.set(values);
                    });
                    let id = format!("template-param-{}", i + 1);
                    html! {
                        <div class="field">
                            <label for={id.clone()}>{ format!("Value for {{{{{}}}}}", i + 1) }</label>
                            <input id={id} {value} {oninput} />
                        </div>
                    }
                }) }
                <button class="primary" onclick={send_template} disabled={templates.is_empty()}>{ "Send template" }</button>
            </div>
        }
    }
}

/// The text of a template's BODY component, as Graph lists it.
fn template_body(t: &Value) -> String {
    t["components"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "BODY"))
        .and_then(|c| c["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// A fresh idempotency key for the next reply.
fn new_client_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("ck-{random:x}-{:x}", js_sys::Date::now() as u64)
}

/// The draft's input handler that also tells the customer the agent is typing.
fn typed_with(bind: Callback<InputEvent>, typing: Callback<()>) -> Callback<InputEvent> {
    Callback::from(move |e| {
        typing.emit(());
        bind.emit(e);
    })
}

/// Above the reply box: the message the reply will quote, with a way to drop the quote.
fn quote_bar(quoted: &MessageView, clear: &Callback<()>) -> Html {
    let clear = clear.reform(|_: MouseEvent| ());
    html! {
        <p class="quoting">
            <span>{ format!("Replying to: {}", snippet(quoted)) }</span>
            <button type="button" class="link" onclick={clear}>{ "Cancel quote" }</button>
        </p>
    }
}
