//! Calendar, quota, due/grace and diagnostics with a fixed `now`, in Asia/Shanghai
//! (UTC+8: 00:30 local on the 1st is still the previous day and month in UTC).

use super::*;
use crate::config::Config;
use crate::ledger::{Entry, Ledger, PostRecord, PushRecord, PushState};
use std::path::Path;

struct TestSite {
    dir: tempfile::TempDir,
    config: Config,
}

fn site(config_extra: &str) -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[site]\nname = \"t\"\ntimezone = \"Asia/Shanghai\"\n{config_extra}");
    std::fs::write(dir.path().join("config.toml"), &text).unwrap();
    TestSite {
        dir,
        config: Config::parse(&text).unwrap(),
    }
}

impl TestSite {
    /// Writes a post with the given extra front matter.
    fn post(&self, rel: &str, title: &str, extra: &str) -> &Self {
        let path = self.dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("+++\ntitle = \"{title}\"\n{extra}+++\n\n正文。\n"),
        )
        .unwrap();
        self
    }

    fn posts(&self) -> Vec<Post> {
        let (posts, diags) = crate::content::load_all(self.dir.path(), &self.config);
        assert!(!diagnostic::has_errors(&diags), "{diags:?}");
        posts
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Records in the ledger that a push of these posts reached `state`, with
    /// made-up ids where the state carries them.
    fn record(&self, sources: &[&str], mode: PublishMode, state: StateName) {
        self.record_at(sources, mode, state, "2026-12-01T04:00:00Z");
    }

    fn record_at(&self, sources: &[&str], mode: PublishMode, state: StateName, at: &str) {
        let mut ledger = Ledger::open(self.root()).unwrap();
        ledger
            .append(Entry::Push(PushRecord {
                at: at.into(),
                push: format!("push-{}", sources.join("+")),
                state: with_ids(state),
                mode,
                posts: sources
                    .iter()
                    .map(|s| PostRecord {
                        source: (*s).into(),
                        hash: "h".into(),
                        title: "t".into(),
                        images: vec![],
                        thumb_media_id: None,
                    })
                    .collect(),
                since: None,
                error: None,
            }))
            .unwrap();
    }

    fn ledger(&self) -> LedgerView {
        LedgerView::read(&crate::ledger::path(self.root())).unwrap()
    }
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn sched(s: &str) -> String {
    format!("schedule = \"{s}\"\n")
}

fn sources(p: &ScheduledPush) -> Vec<&str> {
    p.items.iter().map(|i| i.source.as_str()).collect()
}

#[test]
fn same_moment_is_one_push_ordered_by_position_then_path() {
    let s = site("");
    s.post("tech/b.md", "B", &sched("2026-12-01T12:00:00"))
        .post("tech/a.md", "A", &sched("2026-12-01T12:00:00"))
        .post(
            "life/z.md",
            "Z",
            &format!("{}position = 1\n", sched("2026-12-01T12:00:00")),
        )
        // The same instant written with an offset: still the same push.
        .post("life/utc.md", "U", &sched("2026-12-01T04:00:00Z"))
        .post("tech/later.md", "L", &sched("2026-12-01T20:30:00"))
        .post("tech/none.md", "N", "")
        .post(
            "tech/draft.md",
            "D",
            &format!("{}wip = true\n", sched("2026-12-01T12:00:00")),
        );
    let cal = calendar(
        &s.config,
        PublishMode::Draft,
        &s.posts(),
        &s.ledger(),
        &at("2026-11-30T00:00:00Z"),
    );
    assert_eq!(cal.len(), 2);
    assert_eq!(
        sources(&cal[0]),
        [
            "content/life/z.md",
            "content/life/utc.md",
            "content/tech/a.md",
            "content/tech/b.md"
        ]
    );
    assert_eq!(
        cal[0].at.to_string(),
        "2026-12-01T12:00:00+08:00[Asia/Shanghai]"
    );
    assert_eq!(sources(&cal[1]), ["content/tech/later.md"]);
    assert!(cal
        .iter()
        .all(|p| p.status == Status::Upcoming && p.quota.is_none()));
    assert_eq!(next_due(&cal), Some(at("2026-12-01T04:00:00Z")));
}

#[test]
fn subscription_quota_counts_local_days_not_utc_days() {
    let s = site("[wechat]\naccount = \"subscription\"\n");
    // 07:30 on 12-01 and 00:30 on 12-02 in Shanghai are 2026-11-30T23:30Z and
    // 2026-12-01T16:30Z: different UTC days, as are the local ones, but
    // 12-02 00:30 and 12-02 23:59 local fall on two UTC days and one local day.
    s.post("a.md", "A", &sched("2026-12-01T07:30:00"))
        .post("b.md", "B", &sched("2026-12-02T00:30:00"))
        // Two pushes on the local day 12-02: the second is over quota.
        .post("c.md", "C", &sched("2026-12-02T23:59:00"));
    let cal = calendar(
        &s.config,
        PublishMode::Broadcast,
        &s.posts(),
        &s.ledger(),
        &at("2026-11-01T00:00:00Z"),
    );
    let q: Vec<(String, usize, usize)> = cal
        .iter()
        .map(|p| {
            let q = p.quota.as_ref().unwrap();
            (q.period.clone(), q.used, q.limit)
        })
        .collect();
    assert_eq!(
        q,
        [
            ("2026-12-01".to_string(), 1, 1),
            ("2026-12-02".to_string(), 1, 1),
            ("2026-12-02".to_string(), 2, 1)
        ]
    );
    let d = schedule_diagnostics(
        &Config {
            wechat: crate::config::WechatConfig {
                mode: PublishMode::Broadcast,
                ..s.config.wechat.clone()
            },
            ..s.config.clone()
        },
        &s.posts(),
        &s.ledger(),
        &at("2026-11-01T00:00:00Z"),
    );
    let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].starts_with(
        "content/c.md:3:12: error[schedule-quota]: the broadcast at 2026-12-02 23:59 would be number 2 in 2026-12-02; the account may broadcast 1 a day (subscription account)"
    ), "{shown:#?}");
}

