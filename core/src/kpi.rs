//! Support KPIs over a period, and the same figures as they would be without the conversation
//! reset — what the reset rule buys an owner, in one table.
//!
//! The rules, as plain functions over [`ConversationFacts`]: the counterfactual merges each
//! customer's consecutive conversations that the reset rule split (the earlier one closed with
//! reason `reset`) into one thread: it opened with the first, ended with the last, its first
//! response is the first one given, and it would have been surveyed once, at its end.
//!
//! The edge runs the same rules inside D1 (window functions over the period's conversations,
//! `edge/src/kpis/store.rs`), so the Worker never holds 100k conversations: D1 answers a few
//! [`KpiSqlRow`]s (counts per number and counting, medians per scope) and [`assemble`] turns
//! them into the report's rows. The functions here are the reference those queries are checked
//! against (`tests/integration/kpis.test.mjs` and the randomised cross-check in its notes).

use serde::{Deserialize, Serialize};

use crate::csat::Score;

/// What a conversation's survey became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SurveyFacts {
    #[default]
    NotAsked,
    Asked,
    Rated(Score),
}

/// One conversation, as the KPIs need it (times in unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationFacts {
    /// The WhatsApp number, `None` for the Messenger.
    pub number: Option<String>,
    /// The WhatsApp user or the Messenger visitor.
    pub customer: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    /// `reset`, `agent` (resolved, by an agent or by auto-resolve), `handoff`.
    pub close_reason: Option<String>,
    pub first_response_at: Option<i64>,
    pub survey: SurveyFacts,
}

impl ConversationFacts {
    fn closed_by_reset(&self) -> bool {
        self.close_reason.as_deref() == Some("reset")
    }

    fn resolved(&self) -> bool {
        self.close_reason.as_deref() == Some("agent")
    }
}

/// The figures for one scope and one way of counting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Kpis {
    pub conversations_opened: u64,
    pub resets_applied: u64,
    pub median_first_response_seconds: Option<i64>,
    pub median_resolution_seconds: Option<i64>,
    /// Share of rated conversations rated 4–5, in percent.
    pub csat_percent: Option<f64>,
    pub surveys_asked: u64,
    pub surveys_answered: u64,
    /// Answered / asked, in percent.
    pub survey_response_percent: Option<f64>,
    pub customers: u64,
    pub conversations_per_customer: Option<f64>,
}

/// The median (the mean of the two middle values for an even count), `None` when empty.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64) * 100.0 / (whole as f64))
}

/// The KPIs of these conversations as counted.
pub fn kpis(facts: &[ConversationFacts]) -> Kpis {
    let mut customers: Vec<(&Option<String>, &str)> = facts
        .iter()
        .map(|f| (&f.number, f.customer.as_str()))
        .collect();
    customers.sort_unstable();
    customers.dedup();
    let rated: Vec<Score> = facts
        .iter()
        .filter_map(|f| match f.survey {
            SurveyFacts::Rated(s) => Some(s),
            _ => None,
        })
        .collect();
    let asked = facts
        .iter()
        .filter(|f| f.survey != SurveyFacts::NotAsked)
        .count() as u64;
    let opened = facts.len() as u64;
    Kpis {
        conversations_opened: opened,
        resets_applied: facts.iter().filter(|f| f.closed_by_reset()).count() as u64,
        median_first_response_seconds: median(
            facts
                .iter()
                .filter_map(|f| Some(f.first_response_at? - f.opened_at))
                .collect(),
        ),
        median_resolution_seconds: median(
            facts
                .iter()
                .filter(|f| f.resolved())
                .filter_map(|f| Some(f.closed_at? - f.opened_at))
                .collect(),
        ),
        csat_percent: percent(
            rated.iter().filter(|s| s.satisfied()).count() as u64,
            rated.len() as u64,
        ),
        surveys_asked: asked,
        surveys_answered: rated.len() as u64,
        survey_response_percent: percent(rated.len() as u64, asked),
        customers: customers.len() as u64,
        conversations_per_customer: (!customers.is_empty())
            .then(|| opened as f64 / customers.len() as f64),
    }
}

/// The threads there would have been without the reset: each customer's conversations, in
/// opening order, merged wherever the earlier one was closed by the reset rule.
pub fn merged_without_reset(facts: &[ConversationFacts]) -> Vec<ConversationFacts> {
    let mut sorted: Vec<&ConversationFacts> = facts.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.number, &a.customer, a.opened_at).cmp(&(&b.number, &b.customer, b.opened_at))
    });
    let mut threads: Vec<ConversationFacts> = Vec::new();
    for f in sorted {
        match threads.last_mut() {
            Some(t) if t.number == f.number && t.customer == f.customer && t.closed_by_reset() => {
                t.closed_at = f.closed_at;
                t.close_reason = f.close_reason.clone();
                t.first_response_at = t.first_response_at.or(f.first_response_at);
                // Surveyed once, at the end: the last member's survey, else an earlier one's.
                if f.survey != SurveyFacts::NotAsked {
                    t.survey = f.survey;
                }
            }
            _ => threads.push(f.clone()),
        }
    }
    threads
}

