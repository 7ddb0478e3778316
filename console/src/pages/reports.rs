//! Reports: the support KPIs per number, for the Messenger and for the project, over 7, 30 or 90
//! days, with and without the conversation reset; and the project's trend, week by week over the
//! last eight weeks (a table, with a bar per week for the eye; the numbers are the table's).

use switchboard_core::kpi::{KpiTrend, KpiTrendPoint};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::components::kpi_table::KpiTable;
use crate::forms::duration;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

#[function_component(ReportsPage)]
pub fn reports_page(props: &Props) -> Html {
    html! {
        <div class="page">
            <h1 tabindex="-1">{ "Reports" }</h1>
            <KpiTable admin={props.admin.clone()} />
            <Trend admin={props.admin.clone()} />
        </div>
    }
}

#[function_component(Trend)]
fn trend(props: &Props) -> Html {
    let trend = use_state(|| None::<Result<KpiTrend, String>>);
    {
        let (admin, trend) = (props.admin.clone(), trend.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                trend.set(Some(
                    admin
                        .get::<KpiTrend>("/kpis/trend?weeks=8")
                        .await
                        .map_err(|e| e.to_string()),
                ));
            });
        });
    }
    let body = match &*trend {
        None => html! { <p class="hint">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(t)) => {
            let most = t
                .weeks
                .iter()
                .map(|w| w.project.conversations_opened)
                .max()
                .unwrap_or(0)
                .max(1);
            html! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Trend table">
                    <table class="trend">
                        <caption class="sr">{ "The project's figures for each of the last eight weeks, oldest first" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Week from" }</th>
                            <th scope="col">{ "Conversations" }</th>
                            <th scope="col">{ "Median first response" }</th>
                            <th scope="col">{ "Median resolution" }</th>
                            <th scope="col">{ "CSAT" }</th>
                        </tr></thead>
                        <tbody>{ for t.weeks.iter().map(|w| week_row(w, most)) }</tbody>
                    </table>
                </div>
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="trend-h">
            <h2 id="trend-h">{ "Week by week" }</h2>
            { body }
        </section>
    }
}

fn week_row(w: &KpiTrendPoint, most: u64) -> Html {
    let k = &w.project;
    let seconds = |s: Option<i64>| s.map_or_else(|| "—".to_owned(), duration);
    html! {
        <tr>
            <th scope="row">{ day_label(w.from) }</th>
            <td>
                // A meter, not a styled span: the console's CSP allows no inline style.
                <meter class="bar" aria-hidden="true" min="0" max={most.to_string()} value={k.conversations_opened.to_string()}></meter>
                { k.conversations_opened }
            </td>
            <td>{ seconds(k.median_first_response_seconds) }</td>
            <td>{ seconds(k.median_resolution_seconds) }</td>
            <td>{ k.csat_percent.map_or_else(|| "—".to_owned(), |p| format!("{p:.0} %")) }</td>
        </tr>
    }
}

/// "24 Nov" in the browser's language.
fn day_label(unix: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"month".into(), &"short".into());
    date.to_locale_date_string("default", &options).into()
}
