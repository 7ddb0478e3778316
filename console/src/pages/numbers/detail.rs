//! A number's own page (`/console/numbers/<phone_number_id>`): who it is (label, phone, verified
//! name, status, quality), then its figures and settings, WhatsApp Manager links, business
//! profile and disconnect (`card`). An id that is not connected here says so, with the way back.

use super::round_robin::RoundRobin;
use switchboard_core::api::{NumberStats, NumberStatus, NumberView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::card::NumberCard;
use crate::api::{Admin, ApiError};
use crate::components::nav::RouteLink;
use crate::dom::{now_seconds, set_page_title, Counter};
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
    pub phone_number_id: String,
}

#[derive(Clone, PartialEq)]
struct Loaded {
    number: NumberView,
    stats: Option<NumberStats>,
}

#[function_component(NumberPage)]
pub fn number_page(props: &Props) -> Html {
    let loaded = use_state(|| None::<Result<Loaded, ApiError>>);
    let version = use_reducer(Counter::default);
    {
        let (admin, id, loaded) = (
            props.admin.clone(),
            props.phone_number_id.clone(),
            loaded.clone(),
        );
        use_effect_with(version.0, move |_| {
            spawn_local(async move {
                let to = now_seconds() + 1;
                let read = async {
                    let number: NumberView = admin.get(&format!("/numbers/{id}")).await?;
                    let stats: Vec<NumberStats> = admin
                        .get(&format!("/stats?from={}&to={to}", to - 30 * 86_400))
                        .await?;
                    let stats = stats.into_iter().find(|s| s.phone_number_id == id);
                    Ok::<_, ApiError>(Loaded { number, stats })
                };
                let result = read.await;
                if let Ok(l) = &result {
                    set_page_title(&format!("Number {}", l.number.label));
                }
                loaded.set(Some(result));
            });
        });
    }
    let reload = {
        let version = version.dispatcher();
        Callback::from(move |_: ()| version.dispatch(()))
    };
    let back = html! { <p class="crumbs"><RouteLink to={Route::Numbers}>{ "← All numbers" }</RouteLink></p> };
    // One heading element whatever the state, so the focus it takes on arrival stays on it.
    let heading = match &*loaded {
        Some(Ok(l)) => l.number.label.clone(),
        Some(Err(e)) if e.status == 404 => "Number not found".to_owned(),
        _ => format!("Number {}", props.phone_number_id),
    };
    let body = match &*loaded {
        None => html! { <p class="hint">{ "Loading…" }</p> },
        Some(Err(e)) if e.status == 404 => html! {
            <p>{ format!("No number with the id {} is connected here.", props.phone_number_id) }</p>
        },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.to_string() }</p> },
        Some(Ok(Loaded { number: n, stats })) => {
            let connected = n.status == NumberStatus::Connected;
            html! {
                <>
                    <div class="row between wrap">
                        <p class="meta">
                            { n.display_phone_number.clone() }
                            { n.verified_name.as_ref().map(|v| format!(" · {v}")).unwrap_or_default() }
                            { " · id " }{ n.phone_number_id.clone() }
                        </p>
                        <div class="badges">
                            <span class={classes!("badge", if connected { "ok" } else { "off" })}>{ if connected { "Connected" } else { "Disconnected" } }</span>
                            if let Some(q) = &n.quality_rating {
                                <span class={classes!("badge", format!("quality-{}", q.to_ascii_lowercase()))} title="Quality rating">{ format!("Quality: {q}") }</span>
                            }
                        </div>
                    </div>
                    <NumberCard admin={props.admin.clone()} number={n.clone()} stats={stats.clone()} on_change={reload} />
                    <RoundRobin admin={props.admin.clone()} phone_number_id={n.phone_number_id.clone()} />
                </>
            }
        }
    };
    html! {
        <div class="page">
            { back }
            <h1 tabindex="-1">{ heading }</h1>
            { body }
        </div>
    }
}