/// One row of the KPI table: a scope (a number, the Messenger, or the whole project) counted
/// with the reset and as it would be without.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiRow {
    /// A phone number id, `messenger`, or `project`.
    pub scope: String,
    pub label: String,
    pub with_reset: Kpis,
    pub without_reset: Kpis,
}

/// The KPI row of `facts` under `scope`.
pub fn row(scope: &str, label: &str, facts: &[ConversationFacts]) -> KpiRow {
    KpiRow {
        scope: scope.to_owned(),
        label: label.to_owned(),
        with_reset: kpis(facts),
        without_reset: kpis(&merged_without_reset(facts)),
    }
}

/// `GET /api/admin/kpis?days=`: the period and a row per number, the Messenger and the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    pub days: u32,
    pub from: i64,
    pub to: i64,
    /// When these figures were computed (unix seconds); a report is kept for a minute.
    #[serde(default)]
    pub computed_at: i64,
    pub rows: Vec<KpiRow>,
}

/// One row of the edge's KPI query. `metric` 0: counts of one number (`number` `None`: the
/// Messenger) — `a` conversations, `b` resets, `c` surveys asked, `d` rated, `e` rated 4–5,
/// `f` customers. `metric` 1 (first response) or 2 (resolution): the median in `a`, of one
/// number, or of the project when `project` is 1. `without` 1: counted without the reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiSqlRow {
    pub without: u8,
    pub number: Option<String>,
    pub project: u8,
    pub metric: u8,
    pub a: Option<i64>,
    #[serde(default)]
    pub b: Option<i64>,
    #[serde(default)]
    pub c: Option<i64>,
    #[serde(default)]
    pub d: Option<i64>,
    #[serde(default)]
    pub e: Option<i64>,
    #[serde(default)]
    pub f: Option<i64>,
}

/// The figures of one scope from the query's rows: `scope` a number's id, `None` for the
/// Messenger (its rows have no number), and the project when `project`.
fn kpis_of(rows: &[KpiSqlRow], without: u8, scope: Option<&str>, project: bool) -> Kpis {
    let n = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
    let counts = rows
        .iter()
        .filter(|r| r.metric == 0 && r.without == without)
        .filter(|r| project || r.number.as_deref() == scope);
    let (mut opened, mut resets, mut asked, mut rated, mut satisfied, mut customers) =
        (0, 0, 0, 0, 0, 0);
    for r in counts {
        opened += n(r.a);
        resets += n(r.b);
        asked += n(r.c);
        rated += n(r.d);
        satisfied += n(r.e);
        // A customer is a (number, customer) pair: the numbers' counts add up.
        customers += n(r.f);
    }
    let median = |metric: u8| {
        let of_scope = |r: &&KpiSqlRow| {
            r.metric == metric
                && r.without == without
                && if project {
                    r.project == 1
                } else {
                    r.project == 0 && r.number.as_deref() == scope
                }
        };
        rows.iter().find(of_scope).and_then(|r| r.a)
    };
    Kpis {
        conversations_opened: opened,
        resets_applied: resets,
        median_first_response_seconds: median(1),
        median_resolution_seconds: median(2),
        csat_percent: percent(satisfied, rated),
        surveys_asked: asked,
        surveys_answered: rated,
        survey_response_percent: percent(rated, asked),
        customers,
        conversations_per_customer: (customers > 0).then(|| opened as f64 / customers as f64),
    }
}

/// The report's rows from the query's: one per connected number (`numbers`: id and label), the
/// Messenger's, and the project's.
pub fn assemble(rows: &[KpiSqlRow], numbers: &[(String, String)]) -> Vec<KpiRow> {
    let row_of = |scope: &str, label: &str, number: Option<&str>, project: bool| KpiRow {
        scope: scope.to_owned(),
        label: label.to_owned(),
        with_reset: kpis_of(rows, 0, number, project),
        without_reset: kpis_of(rows, 1, number, project),
    };
    let mut out: Vec<KpiRow> = numbers
        .iter()
        .map(|(id, label)| row_of(id, label, Some(id), false))
        .collect();
    out.push(row_of("messenger", "Messenger (website)", None, false));
    out.push(row_of("project", "All channels", None, true));
    out
}

/// The periods the console offers.
pub const PERIODS: [u32; 3] = [7, 30, 90];

