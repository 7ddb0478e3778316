//! The Messenger's state and its transitions, free of any browser type so they
//! are unit-tested natively. The view dispatches [`Action`]s; [`Chat::apply`]
//! is the only place the state changes.

use switchboard_core::api::{
    Author, ContinuedOnWhatsapp, HandoffOffer, WidgetConversation, WidgetMessage, WidgetSession,
    WidgetSurvey,
};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chat {
    pub open: bool,
    pub session: Option<WidgetSession>,
    pub messages: Vec<WidgetMessage>,
    /// Earlier messages the visitor asked for ("Earlier messages"), before `messages`.
    pub earlier: Vec<WidgetMessage>,
    /// Where the next earlier page starts; `None` when there is nothing earlier.
    pub older: Option<String>,
    /// Messages the visitor sent that the edge has not confirmed yet, or that failed.
    pub outbox: Vec<Outgoing>,
    pub continued_on_whatsapp: Option<ContinuedOnWhatsapp>,
    /// The rating the business asks for once the conversation is resolved.
    pub survey: Option<WidgetSurvey>,
    pub handoff: Handoff,
    /// An agent offered to continue on WhatsApp (as the conversation last read says).
    pub offered: bool,
    /// A handoff code was asked for on this page: an agent's offer is taken up at most once
    /// (not again after a refusal, nor once the visitor asked).
    pub asked_for_code: bool,
    /// A problem to show (connection lost, refused), cleared by the next success.
    pub notice: Option<Notice>,
    /// The newest business message that arrived while the panel was showing, for screen
    /// readers to announce once (the history shown on opening is not announced, and neither
    /// is anything the visitor wrote).
    pub announce: Option<WidgetMessage>,
    /// The conversation has been loaded once: later business messages are new.
    pub loaded: bool,
    /// The token of a passed Turnstile challenge, for a new visitor's first message.
    pub turnstile_token: Option<String>,
}

/// A problem the visitor is told about, in their language (the view picks the words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The edge could not be reached.
    Offline,
    /// The edge answered something this Messenger does not understand.
    NotUnderstood,
    /// Rate-limited (429).
    TooFast,
    /// The visitor's token is no longer accepted (401).
    Session,
    /// Refused here, or not set up (403, 503).
    Unavailable,
    /// The Turnstile check did not pass.
    Check,
    /// Anything else.
    Generic,
    FileType,
    FileEmpty,
    FileTooBig,
    FileSend,
    FileLoad,
}

impl Notice {
    /// The notice for a refused answer: a Turnstile check that did not pass (the error names
    /// the `turnstile_token` field), else what its status means.
    pub fn refused(status: u16, field: Option<&str>) -> Self {
        if field == Some("turnstile_token") {
            return Notice::Check;
        }
        Self::from_status(status)
    }

    /// The notice for a failed answer's status.
    pub fn from_status(status: u16) -> Self {
        match status {
            0 => Notice::Offline,
            401 => Notice::Session,
            403 | 503 => Notice::Unavailable,
            413 => Notice::FileTooBig,
            415 => Notice::FileType,
            429 => Notice::TooFast,
            _ => Notice::Generic,
        }
    }

