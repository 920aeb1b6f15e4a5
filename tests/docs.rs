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
            "error-codes.html",
            "index.html",
            "openapi.yaml",
            "search-index.js",
            "search.js",
            "style.css"
        ]
    );
    for page in [
        "index.html",
        "acme.library.v1.html",
        "acme.legacy.v1.html",
        "acme.common.v1.html",
        "error-codes.html",
        "search-index.js",
    ] {
        snapshot(page, &std::fs::read_to_string(out.path().join(page)).unwrap());
    }
}

#[test]
fn markdown_snapshot() {
    let out = generate("markdown");
    for page in ["README.md", "acme.library.v1.md", "acme.legacy.v1.md", "acme.common.v1.md", "error-codes.md"] {
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
    assert!(page.contains("&lt;script&gt;alert\\(\"comments never run\"\\)&lt;/script&gt;"), "{page}");
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

/// Headless Chromium, when installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// The window the site is checked in: a laptop's browser, maximised.
const WINDOW: &str = "--window-size=1400,900";

/// Runs Chromium on `url` (its own profile, no network) and returns its stdout.
fn run_chromium(chromium: &str, url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
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
            WINDOW,
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(300), "chromium took {:.0?}", started.elapsed());
    assert!(output.status.success(), "chromium: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// A screenshot of `url` at 1400×900 under `target/docs-screenshots/NAME.png`.
fn screenshot(chromium: &str, url: &str, name: &str) -> PathBuf {
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join(format!("{name}.png"));
    // The budget lets the page's scripts (the index load, the search) finish first.
    run_chromium(chromium, url, &["--virtual-time-budget=20000", &format!("--screenshot={}", png.display())]);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
    eprintln!("screenshot {}", png.display());
    png
}

/// Each page of `pages` (names in `site`) opened in a 1400 px wide frame: the
/// tables wider than the window and whether the page scrolls sideways. A harness
/// page measures them (`--allow-file-access-from-files` lets it read the frame)
/// and prints one line per page.
fn wide_tables(chromium: &str, site: &Path, pages: &[&str]) -> Vec<String> {
    let measure = r#"
    var width = d.documentElement.clientWidth;
    var wide = Array.prototype.filter.call(d.querySelectorAll("table"), function (t) {
      return t.getBoundingClientRect().right > width + 0.5;
    }).length;
    return "wide_tables=" + wide + " scrolls=" + (d.documentElement.scrollWidth > width);
"#;
    in_frame(chromium, site, pages, measure)
}

/// Runs the body of `function (d) { ... }` on each page's document (opened in
/// a 1400 px frame) and returns `PAGE RESULT` lines.
fn in_frame(chromium: &str, site: &Path, pages: &[&str], measure: &str) -> Vec<String> {
    let urls: Vec<String> = pages.iter().map(|p| format!("file://{}/{p}", site.display())).collect();
    let harness = tempfile::tempdir().unwrap();
    let script = r#"
var frame = document.getElementById("frame");
var lines = [];
function next() {
  if (PAGES.length === 0) { document.getElementById("out").textContent = "RESULT\n" + lines.join("\n") + "\nEND"; return; }
  var page = PAGES.shift();
  frame.onload = function () {
    // After the page's own DOMContentLoaded handlers (search.js is deferred).
    setTimeout(function () {
      lines.push(page.slice(page.lastIndexOf("/") + 1) + " " + MEASURE(frame.contentDocument));
      next();
    }, 50);
  };
  frame.src = page;
}
next();
"#;
    let html = format!(
        "<!DOCTYPE html><html><body><iframe id=\"frame\" style=\"width:1400px;height:900px;border:0\"></iframe>\
         <pre id=\"out\"></pre><script>var PAGES = {};var MEASURE = function (d) {{{measure}}};{script}</script></body></html>",
        serde_json::to_string(&urls).unwrap()
    );
    let path = harness.path().join("harness.html");
    std::fs::write(&path, html).unwrap();
    let dom = run_chromium(
        chromium,
        &format!("file://{}", path.display()),
        &["--window-size=1500,1000", "--allow-file-access-from-files", "--virtual-time-budget=600000", "--dump-dom"],
    );
    let result = dom.split("RESULT\n").nth(1).and_then(|r| r.split("\nEND").next()).unwrap_or_else(|| {
        panic!("the harness did not finish: {}", &dom[..2000.min(dom.len())]);
    });
    result.lines().map(str::to_string).collect()
}

/// Chromium, when installed: the search box finds an RPC, the widest package
/// pages keep their tables inside a 1400 px window, and screenshots of the
/// index, a package page and a search are kept.
fn browse(site: &Path) {
    let Some(chromium) = chromium() else {
        eprintln!("googleapis_site: chromium not installed (apt-get install chromium); browser check skipped");
        return;
    };
    let index = format!("file://{}/index.html", site.display());
    // The search as a person would type it: the script reads `?q=` into the box
    // and runs the same handler as typing.
    let search = format!("{index}?q=CreateTopic");
    let dom = run_chromium(chromium, &search, &["--virtual-time-budget=20000", "--dump-dom"]);
    assert!(
        dom.contains("href=\"google.pubsub.v1.html#Publisher.CreateTopic\""),
        "the search did not find Publisher.CreateTopic: {}",
        &dom[dom.find("search-results").unwrap_or(0)..][..2000.min(dom.len())]
    );
    screenshot(chromium, &search, "googleapis-search-CreateTopic");
    screenshot(chromium, &index, "googleapis-index");
    screenshot(chromium, &format!("file://{}/google.pubsub.v1.html", site.display()), "googleapis-google.pubsub.v1");
    // The pages whose tables overflowed most before they wrapped (compute's
    // long enum and path tables, Ads' resources with long field names).
    let widest = [
        "index.html",
        "google.pubsub.v1.html",
        "google.cloud.compute.v1.html",
        "google.ads.googleads.v22.resources.html",
        "google.cloud.aiplatform.v1.html",
    ];
    let lines = wide_tables(chromium, site, &widest);
    eprintln!("googleapis_site: {lines:#?}");
    let wide: Vec<&String> = lines.iter().filter(|l| !l.ends_with("wide_tables=0 scrolls=false")).collect();
    assert!(wide.is_empty(), "tables wider than a 1400 px window: {wide:#?}");
}

/// The fixture's site in Chromium: no page scrolls sideways at 1400 px, the
/// package filter keeps only matching packages, and screenshots of the index, a
/// package page, the error codes and a search.
#[test]
fn fixture_site_in_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("fixture_site_in_chromium: chromium not installed (apt-get install chromium); skipped");
        return;
    };
    let site = generate("html");
    let pages =
        ["index.html", "acme.common.v1.html", "acme.legacy.v1.html", "acme.library.v1.html", "error-codes.html"];
    let lines = wide_tables(chromium, site.path(), &pages);
    assert_eq!(lines.len(), pages.len(), "{lines:#?}");
    for line in &lines {
        assert!(line.ends_with("wide_tables=0 scrolls=false"), "{line}");
    }
    // The sidebar's filter, typed into: only the matching package stays, and
    // its group opens.
    let filter = r#"
    var input = d.getElementById("package-filter");
    if (input.hidden) return "filter hidden";
    input.value = "legacy";
    input.dispatchEvent(new Event("input"));
    var shown = Array.prototype.filter.call(d.querySelectorAll("nav.sidebar ul.tree a"), function (a) {
      return a.offsetParent !== null;
    }).map(function (a) { return a.getAttribute("href"); });
    return "shown=" + shown.join(",");
"#;
    let lines = in_frame(chromium, site.path(), &["index.html", "acme.library.v1.html"], filter);
    assert_eq!(lines, ["index.html shown=acme.legacy.v1.html", "acme.library.v1.html shown=acme.legacy.v1.html"]);
    let url = |page: &str| format!("file://{}/{page}", site.path().display());
    screenshot(chromium, &url("index.html"), "fixture-index");
    screenshot(chromium, &url("acme.library.v1.html"), "fixture-acme.library.v1");
    screenshot(chromium, &url("error-codes.html"), "fixture-error-codes");
    let search = format!("{}?q=Book", url("index.html"));
    let dom = run_chromium(chromium, &search, &["--virtual-time-budget=20000", "--dump-dom"]);
    assert!(dom.contains("href=\"acme.library.v1.html#Book\""), "search for Book: {dom}");
    screenshot(chromium, &search, "fixture-search-Book");
}

// ---- the site's navigation and tables (issue 14) -------------------------

fn generate_in(dir: &Path, format: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let output = idl(dir).args(["docs", "--format", format, "-o"]).arg(out.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    (out, stderr)
}

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name)
}