/// How many weeks a trend may span (`GET /api/admin/kpis/trend?weeks=`), and its default.
pub const TREND_WEEKS_MAX: u32 = 12;
pub const TREND_WEEKS_DEFAULT: u32 = 8;

/// One week of the project's KPIs (with the reset, as the inbox counts them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTrendPoint {
    pub from: i64,
    pub to: i64,
    pub project: Kpis,
}

/// `GET /api/admin/kpis/trend?weeks=`: the project's KPIs week by week, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTrend {
    pub weeks: Vec<KpiTrendPoint>,
}

/// The weeks of a trend ending at `to` (unix seconds), oldest first: `[from, to)` each.
pub fn trend_weeks(to: i64, weeks: u32) -> Vec<(i64, i64)> {
    const WEEK: i64 = 7 * 86_400;
    (0..i64::from(weeks))
        .rev()
        .map(|i| (to - (i + 1) * WEEK, to - i * WEEK))
        .collect()
}

/// The project's figures of one week's rows.
pub fn project_kpis(rows: &[KpiSqlRow]) -> Kpis {
    kpis_of(rows, 0, None, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn a_trend_is_consecutive_weeks_oldest_first() {
        let weeks = trend_weeks(100 * DAY, 3);
        assert_eq!(
            weeks,
            [
                (79 * DAY, 86 * DAY),
                (86 * DAY, 93 * DAY),
                (93 * DAY, 100 * DAY)
            ]
        );
        assert!(trend_weeks(0, 0).is_empty());
    }

    fn conv(customer: &str, opened: i64, closed: Option<(i64, &str)>) -> ConversationFacts {
        ConversationFacts {
            number: Some("106".into()),
            customer: customer.into(),
            opened_at: opened,
            closed_at: closed.map(|(at, _)| at),
            close_reason: closed.map(|(_, r)| r.to_owned()),
            first_response_at: None,
            survey: SurveyFacts::NotAsked,
        }
    }

    fn rated(mut c: ConversationFacts, score: u8) -> ConversationFacts {
        c.survey = SurveyFacts::Rated(Score::new(score).unwrap());
        c
    }

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![30, 10, 20]), Some(20));
        assert_eq!(median(vec![40, 10, 20, 30]), Some(25));
        assert_eq!(median(vec![7]), Some(7));
    }

    #[test]
    fn csat_is_the_share_of_four_and_five_among_the_rated() {
        let asked = |c: ConversationFacts| ConversationFacts {
            survey: SurveyFacts::Asked,
            ..c
        };
        let facts = vec![
            rated(conv("a", 0, Some((10, "agent"))), 5),
            rated(conv("b", 0, Some((10, "agent"))), 4),
            rated(conv("c", 0, Some((10, "agent"))), 1),
            asked(conv("d", 0, Some((10, "agent")))),
            conv("e", 0, None),
        ];
        let k = kpis(&facts);
        assert_eq!(k.surveys_asked, 4);
        assert_eq!(k.surveys_answered, 3);
        assert!((k.csat_percent.unwrap() - 66.666).abs() < 0.01);
        assert_eq!(k.survey_response_percent, Some(75.0));
        assert_eq!(k.median_resolution_seconds, Some(10));
        assert_eq!(k.conversations_per_customer, Some(1.0));
        assert_eq!(kpis(&[]).csat_percent, None);
    }

    #[test]
    fn resolution_counts_resolved_conversations_only() {
        let facts = vec![
            conv("a", 0, Some((100, "agent"))),
            conv("b", 0, Some((5_000, "reset"))),
            conv("c", 0, Some((7, "handoff"))),
            conv("d", 0, None),
        ];
        assert_eq!(kpis(&facts).median_resolution_seconds, Some(100));
        assert_eq!(kpis(&facts).resets_applied, 1);
    }

    #[test]
    fn without_the_reset_a_customers_split_conversations_are_one_thread() {
        // Ana: asks in January, the thread is reset in February, resolved in March.
        let mut first = conv("ana", 0, Some((40 * DAY, "reset")));
        first.first_response_at = Some(60);
        let mut second = rated(conv("ana", 40 * DAY, Some((41 * DAY, "agent"))), 5);
        second.first_response_at = Some(40 * DAY + 30);
        // Ben: one conversation, resolved quickly, then a later separate one (not a reset).
        let mut ben1 = rated(conv("ben", DAY, Some((DAY + 600, "agent"))), 2);
        ben1.first_response_at = Some(DAY + 120);
        let ben2 = conv("ben", 10 * DAY, None);
        let facts = vec![second.clone(), first.clone(), ben1.clone(), ben2.clone()];

        let merged = merged_without_reset(&facts);
        assert_eq!(merged.len(), 3, "Ana's two become one; Ben's stay two");
        let ana = merged.iter().find(|t| t.customer == "ana").unwrap();
        assert_eq!((ana.opened_at, ana.closed_at), (0, Some(41 * DAY)));
        assert_eq!(ana.first_response_at, Some(60));
        assert_eq!(ana.survey, SurveyFacts::Rated(Score::new(5).unwrap()));

        let r = row("106", "Support", &facts);
        assert_eq!(r.with_reset.conversations_opened, 4);
        assert_eq!(r.without_reset.conversations_opened, 3);
        assert_eq!(r.with_reset.resets_applied, 1);
        assert_eq!(r.without_reset.resets_applied, 0);
        assert_eq!(r.with_reset.conversations_per_customer, Some(2.0));
        assert_eq!(r.without_reset.conversations_per_customer, Some(1.5));
        // Resolution: with the reset, Ana's second took 1 day; merged, her thread took 41.
        assert_eq!(
            r.with_reset.median_resolution_seconds,
            Some((DAY + 600) / 2)
        );
        assert_eq!(
            r.without_reset.median_resolution_seconds,
            Some((41 * DAY + 600) / 2)
        );
    }

    #[test]
    fn different_numbers_never_merge() {
        let mut other = conv("ana", 50, Some((60, "agent")));
        other.number = Some("999".into());
        let facts = vec![conv("ana", 0, Some((40, "reset"))), other];
        assert_eq!(merged_without_reset(&facts).len(), 2);
    }

    /// The rows the edge's query returns for `facts`, built from the reference functions.
    fn sql_rows(facts: &[ConversationFacts]) -> Vec<KpiSqlRow> {
        let mut rows = Vec::new();
        for (without, set) in [(0u8, facts.to_vec()), (1, merged_without_reset(facts))] {
            let mut numbers: Vec<Option<String>> = set.iter().map(|f| f.number.clone()).collect();
            numbers.sort();
            numbers.dedup();
            let medians =
                |k: &Kpis, number: Option<String>, project: u8, rows: &mut Vec<KpiSqlRow>| {
                    for (metric, v) in [
                        (1, k.median_first_response_seconds),
                        (2, k.median_resolution_seconds),
                    ] {
                        if v.is_some() {
                            rows.push(KpiSqlRow {
                                without,
                                number: number.clone(),
                                project,
                                metric,
                                a: v,
                                b: None,
                                c: None,
                                d: None,
                                e: None,
                                f: None,
                            });
                        }
                    }
                };
            for number in numbers {
                let of: Vec<_> = set.iter().filter(|f| f.number == number).cloned().collect();
                let k = kpis(&of);
                rows.push(KpiSqlRow {
                    without,
                    number: number.clone(),
                    project: 0,
                    metric: 0,
                    a: Some(k.conversations_opened as i64),
                    b: Some(k.resets_applied as i64),
                    c: Some(k.surveys_asked as i64),
                    d: Some(k.surveys_answered as i64),
                    e: Some(
                        of.iter()
                            .filter(|f| matches!(f.survey, SurveyFacts::Rated(s) if s.satisfied()))
                            .count() as i64,
                    ),
                    f: Some(k.customers as i64),
                });
                medians(&k, number, 0, &mut rows);
            }
            medians(&kpis(&set), None, 1, &mut rows);
        }
        rows
    }

    #[test]
    fn the_report_assembled_from_the_query_rows_is_the_reference_report() {
        let mut other = conv("bea", 5, Some((300, "agent")));
        other.number = Some("222".into());
        other.first_response_at = Some(50);
        let mut visitor = conv("v1", 7, Some((90, "agent")));
        visitor.number = None;
        let mut answered = conv("ana", 2 * DAY, Some((2 * DAY + 600, "agent")));
        answered.first_response_at = Some(2 * DAY + 30);
        let facts = vec![
            conv("ana", 0, Some((DAY, "reset"))),
            rated(answered, 5),
            rated(conv("cid", 10, Some((70, "agent"))), 2),
            other,
            visitor,
        ];
        let numbers = vec![
            ("106".to_owned(), "Support".to_owned()),
            ("222".to_owned(), "Sales".to_owned()),
        ];
        let expected = vec![
            row(
                "106",
                "Support",
                &facts
                    .iter()
                    .filter(|f| f.number.as_deref() == Some("106"))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            row(
                "222",
                "Sales",
                &facts
                    .iter()
                    .filter(|f| f.number.as_deref() == Some("222"))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            row(
                "messenger",
                "Messenger (website)",
                &facts
                    .iter()
                    .filter(|f| f.number.is_none())
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            row("project", "All channels", &facts),
        ];
        assert_eq!(assemble(&sql_rows(&facts), &numbers), expected);
        // A number with no conversation still has its row, all zero.
        let empty = assemble(&[], &numbers);
        assert_eq!(empty.len(), 4);
        assert_eq!(empty[0].with_reset, Kpis::default());
    }
}
