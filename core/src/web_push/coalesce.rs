//! Coalescing: at most one push per conversation per minute for each subscription. Messages
//! that arrive inside the minute are counted, and the next push carries the count of every
//! message since the last push ("3 new messages").

/// How long after a push the same conversation stays quiet on the same subscription.
pub const WINDOW_SECONDS: i64 = 60;

/// What is stored per subscription and conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoalesceState {
    /// When the last push went (Unix seconds); `None` before the first.
    pub last_sent_at: Option<i64>,
    /// Messages since that push that were not announced yet.
    pub pending: u32,
}

/// What to do with one new message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Push now, announcing `count` messages (this one and those held since the last push).
    Send { count: u32 },
    /// Stay quiet: a push for this conversation went less than `window` seconds ago.
    Hold,
}

/// The decision for a new message at `now`, and the state to store after it. `window` is
/// [`WINDOW_SECONDS`] in production (the edge lets tests shorten it).
pub fn on_new_message(state: CoalesceState, now: i64, window: i64) -> (Decision, CoalesceState) {
    let quiet = state
        .last_sent_at
        .is_some_and(|last| now.saturating_sub(last) < window);
    if quiet {
        let held = CoalesceState {
            pending: state.pending.saturating_add(1),
            ..state
        };
        return (Decision::Hold, held);
    }
    let count = state.pending.saturating_add(1);
    let sent = CoalesceState {
        last_sent_at: Some(now),
        pending: 0,
    };
    (Decision::Send { count }, sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_message_is_pushed_at_once() {
        let (decision, state) = on_new_message(CoalesceState::default(), 1_000, WINDOW_SECONDS);
        assert_eq!(decision, Decision::Send { count: 1 });
        assert_eq!(
            state,
            CoalesceState {
                last_sent_at: Some(1_000),
                pending: 0
            }
        );
    }

    #[test]
    fn messages_inside_the_minute_are_held_and_counted_into_the_next_push() {
        let (_, state) = on_new_message(CoalesceState::default(), 1_000, WINDOW_SECONDS);
        let (second, state) = on_new_message(state, 1_010, WINDOW_SECONDS);
        let (third, state) = on_new_message(state, 1_059, WINDOW_SECONDS);
        assert_eq!((second, third), (Decision::Hold, Decision::Hold));
        assert_eq!(
            state,
            CoalesceState {
                last_sent_at: Some(1_000),
                pending: 2
            }
        );
        // A minute after the last push: this message and the two held ones.
        let (fourth, state) = on_new_message(state, 1_060, WINDOW_SECONDS);
        assert_eq!(fourth, Decision::Send { count: 3 });
        assert_eq!(
            state,
            CoalesceState {
                last_sent_at: Some(1_060),
                pending: 0
            }
        );
    }

    #[test]
    fn a_clock_that_goes_back_keeps_quiet_rather_than_pushing_twice() {
        let state = CoalesceState {
            last_sent_at: Some(2_000),
            pending: 0,
        };
        assert_eq!(
            on_new_message(state, 1_990, WINDOW_SECONDS).0,
            Decision::Hold
        );
    }
}
