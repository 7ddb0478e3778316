//! The matrix against concrete requests, and against the edge's own route table.

use super::*;

const ROUTES_RS: &str = include_str!("../../../../edge/src/routes.rs");
const NUMBERS_API_RS: &str = include_str!("../../../../edge/src/numbers/api.rs");

#[test]
fn every_route_needs_the_role_the_matrix_gives_it() {
    use Role::{Agent, Owner};
    let requests = [
        (
            "GET",
            "/api/admin/conversations?status=open&number=1",
            Agent,
        ),
        ("GET", "/api/admin/conversations/c1?since=5", Agent),
        ("POST", "/api/admin/conversations/c1/messages", Agent),
        ("POST", "/api/admin/conversations/c1/attachments", Agent),
        (
            "POST",
            "/api/admin/conversations/c1/messages/m1/retry",
            Agent,
        ),
        ("POST", "/api/admin/conversations/c1/close", Agent),
        ("POST", "/api/admin/conversations/c1/reopen", Agent),
        ("POST", "/api/admin/conversations/c1/unlink", Agent),
        ("POST", "/api/admin/conversations/c1/handoff-offer", Agent),
        ("POST", "/api/admin/conversations/c1/seen", Agent),
        (
            "POST",
            "/api/admin/conversations/c1/messages/m1/reaction",
            Agent,
        ),
        ("POST", "/api/admin/conversations/c1/typing", Agent),
        ("POST", "/api/admin/conversations/c1/notes", Agent),
        ("GET", "/api/admin/unread", Agent),
        ("POST", "/api/admin/conversations/c1/assign", Agent),
        ("GET", "/api/admin/media/f1", Agent),
        ("POST", "/api/admin/media/f1/retry", Agent),
        ("POST", "/api/admin/live", Agent),
        ("GET", "/api/admin/numbers", Agent),
        ("GET", "/api/admin/numbers/106540352242922", Agent),
        ("GET", "/api/admin/numbers/106540352242922/templates", Agent),
        ("GET", "/api/admin/kpis?days=30", Agent),
        ("GET", "/api/admin/kpis/trend?weeks=8", Agent),
        ("GET", "/api/admin/push/key", Agent),
        ("POST", "/api/admin/push/subscriptions", Agent),
        ("DELETE", "/api/admin/push/subscriptions", Agent),
        ("GET", "/api/admin/me", Agent),
        ("GET", "/api/admin/team", Agent),
        ("GET", "/api/admin/settings", Owner),
        ("PUT", "/api/admin/settings", Owner),
        ("POST", "/api/admin/numbers", Owner),
        ("PATCH", "/api/admin/numbers/106540352242922", Owner),
        (
            "DELETE",
            "/api/admin/numbers/106540352242922?intent=keep",
            Owner,
        ),
        (
            "GET",
            "/api/admin/numbers/106540352242922/disconnect?intent=move",
            Owner,
        ),
        ("GET", "/api/admin/numbers/106540352242922/profile", Owner),
        (
            "GET",
            "/api/admin/numbers/106540352242922/round-robin",
            Owner,
        ),
        (
            "PUT",
            "/api/admin/numbers/106540352242922/round-robin",
            Owner,
        ),
        ("POST", "/api/admin/numbers/106540352242922/profile", Owner),
        ("GET", "/api/admin/stats?from=1&to=2", Owner),
        ("GET", "/api/admin/unrouted", Owner),
        ("GET", "/api/admin/not-understood", Owner),
        ("GET", "/api/admin/webhook", Owner),
        ("POST", "/api/admin/live/disconnect?room=inbox", Owner),
        ("GET", "/api/admin/runtime", Owner),
        ("POST", "/api/admin/team", Owner),
        ("PATCH", "/api/admin/team/ana@example.com", Owner),
        ("DELETE", "/api/admin/team/ana@example.com", Owner),
        ("POST", "/api/admin/team/claim", Owner),
        ("GET", "/api/admin/audit", Owner),
    ];
    let mut walked = Vec::new();
    for (method, path, role) in requests {
        let entry = decision(method, path).unwrap_or_else(|| panic!("{method} {path}"));
        assert_eq!(entry.role, role, "{method} {path}");
        assert_eq!(required_role(method, path), role, "{method} {path}");
        walked.push(entry);
    }
    for entry in ADMIN_ROUTES {
        assert!(walked.contains(&entry), "no request walks {entry:?}");
    }
}

