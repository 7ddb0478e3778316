//! Request and response bodies shared by the edge, the widget and the console,
//! so the three cannot drift apart.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::delivery_status::DeliveryStatus;
use crate::manager_links::{DisconnectIntent, ManagerLinks, TwoStepGuidance};
use crate::reset::ResetDays;
use crate::webhook::StatusError;

/// Every error answer: `{"error": "...", "field": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On a 409 for a stale `If-Match`: the version that is current now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
    /// What kind of refusal, for a client that acts on it (sign-in: `core::team::session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberStatus {
    Connected,
    Disconnected,
}

/// A WhatsApp number as the admin API shows it. Never carries the access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberView {
    pub phone_number_id: String,
    pub waba_id: String,
    pub label: String,
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub quality_rating: Option<String>,
    pub status: NumberStatus,
    pub handoff_enabled: bool,
    /// Survey and auto-resolve settings.
    #[serde(default)]
    pub csat: crate::csat::CsatSettings,
    /// Opening a conversation marks the customer's last message read (blue ticks).
    #[serde(default = "on")]
    pub read_receipts: bool,
    /// This number's own reset rule; `None` follows the project default.
    pub reset_days: Option<ResetDays>,
    pub effective_reset_days: ResetDays,
    pub manager_links: ManagerLinks,
    pub connected_at: i64,
    pub disconnected_at: Option<i64>,
    /// Send it back as `If-Match` with a change: a change made meanwhile then answers 409.
    #[serde(default)]
    pub version: u64,
}

/// `true`, for settings that are on unless turned off.
pub(crate) fn on() -> bool {
    true
}

/// The answer to `DELETE /api/admin/numbers/<id>?intent=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisconnectOutcome {
    pub number: NumberView,
    pub intent: DisconnectIntent,
    pub two_step_verification: TwoStepGuidance,
    /// Conversations and messages stay stored and readable.
    pub conversations_kept: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Messenger,
    Whatsapp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

/// Why a conversation closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// A new message came more than `reset_days` after the previous one.
    Reset,
    /// An agent closed it.
    Agent,
    /// The WhatsApp user's previous conversation, superseded by a handoff into this number.
    Handoff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationView {
    pub id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub close_reason: Option<CloseReason>,
    pub phone_number_id: Option<String>,
    pub wa_id: Option<String>,
    pub contact_name: Option<String>,
    pub visitor_id: Option<String>,
    /// Set when a Messenger conversation continued on WhatsApp.
    pub handed_off_at: Option<i64>,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub last_message_at: i64,
    /// The user's last message (the 24-hour reply window counts from here).
    pub last_inbound_at: Option<i64>,
    /// The business's last message.
    #[serde(default)]
    pub last_outbound_at: Option<i64>,
    pub message_count: i64,
    /// The website visitor said the WhatsApp number it continued with is not theirs.
    #[serde(default)]
    pub link_disputed_at: Option<i64>,
    /// An agent undid the handoff link: the conversation is back on the Messenger.
    #[serde(default)]
    pub unlinked_at: Option<i64>,
    /// An agent offered the visitor to continue on WhatsApp (the newest offer), Messenger only.
    #[serde(default)]
    pub handoff_offered_at: Option<i64>,
    /// It opened while the business was closed (outside its opening hours).
    #[serde(default)]
    pub opened_after_hours: bool,
    /// The click-to-WhatsApp ad or post the customer came from (their first message's).
    #[serde(default)]
    pub referral: Option<crate::webhook::Referral>,
    /// The member it is assigned to (their email), if any.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The customer's messages the member asking has not seen (in the list only).
    #[serde(default)]
    pub unread: i64,
    /// The newest message, for the inbox row (in the list only).
    #[serde(default)]
    pub last_message: Option<LastMessage>,
    /// WhatsApp: the customer's username (`contacts[].profile.username`, the newest seen), if
    /// they adopted one. For display: it can change.
    #[serde(default)]
    pub username: Option<String>,
    /// WhatsApp: the customer's phone number, when known (a username-only customer's `wa_id` is
    /// their business-scoped user ID, and this is empty).
    #[serde(default)]
    pub phone: Option<String>,
}

/// One line of the newest message of a conversation, as the inbox row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastMessage {
    /// `inbound` (the customer) or `outbound` (the business).
    pub direction: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
    /// The agent who sent it, for an agent's message.
    #[serde(default)]
    pub author_name: Option<String>,
    pub sent_at: i64,
}

