//! Links made from what a WhatsApp customer sent: only `http(s)` ones with a host, and a map
//! link that opens OpenStreetMap in a new tab (no map tiles load in the console). Plain functions,
//! tested natively.

/// OpenStreetMap's page for a point, with a marker: a link, never an embedded map.
pub fn map_link(latitude: f64, longitude: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=16/{latitude}/{longitude}")
}

/// Only `http(s)` links with a host are ever made from what a customer sent.
pub fn is_web_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !host_of(link).is_empty()
}

/// The host of an `http(s)` link, shown instead of the whole link.
pub fn host_of(link: &str) -> String {
    link.split_once("://")
        .map(|(_, rest)| {
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_with_a_host_are_links() {
        assert!(is_web_link("https://example.com/a"));
        assert!(is_web_link("HTTP://example.com"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("data:text/html,x"));
        assert!(!is_web_link("https://"));
        assert_eq!(host_of("https://shop.example/p?q=1"), "shop.example");
    }

    #[test]
    fn a_map_link_points_at_openstreetmap_with_a_marker() {
        assert_eq!(
            map_link(52.52, 13.405),
            "https://www.openstreetmap.org/?mlat=52.52&mlon=13.405#map=16/52.52/13.405"
        );
    }
}
