//! Live conversations: the protocol of the `LiveFeed` Durable Objects that push changes to open
//! Messengers and consoles over hibernating WebSockets.
//!
//! Rooms: one per visitor (`visitor:<id>`, the Messenger; a visitor has one open conversation at a
//! time) and one for the project's inbox (`inbox`, the console). A socket joins exactly one room,
//! named by a short-lived signed [`LiveTicket`] that the edge issues to an authenticated caller —
//! a visitor's ticket can only ever name that visitor's room.
//!
//! Events are published after the D1 write they describe has committed, and are hints, never the
//! only copy: a client that missed some (reconnecting, an object restarted) catches up from D1.
//! Clients send nothing but the keep-alive `ping` (answered `pong` without waking the object);
//! anything else is closed with a code and a reason, and a client that floods is closed.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::api::WidgetMessage;
use crate::keys::{KeyRing, MasterKey, Purpose};

type HmacSha256 = Hmac<Sha256>;

/// The console's room.
pub const INBOX_ROOM: &str = "inbox";
/// A ticket is good for this long after it is issued: enough to open the socket, too short to
/// be worth stealing from a log.
pub const TICKET_LIFETIME_SECONDS: i64 = 60;
/// The keep-alive a client sends, and the answer it gets without waking the object.
pub const PING: &str = "ping";
pub const PONG: &str = "pong";
/// The largest frame a client may send (it only ever needs to send `ping`).
pub const MAX_CLIENT_FRAME_BYTES: usize = 256;

/// The room of a visitor's Messenger.
pub fn visitor_room(visitor_id: &str) -> String {
    format!("visitor:{visitor_id}")
}

/// How often a connected client sends `ping` (Cloudflare closes a WebSocket idle for ~100 s).
pub const KEEPALIVE_MS: u32 = 45_000;
/// How often a client that cannot hold a socket asks instead (only while its page is visible).
pub const FALLBACK_POLL_MS: u32 = 12_000;
/// Failed attempts, without ever connecting, before a client falls back to asking.
pub const ATTEMPTS_BEFORE_FALLBACK: u32 = 2;
/// The longest wait between reconnection attempts.
pub const MAX_BACKOFF_MS: u32 = 30_000;

/// How long to wait before reconnection attempt `attempt` (0-based): 1 s doubling to
/// [`MAX_BACKOFF_MS`], scaled by a jitter in 50–100 % (`random` in 0..1), so that clients cut
/// off together do not come back together.
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    let base = 1_000u32
        .saturating_mul(1u32 << attempt.min(15))
        .min(MAX_BACKOFF_MS);
    let jitter = 0.5 + random.clamp(0.0, 1.0) * 0.5;
    (f64::from(base) * jitter) as u32
}

/// What changed in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A message was stored (inbound, a reply, a visitor's message).
    Message,
    /// A delivery status moved, or a send was confirmed or failed.
    Status,
    /// The conversation continued on WhatsApp (or the link was undone).
    Handoff,
    /// Closed (by an agent or by the reset rule) or reopened.
    State,
    /// Assigned to a member, to another, or unassigned.
    Assignment,
    /// An agent wrote a private note.
    Note,
    /// A member read it (their other tabs update their unread counts).
    Read,
}

/// What a socket receives, as JSON text: `{"type":"message",…}` or `{"type":"changed",…}`.
///
/// The variants wrap named structs so that a browser can read `type` and then decode just that
/// struct ([`LiveEvent::MESSAGE`], [`LiveEvent::CHANGED`]): serde's own way of reading an
/// internally tagged enum buffers the whole value first, which costs the Messenger's bundle ~6 KiB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A message the Messenger can show as it is (visitor rooms). Boxed: a message with its
    /// quote is ten times the size of the other variant.
    Message(Box<MessagePushed>),
    /// Something changed: read it from D1.
    Changed(ConversationChanged),
}

/// The body of [`LiveEvent::Message`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagePushed {
    pub conversation_id: String,
    pub message: WidgetMessage,
}

