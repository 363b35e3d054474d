//! The GitHub workflows (.github/workflows/) and the Actions publishing example:
//! each parses; the release covers Linux, macOS and Windows; every cargo command
//! that resolves dependencies is `--locked`; the release's packaging step, run for
//! real, makes exactly the assets the publishing example downloads (checksum
//! checked, a damaged download refused); and every wxpress command in a `run:`
//! step runs against the sandbox.

mod publish_support;

use publish_support::*;
use serde_norway::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    serde_norway::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every workflow of the project and every Actions example, by path.
fn workflow_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "examples/github-actions"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

/// `(job, step)` for every step of every job.
fn steps(wf: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (job, body) in wf["jobs"].as_mapping().expect("jobs") {
        for step in body["steps"].as_sequence().expect("steps") {
            out.push((job.as_str().unwrap().to_string(), step));
        }
    }
    out
}

fn step_named<'a>(wf: &'a Value, name: &str) -> &'a Value {
    steps(wf)
        .into_iter()
        .map(|(_, s)| s)
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step named {name:?}"))
}

/// `${{ expr }}` replaced by the given values; any other expression is a test bug.
fn expand(script: &str, values: &[(&str, &str)]) -> String {
    let mut out = script.to_string();
    for (expr, value) in values {
        out = out.replace(&format!("${{{{ {expr} }}}}"), value);
    }
    assert!(!out.contains("${{"), "unexpanded expression in {out}");
    out
}

/// The cargo commands of a shell text that resolve dependencies: each `cargo`
/// word followed by one of these subcommands, up to the end of the command.
fn cargo_commands(text: &str) -> Vec<String> {
    const RESOLVING: [&str; 9] = [
        "build", "check", "test", "run", "install", "clippy", "doc", "bench", "update",
    ];
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap();
        for command in line.split(['&', '|', ';']) {
            // `cargo` as the command, after any `NAME=value` assignments (not
            // inside an `echo`).
            let words: Vec<&str> = command
                .split_whitespace()
                .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                .collect();
            if words.first() == Some(&"cargo")
                && words.get(1).is_some_and(|s| RESOLVING.contains(s))
            {
                found.push(words.join(" "));
            }
        }
    }
    found
}

#[test]
fn every_workflow_parses_pins_its_actions_and_locks_every_cargo_command() {
    let files = workflow_files();
    assert!(files.contains(&".github/workflows/release.yml".to_string()));
    assert!(files.contains(&".github/workflows/ci.yml".to_string()));
    let mut cargo = Vec::new();
    for file in &files {
        let wf = yaml(file);
        assert!(wf["name"].as_str().is_some(), "{file}: a name");
        for (job, step) in steps(&wf) {
            if let Some(action) = step["uses"].as_str() {
                // Maintained actions, pinned to a major version (owner/name@vN).
                let (_, version) = action.split_once('@').unwrap_or_else(|| {
                    panic!("{file}: job {job}: {action} is not pinned to a version")
                });
                assert!(
                    version.starts_with('v')
                        && version[1..].starts_with(|c: char| c.is_ascii_digit()),
                    "{file}: job {job}: {action} is not pinned to a version"
                );
            }
            if let Some(run) = step["run"].as_str() {
                cargo.extend(cargo_commands(run).into_iter().map(|c| (file.clone(), c)));
            }
        }
    }
    for script in [".ci/run", ".ci/package", "scripts/test.sh"] {
        cargo.extend(
            cargo_commands(&read(script))
                .into_iter()
                .map(|c| (script.to_string(), c)),
        );
    }
    assert!(
        cargo
            .iter()
            .any(|(f, c)| f.ends_with("release.yml") && c.starts_with("cargo build")),
        "{cargo:?}"
    );
    for (file, command) in &cargo {
        assert!(
            command.split_whitespace().any(|w| w == "--locked"),
            "{file}: `{command}` re-resolves dependencies to versions the tests never saw: add --locked"
        );
    }
    // wxpress is not on crates.io: nothing may install it from there.
    for file in files.iter().map(String::as_str).chain(["README.md"]) {
        for command in cargo_commands(&read(file)) {
            if command.starts_with("cargo install") {
                assert!(
                    command.contains("--path") || command.contains("--git"),
                    "{file}: `{command}` installs from crates.io, which has no wxpress"
                );
            }
        }
    }
}