#[test]
fn service_quota_counts_local_months() {
    let s = site("[wechat]\naccount = \"service\"\nmode = \"broadcast\"\n");
    // 2026-12-01T00:30 local is still November in UTC: it counts for December.
    for (i, t) in [
        "2026-11-30T20:00:00",
        "2026-12-01T00:30:00",
        "2026-12-08T12:00:00",
        "2026-12-15T12:00:00",
        "2026-12-22T12:00:00",
        "2026-12-31T23:00:00",
        "2027-01-01T00:10:00",
    ]
    .iter()
    .enumerate()
    {
        s.post(&format!("p{i}.md"), &format!("P{i}"), &sched(t));
    }
    let posts = s.posts();
    let now = at("2026-11-01T00:00:00Z");
    let cal = calendar(&s.config, PublishMode::Broadcast, &posts, &s.ledger(), &now);
    let q: Vec<(String, usize)> = cal
        .iter()
        .map(|p| {
            let q = p.quota.as_ref().unwrap();
            (q.period.clone(), q.used)
        })
        .collect();
    assert_eq!(
        q,
        [
            ("2026-11".into(), 1),
            ("2026-12".into(), 1),
            ("2026-12".into(), 2),
            ("2026-12".into(), 3),
            ("2026-12".into(), 4),
            ("2026-12".into(), 5),
            ("2027-01".into(), 1),
        ]
    );
    let d = schedule_diagnostics(&s.config, &posts, &s.ledger(), &now);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, RULE_QUOTA);
    assert_eq!(d[0].file, "content/p5.md");
    assert!(
        d[0].message.contains("4 a month (service account)"),
        "{}",
        d[0]
    );
    // In draft mode there is no broadcast and no quota.
    let cal = calendar(&s.config, PublishMode::Draft, &posts, &s.ledger(), &now);
    assert!(cal.iter().all(|p| p.quota.is_none()));
}