/// `GET /api/admin/unread`: the conversations with messages the member has not seen (open,
/// unassigned or theirs) — the tab title's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCount {
    pub conversations: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub wamid: Option<String>,
    pub channel: Channel,
    pub direction: Direction,
    /// `text`, `image`, …, or the type Meta sent that we do not know.
    #[serde(rename = "type")]
    pub kind: String,
    pub text: Option<String>,
    /// The typed content (see `webhook::MessageContent`), for media, locations and the like.
    pub content: Option<Value>,
    pub reply_to: Option<String>,
    /// The message's own time (Meta's timestamp for WhatsApp), unix seconds.
    pub sent_at: i64,
    pub received_at: i64,
    pub status: Option<DeliveryStatus>,
    pub error: Option<StatusError>,
    /// Its place in the thread (`?before=` / `?since=` take it).
    #[serde(default)]
    pub cursor: String,
    /// A WhatsApp message of a link an agent undid: kept in the conversation, from an account
    /// that turned out not to be the visitor's.
    #[serde(default)]
    pub detached: bool,
    /// The file behind a media message or attachment, once known.
    #[serde(default)]
    pub media: Option<MediaView>,
    /// Who sent an agent's message: their display name then ("Admin" for the admin token).
    #[serde(default)]
    pub author_name: Option<String>,
    #[serde(default)]
    pub author_email: Option<String>,
    /// When the sender last edited it; `text` and `content` say what it says now.
    #[serde(default)]
    pub edited_at: Option<i64>,
    /// What it said before each edit, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edit_history: Vec<EditedVersion>,
    /// When the sender deleted it for everyone (WhatsApp's "revoke").
    #[serde(default)]
    pub revoked_at: Option<i64>,
    /// The emoji each side put on it.
    #[serde(default)]
    pub reactions: Reactions,
}

/// What a message said before an edit replaced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditedVersion {
    pub text: Option<String>,
    #[serde(default)]
    pub content: Option<Value>,
    /// The time of the edit that replaced it.
    pub until: i64,
}

/// The reactions on a message: at most one per side, as WhatsApp allows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reactions {
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
}

/// A message's file: where it stands, and what the console needs to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaView {
    /// `pending`, `fetching`, `stored` or `unavailable`.
    pub state: String,
    pub kind: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub size: Option<i64>,
    /// Why it is unavailable, or what the last failed attempt said.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationDetail {
    pub conversation: ConversationView,
    /// One page of the thread, oldest first: the newest messages, or those before `?before=`,
    /// or every message from `?since=` on.
    pub messages: Vec<MessageView>,
    /// Pass as `?before=` for the page before this one; `None` when there is nothing older.
    #[serde(default)]
    pub older: Option<String>,
    /// What agents did besides messages (notes, close, reopen, assignment…), oldest first: the
    /// newest 200.
    #[serde(default)]
    pub activity: Vec<ActivityView>,
}

/// One thing an agent did in a conversation that is not a message. A `note` is private: it is
/// never sent to WhatsApp or the Messenger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: String,
    /// `note`, `closed`, `reopened`, `unlinked`, `retried`, `assigned` or `unassigned`.
    pub kind: String,
    pub actor_name: String,
    #[serde(default)]
    pub actor_email: Option<String>,
    /// A note's text; for an assignment, the assignee's email.
    #[serde(default)]
    pub body: Option<String>,
    pub at: i64,
}

/// Where a page of a thread starts or ends: a message's time and its storage order, as text
/// (`<sent_at>.<seq>`) so clients pass it back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadCursor {
    pub sent_at: i64,
    pub seq: i64,
}

impl ThreadCursor {
    pub fn parse(text: &str) -> Option<Self> {
        let (sent_at, seq) = text.split_once('.')?;
        Some(Self {
            sent_at: sent_at.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl std::fmt::Display for ThreadCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.sent_at, self.seq)
    }
}

/// `POST /api/admin/conversations/<id>/messages`: a free-form text, or (outside
/// WhatsApp's 24-hour window) one of the number's approved templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentReply {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub template: Option<TemplateChoice>,
    /// Idempotency key (1–64 characters) chosen by the client for this reply: the same key again
    /// (a double click, a retried request) answers with the message already stored and sends
    /// nothing twice.
    #[serde(default)]
    pub client_key: Option<String>,
    /// A message of the thread (our id) this reply quotes; WhatsApp shows it above the reply.
    #[serde(default)]
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub name: String,
    pub language: String,
    /// Values for the body's `{{1}}`, `{{2}}`, … in order.
    #[serde(default)]
    pub parameters: Vec<String>,
}