    /// The notice for a file the core's check refused.
    pub fn from_file_problem(problem: switchboard_core::media::FileProblem) -> Self {
        use switchboard_core::media::FileProblem;
        match problem {
            FileProblem::Type => Notice::FileType,
            FileProblem::Empty => Notice::FileEmpty,
            FileProblem::TooBig => Notice::FileTooBig,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub local_id: u32,
    pub text: String,
    pub failed: bool,
    /// A file on its way: how much is uploaded, in percent (a file is not retried: the visitor
    /// picks it again).
    pub upload: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Handoff {
    #[default]
    Idle,
    Requesting,
    Offered(HandoffOffer),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Toggle,
    SessionStarted(WidgetSession),
    ConversationLoaded(WidgetConversation),
    /// A page of earlier messages arrived.
    EarlierLoaded(WidgetConversation),
    Sending {
        local_id: u32,
        text: String,
    },
    Sent {
        local_id: u32,
        message: WidgetMessage,
    },
    SendFailed {
        local_id: u32,
        reason: Notice,
    },
    Retry {
        local_id: u32,
    },
    HandoffRequested,
    HandoffOffered(HandoffOffer),
    HandoffFailed(Notice),
    Problem(Notice),
    TurnstilePassed(String),
    /// A file the visitor chose is being uploaded.
    Uploading {
        local_id: u32,
        name: String,
    },
    Progress {
        local_id: u32,
        percent: u8,
    },
    /// A message pushed over the live socket (a reply, or the visitor's own from another tab),
    /// or one shown already, again with the business's reaction.
    Pushed(WidgetMessage),
}

impl Chat {
    /// Everything to show, oldest first: the earlier pages, then the newest page (a message in
    /// both, as the newest page moves on, shows once).
    pub fn history(&self) -> impl Iterator<Item = &WidgetMessage> {
        self.earlier
            .iter()
            .filter(|e| !self.messages.iter().any(|m| m.id == e.id))
            .chain(&self.messages)
    }

    /// True while the visitor may still type here (not handed off, and past Turnstile if asked).
    pub fn composer_enabled(&self) -> bool {
        self.session.is_some()
            && self.continued_on_whatsapp.is_none()
            && (!self.needs_turnstile() || self.turnstile_token.is_some())
    }

    /// The project asks new visitors for a Turnstile challenge and this one has written nothing yet.
    pub fn needs_turnstile(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.turnstile_site_key.is_some())
            && self.messages.is_empty()
            && self.earlier.is_empty()
            && self.continued_on_whatsapp.is_none()
    }

    /// "Continue on WhatsApp" shows only when the edge offered a number and the conversation has not moved yet.
    pub fn handoff_available(&self) -> bool {
        self.continued_on_whatsapp.is_none()
            && self.session.as_ref().is_some_and(|s| s.handoff.is_some())
    }

    /// An agent's offer the Messenger should take up now: handoff is available and no code is
    /// being asked for or shown.
    pub fn takes_up_offer(&self) -> bool {
        self.offered
            && !self.asked_for_code
            && self.handoff == Handoff::Idle
            && self.handoff_available()
    }

    pub fn apply(mut self, action: Action) -> Self {
        match action {
            Action::Toggle => self.open = !self.open,
            Action::SessionStarted(session) => {
                self.session = Some(session);
                self.notice = None;
            }
            Action::ConversationLoaded(conversation) => {
                // A reply found by a reload (after a reconnection, or by polling) is new too.
                if self.loaded {
                    let newest = conversation
                        .messages
                        .iter()
                        .rfind(|m| m.author == Author::Business)
                        .filter(|m| !self.history().any(|h| h.id == m.id));
                    if let Some(m) = newest {
                        self.announce = Some(m.clone());
                    }
                }
                self.loaded = true;
                // Until the visitor has paged back, the newest page says what is older.
                if self.earlier.is_empty() {
                    self.older = conversation.older;
                }
                self.messages = conversation.messages;
                // Drop outgoing messages the server now lists.
                let confirmed: Vec<&str> = self
                    .messages
                    .iter()
                    .filter(|m| m.author == Author::Visitor)
                    .map(|m| m.text.as_str())
                    .collect();
                self.outbox
                    .retain(|o| o.failed || !confirmed.contains(&o.text.as_str()));
                if conversation.continued_on_whatsapp.is_some() {
                    self.handoff = Handoff::Idle;
                    self.outbox.clear();
                }
                self.continued_on_whatsapp = conversation.continued_on_whatsapp;
                self.offered = conversation.handoff_offered;
                self.survey = conversation.survey;
                // A reload succeeding says nothing of a message that failed: its notice stays
                // until that message is sent (or another problem replaces it).
                if !self.outbox.iter().any(|o| o.failed) {
                    self.notice = None;
                }
            }
            Action::TurnstilePassed(token) => {
                self.turnstile_token = Some(token);
            }
            Action::EarlierLoaded(page) => {
                let mut earlier = page.messages;
                earlier.append(&mut self.earlier);
                self.earlier = earlier;
                self.older = page.older;
            }
            Action::Sending { local_id, text } => {
                self.outbox.push(Outgoing {
                    local_id,
                    text,
                    failed: false,
                    upload: None,
                });
            }
            Action::Uploading { local_id, name } => {
                self.outbox.push(Outgoing {
                    local_id,
                    text: name,
                    failed: false,
                    upload: Some(0),
                });
            }
            Action::Progress { local_id, percent } => {
                if let Some(o) = self.outbox.iter_mut().find(|o| o.local_id == local_id) {
                    o.upload = Some(percent.min(100));
                }
            }
            Action::Sent { local_id, message } => {
                self.outbox.retain(|o| o.local_id != local_id);
                if !self.messages.iter().any(|m| m.id == message.id) {
                    self.messages.push(message);
                }
                self.notice = None;
            }
            Action::SendFailed { local_id, reason } => {
                if let Some(o) = self.outbox.iter_mut().find(|o| o.local_id == local_id) {
                    o.failed = true;
                }
                self.notice = Some(reason);
            }
            Action::Retry { local_id } => {
                if let Some(o) = self.outbox.iter_mut().find(|o| o.local_id == local_id) {
                    o.failed = false;
                }
            }
            Action::HandoffRequested => {
                self.handoff = Handoff::Requesting;
                self.asked_for_code = true;
            }
            Action::HandoffOffered(offer) => self.handoff = Handoff::Offered(offer),
            Action::HandoffFailed(reason) => {
                self.handoff = Handoff::Idle;
                self.notice = Some(reason);
            }
            Action::Problem(reason) => self.notice = Some(reason),
            Action::Pushed(message) => {
                // A message shown already comes again when it changed (the business reacted to
                // it): shown as it is now, in its place, and not announced again.
                if let Some(shown) = self
                    .messages
                    .iter_mut()
                    .chain(self.earlier.iter_mut())
                    .find(|m| m.id == message.id)
                {
                    *shown = message;
                } else if self.older.is_some()
                    && self
                        .history()
                        .next()
                        .is_some_and(|f| message.sent_at < f.sent_at)
                {
                    // On a page not loaded (a reaction on an old message): shown with that page.
                } else {
                    if message.author == Author::Business {
                        self.announce = Some(message.clone());
                    }
                    if message.author == Author::Visitor {
                        // This tab's own message, pushed before its POST answered.
                        if let Some(i) = self
                            .outbox
                            .iter()
                            .position(|o| !o.failed && o.text == message.text)
                        {
                            self.outbox.remove(i);
                        }
                    }
                    // In time order, after any message of the same instant (the log is sorted).
                    let at = self
                        .messages
                        .partition_point(|m| m.sent_at <= message.sent_at);
                    self.messages.insert(at, message);
                }
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::api::HandoffTarget;

    fn session(handoff: bool) -> WidgetSession {
        WidgetSession {
            visitor_token: "t".into(),
            business_name: "Shop".into(),
            greeting: "Hi".into(),
            accent_color: "#000000".into(),
            accent_text: "#ffffff".into(),
            handoff: handoff.then(|| HandoffTarget {
                phone_number_id: "1".into(),
                label: "Support".into(),
            }),
            turnstile_site_key: None,
            language: "en".into(),
            rating_question: None,
            away_message: None,
            hours: None,
            reply_time: None,
        }
    }

    /// A conversation of `messages` with nothing else on it (no older page, handoff, survey or
    /// offer); a test sets what it needs with `..conversation(…)`.
    fn conversation(messages: Vec<WidgetMessage>) -> WidgetConversation {
        WidgetConversation {
            messages,
            older: None,
            continued_on_whatsapp: None,
            survey: None,
            handoff_offered: false,
        }
    }

    fn message(id: &str, author: Author, text: &str) -> WidgetMessage {
        WidgetMessage {
            id: id.into(),
            author,
            text: text.into(),
            sent_at: 0,
            attachment: None,
            agent: None,
            quote: None,
            reaction: None,
        }
    }

    #[test]
    fn a_reaction_pushed_later_changes_the_shown_message_in_its_place_unannounced() {
        let earlier = message("m0", Author::Visitor, "Hello?");
        let asked = message("m1", Author::Visitor, "In stock?");
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::ConversationLoaded(WidgetConversation {
                older: Some("c".into()),
                ..conversation(vec![asked.clone()])
            }))
            .apply(Action::EarlierLoaded(conversation(vec![earlier.clone()])));
        let mut liked = asked.clone();
        liked.reaction = Some("👍".into());
        let mut old_liked = earlier.clone();
        old_liked.reaction = Some("❤️".into());
        let chat = chat
            .apply(Action::Pushed(liked))
            .apply(Action::Pushed(old_liked));
        let shown: Vec<(&str, Option<&str>)> = chat
            .history()
            .map(|m| (m.id.as_str(), m.reaction.as_deref()))
            .collect();
        assert_eq!(shown, [("m0", Some("❤️")), ("m1", Some("👍"))]);
        assert_eq!(chat.announce, None);
        // Taken off again.
        let chat = chat.apply(Action::Pushed(asked));
        assert_eq!(chat.messages[0].reaction, None);
    }

    #[test]
    fn a_reaction_on_a_message_of_a_page_not_loaded_waits_for_that_page() {
        let mut shown = message("m9", Author::Visitor, "Newest");
        shown.sent_at = 90;
        let chat = Chat::default().apply(Action::ConversationLoaded(WidgetConversation {
            older: Some("c".into()),
            ..conversation(vec![shown])
        }));
        let mut old = message("m1", Author::Visitor, "Long ago");
        old.sent_at = 10;
        old.reaction = Some("👍".into());
        let chat = chat.apply(Action::Pushed(old));
        let ids: Vec<&str> = chat.history().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m9"]);
    }

    #[test]
    fn a_sent_message_leaves_the_outbox_once_confirmed() {
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::Sending {
                local_id: 1,
                text: "hello".into(),
            });
        assert_eq!(chat.outbox.len(), 1);
        let chat = chat.apply(Action::Sent {
            local_id: 1,
            message: message("m1", Author::Visitor, "hello"),
        });
        assert!(chat.outbox.is_empty());
        assert_eq!(chat.messages.len(), 1);
    }

    #[test]
    fn a_pushed_reply_shows_once_however_it_arrives() {
        let mut reply = message("m2", Author::Business, "Yes, 3 left.");
        reply.sent_at = 20;
        let mut asked = message("m1", Author::Visitor, "In stock?");
        asked.sent_at = 10;
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::Pushed(reply.clone()))
            .apply(Action::Pushed(reply.clone()));
        assert_eq!(chat.messages.len(), 1, "pushed twice, shown once");
        // The catch-up read after a reconnect lists it again: still once, in order.
        let chat = chat
            .apply(Action::Pushed(asked.clone()))
            .apply(Action::ConversationLoaded(conversation(vec![
                asked.clone(),
                reply.clone(),
            ])));
        let ids: Vec<&str> = chat.history().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m1", "m2"]);
    }

    #[test]
    fn the_visitors_own_message_pushed_before_its_answer_leaves_the_outbox() {
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::Sending {
                local_id: 1,
                text: "hello".into(),
            })
            .apply(Action::Pushed(message("m1", Author::Visitor, "hello")));
        assert!(chat.outbox.is_empty());
        let chat = chat.apply(Action::Sent {
            local_id: 1,
            message: message("m1", Author::Visitor, "hello"),
        });
        assert_eq!(chat.messages.len(), 1);
    }

    #[test]
    fn an_upload_shows_its_progress_then_becomes_the_message() {
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::Uploading {
                local_id: 3,
                name: "invoice.pdf".into(),
            })
            .apply(Action::Progress {
                local_id: 3,
                percent: 40,
            });
        assert_eq!(chat.outbox[0].upload, Some(40));
        let chat = chat.apply(Action::Sent {
            local_id: 3,
            message: message("m9", Author::Visitor, ""),
        });
        assert!(chat.outbox.is_empty());
        assert_eq!(chat.messages.len(), 1);
    }

