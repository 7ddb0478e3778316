//! An address under `/console/` that names no page: said plainly, with a way home. And the
//! reserved places (`/console/team`, `/console/audit`) until their pages exist.

use yew::prelude::*;

use crate::components::nav::RouteLink;
use crate::route::Route;

#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    html! {
        <div class="page">
            <h1 tabindex="-1">{ "Page not found" }</h1>
            <p>{ "There is no page at this address in the console." }</p>
            <p><RouteLink to={Route::Inbox}>{ "Go to the inbox" }</RouteLink></p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    pub title: String,
}

/// A page that is planned but not built yet (the team feature adds Team and Audit log).
#[function_component(Placeholder)]
pub fn placeholder(props: &PlaceholderProps) -> Html {
    html! {
        <div class="page">
            <h1 tabindex="-1">{ props.title.clone() }</h1>
            <p>{ "This page is not available yet." }</p>
            <p><RouteLink to={Route::Inbox}>{ "Go to the inbox" }</RouteLink></p>
        </div>
    }
}