/// How many numbered placeholders (`{{1}}`, `{{2}}`, …) a template body has: the highest number used.
pub fn template_placeholders(body: &str) -> usize {
    let mut highest = 0;
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        if let Some(end) = rest.find("}}") {
            if let Ok(n) = rest[..end].trim().parse::<usize>() {
                highest = highest.max(n);
            }
            rest = &rest[end + 2..];
        }
    }
    highest
}

/// WhatsApp allows free-form replies only this long after the user's last message.
pub const REPLY_WINDOW_SECONDS: i64 = 24 * 60 * 60;

/// True when a free-form WhatsApp reply is still allowed at `now`.
pub fn within_reply_window(last_inbound_at: Option<i64>, now: i64) -> bool {
    last_inbound_at.is_some_and(|t| now - t < REPLY_WINDOW_SECONDS)
}

/// `POST /api/widget/session`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSessionRequest {
    /// The token from an earlier visit, if the widget has one.
    pub visitor_token: Option<String>,
    /// The script tag's `data-number` (a phone number id or a label).
    pub number: Option<String>,
    /// The script tag's `data-lang`, when the site chose the language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The browser's languages (`navigator.languages`), most preferred first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSession {
    pub visitor_token: String,
    pub business_name: String,
    pub greeting: String,
    /// The owner's accent, darkened if it had to be for its text to reach 4.5:1.
    pub accent_color: String,
    /// The text colour on the accent (`contrast::accent_pair`).
    #[serde(default = "white")]
    pub accent_text: String,
    /// Present when "Continue on WhatsApp" may be offered.
    pub handoff: Option<HandoffTarget>,
    /// Present when a new visitor must pass a Cloudflare Turnstile challenge before their
    /// first message (the Messenger renders it with this site key).
    #[serde(default)]
    pub turnstile_site_key: Option<String>,
    /// The language the visitor is served in (one of `language::LANGUAGES`); the business
    /// name, greeting and the texts below are in it when the owner wrote them in it.
    #[serde(default = "default_language")]
    pub language: String,
    /// The owner's rating question; `None` for the Messenger's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_question: Option<String>,
    /// The owner's away message, shown outside opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_message: Option<String>,
    /// Whether the team is in now, when the owner set opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<WidgetHours>,
    /// "Usually replies within …", when the owner shows it and there is a measured median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_time: Option<crate::reply_time::ReplyTime>,
}

/// Opening hours as the Messenger shows them: open or not, and when that changes (Unix ms;
/// the Messenger words it in the visitor's own time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetHours {
    pub open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_at_ms: Option<i64>,
}

impl WidgetHours {
    /// From the hours' status; `None` when there are no hours (always open).
    pub fn from_status(status: crate::opening_hours::HoursStatus) -> Option<Self> {
        use crate::opening_hours::HoursStatus;
        match status {
            HoursStatus::AlwaysOpen => None,
            HoursStatus::Open { closes_at_ms } => Some(Self {
                open: true,
                changes_at_ms: closes_at_ms,
            }),
            HoursStatus::Closed { opens_at_ms } => Some(Self {
                open: false,
                changes_at_ms: opens_at_ms,
            }),
        }
    }
}

fn white() -> String {
    crate::contrast::LIGHT_TEXT.to_owned()
}

fn default_language() -> String {
    crate::language::DEFAULT_LANGUAGE.to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffTarget {
    pub phone_number_id: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Visitor,
    Business,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetMessage {
    pub id: String,
    pub author: Author,
    pub text: String,
    pub sent_at: i64,
    /// A file sent with the message (read it from `GET /api/widget/media/<id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<WidgetAttachment>,
    /// The agent's display name on a reply (unless the owner hides names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The message this one quotes (an agent's reply to a specific message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<crate::messenger_quote::WidgetQuote>,
    /// The business's emoji on this (visitor's) message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
}

/// A file in the Messenger: an image shown, anything else a download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetAttachment {
    pub kind: String,
    pub mime_type: String,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub size: Option<i64>,
}

/// `GET /api/widget/conversation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConversation {
    /// The newest messages (or those before `?before=`), oldest first.
    pub messages: Vec<WidgetMessage>,
    /// Pass as `?before=` for earlier messages; `None` when there are none.
    #[serde(default)]
    pub older: Option<String>,
    /// Set once the conversation continued on WhatsApp: the widget then only links there.
    pub continued_on_whatsapp: Option<ContinuedOnWhatsapp>,
    /// The survey of this (resolved) conversation, when the business asks for ratings.
    #[serde(default)]
    pub survey: Option<WidgetSurvey>,
    /// An agent offered to continue on WhatsApp: the Messenger asks for a handoff code as if the
    /// visitor had pressed the button, and shows it with its QR code (open conversations only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub handoff_offered: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A rating the Messenger asks for: 1–5, answered or not yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSurvey {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub score: Option<u8>,
}