/// The body of [`LiveEvent::Changed`]; `conversation_id` is `None` when a status update did not
/// say which conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationChanged {
    pub conversation_id: Option<String>,
    pub change: Change,
}

impl LiveEvent {
    /// The `type` of a [`LiveEvent::Message`].
    pub const MESSAGE: &'static str = "message";
    /// The `type` of a [`LiveEvent::Changed`].
    pub const CHANGED: &'static str = "changed";

    pub fn message(conversation_id: String, message: WidgetMessage) -> Self {
        LiveEvent::Message(Box::new(MessagePushed {
            conversation_id,
            message,
        }))
    }

    pub fn changed(conversation_id: Option<String>, change: Change) -> Self {
        LiveEvent::Changed(ConversationChanged {
            conversation_id,
            change,
        })
    }
}

/// Close codes the feed uses (RFC 6455 §7.4.1).
pub mod close {
    /// The frame was not `ping`.
    pub const UNSUPPORTED: u16 = 1003;
    /// Too many frames.
    pub const POLICY: u16 = 1008;
    /// The frame was larger than [`super::MAX_CLIENT_FRAME_BYTES`].
    pub const TOO_BIG: u16 = 1009;
    /// The server is closing every socket of a room (clients reconnect and catch up).
    pub const GOING_AWAY: u16 = 1001;
}

/// What to do with a frame a client sent (auto-answered pings never get here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameVerdict {
    Ignore,
    Close { code: u16, reason: &'static str },
}

/// Frames a socket may send per [`FloodGuard::WINDOW_SECONDS`] before it is closed.
pub const MAX_FRAMES_PER_WINDOW: u32 = 20;

/// A socket's frame count in the current window (kept as the socket's attachment, so it
/// survives hibernation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FloodGuard {
    pub window_start: i64,
    pub frames: u32,
}

impl FloodGuard {
    pub const WINDOW_SECONDS: i64 = 10;

    /// Counts a frame at `now` and judges it.
    pub fn judge(&mut self, frame: &str, now: i64) -> FrameVerdict {
        if now - self.window_start >= Self::WINDOW_SECONDS {
            *self = FloodGuard {
                window_start: now,
                frames: 0,
            };
        }
        self.frames += 1;
        if self.frames > MAX_FRAMES_PER_WINDOW {
            return FrameVerdict::Close {
                code: close::POLICY,
                reason: "too many frames",
            };
        }
        if frame.len() > MAX_CLIENT_FRAME_BYTES {
            return FrameVerdict::Close {
                code: close::TOO_BIG,
                reason: "frame too big",
            };
        }
        if frame.trim() == PING {
            return FrameVerdict::Ignore;
        }
        FrameVerdict::Close {
            code: close::UNSUPPORTED,
            reason: "this socket only listens: send nothing but ping",
        }
    }
}

/// A signed permission to join one room until `expires_at`:
/// `<room>.<expires_at>.<key id>.<hex HMAC-SHA256(LiveTicket subkey, room ‖ expiry)>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTicket {
    pub room: String,
    pub expires_at: i64,
    /// The ticket's own random id: a ticket opens one socket, and the room's object refuses a
    /// second socket with the same id.
    pub nonce: String,
}

/// The most sockets one visitor's room holds (tabs of one browser): past it a new socket is
/// refused and that tab falls back to polling.
pub const MAX_VISITOR_SOCKETS: usize = 8;
/// The most sockets the inbox room holds (every console tab of the team).
pub const MAX_INBOX_SOCKETS: usize = 200;

/// The socket cap of `room`.
pub fn max_sockets(room: &str) -> usize {
    if room == INBOX_ROOM {
        MAX_INBOX_SOCKETS
    } else {
        MAX_VISITOR_SOCKETS
    }
}

fn mac(key: &MasterKey, room: &str, expires_at: i64, nonce: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(&key.subkey(Purpose::LiveTicket))
        .expect("HMAC accepts any key length");
    mac.update(b"switchboard-live-v2:");
    mac.update(room.as_bytes());
    mac.update(b":");
    mac.update(expires_at.to_string().as_bytes());
    mac.update(b":");
    mac.update(nonce.as_bytes());
    mac
}