/// Every page has the sidebar, and from it every package page (and the error
/// codes) is one link away.
#[test]
fn sidebar_reaches_every_package_from_every_page() {
    let site = generate("html");
    let pages = read_pages(site.path(), "html");
    let package_pages = ["acme.common.v1.html", "acme.legacy.v1.html", "acme.library.v1.html"];
    for (name, page) in &pages {
        for target in package_pages.iter().chain(&["index.html", "error-codes.html"]) {
            assert!(page.hrefs.iter().any(|h| h == target), "{name} does not link {target}");
        }
    }
    let library = std::fs::read_to_string(site.path().join("acme.library.v1.html")).unwrap();
    // The tree groups by prefix (`acme` › `library.v1`), opens the current
    // package's group and marks it.
    assert!(library.contains("<details open><summary><span class=\"prefix\" title=\"acme\">acme</span></summary>"));
    assert!(library.contains("<a href=\"acme.library.v1.html\" aria-current=\"page\">library.<wbr>v1</a>"));
    assert!(library.contains("<a href=\"acme.legacy.v1.html\">legacy.<wbr>v1</a> <span class=\"badge deprecated\">"));
    // The filter box is there for search.js to show.
    assert!(library.contains("<input id=\"package-filter\" type=\"search\" hidden"));
}