/// `POST /api/widget/rating`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRequest {
    pub survey_id: String,
    pub score: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinuedOnWhatsapp {
    pub wa_link: String,
    pub display_phone_number: String,
    /// The WhatsApp number the conversation continued with, masked (`+49 ••• ••34`), so the
    /// visitor can tell whether it was them.
    #[serde(default)]
    pub continued_with: Option<String>,
    /// The visitor has said "Not me"; the business was asked to check.
    #[serde(default)]
    pub reported_not_me: bool,
}

/// `POST /api/widget/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorMessage {
    pub text: String,
    /// The Turnstile response token, with a new visitor's first message when Turnstile is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile_token: Option<String>,
}

/// `POST /api/widget/handoff`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffRequest {
    pub number: Option<String>,
    /// The prepared WhatsApp message in the visitor's language, with `{code}` where the code
    /// goes (the Messenger's `wa_prefill`); English when absent or unusable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<String>,
    /// As with [`VisitorMessage`]: needed when a new visitor's first act is the handoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffOffer {
    pub code: String,
    pub wa_link: String,
    /// The link as a QR code (SVG document) for scanning from a desktop.
    pub qr_svg: String,
    pub expires_at: i64,
}

/// The longest message a visitor or agent may send (WhatsApp's own text limit).
pub const MAX_TEXT_CHARS: usize = 4096;

/// Trims a visitor's or agent's text and checks it is 1–4096 characters.
pub fn checked_text(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text.chars().count() <= MAX_TEXT_CHARS).then_some(text)
}

/// `GET /api/admin/stats`: why the reset rule matters, per number, over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberStats {
    pub phone_number_id: String,
    pub conversations_opened: i64,
    pub resets_applied: i64,
    /// Median seconds from a conversation opening to the first agent reply; `None` with no replies.
    pub median_first_response_seconds: Option<i64>,
}

/// The median of whole seconds (the lower middle for an even count), `None` when empty.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// `GET /healthz`: whether the deployment answers and is set up (names, never secret values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HealthReport {
    pub version: String,
    pub ready: bool,
    pub kv: bool,
    pub d1: bool,
    #[serde(default)]
    pub secrets_missing: Vec<String>,
    #[serde(default)]
    pub secrets_malformed: Vec<String>,
    #[serde(default)]
    pub migrations_pending: Vec<String>,
}

#[cfg(test)]
mod cursor_tests {
    use super::ThreadCursor;

    #[test]
    fn cursors_round_trip_and_nonsense_is_refused() {
        let c = ThreadCursor {
            sent_at: 1_780_000_000,
            seq: 42,
        };
        assert_eq!(ThreadCursor::parse(&c.to_string()), Some(c));
        for bad in ["", "1", "a.b", "1.2.3", "9999999999999999999999.1"] {
            assert_eq!(ThreadCursor::parse(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholders_count_the_highest_number() {
        assert_eq!(template_placeholders("Hello!"), 0);
        assert_eq!(
            template_placeholders("Hi {{1}}, your order {{2}} ships {{ 3 }}."),
            3
        );
        assert_eq!(template_placeholders("{{2}} then {{1}} again {{2}}"), 2);
        assert_eq!(template_placeholders("broken {{1"), 0);
    }

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![30, 10, 20]), Some(20));
        assert_eq!(median(vec![40, 10, 20, 30]), Some(25));
    }

    #[test]
    fn the_reply_window_is_24_hours_from_the_last_customer_message() {
        assert!(within_reply_window(
            Some(1_000),
            1_000 + REPLY_WINDOW_SECONDS - 1
        ));
        assert!(!within_reply_window(
            Some(1_000),
            1_000 + REPLY_WINDOW_SECONDS
        ));
        assert!(!within_reply_window(None, 0));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(checked_text("  hi "), Some("hi"));
        assert_eq!(checked_text("   "), None);
        assert!(checked_text(&"x".repeat(MAX_TEXT_CHARS)).is_some());
        assert!(checked_text(&"x".repeat(MAX_TEXT_CHARS + 1)).is_none());
    }
}
