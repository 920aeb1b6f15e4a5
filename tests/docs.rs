//! `idl docs`: snapshots of the model, the site and the Markdown tree on
//! `testdata/docs`; a link checker over both; and, where the googleapis corpus
//! is installed (`../shared/scripts/peers.sh`), the whole corpus's site: every
//! link resolves, every service, method, message and enum is reachable from the
//! index, and headless Chromium finds an RPC with the search box (screenshots
//! under `target/docs-screenshots/`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/docs")
}

fn idl(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idl"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../testdata/docs/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    // One tag per line, so a change shows as a readable diff.
    let text = if name.ends_with(".html") { text.replace("><", ">\n<") } else { text.to_string() };
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn generate(format: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let output = idl(&fixture()).args(["docs", "--format", format, "-o"]).arg(out.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    out
}

#[test]
fn model_snapshot() {
    let output = idl(&fixture()).args(["docs", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let json = String::from_utf8(output.stdout).unwrap();
    let model: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(model["schema_version"], 1);
    snapshot("model.json", &json);
}

#[test]
fn site_snapshot() {
    let out = generate("html");
    let mut files: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(
        files,
        [
            "acme.common.v1.html",
            "acme.legacy.v1.html",
            "acme.library.v1.html",
            "index.html",
            "search-index.js",
            "search.js",
            "style.css"
        ]
    );
    for page in ["index.html", "acme.library.v1.html", "acme.legacy.v1.html", "acme.common.v1.html", "search-index.js"]
    {
        snapshot(page, &std::fs::read_to_string(out.path().join(page)).unwrap());
    }
}

#[test]
fn markdown_snapshot() {
    let out = generate("markdown");
    for page in ["README.md", "acme.library.v1.md", "acme.legacy.v1.md", "acme.common.v1.md"] {
        snapshot(page, &std::fs::read_to_string(out.path().join(page)).unwrap());
    }
}

/// Raw HTML and script links in comments never become markup.
#[test]
fn comments_cannot_inject_markup() {
    let site = generate("html");
    let page = std::fs::read_to_string(site.path().join("acme.library.v1.html")).unwrap();
    assert!(page.contains("&lt;script&gt;alert(\"comments never run\")&lt;/script&gt;"), "{page}");
    assert!(page.contains("&lt;img src=x onerror=\"alert(1)\"&gt;"));
    assert!(!page.contains("<img"));
    assert!(!page.to_ascii_lowercase().contains("javascript:"));
    // The only scripts are the site's own.
    assert_eq!(page.matches("<script").count(), 1);
    // Tool directives are not documentation.
    assert!(!page.contains("buf:lint:ignore"));

    let tree = generate("markdown");
    let page = std::fs::read_to_string(tree.path().join("acme.library.v1.md")).unwrap();
    assert!(page.contains("&lt;script&gt;alert(\"comments never run\")&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<img"));
    assert!(!page.contains("](javascript:"));
    assert!(!page.contains("buf:lint:ignore"));
}

#[test]
fn fixture_links_resolve() {
    let site = generate("html");
    let report = check_links(site.path(), "html");
    assert!(report.broken.is_empty(), "broken links: {:#?}", report.broken);
    assert!(report.checked > 50, "{}", report.checked);
    let tree = generate("markdown");
    let report = check_links(tree.path(), "md");
    assert!(report.broken.is_empty(), "broken links: {:#?}", report.broken);
    assert!(report.checked > 40, "{}", report.checked);
}

#[test]
fn alphabetical_order() {
    let output = idl(&fixture()).args(["docs", "--format", "json", "--order", "alphabetical"]).output().unwrap();
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let library = &model["packages"][2];
    assert_eq!(library["name"], "acme.library.v1");
    let names: Vec<&str> =
        library["messages"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let methods: Vec<&str> =
        library["services"][0]["methods"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(methods, ["CreateBook", "GetBook", "UploadBooks", "WatchBooks"]);
}

#[test]
fn html_without_output_dir_is_a_usage_error() {
    let output = idl(&fixture()).args(["docs"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--format html writes a directory: name it with -o DIR"), "{stderr}");
}

#[test]
fn unwritable_output_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let output = idl(&fixture()).args(["docs", "-o"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn compile_errors_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("idl.toml"), "roots = [\".\"]\n").unwrap();
    std::fs::write(dir.path().join("bad.proto"), "syntax = \"proto3\";\nmessage {\n").unwrap();
    let out = dir.path().join("site");
    let output = idl(dir.path()).args(["docs", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.proto:2:"));
    assert!(!out.exists());
}

// ---- link checking -------------------------------------------------------

/// Attribute values `name="..."` in the tags of an HTML page. Text never holds
/// a raw `<` (it is escaped), so every `<` opens a tag; idl writes attributes
/// with double quotes and escapes quotes in values. Text that merely reads
/// `href="..."` (a comment quoting HTML) is not a link and is not matched.
fn attributes<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    let mut values = Vec::new();
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        values.extend(values_after(&rest[..close], &needle));
        rest = &rest[close..];
    }
    values
}

/// The quoted values that follow each `needle`.
fn values_after<'a>(page: &'a str, needle: &str) -> Vec<&'a str> {
    let mut values = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(needle) {
        rest = &rest[start + needle.len()..];
        let Some(end) = rest.find('"') else { break };
        values.push(&rest[..end]);
        rest = &rest[end..];
    }
    values
}

/// Markdown link targets `](...)` and anchors `<a id="...">`.
fn markdown_links(page: &str) -> Vec<&str> {
    let mut values = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("](") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find(')') else { break };
        values.push(&rest[..end]);
        rest = &rest[end..];
    }
    values
}

struct Page {
    ids: HashSet<String>,
    hrefs: Vec<String>,
}

fn read_pages(dir: &Path, extension: &str) -> HashMap<String, Page> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(&format!(".{extension}")))
        .collect();
    names
        .into_par_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let (ids, hrefs) = if extension == "html" {
                (attributes(&text, "id"), attributes(&text, "href"))
            } else {
                (values_after(&text, "<a id=\""), markdown_links(&text))
            };
            let page = Page {
                ids: ids.into_iter().map(str::to_string).collect(),
                hrefs: hrefs.into_iter().map(|h| h.replace("&amp;", "&")).collect(),
            };
            (name, page)
        })
        .collect()
}

struct LinkReport {
    checked: usize,
    broken: Vec<String>,
    pages: HashMap<String, Page>,
}

/// Every internal href of every page resolves to a file and, with a fragment,
/// to an id in it.
fn check_links(dir: &Path, extension: &str) -> LinkReport {
    let pages = read_pages(dir, extension);
    let mut broken = Vec::new();
    let mut checked = 0;
    for (name, page) in &pages {
        for href in &page.hrefs {
            if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = if file.is_empty() { Some(page) } else { pages.get(file) };
            let exists = match target {
                Some(target) => fragment.is_empty() || target.ids.contains(fragment),
                None => dir.join(file).is_file(),
            };
            if !exists {
                broken.push(format!("{name}: {href}"));
            }
        }
    }
    LinkReport { checked, broken, pages }
}

/// Pages reachable from `index.html` and every `page#id` some reachable page links to.
fn reachable(pages: &HashMap<String, Page>) -> (BTreeSet<String>, HashSet<String>) {
    let mut seen = BTreeSet::from(["index.html".to_string()]);
    let mut linked = HashSet::new();
    let mut queue = VecDeque::from(["index.html".to_string()]);
    while let Some(name) = queue.pop_front() {
        let Some(page) = pages.get(&name) else { continue };
        for href in &page.hrefs {
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let file = if file.is_empty() { name.as_str() } else { file };
            if !fragment.is_empty() {
                linked.insert(format!("{file}#{fragment}"));
            }
            if pages.contains_key(file) && seen.insert(file.to_string()) {
                queue.push_back(file.to_string());
            }
        }
    }
    (seen, linked)
}

// ---- googleapis ----------------------------------------------------------

fn googleapis() -> Option<PathBuf> {
    let dir = match std::env::var_os("IDL_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/idl-peers/googleapis"),
    };
    dir.join("google").is_dir().then_some(dir)
}