/// The index's summary column reads each package's first sentence: the package
/// comment, else (as on real repositories, where the `package` statement is
/// rarely commented) its first documented service, message or enum.
#[test]
fn index_summaries_fall_back_to_the_first_documented_element() {
    let (site, _) = generate_in(&testdata("example"), "html");
    let index = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    assert!(index.contains("<td class=\"desc\">OrderService takes and tracks orders.</td>"), "{index}");
    assert!(index.contains("<td class=\"desc\">UserService manages the accounts of people who use Acme.</td>"));
    let (tree, _) = generate_in(&testdata("example"), "markdown");
    let readme = std::fs::read_to_string(tree.path().join("README.md")).unwrap();
    assert!(readme.contains("| OrderService takes and tracks orders. |"), "{readme}");
}

/// The site-wide error codes: every error with reason, HTTP and gRPC status,
/// message and package, linked to its enum value; columns no row fills are left out.
#[test]
fn error_codes_page_lists_every_error_linked_to_its_enum() {
    let (site, stderr) = generate_in(&fixture(), "html");
    assert!(stderr.contains("idl docs: wrote 5 pages and openapi.yaml in"), "{stderr}");
    let page = std::fs::read_to_string(site.path().join("error-codes.html")).unwrap();
    assert!(page.contains("<h1>Error codes</h1>"));
    let header = page.split("<thead>").nth(1).unwrap().split("</thead>").next().unwrap();
    assert_eq!(
        header,
        "<tr><th>Reason</th><th>HTTP</th><th>gRPC</th><th>Message</th><th>Enum</th><th>Package</th><th>Source</th></tr>"
    );
    assert!(
        page.contains(
            "<td><a href=\"acme.library.v1.html#ErrorReason.BOOK_NOT_FOUND\"><code>Error<wbr>Reason = 1</code></a></td>"
        ),
        "{page}"
    );
    let report = check_links(site.path(), "html");
    assert!(report.broken.is_empty(), "broken links: {:#?}", report.broken);
}

/// A column with no value in any row is left out (fields without labels or
/// descriptions, routes without a body).
#[test]
fn empty_columns_are_left_out() {
    let (site, _) = generate_in(&testdata("docs-names"), "html");
    let page = std::fs::read_to_string(site.path().join("index-package.html")).unwrap();
    assert!(page.contains("<thead><tr><th>Field</th><th>Number</th><th>Type</th></tr></thead>"), "{page}");
    let index = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    // No package has a service: no Services column.
    assert!(index.contains("<tr><th>Package</th><th>Messages</th><th>Enums</th><th>Errors</th><th>Summary</th></tr>"));
    let (tree, _) = generate_in(&testdata("docs-names"), "markdown");
    let page = std::fs::read_to_string(tree.path().join("index-package.md")).unwrap();
    assert!(page.contains("| Field | Number | Type |\n|---|---:|---|\n"), "{page}");
}

