//! `wxpress stats` end to end against the sandbox: publish, let days pass on the
//! sandbox's clock, fetch the data API's numbers into .wxpress/stats/, and report
//! them joined to the posts of the site, again offline.

mod publish_support;

use publish_support::*;
use serde_json::Value;
use wxpress::sandbox::datacube::totals;

/// Moves the sandbox's data API `days` forward; the moment to pass as `--now`.
fn days_later(sb: &wxpress::sandbox::Running, days: i64) -> String {
    move_sandbox_clock(sb, days);
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    later.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The snapshot files (`fetched.json`, the last day fetched, is not one).
fn stats_files(site: &Site) -> Vec<(String, String)> {
    let dir = site.root().join(".wxpress/stats");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().to_string(),
                        std::fs::read_to_string(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn json_rows(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Value>(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [Value], title: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["title"] == title)
        .unwrap_or_else(|| panic!("no row titled {title}: {rows:?}"))
}

#[test]
fn stats_are_fetched_once_joined_to_their_posts_and_reported_offline() {
    let sb = sandbox();
    let site = site();
    publish(&site, &sb, &["content", "--mode", "publish"]).ok();
    // Another team's article, broadcast (followers notified) from outside this
    // site's ledger: it must appear under its WeChat title.
    let other = publish_support::site();
    other.write(
        HELLO,
        &std::fs::read_to_string(other.root().join(HELLO))
            .unwrap()
            .replace("title = \"你好，wxpress\"", "title = \"别处发的文章\""),
    );
    std::fs::remove_dir_all(other.root().join("content/notes/second")).unwrap();
    publish(&other, &sb, &["content", "--mode", "broadcast"]).ok();

    // The ledger keeps the msg_data_id freepublish/submit answered.
    let st = state(&sb);
    let ours = st["published"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !p["broadcast"].as_bool().unwrap())
        .unwrap();
    let msg_data_id = ours["msg_data_id"].to_string();
    assert_eq!(site.pushes()[0]["msg_data_id"], msg_data_id.as_str());
    // …and the one message/mass/sendall answered.
    let broadcast = st["published"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["broadcast"].as_bool().unwrap())
        .unwrap();
    assert_eq!(
        other.pushes()[0]["msg_data_id"],
        broadcast["msg_data_id"].to_string().as_str()
    );

    // The same day there is nothing to fetch yet: the data API has data up to
    // yesterday.
    let today = run_cmd(wxpress(&site, &sb, &["stats", "--fetch"]));
    today.ok();
    assert!(
        today.stderr.contains("fetched 0 article(s)") && today.stderr.contains("0 new line(s)"),
        "{}",
        today.stderr
    );
    assert!(stats_files(&site).is_empty());

    // Eight days later: days 0 to 7 of each article.
    let now = days_later(&sb, 8);
    let fetch = run_cmd(wxpress(&site, &sb, &["stats", "--fetch", "--now", &now]));
    fetch.ok();
    assert!(
        fetch.stderr.contains("fetched 3 article(s)") && fetch.stderr.contains("24 new line(s)"),
        "{}",
        fetch.stderr
    );
    assert_eq!(calls(&sb, "datacube/getarticletotaldetail"), 2);
    let files = stats_files(&site);
    let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    assert_eq!(lines, 3 * 8, "3 articles × days 0..=7: {files:?}");

    // Fetching the same day again changes nothing.
    let again = run_cmd(wxpress(&site, &sb, &["stats", "--fetch", "--now", &now]));
    again.ok();
    assert!(again.stderr.contains("0 new line(s)"), "{}", again.stderr);
    assert_eq!(stats_files(&site), files);

    // The report, offline, with the API unreachable.
    let mut offline = wxpress(&site, &sb, &["stats", "--offline", "--format", "json"]);
    offline.env("WXPRESS_API_BASE", "http://127.0.0.1:1");
    let report = run_cmd(offline);
    report.ok();
    let rows = json_rows(&report);
    assert_eq!(rows.len(), 3, "{rows:?}");

    let hello = row(&rows, "你好，wxpress");
    assert_eq!(hello["source"], HELLO);
    assert_eq!(hello["column"], "notes");
    assert_eq!(hello["msgid"], format!("{msg_data_id}_1"));
    assert_eq!(hello["mode"], "publish");
    assert_eq!(hello["notified"], false);
    assert_eq!(
        hello["read_user"],
        totals("你好，wxpress", 1, false, 7).read_user
    );
    assert_eq!(
        hello["day1_read_user"],
        totals("你好，wxpress", 1, false, 0).read_user
    );
    assert_eq!(
        hello["day7_read_user"],
        totals("你好，wxpress", 1, false, 6).read_user
    );
    assert_eq!(
        hello["share_user"],
        totals("你好，wxpress", 1, false, 7).share_user
    );
    assert_eq!(
        hello["add_to_fav_user"],
        totals("你好，wxpress", 1, false, 7).collection_user
    );
    assert!(hello["read_per_notified"].is_null());
    assert!(hello["push_slot"].as_str().unwrap().contains(':'));

    let second = row(&rows, "第二篇");
    assert_eq!(second["source"], SECOND);
    assert_eq!(second["msgid"], format!("{msg_data_id}_2"));
    assert_eq!(second["read_user"], totals("第二篇", 2, false, 7).read_user);

    let outside = row(&rows, "别处发的文章");
    assert!(outside["source"].is_null() && outside["column"].is_null());
    assert_eq!(outside["notified"], true);
    let expected = totals("别处发的文章", 1, true, 7);
    assert_eq!(outside["read_user"], expected.read_user);
    assert_eq!(
        outside["read_per_notified"].as_f64(),
        expected.read_delivery_rate
    );

    // Filters, sorting and the other formats.
    let by_reads = run_cmd(wxpress(
        &site,
        &sb,
        &["stats", "--offline", "--format", "json", "--sort", "reads"],
    ));
    let reads: Vec<u64> = json_rows(&by_reads)
        .iter()
        .map(|r| r["read_user"].as_u64().unwrap())
        .collect();
    assert!(reads.windows(2).all(|w| w[0] >= w[1]), "{reads:?}");
    let notes = run_cmd(wxpress(
        &site,
        &sb,
        &[
            "stats",
            "--offline",
            "--format",
            "json",
            "--column",
            "notes",
        ],
    ));
    assert_eq!(json_rows(&notes).len(), 2);
    let csv = run_cmd(wxpress(
        &site,
        &sb,
        &["stats", "--offline", "--format", "csv"],
    ));
    csv.ok();
    assert!(csv.stdout.starts_with("source,title,column,msgid,"));
    assert_eq!(csv.stdout.lines().count(), 4);
    let human = run_cmd(wxpress(&site, &sb, &["stats", "--offline"]));
    human.ok();
    assert!(
        human
            .stdout
            .contains("《你好，wxpress》 content/notes/hello-wxpress/index.md")
            && human.stdout.contains("(published outside wxpress)"),
        "{}",
        human.stdout
    );

    // The charts, offline: one SVG with all of them stacked.
    let svg_file = site.root().join("charts.svg");
    let mut charts = wxpress(
        &site,
        &sb,
        &["stats", "--offline", "--svg", svg_file.to_str().unwrap()],
    );
    charts.env("WXPRESS_API_BASE", "http://127.0.0.1:1");
    let charts = run_cmd(charts);
    charts.ok();
    assert!(
        charts.stderr.contains("wrote 4 chart(s) to"),
        "{}",
        charts.stderr
    );
    assert!(
        charts.stdout.contains("《第二篇》"),
        "the table still prints"
    );
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("<svg").count(), 1 + 4, "four charts stacked");
    for text in [
        "你好，wxpress",
        "第二篇",
        "别处发的文章",
        "Readers over the first 7 days",
        "notes (2)",
        "(no column) (1)",
        "Day-1 readers by push time",
        "Day-1 readers by weekday",
    ] {
        assert!(svg.contains(text), "{text} missing from the SVG");
    }
    // Three posts, seven days each (day 8 is not drawn).
    assert_eq!(svg.matches("<circle").count(), 3 * 7);
    // The two posts of our one push: one time of day, one weekday.
    let slot = hello["push_slot"].as_str().unwrap();
    let (day, time) = slot.split_once(' ').unwrap();
    assert!(svg.contains(&format!("{time} (2)")) && svg.contains(&format!("{day} (2)")));

    // The preview shows the same charts at /stats, from the same files.
    let server = wxpress::serve::Server::start(&wxpress::serve::Options {
        root: site.root().to_path_buf(),
        addr: "127.0.0.1:0".parse().unwrap(),
        wip: false,
        limits: Default::default(),
    })
    .unwrap();
    let page = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}stats", server.url()))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(page.matches("<figure").count(), 4, "{page}");
    assert!(page.contains("别处发的文章") && page.contains("3 article(s)"));
    // Set to a PNG path to look at the page (Chromium, 900 px wide).
    if let Some(png) = std::env::var_os("WXPRESS_STATS_SCREENSHOT") {
        let status = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=900,1700",
            ])
            .arg(format!("--screenshot={}", png.to_string_lossy()))
            .arg(format!("{}stats", server.url()))
            .status()
            .unwrap();
        assert!(status.success());
    }
    drop(server);

    // Without --offline and with the API down, the error says so.
    let mut down = wxpress(&site, &sb, &["stats", "--now", &now]);
    down.env("WXPRESS_API_BASE", "http://127.0.0.1:1");
    let down = run_cmd(down);
    assert_eq!(down.code, Some(2), "{}", down.stderr);
    assert!(down.stderr.contains("cannot connect"), "{}", down.stderr);
}

#[test]
fn an_unverified_account_is_told_the_data_api_needs_verification() {
    let sb = wxpress::sandbox::spawn(
        "127.0.0.1:0".parse().unwrap(),
        wxpress::sandbox::Options {
            appid: APPID.into(),
            secret: SECRET.into(),
            verified: false,
            ..Default::default()
        },
    )
    .unwrap();
    let site = site();
    let run = run_cmd(wxpress(&site, &sb, &["stats"]));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("48001") && run.stderr.contains("only to verified accounts"),
        "{}",
        run.stderr
    );
    assert!(!site.root().join(".wxpress/stats").exists());
}