#[test]
fn anything_the_matrix_does_not_name_needs_an_owner() {
    for (method, path) in [
        ("GET", "/api/admin/export"),
        ("GET", "/api/admin"),
        ("GET", "/api/admin/"),
        ("HEAD", "/api/admin/conversations"),
        ("get", "/api/admin/conversations"),
        ("DELETE", "/api/admin/conversations/c1"),
        ("PUT", "/api/admin/numbers/1/templates"),
        ("GET", "/api/admin/conversations/c1/messages/m1"),
        ("GET", "/api/admin/%6Bpis"),
        ("GET", "/api/admin/KPIS"),
        ("GET", "/api/widget/session"),
        ("GET", "/api/admin/media/f1/retry/extra"),
    ] {
        assert_eq!(decision(method, path), None, "{method} {path}");
        assert_eq!(required_role(method, path), Role::Owner, "{method} {path}");
    }
    // Slashes around the path are trimmed, as the router trims them.
    assert_eq!(required_role("GET", "/api/admin/kpis/"), Role::Agent);
}

#[test]
fn each_route_is_listed_once_and_finds_its_own_entry() {
    for entry in ADMIN_ROUTES {
        let sample = entry.path.replace(['{', '}'], "");
        let found = decision(entry.method, &sample).expect(entry.path);
        assert_eq!(found, entry, "{} {} is shadowed", entry.method, entry.path);
    }
}

/// A path with every `{name}` as `{}`, to compare patterns whatever their names.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The admin routes `routes.rs` answers, as `METHOD /api/admin/…` with `{}` for a bound
/// segment. An arm for every method (`_`) takes its methods from the `numbers::` handler it
/// calls; arms that only answer 405 or 404 are left out.
fn edge_routes(routes_rs: &str, numbers_api_rs: &str) -> Result<Vec<String>, String> {
    let admin = routes_rs
        .split_once("async fn admin(")
        .ok_or("routes.rs has no `async fn admin(`")?
        .1;
    let mut routes = Vec::new();
    for line in admin.lines().map(str::trim) {
        let Some((pattern, body)) = line
            .strip_prefix('(')
            .and_then(|arm| arm.split_once(") =>"))
        else {
            continue;
        };
        let Some((method, slice)) = pattern.split_once(", [") else {
            continue;
        };
        let slice = slice.strip_suffix(']').ok_or(format!("odd arm: {line}"))?;
        let segments: Vec<&str> = slice.split(',').map(str::trim).collect();
        if body.trim().starts_with("Err(") || slice.contains('|') || segments.contains(&"_") {
            continue;
        }
        let path = segments
            .iter()
            .map(|s| {
                s.strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or("{}")
            })
            .collect::<Vec<_>>()
            .join("/");
        let path = format!("/api/admin/{path}");
        let methods = match method {
            "_" => {
                let handler = body
                    .trim()
                    .strip_prefix("numbers::")
                    .and_then(|call| call.split_once('('))
                    .ok_or(format!(
                        "{path}: an arm for every method, not in numbers/api.rs"
                    ))?
                    .0;
                methods_of(numbers_api_rs, handler)?
            }
            _ => vec![method
                .strip_prefix("Method::")
                .ok_or(format!("odd method in: {line}"))?
                .to_uppercase()],
        };
        routes.extend(methods.into_iter().map(|m| format!("{m} {path}")));
    }
    Ok(routes)
}