// ---- issue 19: names, links and markup -----------------------------------

/// A package named `index` (or `readme`) keeps its page beside the site's
/// index, the page count is right, and a package named `errors` reads as a
/// package, apart from the site's error codes.
#[test]
fn package_named_index_keeps_its_page() {
    let (site, stderr) = generate_in(&testdata("docs-names"), "html");
    assert!(stderr.contains("idl docs: wrote 5 pages and openapi.yaml in"), "{stderr}");
    let mut files: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "error-codes.html",
            "errors.html",
            "index-package.html",
            "index.html",
            "openapi.yaml",
            "readme-package.html",
            "search-index.js",
            "search.js",
            "style.css"
        ]
    );
    let read = |name: &str| std::fs::read_to_string(site.path().join(name)).unwrap();
    assert!(read("index.html").contains("<h1>API reference</h1>"));
    assert!(read("index-package.html").contains("<h1>Package <code>index</code></h1>"));
    assert!(read("errors.html").contains("<h1>Package <code>errors</code></h1>"));
    assert!(read("errors.html").contains("<title>errors — API reference</title>"));
    assert!(read("error-codes.html").contains("<h1>Error codes</h1>"));
    assert!(read("index.html").contains("<a href=\"index-package.html\"><code>index</code></a>"));
    let report = check_links(site.path(), "html");
    assert!(report.broken.is_empty(), "broken links: {:#?}", report.broken);

    let (tree, stderr) = generate_in(&testdata("docs-names"), "markdown");
    assert!(stderr.contains("idl docs: wrote 5 pages in"), "{stderr}");
    let mut files: Vec<String> = std::fs::read_dir(tree.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["README.md", "error-codes.md", "errors.md", "index-package.md", "readme-package.md"]);
}

/// `idl docs -o OUT` refuses a symbolic link inside OUT before writing
/// anything, and replaces a hard-linked file instead of writing through it.
#[test]
fn docs_output_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.css");
    std::fs::write(&victim, "keep").unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("style.css")).unwrap();
    let output = idl(&fixture()).args(["docs", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "[IO] cannot write {out}: {out}/style.css is a symbolic link: idl docs never writes through links in its output directory; remove it",
        out = out.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(!out.join("index.html").exists(), "nothing is written when a link is found");

    // A hard link to a file elsewhere is replaced, not written through.
    std::fs::remove_file(out.join("style.css")).unwrap();
    std::fs::hard_link(&victim, out.join("index.html")).unwrap();
    let output = idl(&fixture()).args(["docs", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().contains("<h1>API reference</h1>"));

    // Also for the Markdown tree and the JSON model.
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::os::unix::fs::symlink(&victim, tree.join("README.md")).unwrap();
    std::os::unix::fs::symlink(&victim, tree.join("docs.json")).unwrap();
    for format in ["markdown", "json"] {
        let output = idl(&fixture()).args(["docs", "--format", format, "-o"]).arg(&tree).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("is a symbolic link: idl docs never writes through links")
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep", "{format}");
    }
}

/// What a host that passes raw HTML through (GitLab, many static site
/// generators; GitHub filters after rendering) makes of a Markdown page:
/// CommonMark with GitHub's tables, raw HTML kept.
fn render_like_a_host(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    out
}

/// Markup a comment must never become where a page is rendered: the tags of
/// `html` (text never holds a raw `<`: renderers escape it) that run script or
/// load something, event-handler attributes, and `javascript:` targets.
fn injected_markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let tag = rest[..rest.find('>').unwrap_or(rest.len())].to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if ["script", "img", "iframe", "object", "embed", "svg", "style", "link", "meta"].contains(&name) {
            found.push(format!("<{tag}>"));
        }
        for attribute in tag.split_whitespace().skip(1) {
            let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
            let value = value.trim_matches(['"', '\'']).trim_start();
            if key.starts_with("on") || value.starts_with("javascript:") {
                found.push(format!("<{tag}>"));
            }
        }
    }
    found
}