    #[test]
    fn a_failed_message_stays_with_a_notice_and_can_be_retried() {
        let chat = Chat::default()
            .apply(Action::Sending {
                local_id: 7,
                text: "are you there?".into(),
            })
            .apply(Action::SendFailed {
                local_id: 7,
                reason: Notice::Offline,
            });
        assert!(chat.outbox[0].failed);
        assert_eq!(chat.notice, Some(Notice::Offline));
        let chat = chat.apply(Action::Retry { local_id: 7 });
        assert!(!chat.outbox[0].failed);
    }

    #[test]
    fn a_new_visitor_writes_only_after_passing_turnstile_when_asked() {
        let asked = WidgetSession {
            turnstile_site_key: Some("0x4AAAAAAA".into()),
            ..session(false)
        };
        let chat = Chat::default().apply(Action::SessionStarted(asked.clone()));
        assert!(chat.needs_turnstile());
        assert!(!chat.composer_enabled());
        let chat = chat.apply(Action::TurnstilePassed("token".into()));
        assert!(chat.composer_enabled());
        // A returning visitor (who has written before) is not asked.
        let returning =
            Chat::default()
                .apply(Action::SessionStarted(asked))
                .apply(Action::ConversationLoaded(conversation(vec![message(
                    "m1",
                    Author::Visitor,
                    "hi",
                )])));
        assert!(!returning.needs_turnstile());
        assert!(returning.composer_enabled());
    }

