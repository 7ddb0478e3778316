//! The key a rate limit counts a client under. An IPv4 address is one client; an IPv6 client
//! is its /64, since one subscriber is routinely handed a whole /64 (RFC 6177) and could
//! otherwise count as 2^64 clients. An IPv4-mapped IPv6 address counts as its IPv4 address.

use std::net::{IpAddr, Ipv6Addr};

/// `203.0.113.7` → `203.0.113.7`; `2001:db8:1:2:aaaa::1` → `2001:db8:1:2::/64`; anything that
/// is not an address is kept as it is (one key per odd value, as before).
pub fn client_key(ip: &str) -> String {
    match ip.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Err(_) => ip.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slash_64_is_one_client() {
        assert_eq!(
            client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            client_key("2001:db8:1:2::1"),
            client_key("2001:0db8:0001:0002:ffff::9")
        );
        assert_ne!(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
    }

    #[test]
    fn ipv4_is_its_own_client_however_it_is_written() {
        assert_eq!(client_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(client_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_ne!(client_key("203.0.113.7"), client_key("203.0.113.8"));
    }

    #[test]
    fn nonsense_stays_as_it_is() {
        assert_eq!(client_key("unknown"), "unknown");
        assert_eq!(client_key(" 10.0.0.1 "), "10.0.0.1");
    }
}
