//! The console's navigation: real links (`/console/numbers`…), so they open in a new tab, copy
//! and bookmark like any link; a plain click moves within the page through the router, and the
//! page shown is marked with `aria-current="page"`.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::{Route, AGENT_NAV, NAV};

#[derive(Properties, PartialEq)]
pub struct NavProps {
    /// The nav entry of the page shown (`Route::section`).
    pub current: Route,
    /// An owner sees every page; an agent the inbox and the reports.
    pub owner: bool,
}

#[function_component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    html! {
        <nav aria-label="Console">
            <ul>
                { for (if props.owner { &NAV[..] } else { &AGENT_NAV[..] }).iter().map(|to| {
                    let current = props.current == *to;
                    html! {
                        <li><RouteLink to={to.clone()} class={classes!("tab", current.then_some("active"))}
                            current={current}>{ to.title() }</RouteLink></li>
                    }
                }) }
            </ul>
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct RouteLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub class: Classes,
    /// Marks the link `aria-current="page"`.
    #[prop_or_default]
    pub current: bool,
    #[prop_or_default]
    pub children: Html,
}

/// A link to a place in the console. A click with a modifier key (a new tab, a new window) is
/// left to the browser; a plain one pushes the address without reloading.
#[function_component(RouteLink)]
pub fn route_link(props: &RouteLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 || e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
                return;
            }
            if let Some(navigator) = &navigator {
                e.prevent_default();
                navigator.push(&to);
            }
        })
    };
    html! {
        <a href={props.to.to_path()} class={props.class.clone()} aria-current={props.current.then_some("page")} {onclick}>
            { props.children.clone() }
        </a>
    }
}