/// Where test artefacts go: `target/docs-screenshots/` next to the test binary's
/// profile directory.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/docs-HASH -> target
    let target = exe.ancestors().nth(3).map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    target.join("docs-screenshots")
}

#[test]
fn googleapis_site() {
    let Some(corpus) = googleapis() else {
        eprintln!("googleapis_site: googleapis not found (run shared/scripts/peers.sh); skipped");
        return;
    };
    let workspace = idl::workspace::discover(&corpus, None, &[]).expect("corpus workspace");
    let compilation = idl::compile::compile(&workspace);
    assert!(!compilation.has_errors(), "googleapis does not compile");
    let started = Instant::now();
    let rows = idl::errors::extract::extract(&compilation, &Default::default()).rows;
    let model = idl::docs::model::build(&compilation, rows, idl::docs::model::Order::Declaration);
    let site = tempfile::tempdir().unwrap();
    let written = idl::docs::write_html(&model, site.path()).unwrap();
    eprintln!("googleapis_site: {} pages written in {:.1?}", written.pages, started.elapsed());
    assert_eq!(written.pages, model.packages.len() + 1);

    let report = check_links(site.path(), "html");
    eprintln!("googleapis_site: {} internal links checked", report.checked);
    assert!(
        report.broken.is_empty(),
        "{} broken links, first: {:#?}",
        report.broken.len(),
        &report.broken[..5.min(report.broken.len())]
    );
    assert_eq!(report.pages.len(), written.pages);

    let (seen, linked) = reachable(&report.pages);
    assert_eq!(seen.len(), written.pages, "pages not reachable from the index");
    let mut unreachable: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut elements = 0;
    for package in &model.packages {
        let page = format!("{}.html", idl::docs::links::page_stem(&package.name));
        let mut check = |kind: &'static str, anchor: String| {
            elements += 1;
            let has_id = report.pages[&page].ids.contains(&anchor);
            if !has_id || !linked.contains(&format!("{page}#{anchor}")) {
                unreachable.entry(kind).or_default().push(format!("{page}#{anchor}"));
            }
        };
        for service in &package.services {
            check("service", service.name.clone());
            for method in &service.methods {
                check("method", format!("{}.{}", service.name, method.name));
            }
        }
        for message in &package.messages {
            check("message", message.name.clone());
        }
        for enum_type in &package.enums {
            check("enum", enum_type.name.clone());
        }
    }
    eprintln!("googleapis_site: {elements} services, methods, messages and enums reachable from index.html");
    assert!(unreachable.is_empty(), "unreachable: {unreachable:#?}");

    browse(site.path());
}