#[test]
fn the_release_builds_linux_macos_and_windows_on_version_tags() {
    let wf = yaml(".github/workflows/release.yml");
    assert_eq!(wf["on"]["push"]["tags"][0].as_str(), Some("v*"));
    let matrix = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap();
    let targets: Vec<(&str, &str)> = matrix
        .iter()
        .map(|m| (m["target"].as_str().unwrap(), m["os"].as_str().unwrap()))
        .collect();
    for (target, runner) in [
        ("x86_64-unknown-linux-gnu", "ubuntu-"),
        ("aarch64-apple-darwin", "macos-"),
        ("x86_64-apple-darwin", "macos-"),
        ("x86_64-pc-windows-msvc", "windows-"),
    ] {
        let os = targets
            .iter()
            .find(|(t, _)| *t == target)
            .unwrap_or_else(|| panic!("{target} is not built: {targets:?}"))
            .1;
        assert!(os.starts_with(runner), "{target} on {os}");
    }
    assert_eq!(
        step_named(&wf, "Build")["run"].as_str().map(str::trim),
        Some("cargo build --release --locked --target ${{ matrix.target }}")
    );
    // Every platform is tried even when one fails.
    assert_eq!(
        wf["jobs"]["build"]["strategy"]["fail-fast"].as_bool(),
        Some(false)
    );
    // The release job attaches every archive and checksum, after all builds.
    assert_eq!(wf["jobs"]["release"]["needs"].as_str(), Some("build"));
    assert_eq!(
        wf["jobs"]["release"]["permissions"]["contents"].as_str(),
        Some("write")
    );
    let attach = steps(&wf)
        .into_iter()
        .find(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("softprops/action-gh-release@"))
        })
        .expect("a step attaching the assets")
        .1;
    assert_eq!(attach["with"]["files"].as_str(), Some("dist/*"));

    // CI and release build with the same toolchain.
    let toolchain = wf["env"]["RUST_TOOLCHAIN"].as_str().unwrap();
    let ci = yaml(".github/workflows/ci.yml");
    assert_eq!(
        ci["jobs"]["test"]["container"].as_str(),
        Some(format!("rust:{toolchain}-bookworm").as_str())
    );
    assert!(steps(&ci)
        .iter()
        .any(|(_, s)| s["run"].as_str().map(str::trim) == Some("bash .ci/run")));
}

/// The release's tag check, run for real: the crate's version as a tag passes,
/// any other tag fails before anything is built.
#[test]
fn the_release_refuses_a_tag_that_is_not_the_crate_version() {
    let wf = yaml(".github/workflows/release.yml");
    let script = step_named(&wf, "The tag is the crate's version")["run"]
        .as_str()
        .unwrap();
    let check = |tag: &str| {
        Command::new("bash")
            .args(["-e", "-c", script])
            .current_dir(repo())
            .env("GITHUB_REF_NAME", tag)
            .output()
            .unwrap()
    };
    let good = check(&format!("v{}", env!("CARGO_PKG_VERSION")));
    assert!(good.status.success(), "{good:?}");
    let bad = check("v9.9.9");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stdout).contains("does not match Cargo.toml's version"));
}