#[test]
fn due_grace_done_and_unfinished() {
    let s = site("[schedule]\ngrace = \"6h\"\n");
    // Local 12:00 = 04:00Z.
    s.post("due.md", "Due", &sched("2026-12-01T12:00:00"))
        .post("edge.md", "Edge", &sched("2026-12-01T06:00:00"))
        .post("missed.md", "Missed", &sched("2026-12-01T05:59:00"))
        .post("future.md", "Future", &sched("2026-12-01T12:00:01"))
        .post("done.md", "Done", &sched("2026-11-30T12:00:00"))
        .post("half.md", "Half", &sched("2026-11-29T12:00:00"));
    s.record(
        &["content/done.md"],
        PublishMode::Publish,
        StateName::Published,
    );
    // Started two days ago and died after the draft: far beyond grace, still finished.
    s.record(
        &["content/half.md"],
        PublishMode::Publish,
        StateName::Drafted,
    );
    let now = at("2026-12-01T04:00:00Z");
    let cal = calendar(
        &s.config,
        PublishMode::Publish,
        &s.posts(),
        &s.ledger(),
        &now,
    );
    let status: Vec<(&str, Status)> = cal
        .iter()
        .map(|p| (p.items[0].source.as_str(), p.status))
        .collect();
    assert_eq!(
        status,
        [
            ("content/half.md", Status::Unfinished),
            ("content/done.md", Status::Done),
            ("content/missed.md", Status::Missed),
            ("content/edge.md", Status::Due),
            ("content/due.md", Status::Due),
            ("content/future.md", Status::Upcoming),
        ]
    );
    let due: Vec<&str> = due(&cal, &now)
        .iter()
        .map(|p| p.items[0].source.as_str())
        .collect();
    assert_eq!(
        due,
        ["content/half.md", "content/edge.md", "content/due.md"]
    );
    assert_eq!(next_due(&cal), Some(at("2026-12-01T04:00:01Z")));

    let d = schedule_diagnostics(&s.config, &s.posts(), &s.ledger(), &now);
    let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(
        shown[0].starts_with("content/missed.md:3:12: warning[schedule-past]: scheduled at 2026-12-01 05:59, more than the grace of 6h ago, and never published"),
        "{shown:#?}"
    );
    assert!(
        shown[0].contains("wxpress publish content/missed.md"),
        "{}",
        shown[0]
    );
}

#[test]
fn a_draft_mode_record_is_done_only_for_draft_mode_pushes() {
    let s = site("");
    s.post("a.md", "A", &sched("2026-12-01T12:00:00"));
    s.record(&["content/a.md"], PublishMode::Draft, StateName::Drafted);
    let now = at("2026-12-01T05:00:00Z");
    let cal = calendar(&s.config, PublishMode::Draft, &s.posts(), &s.ledger(), &now);
    assert_eq!(cal[0].status, Status::Done);
    assert!(due(&cal, &now).is_empty());
}

#[test]
fn slots_and_overfull() {
    let s = site("[schedule]\nslots = [\"12:00\", \"20:30\"]\n");
    for i in 0..10 {
        s.post(
            &format!("p{i:02}.md"),
            &format!("P{i}"),
            &sched("2026-12-01T12:00:00"),
        );
    }
    s.post("odd.md", "Odd", &sched("2026-12-01T09:15:00"));
    let now = at("2026-11-01T00:00:00Z");
    let d = schedule_diagnostics(&s.config, &s.posts(), &s.ledger(), &now);
    let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(shown[0].starts_with("content/odd.md:3:12: warning[schedule-slot]: scheduled at 09:15, outside the preferred push times"), "{shown:#?}");
    assert!(shown[0].contains("use one of [schedule] slots: 12:00, 20:30 (in Asia/Shanghai)"));
    assert!(shown[1].starts_with("content/p08.md:3:12: error[schedule-overfull]: 10 posts are scheduled at 2026-12-01 12:00; one push carries at most 8, and this one is number 9"), "{shown:#?}");
    assert!(shown[2].starts_with("content/p09.md:3:12: error[schedule-overfull]"));
}

