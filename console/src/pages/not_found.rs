//! An address under `/console/` that names no page: said plainly, with a way home. And an
//! owner's page opened by an agent (from a shared link): said plainly too.

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
    /// The page exists, for owners only.
    #[prop_or_default]
    pub owners_only: bool,
}

/// A page this member cannot see.
#[function_component(Placeholder)]
pub fn placeholder(props: &PlaceholderProps) -> Html {
    html! {
        <div class="page">
            <h1 tabindex="-1">{ props.title.clone() }</h1>
            <p>{ if props.owners_only { "This page is for the team's owners. Ask an owner if you need something here." } else { "This page is not available yet." } }</p>
            <p><RouteLink to={Route::Inbox}>{ "Go to the inbox" }</RouteLink></p>
        </div>
    }
}
