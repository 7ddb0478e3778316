//! What one request publishes to the live rooms: its events grouped per room, in the order they
//! were queued, an event repeated for the same room sent once, as one body per room (one
//! subrequest to each room's object instead of one per event). The body is the events' JSON
//! texts, one per line: serde_json's compact JSON never holds a raw line break.

/// The events of one room, ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomBatch {
    pub room: String,
    /// One JSON text per line.
    pub body: String,
}

/// Groups `(room, event JSON)` pairs per room: rooms in the order first named, each room's
/// events in queued order, exact repeats dropped (a client told twice that a conversation
/// changed reads it once either way).
pub fn batch_by_room(queued: Vec<(String, String)>) -> Vec<RoomBatch> {
    let mut rooms: Vec<(String, Vec<String>)> = Vec::new();
    for (room, event) in queued {
        let at = match rooms.iter().position(|(r, _)| *r == room) {
            Some(at) => at,
            None => {
                rooms.push((room, Vec::new()));
                rooms.len() - 1
            }
        };
        let events = &mut rooms[at].1;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    rooms
        .into_iter()
        .map(|(room, events)| RoomBatch {
            room,
            body: events.join("\n"),
        })
        .collect()
}

/// The events of a posted body (the live object's side): blank lines are skipped.
pub fn events_of(body: &str) -> impl Iterator<Item = &str> {
    body.lines().filter(|line| !line.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{Change, LiveEvent};

    fn json(event: &LiveEvent) -> String {
        serde_json::to_string(event).unwrap()
    }

    #[test]
    fn a_batch_of_ten_messages_is_one_post_to_the_inbox_with_each_change_once() {
        let changed = |c: &str| json(&LiveEvent::changed(Some(c.into()), Change::Message));
        let mut queued: Vec<(String, String)> = (0..10)
            .map(|i| ("inbox".to_owned(), changed(&format!("c{}", i % 4))))
            .collect();
        queued.insert(3, ("visitor:v1".to_owned(), changed("c9")));
        let batches = batch_by_room(queued);
        assert_eq!(
            batches.iter().map(|b| b.room.as_str()).collect::<Vec<_>>(),
            ["inbox", "visitor:v1"]
        );
        let inbox: Vec<&str> = events_of(&batches[0].body).collect();
        assert_eq!(
            inbox,
            ["c0", "c1", "c2", "c3"]
                .map(changed)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            "queued order, each repeat once"
        );
        assert_eq!(events_of(&batches[1].body).count(), 1);
    }

    #[test]
    fn texts_with_line_breaks_stay_one_event_each() {
        let message = crate::api::WidgetMessage {
            id: "m1".into(),
            author: crate::api::Author::Business,
            text: "line one\nline two\r\n\nthree".into(),
            sent_at: 1,
            attachment: None,
            agent: None,
            quote: None,
            reaction: None,
        };
        let events = [
            json(&LiveEvent::message("c1".into(), message.clone())),
            json(&LiveEvent::changed(Some("c1".into()), Change::Status)),
        ];
        let batches = batch_by_room(
            events
                .iter()
                .map(|e| ("visitor:v".to_owned(), e.clone()))
                .collect(),
        );
        let read: Vec<LiveEvent> = events_of(&batches[0].body)
            .map(|e| serde_json::from_str(e).unwrap())
            .collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], LiveEvent::message("c1".into(), message));
    }

    #[test]
    fn nothing_queued_posts_nothing() {
        assert!(batch_by_room(Vec::new()).is_empty());
        assert_eq!(events_of("\n \n").count(), 0);
    }
}