fn valid_nonce(nonce: &str) -> bool {
    (16..=64).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_hexdigit())
}

fn valid_room(room: &str) -> bool {
    room == INBOX_ROOM
        || room
            .strip_prefix("visitor:")
            .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl LiveTicket {
    /// A ticket for `room`, valid for [`TICKET_LIFETIME_SECONDS`] from `now`, with `nonce` (at
    /// least 16 random hex digits from the caller's randomness) as its single-use id.
    pub fn issue(keys: &KeyRing, room: &str, now: i64, nonce: &str) -> String {
        let expires_at = now + TICKET_LIFETIME_SECONDS;
        let tag = hex::encode(
            mac(&keys.current, room, expires_at, nonce)
                .finalize()
                .into_bytes(),
        );
        format!("{room}.{expires_at}.{nonce}.{}.{tag}", keys.current.id())
    }

    /// The room a genuine, unexpired ticket names, and its single-use id.
    pub fn verify(keys: &KeyRing, ticket: &str, now: i64) -> Option<LiveTicket> {
        let mut parts = ticket.rsplitn(5, '.');
        let (tag, key_id, nonce, expires_at, room) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let expires_at: i64 = expires_at.parse().ok()?;
        if !valid_room(room)
            || !valid_nonce(nonce)
            || now > expires_at
            || expires_at > now + TICKET_LIFETIME_SECONDS
        {
            return None;
        }
        let tag = hex::decode(tag).ok()?;
        let key = keys.all().find(|k| k.id() == key_id)?;
        mac(key, room, expires_at, nonce).verify_slice(&tag).ok()?;
        Some(LiveTicket {
            room: room.to_owned(),
            expires_at,
            nonce: nonce.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Author;
    use crate::keys::MasterKey;

    fn keys(seed: u8) -> KeyRing {
        use base64::{engine::general_purpose::STANDARD, Engine};
        KeyRing {
            current: MasterKey::from_base64(&STANDARD.encode([seed; 32])).unwrap(),
            previous: None,
        }
    }

    const VISITOR: &str = "0123456789abcdef0123456789abcdef";
    const NONCE: &str = "00112233445566778899aabbccddeeff";

    #[test]
    fn each_ticket_carries_its_own_id_and_the_id_cannot_be_swapped() {
        let room = visitor_room(VISITOR);
        let a = LiveTicket::issue(&keys(1), &room, 1_000, NONCE);
        let b = LiveTicket::issue(&keys(1), &room, 1_000, "ffeeddccbbaa99887766554433221100");
        assert_ne!(a, b, "two tickets in one second are still two tickets");
        assert_eq!(
            LiveTicket::verify(&keys(1), &a, 1_000).unwrap().nonce,
            NONCE
        );
        let swapped = a.replace(NONCE, "ffeeddccbbaa99887766554433221100");
        assert!(LiveTicket::verify(&keys(1), &swapped, 1_000).is_none());
        let short = LiveTicket::issue(&keys(1), &room, 1_000, "abc");
        assert!(
            LiveTicket::verify(&keys(1), &short, 1_000).is_none(),
            "a guessable id"
        );
        assert_eq!(max_sockets(INBOX_ROOM), MAX_INBOX_SOCKETS);
        assert_eq!(max_sockets(&room), MAX_VISITOR_SOCKETS);
    }

    #[test]
    fn a_ticket_names_its_room_until_it_expires() {
        let room = visitor_room(VISITOR);
        let t = LiveTicket::issue(&keys(1), &room, 1_000, NONCE);
        assert_eq!(LiveTicket::verify(&keys(1), &t, 1_000).unwrap().room, room);
        assert!(LiveTicket::verify(&keys(1), &t, 1_000 + TICKET_LIFETIME_SECONDS).is_some());
        assert!(LiveTicket::verify(&keys(1), &t, 1_001 + TICKET_LIFETIME_SECONDS).is_none());
        let inbox = LiveTicket::issue(&keys(1), INBOX_ROOM, 1_000, NONCE);
        assert_eq!(
            LiveTicket::verify(&keys(1), &inbox, 1_010).unwrap().room,
            "inbox"
        );
    }

    #[test]
    fn a_ticket_cannot_be_moved_to_another_room_or_forged() {
        let t = LiveTicket::issue(&keys(1), &visitor_room(VISITOR), 1_000, NONCE);
        let other = t.replace(VISITOR, "ffffffffffffffffffffffffffffffff");
        assert!(LiveTicket::verify(&keys(1), &other, 1_000).is_none());
        let to_inbox = t.replace(&visitor_room(VISITOR), INBOX_ROOM);
        assert!(LiveTicket::verify(&keys(1), &to_inbox, 1_000).is_none());
        assert!(
            LiveTicket::verify(&keys(2), &t, 1_000).is_none(),
            "another key"
        );
        // A far expiry is refused even when signed (no long-lived tickets).
        let far = LiveTicket::issue(&keys(1), INBOX_ROOM, 5_000, NONCE);
        assert!(LiveTicket::verify(&keys(1), &far, 1_000).is_none());
        for nonsense in ["", "inbox", "inbox.1.2", "a.b.c.d", "visitor:zz.1060.k.00"] {
            assert!(
                LiveTicket::verify(&keys(1), nonsense, 1_000).is_none(),
                "{nonsense}"
            );
        }
    }

    #[test]
    fn the_guard_ignores_pings_and_closes_anything_else_or_a_flood() {
        let mut g = FloodGuard::default();
        assert_eq!(g.judge("ping", 100), FrameVerdict::Ignore);
        assert!(matches!(
            g.judge("{\"subscribe\":\"inbox\"}", 100),
            FrameVerdict::Close {
                code: close::UNSUPPORTED,
                ..
            }
        ));
        assert!(matches!(
            g.judge(&"x".repeat(1000), 100),
            FrameVerdict::Close {
                code: close::TOO_BIG,
                ..
            }
        ));
        let mut g = FloodGuard::default();
        for _ in 0..MAX_FRAMES_PER_WINDOW {
            assert_eq!(g.judge("ping", 200), FrameVerdict::Ignore);
        }
        assert!(matches!(
            g.judge("ping", 205),
            FrameVerdict::Close {
                code: close::POLICY,
                ..
            }
        ));
        // A new window forgives.
        assert_eq!(
            g.judge("ping", 200 + FloodGuard::WINDOW_SECONDS),
            FrameVerdict::Ignore
        );
    }

    #[test]
    fn backoff_doubles_to_a_cap_with_jitter() {
        assert_eq!(backoff_ms(0, 1.0), 1_000);
        assert_eq!(backoff_ms(0, 0.0), 500);
        assert_eq!(backoff_ms(3, 1.0), 8_000);
        assert_eq!(backoff_ms(10, 1.0), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(u32::MAX, 1.0), MAX_BACKOFF_MS);
        assert!(backoff_ms(2, 0.3) >= 2_000 && backoff_ms(2, 0.3) < 4_000);
        assert!(backoff_ms(1, f64::NAN) <= 2_000);
    }

    #[test]
    fn events_are_tagged_json() {
        let e = LiveEvent::message(
            "c1".into(),
            WidgetMessage {
                id: "m1".into(),
                author: Author::Business,
                text: "Hi".into(),
                sent_at: 5,
                attachment: None,
                agent: None,
                quote: None,
                reaction: None,
            },
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["type"], LiveEvent::MESSAGE);
        assert_eq!(json["conversation_id"], "c1");
        assert_eq!(json["message"]["author"], "business");
        let changed: LiveEvent =
            serde_json::from_str(r#"{"type":"changed","conversation_id":null,"change":"status"}"#)
                .unwrap();
        assert_eq!(changed, LiveEvent::changed(None, Change::Status));
        let json =
            serde_json::to_value(LiveEvent::changed(Some("c2".into()), Change::State)).unwrap();
        assert_eq!(json["type"], LiveEvent::CHANGED);
        // What a browser decodes once it has read `type`: the same object, as the variant's body.
        let body: MessagePushed =
            serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(LiveEvent::Message(Box::new(body)), e);
    }
}