/// Chromium, when installed: the search box finds an RPC, and screenshots of a
/// package page and of a search are kept.
fn browse(site: &Path) {
    let Some(chromium) = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("googleapis_site: chromium not installed (apt-get install chromium); browser check skipped");
        return;
    };
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let run = |url: &str, extra: &[&str]| {
        let started = Instant::now();
        let output = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1280,900",
                // Lets the page's scripts (the index load, the search) finish first.
                "--virtual-time-budget=20000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(url)
            .output()
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(120));
        assert!(output.status.success(), "chromium: {}", String::from_utf8_lossy(&output.stderr));
        output
    };
    let index = format!("file://{}/index.html", site.display());
    // The search as a person would type it: the script reads `?q=` into the box
    // and runs the same handler as typing.
    let search = format!("{index}?q=CreateTopic");
    let dom = String::from_utf8(run(&search, &["--dump-dom"]).stdout).unwrap();
    assert!(
        dom.contains("href=\"google.pubsub.v1.html#Publisher.CreateTopic\""),
        "the search did not find Publisher.CreateTopic: {}",
        &dom[dom.find("search-results").unwrap_or(0)..][..2000.min(dom.len())]
    );
    let search_png = shots.join("search-CreateTopic.png");
    run(&search, &[&format!("--screenshot={}", search_png.display())]);
    let package_png = shots.join("package-google.pubsub.v1.png");
    run(
        &format!("file://{}/google.pubsub.v1.html", site.display()),
        &[&format!("--screenshot={}", package_png.display())],
    );
    for png in [&search_png, &package_png] {
        let bytes = std::fs::read(png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
        eprintln!("googleapis_site: screenshot {}", png.display());
    }
}
