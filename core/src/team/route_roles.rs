//! The role matrix: which [`Role`] each admin API route needs.
//!
//! Agents read and answer the inbox: the list and threads, replies, files, close and reopen,
//! undoing a WhatsApp link, retrying a send or a file, notes, assignment, the live ticket, the
//! numbers' names (the inbox filters by number) and templates (the composer sends them once the
//! 24-hour window has closed). They also read the support KPIs: the team's own figures, with
//! no setting and no secret in them, and turn Web Push on or off for their own browsers.
//! Owners may also change settings, connect, change and disconnect numbers and their profiles, manage the team, and read the Webhook page, its
//! diagnostics (unrouted and not-understood items), the numbers' stats, the audit log and the
//! runtime figures.
//!
//! A route not in [`ADMIN_ROUTES`] needs an owner: the matrix fails closed. Its tests read
//! `edge/src/routes.rs` (and the methods of `edge/src/numbers/api.rs`) and fail when a route
//! there has no entry here, or an entry here no route there.

use super::Role;
use Role::{Agent, Owner};

/// One route of `/api/admin/*` and the role it needs. `{…}` stands for any one path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub role: Role,
    /// What it does, in the console's words.
    pub what: &'static str,
    /// Named by issue 20 (team, notes, assignment, audit) and not routed yet: the tests insist
    /// that the edge does not have it, so whoever adds it turns this off and sees its role.
    pub planned: bool,
}

const fn route(
    method: &'static str,
    path: &'static str,
    role: Role,
    what: &'static str,
) -> AdminRoute {
    AdminRoute {
        method,
        path,
        role,
        what,
        planned: false,
    }
}

/// For a route named before it is built (none today): the tests then insist the edge lacks it.
#[allow(dead_code)]
const fn planned(
    method: &'static str,
    path: &'static str,
    role: Role,
    what: &'static str,
) -> AdminRoute {
    AdminRoute {
        planned: true,
        ..route(method, path, role, what)
    }
}

/// Every admin route and the role it needs (kept as a table, one route a line).
#[rustfmt::skip]
pub const ADMIN_ROUTES: &[AdminRoute] = &[
    // The inbox.
    route("GET", "/api/admin/conversations", Agent, "list conversations"),
    route("GET", "/api/admin/conversations/{id}", Agent, "read a thread"),
    route("POST", "/api/admin/conversations/{id}/messages", Agent, "reply"),
    route("POST", "/api/admin/conversations/{id}/attachments", Agent, "send a file"),
    route("POST", "/api/admin/conversations/{id}/messages/{message}/retry", Agent, "retry a failed send"),
    route("POST", "/api/admin/conversations/{id}/close", Agent, "close a conversation"),
    route("POST", "/api/admin/conversations/{id}/reopen", Agent, "reopen a conversation"),
    route("POST", "/api/admin/conversations/{id}/unlink", Agent, "undo a WhatsApp link"),
    route("POST", "/api/admin/conversations/{id}/handoff-offer", Agent, "offer the visitor to continue on WhatsApp"),
    route("POST", "/api/admin/conversations/{id}/notes", Agent, "write a private note"),
    route("GET", "/api/admin/unread", Agent, "how many conversations hold unseen messages"),
    route("POST", "/api/admin/conversations/{id}/assign", Agent, "assign or unassign"),
    route("POST", "/api/admin/conversations/{id}/messages/{message}/reaction", Agent, "react to a message"),
    route("POST", "/api/admin/conversations/{id}/seen", Agent, "mark a thread seen (unread state, read receipt)"),
    route("POST", "/api/admin/conversations/{id}/typing", Agent, "show the customer typing"),
    route("GET", "/api/admin/media/{id}", Agent, "see a file"),
    route("POST", "/api/admin/media/{id}/retry", Agent, "fetch a file again"),
    route("POST", "/api/admin/live", Agent, "the inbox's live ticket"),
    route("GET", "/api/admin/numbers", Agent, "the numbers' names (inbox filter)"),
    route("GET", "/api/admin/numbers/{id}", Agent, "one number's name and state"),
    route("GET", "/api/admin/numbers/{id}/templates", Agent, "templates for the composer"),
    route("GET", "/api/admin/kpis", Agent, "support KPIs"),
    route("GET", "/api/admin/kpis/trend", Agent, "support KPIs week by week"),
    route("GET", "/api/admin/push/key", Agent, "the VAPID key to turn push on with"),
    route("POST", "/api/admin/push/subscriptions", Agent, "turn push on for a browser"),
    route("DELETE", "/api/admin/push/subscriptions", Agent, "turn push off for a browser"),
    route("GET", "/api/admin/me", Agent, "who is signed in, with which role"),
    route("GET", "/api/admin/team", Agent, "the members (to assign to)"),
    // The owner's pages.
    route("GET", "/api/admin/settings", Owner, "read the settings"),
    route("PUT", "/api/admin/settings", Owner, "change the settings"),
    route("POST", "/api/admin/numbers", Owner, "connect a number"),
    route("PATCH", "/api/admin/numbers/{id}", Owner, "change a number"),
    route("DELETE", "/api/admin/numbers/{id}", Owner, "disconnect a number"),
    route("GET", "/api/admin/numbers/{id}/disconnect", Owner, "what disconnecting means"),
    route("GET", "/api/admin/numbers/{id}/round-robin", Owner, "who gets new conversations in turn"),
    route("PUT", "/api/admin/numbers/{id}/round-robin", Owner, "choose who gets new conversations in turn"),
    route("GET", "/api/admin/numbers/{id}/profile", Owner, "read a business profile"),
    route("POST", "/api/admin/numbers/{id}/profile", Owner, "change a business profile"),
    route("GET", "/api/admin/stats", Owner, "the numbers' message counts"),
    route("GET", "/api/admin/unrouted", Owner, "changes for unconnected numbers"),
    route("GET", "/api/admin/not-understood", Owner, "webhook items not understood"),
    route("GET", "/api/admin/webhook", Owner, "the Webhook page"),
    route("POST", "/api/admin/live/disconnect", Owner, "close every console or visitor socket"),
    route("GET", "/api/admin/runtime", Owner, "the isolate's memory"),
    route("POST", "/api/admin/team", Owner, "add a member"),
    route("PATCH", "/api/admin/team/{email}", Owner, "rename a member or change their role"),
    route("DELETE", "/api/admin/team/{email}", Owner, "remove a member"),
    route("POST", "/api/admin/team/claim", Owner, "claim the first owner (with the ADMIN_TOKEN)"),
    route("GET", "/api/admin/audit", Owner, "the audit log"),
];

/// The matrix's entry for a request, if it has one. `path` is the request's path as the router
/// sees it (not percent-decoded; a query is ignored; surrounding slashes are trimmed as the
/// router trims them); `method` is matched exactly, in upper case.
pub fn decision(method: &str, path: &str) -> Option<&'static AdminRoute> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    ADMIN_ROUTES
        .iter()
        .find(|r| r.method == method && matches(r.path, &segments))
}

/// The role a request needs: the matrix's, or [`Role::Owner`] for anything it does not list.
pub fn required_role(method: &str, path: &str) -> Role {
    decision(method, path).map_or(Role::Owner, |r| r.role)
}

fn matches(pattern: &str, segments: &[&str]) -> bool {
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    pattern.len() == segments.len()
        && pattern
            .iter()
            .zip(segments)
            .all(|(p, s)| (p.starts_with('{') && p.ends_with('}')) || p == s)
}

#[cfg(test)]
mod tests;