/// A copy of what the release's Package step needs (the script, README.md and the
/// built binary where cargo puts it), packaged by that step's own `run:` text.
fn package(dir: &Path, tag: &str, target: &str) -> PathBuf {
    let wf = yaml(".github/workflows/release.yml");
    let script = expand(
        step_named(&wf, "Package")["run"].as_str().unwrap(),
        &[("matrix.target", target)],
    );
    std::fs::create_dir_all(dir.join(".ci")).unwrap();
    std::fs::copy(repo().join(".ci/package"), dir.join(".ci/package")).unwrap();
    std::fs::copy(repo().join("README.md"), dir.join("README.md")).unwrap();
    let exe = if target.contains("-windows-") {
        "wxpress.exe"
    } else {
        "wxpress"
    };
    let release = dir.join("target").join(target).join("release");
    std::fs::create_dir_all(&release).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_wxpress"), release.join(exe)).unwrap();
    let out = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(dir)
        .env("GITHUB_REF_NAME", tag)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("dist")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The publishing example's install step, run as a Linux x86-64 runner would,
/// downloading from `releases` (a `file://` stand-in for GitHub's release URLs).
fn install(releases: &Path, runner: (&str, &str)) -> (std::process::Output, tempfile::TempDir) {
    let wf = yaml("examples/github-actions/wxpress-publish.yml");
    let script = step_named(&wf, "Install wxpress")["run"].as_str().unwrap();
    let runner_temp = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(runner_temp.path())
        .env("RUNNER_OS", runner.0)
        .env("RUNNER_ARCH", runner.1)
        .env("RUNNER_TEMP", runner_temp.path())
        .env("GITHUB_PATH", runner_temp.path().join("github_path"))
        .env(
            "WXPRESS_VERSION",
            wf["env"]["WXPRESS_VERSION"].as_str().unwrap(),
        )
        .env("WXPRESS_RELEASES", format!("file://{}", releases.display()))
        .output()
        .unwrap();
    (out, runner_temp)
}

#[test]
fn the_publish_example_downloads_and_verifies_the_release_asset_the_release_makes() {
    let wf = yaml("examples/github-actions/wxpress-publish.yml");
    let tag = wf["env"]["WXPRESS_VERSION"].as_str().unwrap();
    assert_eq!(
        tag,
        format!("v{}", env!("CARGO_PKG_VERSION")),
        "the example runs the current release"
    );
    assert!(wf["env"]["WXPRESS_RELEASES"]
        .as_str()
        .unwrap()
        .ends_with("/releases/download"));
    let script = step_named(&wf, "Install wxpress")["run"].as_str().unwrap();
    assert!(
        !script.lines().any(|l| l.trim_start().starts_with("cargo ")),
        "downloads, never compiles"
    );
    assert!(
        step_named(&wf, "Install wxpress")["env"].is_null(),
        "no secret while installing"
    );

    // Every target the example downloads is one the release builds.
    let release = yaml(".github/workflows/release.yml");
    let built: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let wanted: Vec<&str> = script
        .lines()
        .filter_map(|l| {
            l.split_once(") target=")
                .map(|(_, t)| t.trim_end_matches(" ;;").trim())
        })
        .collect();
    assert_eq!(wanted.len(), 3, "{wanted:?}");
    for target in &wanted {
        assert!(
            built.contains(target),
            "{target} is downloaded but not released: {built:?}"
        );
    }

    // Package the Linux and Windows builds as the release does…
    let work = tempfile::tempdir().unwrap();
    let dist = package(work.path(), tag, "x86_64-unknown-linux-gnu");
    package(work.path(), tag, "x86_64-pc-windows-msvc");
    let linux = format!("wxpress-{tag}-x86_64-unknown-linux-gnu.tar.gz");
    let windows = format!("wxpress-{tag}-x86_64-pc-windows-msvc.zip");
    assert_eq!(
        files_in(&dist),
        [
            windows.clone(),
            format!("{windows}.sha256"),
            linux.clone(),
            format!("{linux}.sha256"),
        ]
    );
    let listing = Command::new("unzip")
        .arg("-Z1")
        .arg(dist.join(&windows))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout),
        "wxpress.exe\nREADME.md\n"
    );

    // …publish them under the tag, as GitHub's download URLs lay them out…
    let releases = work.path().join("releases");
    std::fs::create_dir_all(releases.join(tag)).unwrap();
    for name in files_in(&dist) {
        std::fs::copy(dist.join(&name), releases.join(tag).join(&name)).unwrap();
    }

    // …and the example installs that binary and puts it on the PATH.
    let (out, runner_temp) = install(&releases, ("Linux", "X64"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("{linux}: OK")), "{stdout}");
    assert!(
        stdout.contains(&format!("wxpress {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    let bin = runner_temp.path().join("wxpress-bin");
    assert_eq!(
        std::fs::read_to_string(runner_temp.path().join("github_path")).unwrap(),
        format!("{}\n", bin.display())
    );
    assert_eq!(
        std::fs::read(bin.join("wxpress")).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_wxpress")).unwrap()
    );

    // A damaged (or replaced) archive is refused before anything is installed.
    let archive = releases.join(tag).join(&linux);
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let (out, runner_temp) = install(&releases, ("Linux", "X64"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAILED"),
        "{out:?}"
    );
    assert!(!runner_temp.path().join("wxpress-bin").exists());
    assert!(!runner_temp.path().join("github_path").exists());

    // A runner with no release binary is told how to get one.
    let (out, _) = install(&releases, ("Windows", "X64"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("::error::no wxpress release binary for Windows/X64"),
        "{out:?}"
    );
}

/// Every line of a `run:` step that calls wxpress (installed on the PATH as
/// `wxpress`), run with the real binary in a sandbox site with nothing due: it
/// parses and succeeds.
#[test]
fn every_wxpress_command_in_a_workflow_runs() {
    let mut ran = Vec::new();
    for file in workflow_files() {
        let wf = yaml(&file);
        for (_, step) in steps(&wf) {
            let Some(run) = step["run"].as_str() else {
                continue;
            };
            for line in run.lines().map(str::trim) {
                let words: Vec<&str> = line.split_whitespace().collect();
                if !words
                    .first()
                    .is_some_and(|w| *w == "wxpress" || w.ends_with("/wxpress"))
                {
                    continue;
                }
                let sb = sandbox();
                let site = site();
                for post in [HELLO, SECOND] {
                    let p = site.root().join(post);
                    let text = std::fs::read_to_string(&p).unwrap();
                    std::fs::write(
                        &p,
                        text.replace("2026-12-01T12:00:00", "2099-12-01T12:00:00"),
                    )
                    .unwrap();
                }
                let run = run_cmd(wxpress(&site, &sb, &words[1..]));
                assert_eq!(
                    run.code,
                    Some(0),
                    "{file}: `{line}`\nstdout:\n{}\nstderr:\n{}",
                    run.stdout,
                    run.stderr
                );
                ran.push(line.to_string());
            }
        }
    }
    ran.sort();
    assert_eq!(
        ran,
        [
            "wxpress publish --due",
            "wxpress stats --fetch",
            "wxpress-bin/wxpress --version"
        ],
        "the commands this test knows of"
    );
}
