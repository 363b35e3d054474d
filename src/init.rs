//! `wxpress init`: a new site with a commented config, one example post with an
//! image, the default theme and a `.gitignore`.

use crate::render::theme::BUILTIN;
use std::path::Path;

const CONFIG: &str = include_str!("scaffold/config.toml");
const POST: &str = include_str!("scaffold/hello-wxpress/index.md");
const POST_IMAGE: &[u8] = include_bytes!("scaffold/hello-wxpress/images/pipeline.png");
const COVER: &[u8] = include_bytes!("scaffold/hello-wxpress/cover.png");
const GITIGNORE: &str = "public/\n.wxpress/token*\n.wxpress/cache/\n";

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} is not empty; wxpress init only writes into a new or empty folder")]
    NotEmpty(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The scaffold post's `schedule` as written in it; [`init`] replaces it.
const POST_SCHEDULE: &str = "schedule = \"2026-12-01T12:00:00\"";

/// The times of day the example post may be scheduled at (the slots the
/// scaffold config suggests), in the scaffold's timezone.
const EXAMPLE_SLOTS: [(i8, i8); 2] = [(12, 0), (20, 30)];

/// The first of the scaffold's suggested slots (12:00, 20:30) at least an hour
/// after `now`, in the scaffold's timezone (`Asia/Shanghai`): so a new site's
/// example post is still to come.
pub fn example_schedule(now: jiff::Timestamp) -> jiff::civil::DateTime {
    let tz = jiff::tz::db()
        .get(crate::config::DEFAULT_TIMEZONE)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let earliest = now.to_zoned(tz).datetime() + jiff::SignedDuration::from_hours(1);
    let mut day = earliest.date();
    loop {
        for (h, m) in EXAMPLE_SLOTS {
            let at = day.at(h, m, 0, 0);
            if at >= earliest {
                return at;
            }
        }
        day = day.tomorrow().expect("a date before the year 9999");
    }
}

/// Writes a new site into `dir`, which must be missing or empty; its example post
/// is scheduled at the next slot after `now`. Returns the files written.
pub fn init(dir: &Path, now: jiff::Timestamp) -> Result<Vec<String>, InitError> {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(InitError::NotEmpty(dir.display().to_string()));
    }
    let post = POST.replace(
        POST_SCHEDULE,
        &format!(
            "schedule = \"{}\"",
            example_schedule(now).strftime("%Y-%m-%dT%H:%M:%S")
        ),
    );
    let mut files: Vec<(String, &[u8])> = vec![
        ("config.toml".into(), CONFIG.as_bytes()),
        (".gitignore".into(), GITIGNORE.as_bytes()),
        (
            "content/notes/hello-wxpress/index.md".into(),
            post.as_bytes(),
        ),
        (
            "content/notes/hello-wxpress/images/pipeline.png".into(),
            POST_IMAGE,
        ),
        ("content/notes/hello-wxpress/cover.png".into(), COVER),
    ];
    for (path, text) in BUILTIN {
        files.push((format!("themes/default/{path}"), text.as_bytes()));
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        let io = |source| InitError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("scaffold paths have a folder"))
            .map_err(io)?;
        std::fs::write(&path, bytes).map_err(|source| InitError::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_post_is_scheduled_at_the_next_slot_an_hour_away() {
        assert!(POST.contains(POST_SCHEDULE), "init replaces this line");
        let at = |s: &str| example_schedule(s.parse().unwrap()).to_string();
        // 09:00 and 11:30 in Shanghai.
        assert_eq!(at("2027-03-01T01:00:00Z"), "2027-03-01T12:00:00");
        assert_eq!(at("2027-03-01T03:30:00Z"), "2027-03-01T20:30:00");
        // 21:00 in Shanghai: tomorrow noon.
        assert_eq!(at("2027-03-01T13:00:00Z"), "2027-03-02T12:00:00");
    }
}