/// `idl docs --format markdown`: the README index and the package pages are as
/// safe as the HTML site once rendered: raw `<script>`, `<img onerror>`,
/// `<a href="javascript:">`, entity-encoded `&#x3C;script&#x3E;`, inline,
/// reference-style and autolinked `javascript:` links, in paragraphs, table cells,
/// code blocks inside cells and error messages.
#[test]
fn markdown_output_is_safe_when_rendered() {
    let (tree, _) = generate_in(&testdata("docs-hostile"), "markdown");
    let readme = std::fs::read_to_string(tree.path().join("README.md")).unwrap();
    assert!(
        readme.contains(
            "| The &lt;script&gt;alert\\(1\\)&lt;/script&gt; &lt;img src=x onerror=alert\\(2\\)&gt; \
             &lt;a href=\"javascript:alert\\(3\\)\"&gt;a&lt;/a&gt; &lt;script&gt;alert\\(4\\)&lt;/script&gt; x \\[r\\]\\[bad\\] API. |"
        ),
        "{readme}"
    );
    for name in ["README.md", "hostile.v1.md", "error-codes.md"] {
        let page = std::fs::read_to_string(tree.path().join(name)).unwrap();
        let html = render_like_a_host(&page);
        assert_eq!(injected_markup(&html), Vec::<String>::new(), "{name} rendered:\n{html}");
        // The payloads are still there, as text.
        assert!(html.contains("&lt;script&gt;"), "{name}:\n{html}");
    }
    let page = std::fs::read_to_string(tree.path().join("hostile.v1.md")).unwrap();
    for expected in [
        // Inline, reference-style and autolinked script links, and the definition.
        "\\[click\\]\\(javascript:alert\\(7\\)\\), \\[ref\\]\\[bad\\], &lt;javascript:alert\\(8\\)&gt;, \\[y\\]\\(&lt;javascript:alert\\(9\\)&gt;\\).",
        "\\[bad\\]: javascript:alert\\(10\\)",
        // A code block inside a table cell becomes inline code.
        "<br><br>     `<script>alert(14)</script>`   `<img src=x onerror=alert(15)>` |",
        // An HTML block keeps its Markdown from being read too.
        "| &lt;script&gt;alert\\(16\\)&lt;/script&gt; \\[w\\]\\(javascript:alert\\(17\\)\\) &amp;#x3C;script&amp;#x3E;alert\\(18\\)&amp;#x3C;/script&amp;#x3E; &lt;img src=x onerror=alert\\(19\\)&gt; |",
    ] {
        assert!(page.contains(expected), "missing {expected:?} in\n{page}");
    }
    // The HTML site of the same comments.
    let (site, _) = generate_in(&testdata("docs-hostile"), "html");
    for name in ["index.html", "hostile.v1.html", "error-codes.html"] {
        let page = std::fs::read_to_string(site.path().join(name)).unwrap();
        let without_own_script = page.replacen("<script src=\"search.js\" defer></script>", "", 1);
        let without_own_style = without_own_script.replacen("<link rel=\"stylesheet\" href=\"style.css\">", "", 1);
        let without_own_meta =
            without_own_style.replace("<meta ", "<x-meta ").replacen(" onsubmit=\"return false\"", "", 1);
        assert_eq!(injected_markup(&without_own_meta), Vec::<String>::new(), "{name}:\n{page}");
    }
}

/// `idl errors --format html` with the same payloads in enum and value comments
/// (which are also the messages): all text, the page's filter the only script.
#[test]
fn errors_html_escapes_comment_and_message_payloads() {
    let output = idl(&testdata("docs-hostile")).args(["errors", "--format", "html"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let page = String::from_utf8(output.stdout).unwrap();
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    let own_script = &page[page.find("<script>").unwrap()..];
    assert!(own_script.starts_with("<script>\ndocument.getElementById(\"filter\")"));
    let before_script = &page[..page.find("<script>").unwrap()];
    let without_own_head = before_script.replace("<meta ", "<x-meta ").replacen("<style>", "", 1);
    assert_eq!(injected_markup(&without_own_head), Vec::<String>::new(), "{page}");
    assert!(
        page.contains(
            "<td class=\"desc\">&lt;script&gt;alert(16)&lt;/script&gt; [w](javascript:alert(17)) \
             &amp;#x3C;script&amp;#x3E;alert(18)&amp;#x3C;/script&amp;#x3E; &lt;img src=x onerror=alert(19)&gt;</td>"
        ),
        "{page}"
    );
}
