//! Every place in the console has an address under `/console/`: the router (`app`) reads it, the
//! navigation links to it, and back, forward, reload and bookmarks keep it. The Worker answers any
//! `/console/...` address that is no file with the console's page (edge/src/routes.rs), so a deep
//! link loads. Here: the routes, what each is called (the tab title, the nav) and which page of
//! the navigation it belongs to.

use yew_router::Routable;

#[derive(Clone, Debug, PartialEq, Eq, Routable)]
pub enum Route {
    /// `/console/` itself: the inbox.
    #[at("/console")]
    Home,
    #[at("/console/inbox")]
    Inbox,
    #[at("/console/inbox/:conversation")]
    Conversation { conversation: String },
    #[at("/console/numbers")]
    Numbers,
    #[at("/console/numbers/:phone_number_id")]
    Number { phone_number_id: String },
    #[at("/console/reports")]
    Reports,
    #[at("/console/settings")]
    Settings,
    #[at("/console/install")]
    Install,
    #[at("/console/webhook")]
    Webhook,
    #[at("/console/team")]
    Team,
    #[at("/console/audit")]
    Audit,
    #[not_found]
    #[at("/console/not-found")]
    NotFound,
}

/// The pages the navigation links to, in its order (an owner's; agents see [`AGENT_NAV`]).
pub const NAV: [Route; 8] = [
    Route::Inbox,
    Route::Numbers,
    Route::Reports,
    Route::Settings,
    Route::Install,
    Route::Webhook,
    Route::Team,
    Route::Audit,
];

/// What an agent's navigation links to: the inbox and the team's figures.
pub const AGENT_NAV: [Route; 2] = [Route::Inbox, Route::Reports];

impl Route {
    /// True for the places an agent may see (the rest are an owner's: settings, numbers, the
    /// team, the webhook, the audit log); an unknown address is anyone's "not found".
    pub fn for_agents(&self) -> bool {
        matches!(
            self,
            Route::Home
                | Route::Inbox
                | Route::Conversation { .. }
                | Route::Reports
                | Route::NotFound
        )
    }

    /// The page's name: its heading, its nav link and (before " · Switchboard console") the tab.
    pub fn title(&self) -> String {
        match self {
            Route::Home | Route::Inbox | Route::Conversation { .. } => "Inbox".to_owned(),
            Route::Numbers => "Numbers".to_owned(),
            Route::Number { phone_number_id } => format!("Number {phone_number_id}"),
            Route::Reports => "Reports".to_owned(),
            Route::Settings => "Settings".to_owned(),
            Route::Install => "Install".to_owned(),
            Route::Webhook => "Webhook".to_owned(),
            Route::Team => "Team".to_owned(),
            Route::Audit => "Audit log".to_owned(),
            Route::NotFound => "Page not found".to_owned(),
        }
    }

    /// The nav entry marked current on this route: a number's page belongs to Numbers, an open
    /// conversation to the Inbox.
    pub fn section(&self) -> Route {
        match self {
            Route::Home | Route::Conversation { .. } => Route::Inbox,
            Route::Number { .. } => Route::Numbers,
            other => other.clone(),
        }
    }

    /// Which page is shown. Opening another conversation stays on the same page (focus stays in
    /// the list); going anywhere else is a new page, whose heading takes focus.
    pub fn page(&self) -> Route {
        match self {
            Route::Home | Route::Conversation { .. } => Route::Inbox,
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_an_address_that_reads_back() {
        let places = [
            Route::Inbox,
            Route::Conversation {
                conversation: "c-42".into(),
            },
            Route::Numbers,
            Route::Number {
                phone_number_id: "106540352242922".into(),
            },
            Route::Reports,
            Route::Settings,
            Route::Install,
            Route::Webhook,
            Route::Team,
            Route::Audit,
        ];
        for place in places {
            assert_eq!(Route::recognize(&place.to_path()), Some(place.clone()));
        }
        assert_eq!(
            Route::recognize("/console/numbers/123/"),
            Some(Route::Number {
                phone_number_id: "123".into()
            })
        );
        assert_eq!(Route::recognize("/console/"), Some(Route::Home));
    }

    #[test]
    fn an_unknown_address_is_not_found() {
        assert_eq!(Route::recognize("/console/nope"), Some(Route::NotFound));
        assert_eq!(
            Route::recognize("/console/numbers/1/2"),
            Some(Route::NotFound)
        );
    }

    #[test]
    fn a_place_inside_a_page_marks_that_page_in_the_nav() {
        let number = Route::Number {
            phone_number_id: "1".into(),
        };
        assert_eq!(number.section(), Route::Numbers);
        assert_eq!(number.page(), number);
        let open = Route::Conversation {
            conversation: "c".into(),
        };
        assert_eq!(open.section(), Route::Inbox);
        assert_eq!(open.page(), Route::Inbox.page());
        assert!(NAV.iter().all(|r| r.section() == *r));
    }
}