/// The methods a handler of numbers/api.rs answers (its `Method::X =>` arms).
fn methods_of(source: &str, handler: &str) -> Result<Vec<String>, String> {
    let body = source
        .split_once(&format!("pub async fn {handler}("))
        .ok_or(format!("numbers/api.rs has no `pub async fn {handler}(`"))?
        .1;
    let body = body.split_once("\n}\n").map_or(body, |(b, _)| b);
    let methods: Vec<String> = body
        .split("Method::")
        .skip(1)
        .filter_map(|rest| rest.split_once(" =>"))
        .map(|(name, _)| name.to_uppercase())
        .filter(|name| name.chars().all(|c| c.is_ascii_alphabetic()))
        .collect();
    if methods.is_empty() {
        return Err(format!("numbers::{handler} matches no method"));
    }
    Ok(methods)
}

/// Routes of the edge with no entry of the same shape (or only a planned one).
fn undecided(edge: &[String]) -> Vec<String> {
    edge.iter()
        .filter(|route| {
            let (method, path) = route.split_once(' ').unwrap();
            let sample = path.replace("{}", "1");
            !decision(method, &sample).is_some_and(|e| !e.planned && shape(e.path) == *path)
        })
        .cloned()
        .collect()
}

/// Entries that no longer match a route of the edge, or planned ones the edge now has.
fn stale(edge: &[String]) -> Vec<String> {
    ADMIN_ROUTES
        .iter()
        .filter(|e| edge.contains(&format!("{} {}", e.method, shape(e.path))) == e.planned)
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

#[test]
fn every_route_of_the_edge_has_a_decision() {
    let edge = edge_routes(ROUTES_RS, NUMBERS_API_RS).unwrap();
    assert_eq!(undecided(&edge), Vec::<String>::new());
    assert_eq!(stale(&edge), Vec::<String>::new());
    assert_eq!(
        edge.len(),
        ADMIN_ROUTES.iter().filter(|e| !e.planned).count()
    );
}

#[test]
fn a_route_added_to_the_edge_without_a_decision_is_caught() {
    let anchor = "        (Method::Get, [\"unrouted\"])";
    assert!(ROUTES_RS.contains(anchor));
    let added = |arm: &str| ROUTES_RS.replacen(anchor, &format!("{arm}\n{anchor}"), 1);
    let snooze = added(
        "        (Method::Post, [\"conversations\", id, \"snooze\"]) => conversations::snooze(&store, id).await,",
    );
    let edge = edge_routes(&snooze, NUMBERS_API_RS).unwrap();
    assert_eq!(
        undecided(&edge),
        ["POST /api/admin/conversations/{}/snooze"]
    );
    // A new literal route is not decided by a pattern that happens to match it.
    let import = added(
        "        (Method::Get, [\"numbers\", \"import\"]) => numbers::import(&numbers).await,",
    );
    let edge = edge_routes(&import, NUMBERS_API_RS).unwrap();
    assert_eq!(undecided(&edge), ["GET /api/admin/numbers/import"]);
    // A method added to a handler that answers several.
    let put = NUMBERS_API_RS.replacen(
        "Method::Patch =>",
        "Method::Put => todo!(),\n        Method::Patch =>",
        1,
    );
    assert_ne!(put, NUMBERS_API_RS);
    let edge = edge_routes(ROUTES_RS, &put).unwrap();
    assert_eq!(undecided(&edge), ["PUT /api/admin/numbers/{}"]);
}

#[test]
fn a_route_removed_from_the_edge_is_caught() {
    let line = ROUTES_RS
        .lines()
        .find(|l| l.contains("[\"runtime\"]) =>"))
        .unwrap();
    let without = ROUTES_RS.replacen(line, "", 1);
    let edge = edge_routes(&without, NUMBERS_API_RS).unwrap();
    assert_eq!(stale(&edge), ["GET /api/admin/runtime"]);
}
