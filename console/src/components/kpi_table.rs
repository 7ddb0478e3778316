//! The support KPI table: per number, the Messenger or the whole project, over 7/30/90 days,
//! each figure counted with the conversation reset and as it would be without it (a customer's
//! reset-split conversations merged), so the owner sees what the rule changes.

use switchboard_core::kpi::{KpiReport, PERIODS};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::select_value;
use crate::forms::kpi_lines;

#[derive(Properties, PartialEq)]
pub struct KpiTableProps {
    pub admin: Admin,
}

/// `HH:MM` in the browser's time zone and locale, for unix seconds `at`.
fn clock_time(at: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date.to_locale_time_string_with_options("default", &options))
}

#[function_component(KpiTable)]
pub fn kpi_table(props: &KpiTableProps) -> Html {
    let days = use_state(|| 30u32);
    let scope = use_state(|| "project".to_owned());
    let report = use_state(|| None::<Result<KpiReport, String>>);
    // Bumped by Refresh: the figures are computed anew rather than read as kept (a minute).
    let refreshes = use_state(|| 0u32);
    {
        let (admin, report) = (props.admin.clone(), report.clone());
        use_effect_with((*days, *refreshes), move |(days, refreshes)| {
            let fresh = if *refreshes > 0 { "&fresh=1" } else { "" };
            let path = format!("/kpis?days={days}{fresh}");
            spawn_local(async move {
                report.set(Some(
                    admin
                        .get::<KpiReport>(&path)
                        .await
                        .map_err(|e| e.to_string()),
                ));
            });
        });
    }
    let on_days = {
        let days = days.clone();
        Callback::from(move |e: Event| {
            if let Ok(d) = select_value(&e).parse() {
                days.set(d);
            }
        })
    };
    let on_refresh = {
        let refreshes = refreshes.clone();
        Callback::from(move |_: MouseEvent| refreshes.set(*refreshes + 1))
    };
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| scope.set(select_value(&e)))
    };
    let body = match &*report {
        None => html! { <p class="hint">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(r)) => {
            let row = r.rows.iter().find(|x| x.scope == *scope).or(r.rows.last());
            html! {
                <>
                    <div class="filters">
                        <label>{ "Scope " }
                            <select aria-label="Scope" onchange={on_scope}>
                                { for r.rows.iter().map(|x| html! { <option value={x.scope.clone()} selected={x.scope == *scope}>{ x.label.clone() }</option> }) }
                            </select>
                        </label>
                        <label>{ "Period " }
                            <select aria-label="Period" onchange={on_days}>
                                { for PERIODS.iter().map(|d| html! { <option value={d.to_string()} selected={*d == *days}>{ format!("Last {d} days") }</option> }) }
                            </select>
                        </label>
                        <span class="hint">{ format!("As of {}", clock_time(r.computed_at)) }</span>
                        <button onclick={on_refresh}>{ "Refresh" }</button>
                    </div>
                    if let Some(row) = row {
                        <table class="kpis">
                            <thead><tr>
                                <th scope="col">{ "Metric" }</th>
                                <th scope="col">{ "With the reset" }</th>
                                <th scope="col">{ "Without it (threads merged)" }</th>
                            </tr></thead>
                            <tbody>
                                { for kpi_lines(&row.with_reset, &row.without_reset).into_iter().map(|(name, with, without)| html! {
                                    <tr><th scope="row">{ name }</th><td>{ with }</td><td>{ without }</td></tr>
                                }) }
                            </tbody>
                        </table>
                    }
                </>
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="kpi-h">
            <h2 id="kpi-h">{ "Support KPIs" }</h2>
            <p class="hint">{ "One conversation per request keeps these honest: beside each figure, the same as it would be if every customer's conversations split by the reset were one long thread." }</p>
            { body }
        </section>
    }
}