    #[test]
    fn earlier_pages_go_before_the_newest_and_show_each_message_once() {
        let page = |ids: &[&str], older: Option<&str>| WidgetConversation {
            messages: ids
                .iter()
                .map(|id| message(id, Author::Visitor, id))
                .collect(),
            older: older.map(str::to_owned),
            continued_on_whatsapp: None,
            survey: None,
            handoff_offered: false,
        };
        let chat =
            Chat::default().apply(Action::ConversationLoaded(page(&["m3", "m4"], Some("c3"))));
        assert_eq!(chat.older.as_deref(), Some("c3"));
        let chat = chat.apply(Action::EarlierLoaded(page(&["m1", "m2"], None)));
        assert_eq!(chat.older, None);
        // The newest page moves on (m5 arrives) and still overlaps nothing twice.
        let chat = chat.apply(Action::ConversationLoaded(page(
            &["m2", "m3", "m4", "m5"],
            Some("c2"),
        )));
        let ids: Vec<&str> = chat.history().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m1", "m2", "m3", "m4", "m5"]);
        assert_eq!(chat.older, None, "paged back to the start: stays so");
    }

    #[test]
    fn handoff_is_offered_only_with_a_number_and_ends_the_composer_for_good() {
        let chat = Chat::default().apply(Action::SessionStarted(session(false)));
        assert!(!chat.handoff_available());
        let chat = chat.apply(Action::SessionStarted(session(true)));
        assert!(chat.handoff_available() && chat.composer_enabled());
        let chat = chat.apply(Action::ConversationLoaded(WidgetConversation {
            older: None,
            messages: vec![message("m1", Author::Visitor, "hi")],
            continued_on_whatsapp: Some(ContinuedOnWhatsapp {
                wa_link: "https://wa.me/1".into(),
                display_phone_number: "+1".into(),
                continued_with: None,
                reported_not_me: false,
            }),
            survey: None,
            handoff_offered: false,
        }));
        assert!(!chat.handoff_available());
        assert!(!chat.composer_enabled());
        assert_eq!(chat.messages.len(), 1, "the history stays visible");
    }

