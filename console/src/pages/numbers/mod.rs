//! Numbers: every WhatsApp number in one compact table (name, phone, status, quality, handoff,
//! reset, conversations), each name a link to the number's own page (`detail`, with its `card` of
//! settings and its `profile`); connecting a number is a dialog opened from here (`connect`).

mod card;
mod connect;
mod detail;
mod profile;
mod round_robin;

pub use detail::NumberPage;

use switchboard_core::api::{NumberStats, NumberStatus, NumberView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::components::modal::Modal;
use crate::components::nav::RouteLink;
use crate::dom::{now_seconds, outcome, Counter};
use crate::forms::reset_days_label;
use crate::route::Route;
use connect::ConnectForm;

/// The conversations column counts this many days back.
const DAYS: i64 = 30;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

#[derive(Clone, PartialEq, Default)]
struct Loaded {
    numbers: Vec<NumberView>,
    stats: Vec<NumberStats>,
}

#[function_component(NumbersPage)]
pub fn numbers_page(props: &Props) -> Html {
    let loaded = use_state(|| None::<Loaded>);
    let error = use_state(|| None::<String>);
    let version = use_reducer(Counter::default);
    let connecting = use_state(|| false);
    let notice = use_state(|| None::<Result<String, String>>);
    {
        let (admin, loaded, error) = (props.admin.clone(), loaded.clone(), error.clone());
        use_effect_with(version.0, move |_| {
            spawn_local(async move {
                let to = now_seconds() + 1;
                let read = async {
                    Ok::<_, ApiError>(Loaded {
                        numbers: admin.get("/numbers").await?,
                        stats: admin
                            .get(&format!("/stats?from={}&to={to}", to - DAYS * 86_400))
                            .await?,
                    })
                };
                match read.await {
                    Ok(l) => loaded.set(Some(l)),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        });
    }
    let open = {
        let connecting = connecting.clone();
        Callback::from(move |_: MouseEvent| connecting.set(true))
    };
    let close = {
        let connecting = connecting.clone();
        Callback::from(move |_: ()| connecting.set(false))
    };
    let on_connected = {
        let (connecting, notice, version) =
            (connecting.clone(), notice.clone(), version.dispatcher());
        Callback::from(move |n: NumberView| {
            notice.set(Some(Ok(format!("{} is connected.", n.label))));
            connecting.set(false);
            version.dispatch(());
        })
    };
    html! {
        <div class="page">
            <div class="row between">
                <h1 tabindex="-1">{ "Numbers" }</h1>
                <button class="primary" onclick={open}>{ "Connect a number" }</button>
            </div>
            { outcome(notice.as_ref()) }
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            { match &*loaded {
                None => html! { <p class="hint">{ "Loading…" }</p> },
                Some(l) if l.numbers.is_empty() => html! {
                    <p class="empty">{ "No number connected yet. Connect one with the button above." }</p>
                },
                Some(l) => numbers_table(l),
            } }
            <Modal open={*connecting} title="Connect a number" on_close={close}>
                <ConnectForm admin={props.admin.clone()} {on_connected} />
            </Modal>
        </div>
    }
}

/// One row per number. On a narrow screen each row becomes a block of labelled lines
/// (`data-label`, see console.css), so nothing scrolls sideways.
fn numbers_table(l: &Loaded) -> Html {
    let cell =
        |label: &'static str, content: Html| html! { <td data-label={label}>{ content }</td> };
    html! {
        <table class="numbers">
            <caption class="sr">{ format!("{} numbers; conversations over the last {DAYS} days", l.numbers.len()) }</caption>
            <thead><tr>
                <th scope="col">{ "Name" }</th>
                <th scope="col">{ "Phone" }</th>
                <th scope="col">{ "Status" }</th>
                <th scope="col">{ "Quality" }</th>
                <th scope="col">{ "Handoff" }</th>
                <th scope="col">{ "Reset" }</th>
                <th scope="col">{ format!("Conversations ({DAYS} days)") }</th>
            </tr></thead>
            <tbody>
                { for l.numbers.iter().map(|n| {
                    let connected = n.status == NumberStatus::Connected;
                    let conversations = l.stats.iter().find(|s| s.phone_number_id == n.phone_number_id)
                        .map_or(0, |s| s.conversations_opened);
                    let to = Route::Number { phone_number_id: n.phone_number_id.clone() };
                    html! {
                        <tr key={n.phone_number_id.clone()} class={classes!((!connected).then_some("disconnected"))}>
                            <th scope="row" data-label="Name"><RouteLink {to}>{ n.label.clone() }</RouteLink></th>
                            { cell("Phone", html! { { n.display_phone_number.clone() } }) }
                            { cell("Status", html! {
                                <span class={classes!("badge", if connected { "ok" } else { "off" })}>{ if connected { "Connected" } else { "Disconnected" } }</span>
                            }) }
                            { cell("Quality", html! { { n.quality_rating.clone().unwrap_or_else(|| "—".to_owned()) } }) }
                            { cell("Handoff", html! { { if n.handoff_enabled { "On" } else { "Off" } } }) }
                            { cell("Reset", html! { { reset_days_label(Some(n.effective_reset_days)) } }) }
                            { cell("Conversations", html! { { conversations } }) }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