#[test]
fn days_follow_the_zone_across_dst() {
    // New York leaves DST on 2026-11-01: that day has 25 hours. 00:30 and 23:30
    // local are both on 11-01, 24h apart in UTC plus one hour.
    let dir = tempfile::tempdir().unwrap();
    let text =
        "[site]\nname = \"t\"\ntimezone = \"America/New_York\"\n[wechat]\nmode = \"broadcast\"\n";
    std::fs::write(dir.path().join("config.toml"), text).unwrap();
    let s = TestSite {
        dir,
        config: Config::parse(text).unwrap(),
    };
    s.post("a.md", "A", &sched("2026-11-01T00:30:00")).post(
        "b.md",
        "B",
        &sched("2026-11-01T23:30:00"),
    );
    let cal = calendar(
        &s.config,
        PublishMode::Broadcast,
        &s.posts(),
        &s.ledger(),
        &at("2026-10-01T00:00:00Z"),
    );
    assert_eq!(
        cal[1].at.timestamp().duration_since(cal[0].at.timestamp()),
        jiff::SignedDuration::from_hours(24)
    );
    assert_eq!(cal[1].quota.as_ref().unwrap().period, "2026-11-01");
    assert_eq!(cal[1].quota.as_ref().unwrap().used, 2);
}

#[test]
fn broadcasts_sent_by_hand_count_toward_the_quota() {
    let s = site("[wechat]\nmode = \"broadcast\"\n");
    s.post("evening.md", "E", &sched("2026-12-01T20:30:00"))
        .post("manual.md", "M", "");
    // Sent by hand at 09:00 local on 12-01 (01:00Z); another on 11-30 local (15:59Z).
    s.record_at(
        &["content/manual.md"],
        PublishMode::Broadcast,
        StateName::Sent,
        "2026-12-01T01:00:00Z",
    );
    s.record_at(
        &["content/old.md"],
        PublishMode::Broadcast,
        StateName::Sent,
        "2026-11-30T15:59:00Z",
    );
    // Not a broadcast: no quota.
    s.record_at(
        &["content/pub.md"],
        PublishMode::Publish,
        StateName::Published,
        "2026-12-01T02:00:00Z",
    );
    let now = at("2026-12-01T02:00:00Z");
    let cal = calendar(
        &s.config,
        PublishMode::Broadcast,
        &s.posts(),
        &s.ledger(),
        &now,
    );
    let q = cal[0].quota.as_ref().unwrap();
    assert_eq!((q.period.as_str(), q.used, q.limit), ("2026-12-01", 2, 1));
    let d = schedule_diagnostics(&s.config, &s.posts(), &s.ledger(), &now);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, RULE_QUOTA);
    assert_eq!(d[0].file, "content/evening.md");
}

/// A push state of this name, its ids made up.
fn with_ids(name: StateName) -> PushState {
    let id = || "id".to_string();
    match name {
        StateName::New => PushState::New,
        StateName::Drafting => PushState::Drafting,
        StateName::Drafted => PushState::Drafted { media_id: id() },
        StateName::Submitting => PushState::Submitting { media_id: id() },
        StateName::Submitted => PushState::Submitted {
            media_id: id(),
            publish_id: id(),
            msg_data_id: None,
        },
        StateName::Published => PushState::Published {
            media_id: Some(id()),
            publish_id: Some(id()),
            article_id: Some(id()),
            urls: vec![],
            msg_data_id: None,
        },
        StateName::Sending => PushState::Sending {
            media_id: id(),
            clientmsgid: id(),
        },
        StateName::Sent => PushState::Sent {
            media_id: id(),
            clientmsgid: id(),
            msg_id: id(),
            msg_data_id: None,
        },
        StateName::Superseded => PushState::Superseded,
    }
}
