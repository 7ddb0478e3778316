//! Reports: the support KPIs per number, for the Messenger and for the project, over 7, 30 or 90
//! days, with and without the conversation reset. Trends over time wait for the KPI API to give
//! per-day figures (today it answers one total per period).

use yew::prelude::*;

use crate::api::Admin;
use crate::components::kpi_table::KpiTable;

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
        </div>
    }
}
