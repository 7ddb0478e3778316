//! The inbox's filter bar: number, channel, assignment (all, unassigned, mine), status, order (the reply window closing soonest
//! first) and the customer's WhatsApp number; each choice reloads the list.

use switchboard_core::api::NumberView;
use yew::prelude::*;

use crate::dom::{bind_input, select_value};

/// The filters, each bound to the page's state that the list query is built from.
pub fn filter_bar(
    numbers: &[NumberView],
    number: &UseStateHandle<String>,
    channel: &UseStateHandle<String>,
    status: &UseStateHandle<String>,
    window: &UseStateHandle<String>,
    customer: &UseStateHandle<String>,
    assignee: &UseStateHandle<String>,
) -> Html {
    let filter = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(select_value(&e)))
    };
    html! {
        <div class="filters" role="group" aria-label="Filters">
            <label>{ "Number " }
                <select onchange={filter(number)} aria-label="Number">
                    <option value="" selected={number.is_empty()}>{ "All numbers" }</option>
                    { for numbers.iter().map(|n| html! { <option value={n.phone_number_id.clone()} selected={**number == n.phone_number_id}>{ n.label.clone() }</option> }) }
                </select>
            </label>
            <label>{ "Channel " }
                <select onchange={filter(channel)} aria-label="Channel">
                    { for [("", "All channels"), ("messenger", "Messenger"), ("whatsapp", "WhatsApp"), ("handed_off", "Handed off"), ("waiting", "Waiting for WhatsApp")]
                        .iter()
                        .map(|(value, label)| html! { <option value={*value} selected={channel.as_str() == *value}>{ *label }</option> }) }
                </select>
            </label>
            <label>{ "Assigned " }
                <select onchange={filter(assignee)} aria-label="Assigned">
                    { for [("", "All"), ("none", "Unassigned"), ("me", "Mine")]
                        .iter()
                        .map(|(value, label)| html! { <option value={*value} selected={assignee.as_str() == *value}>{ *label }</option> }) }
                </select>
            </label>
            <label>{ "Status " }
                <select onchange={filter(status)} aria-label="Status">
                    <option value="open" selected={**status == "open"}>{ "Open" }</option>
                    <option value="closed" selected={**status == "closed"}>{ "Closed" }</option>
                    <option value="" selected={status.is_empty()}>{ "All" }</option>
                </select>
            </label>
            <label>{ "Order " }
                <select onchange={filter(window)} aria-label="Order">
                    <option value="" selected={window.is_empty()}>{ "Newest first" }</option>
                    <option value="closing" selected={**window == "closing"}>{ "Reply window closing soon" }</option>
                </select>
            </label>
            <label>{ "Customer " }
                <input type="search" aria-label="Customer's WhatsApp number or username" placeholder="+1 650 555 1234 or @username"
                    value={(**customer).clone()} oninput={bind_input(customer)} />
            </label>
        </div>
    }
}
