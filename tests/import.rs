//! `wxpress import DIR`: folders written for Hugo, Jekyll, Hexo and wenyan, made in
//! the test, imported into a fresh site through the real binary; the files written,
//! their contents, what is refused or reported, and that the site then builds.

mod common;
use common::{png, TestSite};
use std::path::{Path, PathBuf};

/// A folder of another tool's files, beside (never inside) the site.
struct Source {
    dir: tempfile::TempDir,
}

impl Source {
    fn new() -> Source {
        Source {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }
    fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn import(site: &TestSite, dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["import", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    all.sort();
    all
}

fn hugo() -> Source {
    let s = Source::new();
    s.write(
        "content/posts/hello/index.md",
        "---\ntitle: 你好世界\ndate: 2021-03-04T10:00:00+08:00\ntags: [rust, 随笔]\ncategories: [tech]\ndescription: 一篇关于开始的文章\nimages: [cover.png]\nauthor: 林舟\n---\n\n# 你好世界\n\n第一段，配图 ![流程](images/flow.png)。\n\n<!-- more -->\n\n站内图 ![静态](/images/shared.png)\n\n![引用图][r1]\n\n[r1]: images/flow.png\n",
    )
    .write_bytes("content/posts/hello/images/flow.png", &png(600, 300))
    .write_bytes("content/posts/hello/cover.png", &png(940, 400))
    .write_bytes("static/images/shared.png", &png(300, 200))
    .write(
        "content/posts/toml-post.md",
        "+++\ntitle = \"TOML 写的文章\"\ndate = 2022-05-06T07:08:09Z\nfeatured_image = \"/images/t.png\"\ntags = [\"a\"]\nweight = 3\n+++\n正文一段。\n",
    )
    .write_bytes("static/images/t.png", &png(940, 400))
    .write("content/_index.md", "---\ntitle: 首页\n---\n")
    .write("hugo.toml", "baseURL = \"https://example.org/\"\n")
    .write("archetypes/default.md", "---\ntitle: \"{{ replace .Name \"-\" \" \" }}\"\n---\n")
    .write("README.md", "# My blog\n");
    s
}

#[test]
fn hugo_bundle_yaml_and_toml_posts_are_imported_with_their_images() {
    let site = TestSite::new();
    let src = hugo();
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let hello = site.read("content/hello/index.md");
    assert_eq!(
        hello,
        "+++\ntitle = \"你好世界\"\nsummary = \"一篇关于开始的文章\"\nauthor = \"林舟\"\ncover = \"cover.png\"\ndate = \"2021-03-04T10:00:00+08:00\"\n+++\n\n第一段，配图 ![流程](images/flow.png)。\n\n\n站内图 ![静态](shared.png)\n\n![引用图][r1]\n\n[r1]: images/flow.png\n"
    );
    // Images next to the post, byte for byte; `/images/…` found under static/.
    assert_eq!(
        std::fs::read(site.path("content/hello/images/flow.png")).unwrap(),
        png(600, 300)
    );
    assert_eq!(
        std::fs::read(site.path("content/hello/shared.png")).unwrap(),
        png(300, 200)
    );
    assert_eq!(
        std::fs::read(site.path("content/hello/cover.png")).unwrap(),
        png(940, 400)
    );
    assert_eq!(
        site.read("content/toml-post/index.md"),
        "+++\ntitle = \"TOML 写的文章\"\ncover = \"t.png\"\ndate = \"2022-05-06T07:08:09Z\"\n+++\n\n正文一段。\n"
    );
    assert!(site.path("content/toml-post/t.png").is_file());
    // The section page is no post; nothing else was written.
    assert!(
        run.stdout.starts_with("A Hugo site: posts from content/"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("_index.md: a Hugo section page"));
    let mut content = files(&site.path("content"));
    content.retain(|f| !f.starts_with('.'));
    assert_eq!(
        content,
        [
            "hello/cover.png",
            "hello/images/flow.png",
            "hello/index.md",
            "hello/shared.png",
            "toml-post/index.md",
            "toml-post/t.png"
        ]
    );
    // What was done, said; tags said once for the run, not per file.
    for said in [
        "import ",
        "`description` read as `summary`",
        "`images` read as `cover`",
        "the first `# ` heading repeated the title: taken out of the body",
        "`<!-- more -->` taken out",
        "date 2021-03-04T10:00:00+08:00 (from `date`) kept as `date`: history",
        "nothing is scheduled",
        "tags (2 post(s)): WeChat articles have no tags or categories",
        "categories (1 post(s))",
        "weight (1 post(s))",
        "Imported 2 post(s) and copied 4 image(s); 0 already imported, 0 refused.",
    ] {
        assert!(
            run.stdout.contains(said),
            "missing {said:?} in\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stdout.matches("tags (").count(), 1);
    let build = site.run(&["build", "--offline"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(site.path("public/hello/article.html").is_file());
    assert!(site.path("public/toml-post/article.html").is_file());
    // Old dates are history: nothing of the import is scheduled.
    let schedule = site.run(&["schedule"]);
    let shown = String::from_utf8_lossy(&schedule.stdout);
    assert!(!shown.contains("你好世界"), "{shown}");
}

#[test]
fn a_rerun_skips_what_is_there_and_dry_run_writes_nothing() {
    let site = TestSite::new();
    let src = hugo();
    let dry = import(&site, src.dir.path(), &["--dry-run"]);
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(dry.stdout.contains(
        "Dry run: would import 2 post(s) and copy 4 image(s); 0 already imported, 0 refused. Nothing was written."
    ));
    assert!(!site.path("content").exists(), "a dry run writes nothing");

    // A run that died after the images, before the post: the rerun finishes it.
    let first = import(&site, src.dir.path(), &[]);
    assert_eq!(first.code, Some(0));
    std::fs::remove_file(site.path("content/hello/index.md")).unwrap();
    let before = files(&site.path("content"));
    let rerun = import(&site, src.dir.path(), &[]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.stderr);
    assert!(
        rerun
            .stdout
            .contains("Imported 1 post(s) and copied 0 image(s); 1 already imported, 0 refused."),
        "{}",
        rerun.stdout
    );
    assert!(rerun.stdout.contains("(already there)"));
    let after = files(&site.path("content"));
    assert_eq!(after.len(), before.len() + 1);
    let again = import(&site, src.dir.path(), &[]);
    assert!(again
        .stdout
        .contains("Imported 0 post(s) and copied 0 image(s); 2 already imported, 0 refused."));
    // No temporary files left behind.
    assert!(!after.iter().any(|f| f.contains(".wxpress-import-")));
}

#[test]
fn jekyll_posts_take_their_date_from_the_file_name_and_lose_the_baseurl() {
    let site = TestSite::new();
    let src = Source::new();
    src.write(
        "_posts/2021-03-04-first-post.md",
        "---\nlayout: post\ntitle: \"Jekyll 的文章\"\ntags: [a]\n---\n正文 ![图]({{ site.baseurl }}/assets/img/j.png) 和 ![远程](https://example.com/r.png)\n\n![又]({{ \"/assets/img/j.png\" | relative_url }}) {{ page.title }}\n",
    )
    .write(
        "_posts/2021-04-05-unpublished.md",
        "---\ntitle: 没发布的\npublished: false\nexcerpt: 摘要在这里\n---\n正文。\n",
    )
    .write_bytes("assets/img/j.png", &png(400, 300));
    let run = import(&site, &src.path("_posts"), &["--dry-run"]);
    // `/assets/…` is from the Jekyll site's root, above `_posts/`, which is not
    // imported: the import reads only the folder it is given.
    assert!(
        run.stderr.contains("image `/assets/img/j.png` not found"),
        "{}",
        run.stderr
    );
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        site.read("content/first-post/index.md"),
        "+++\ntitle = \"Jekyll 的文章\"\ndate = \"2021-03-04\"\n+++\n\n正文 ![图](j.png) 和 ![远程](https://example.com/r.png)\n\n![又](j.png) {{ page.title }}\n"
    );
    assert_eq!(
        std::fs::read(site.path("content/first-post/j.png")).unwrap(),
        png(400, 300)
    );
    assert_eq!(
        site.read("content/unpublished.md"),
        "+++\ntitle = \"没发布的\"\nsummary = \"摘要在这里\"\nwip = true\ndate = \"2021-04-05\"\n+++\n\n正文。\n"
    );
    for said in [
        "date 2021-03-04 (from the file name) kept as `date`",
        "Jekyll's `{{ site.baseurl }}`, `{{ site.url }}` or `| relative_url` taken out of 2 address(es)",
        "1 remote image(s) left as addresses",
        "a draft there is work in progress here (`wip = true`)",
    ] {
        assert!(
            run.stdout.contains(said),
            "missing {said:?} in\n{}",
            run.stdout
        );
    }
    assert!(
        run.stderr.contains(
            "_posts/2021-03-04-first-post.md:8:48: warning[import]: a template tag of another tool"
        ),
        "{}",
        run.stderr
    );
    let build = site.run(&["build", "--offline"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(site.path("public/first-post/article.html").is_file());
    assert!(
        !site.path("public/unpublished").exists(),
        "a draft there stays work in progress"
    );
}

#[test]
fn a_hexo_site_reads_source_posts_and_its_asset_folders() {
    let site = TestSite::new();
    let src = Source::new();
    src.write("_config.yml", "title: blog\n")
        .write(
            "source/_posts/my-trip.md",
            "---\ntitle: 旅行记\ndate: 2020-05-01 10:00:00\ncategories: 生活\n---\n开头。\n<!-- more -->\n![](/images/h.png) ![](trip.png)\n{% asset_img trip.png 图 %}\n",
        )
        .write("source/about/index.md", "---\ntitle: 关于\n---\n")
        .write_bytes("source/images/h.png", &png(100, 100))
        .write_bytes("source/_posts/my-trip/trip.png", &png(120, 100));
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .starts_with("A Hexo site: posts from source/_posts/"));
    assert_eq!(
        site.read("content/my-trip/index.md"),
        "+++\ntitle = \"旅行记\"\ndate = \"2020-05-01 10:00:00\"\n+++\n\n开头。\n![](h.png) ![](trip.png)\n{% asset_img trip.png 图 %}\n"
    );
    assert_eq!(
        files(&site.path("content")),
        ["my-trip/h.png", "my-trip/index.md", "my-trip/trip.png"],
        "the about page is no post"
    );
    assert!(
        run.stderr.contains(
            "source/_posts/my-trip.md:9:1: warning[import]: a template tag of another tool"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_date_aliased_to_schedule_is_not_written() {
    let site = TestSite::with_config(&format!(
        "{}\n[content]\naliases = {{ date = \"schedule\" }}\n",
        common::CONFIG
    ));
    let src = Source::new();
    src.write(
        "old.md",
        "---\ntitle: 旧文章\ndate: 2019-01-01\n---\n正文\n",
    );
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        site.read("content/old.md"),
        "+++\ntitle = \"旧文章\"\n+++\n\n正文\n"
    );
    assert!(run
        .stdout
        .contains("date 2019-01-01 (from `date`) left out"));
}

#[test]
fn plain_markdown_takes_its_heading_as_title_and_a_portable_slug() {
    let site = TestSite::new();
    let src = Source::new();
    src.write("标题.md", "# 用 Rust 写工具\n\n正文第一段。\n")
        .write("Hello World!.md", "# 你好\n正文\n")
        .write("notitle.md", "只有正文，没有标题。\n");
    let run = import(&site, src.dir.path(), &["--column", "tech"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let written = files(&site.path("content/tech"));
    let hashed: Vec<&String> = written.iter().filter(|f| f.starts_with("post-")).collect();
    assert_eq!(hashed.len(), 1, "{written:?}");
    assert_eq!(
        site.read(&format!("content/tech/{}", hashed[0])),
        "+++\ntitle = \"用 Rust 写工具\"\n+++\n\n正文第一段。\n"
    );
    assert_eq!(
        site.read("content/tech/hello-world.md"),
        "+++\ntitle = \"你好\"\n+++\n\n正文\n"
    );
    assert!(run.stdout.contains("title from the first `# ` heading"));
    assert!(run
        .stdout
        .contains("slug `hello-world` (from `Hello World!`)"));
    assert!(
        run.stderr.contains(
            "notitle.md:1:1: warning[import]: no title: the file name `notitle` is the title"
        ),
        "{}",
        run.stderr
    );
    // The same source path gives the same slug on a rerun.
    let again = import(&site, src.dir.path(), &["--column", "tech"]);
    assert!(
        again.stdout.contains("3 already imported"),
        "{}",
        again.stdout
    );
    let build = site.run(&["build", "--offline"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

#[test]
fn an_existing_post_or_slug_is_never_replaced() {
    let site = TestSite::new();
    site.write("content/taken.md", "+++\ntitle = \"我的\"\n+++\n我写的\n");
    site.post("clash", "正文\n");
    let src = Source::new();
    src.write("taken.md", "# 别人的\n内容\n")
        .write("sub/clash.md", "# 同名\n内容\n")
        .write("fine.md", "# 没问题\n内容\n")
        .write("img/index.md", "# 带图\n![a](a.png)\n")
        .write_bytes("img/a.png", &png(10, 10));
    site.write_bytes("content/img/a.png", &png(20, 20));
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        site.read("content/taken.md"),
        "+++\ntitle = \"我的\"\n+++\n我写的\n"
    );
    assert_eq!(
        std::fs::read(site.path("content/img/a.png")).unwrap(),
        png(20, 20)
    );
    assert!(!site.path("content/img/index.md").exists());
    assert!(!site.path("content/clash.md").exists());
    let src_name = src.dir.path().display().to_string();
    for said in [
        format!("{src_name}/taken.md:1:1: error[import]: content/taken.md already exists with other content; it is left as it is"),
        "help: yours is kept and this file is not imported; to import it anew, move content/taken.md away and run the import again".into(),
        format!("{src_name}/sub/clash.md:1:1: error[import]: slug `clash` is already used by content/tech/clash.md"),
        "image content/img/a.png already exists with other content".into(),
        "3 post(s) refused".into(),
    ] {
        assert!(run.stderr.contains(&said), "missing {said:?} in\n{}", run.stderr);
    }
    // The rest of the run went ahead.
    assert_eq!(
        site.read("content/fine.md"),
        "+++\ntitle = \"没问题\"\n+++\n\n内容\n"
    );
    assert!(run
        .stdout
        .contains("Imported 1 post(s) and copied 0 image(s); 0 already imported, 3 refused."));
}

#[test]
fn missing_and_outside_images_are_reported_at_their_line_and_never_copied() {
    let site = TestSite::new();
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.png"), png(50, 50)).unwrap();
    let src = outer.path().join("blog");
    std::fs::create_dir_all(src.join("posts")).unwrap();
    std::fs::write(
        src.join("posts/a.md"),
        "---\ntitle: 图片问题\ncover: ../../secret.png\n---\n第一行\n\n![缺](missing.png)\n\n![外](../../secret.png) ![根外](/../../secret.png)\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outer.path().join("secret.png"), src.join("posts/link.png"))
            .unwrap();
        std::fs::write(src.join("posts/b.md"), "# 链接\n\n![链](link.png)\n").unwrap();
    }
    let run = import(&site, &src, &[]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let name = src.display();
    for said in [
        format!("{name}/posts/a.md:7:1: warning[import]: image `missing.png` not found; the address is left as written"),
        format!("{name}/posts/a.md:9:1: warning[import]: image `../../secret.png` is a file outside the folder you import; it is not copied"),
        format!("{name}/posts/a.md:9:24: warning[import]: image `/../../secret.png` is a file outside the folder you import"),
        format!("{name}/posts/a.md:1:1: warning[import]: cover `../../secret.png` is a file outside the folder you import"),
    ] {
        assert!(run.stderr.contains(&said), "missing {said:?} in\n{}", run.stderr);
    }
    #[cfg(unix)]
    assert!(
        run.stderr.contains(&format!(
            "{name}/posts/b.md:3:1: warning[import]: image `link.png` is a symlink to a file outside the folder you import"
        )),
        "{}",
        run.stderr
    );
    // Nothing from outside was copied; the addresses stay as written.
    assert_eq!(
        site.read("content/a.md"),
        "+++\ntitle = \"图片问题\"\n+++\n\n第一行\n\n![缺](missing.png)\n\n![外](../../secret.png) ![根外](/../../secret.png)\n"
    );
    let copied: Vec<String> = files(site.root())
        .into_iter()
        .filter(|f| f.ends_with(".png") && f != "static/cover.png")
        .collect();
    assert!(copied.is_empty(), "{copied:?}");
}

#[test]
fn what_cannot_run_says_why() {
    let site = TestSite::new();
    let run = import(&site, Path::new("/nonexistent/blog"), &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: cannot read the folder /nonexistent/blog:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: give the folder"));
    let src = Source::new();
    src.write("a.md", "# 标题\n");
    let run = import(&site, src.dir.path(), &["--column", "nope"]);
    assert_eq!(run.code, Some(2));
    assert!(run
        .stderr
        .contains("error: column `nope` is not declared in config.toml"));
    assert!(run.stderr.contains("slug = \"nope\""));
    let run = import(&site, &site.path("."), &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("is the site or inside it"),
        "{}",
        run.stderr
    );
    // Broken front matter refuses that file, with its position.
    src.write("bad.md", "---\ntitle: [unclosed\n---\n正文\n");
    let run = import(&site, src.dir.path(), &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("/bad.md:3:1: error[front-matter]: did not find expected ',' or ']'"),
        "{}",
        run.stderr
    );
    assert!(!site.path("content/bad.md").exists());
    assert!(site.path("content/a.md").exists());
}

#[test]
fn help_teaches_the_command() {
    let site = TestSite::new();
    let out = site.run(&["import", "--help"]);
    // clap wraps the text to the terminal's width: compare words, not lines.
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for said in [
        "Hugo",
        "Jekyll",
        "--dry-run",
        "--column",
        "never scheduled",
        "Nothing is ever replaced",
        "wxpress import ../old-hugo --dry-run",
        "pictures from anywhere in DIR",
    ] {
        assert!(help.contains(said), "missing {said:?} in\n{help}");
    }
}