    #[test]
    fn an_agents_offer_is_taken_up_once_and_only_where_handoff_is_available() {
        let offered = |on: bool| {
            Action::ConversationLoaded(WidgetConversation {
                handoff_offered: on,
                ..conversation(vec![message("m1", Author::Visitor, "hi")])
            })
        };
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(offered(true));
        assert!(
            !chat.takes_up_offer(),
            "this page offers no number: nothing to ask for"
        );
        let chat = chat
            .apply(Action::SessionStarted(session(true)))
            .apply(offered(false));
        assert!(!chat.takes_up_offer(), "no offer");
        let chat = chat.apply(offered(true));
        assert!(chat.takes_up_offer());
        let chat = chat.apply(Action::HandoffRequested);
        assert!(!chat.takes_up_offer(), "already asking for the code");
        let chat = chat.apply(Action::HandoffFailed(Notice::TooFast));
        assert_eq!(chat.notice, Some(Notice::TooFast), "a refusal is told");
        assert!(!chat.takes_up_offer(), "and not asked again by itself");
        let chat = chat.apply(offered(true));
        assert!(
            !chat.takes_up_offer(),
            "not even when the offer is read again"
        );
        assert!(chat.handoff_available(), "the visitor's own button stays");
    }

    #[test]
    fn a_reload_does_not_hide_why_a_message_was_not_sent() {
        let loaded =
            || Action::ConversationLoaded(conversation(vec![message("m1", Author::Visitor, "hi")]));
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::Sending {
                local_id: 1,
                text: "Hello?".into(),
            })
            .apply(Action::SendFailed {
                local_id: 1,
                reason: Notice::Generic,
            })
            // A reply pushed meanwhile makes the Messenger read its conversation again.
            .apply(loaded());
        assert_eq!(chat.notice, Some(Notice::Generic), "still told why");
        let chat = chat
            .apply(Action::Retry { local_id: 1 })
            .apply(Action::Sent {
                local_id: 1,
                message: message("m2", Author::Visitor, "Hello?"),
            });
        assert_eq!(chat.notice, None, "sent: the notice goes");
        assert_eq!(chat.apply(loaded()).notice, None);
    }

    #[test]
    fn a_refused_turnstile_check_is_told_apart_from_other_refusals() {
        assert_eq!(Notice::refused(403, Some("turnstile_token")), Notice::Check);
        assert_eq!(Notice::refused(403, None), Notice::Unavailable);
        assert_eq!(Notice::refused(429, Some("text")), Notice::TooFast);
    }

    #[test]
    fn only_new_business_messages_are_announced() {
        let history = vec![
            message("m1", Author::Visitor, "In stock?"),
            message("m2", Author::Business, "Yes."),
        ];
        let chat = Chat::default()
            .apply(Action::SessionStarted(session(false)))
            .apply(Action::ConversationLoaded(conversation(history.clone())));
        assert_eq!(
            chat.announce, None,
            "the history shown on opening is not read out"
        );

        let mine = message("m3", Author::Visitor, "Great");
        let chat = chat.apply(Action::Pushed(mine.clone()));
        assert_eq!(
            chat.announce, None,
            "the visitor's own words are not read back"
        );

        let reply = message("m4", Author::Business, "Anything else?");
        let chat = chat.apply(Action::Pushed(reply.clone()));
        assert_eq!(chat.announce.as_ref(), Some(&reply));
        // The same reply again, by a reload after a reconnection: still the one announcement.
        let mut all = history;
        all.extend([mine, reply.clone()]);
        let chat = chat
            .apply(Action::Problem(Notice::Offline))
            .apply(Action::ConversationLoaded(conversation(all.clone())));
        assert_eq!(chat.announce.as_ref(), Some(&reply));
        // A reply found only by the reload is announced.
        let late = message("m5", Author::Business, "We ship today.");
        all.push(late.clone());
        let chat = chat.apply(Action::ConversationLoaded(conversation(all)));
        assert_eq!(chat.announce.as_ref(), Some(&late));
    }
}
