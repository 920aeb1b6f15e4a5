//! What `idl init` finds in a repository that has no idl config yet: the roots
//! and import paths its protoc calls already use (`-I`/`--proto_path` in a
//! Makefile) and the vendored trees (`third_party/`, `vendor/`) holding
//! `google/api`, `validate`, `errors`, `openapi` protos, which are imports rather
//! than lint targets. [`detect`] is the one entry point; every choice carries the
//! reason `idl init` prints.

use std::path::{Component, Path};

/// Directories that conventionally hold vendored protos.
const VENDOR_DIRS: [&str; 4] = ["third_party", "third-party", "vendor", "thirdparty"];

/// Subdirectories that mark a vendored tree: other projects' protos every Kratos,
/// Ego or grpc-gateway repository imports.
const VENDORED_PACKAGES: [&str; 8] = [
    "google/api",
    "google/protobuf",
    "google/rpc",
    "validate",
    "buf/validate",
    "errors",
    "openapi",
    "protoc-gen-openapiv2",
];

/// Files whose protoc calls name the import paths.
const BUILD_FILES: [&str; 3] = ["Makefile", "makefile", "GNUmakefile"];

/// The workspace layout found, with why.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Relative to the repository, `/`-separated; `.` for the repository itself.
    pub roots: Vec<String>,
    pub import_paths: Vec<String>,
    /// Import paths that lie under a root: left out of the lint targets.
    pub excludes: Vec<String>,
    /// One sentence per choice, for people: "roots = [\".\"]: Makefile:9 passes --proto_path=. to protoc".
    pub reasons: Vec<String>,
}

/// Finds the layout of the repository at `dir`.
pub fn detect(dir: &Path) -> Layout {
    let mut layout = Layout::default();
    let mut from_build_files: Vec<(String, String)> = Vec::new();
    for name in BUILD_FILES {
        // Through the checked reader: a FIFO named Makefile would block `idl init`.
        let Ok(text) = crate::checked_read::read_config_text(&dir.join(name)) else { continue };
        for (line, path) in proto_paths(&text) {
            let Some(relative) = normalize(&path) else { continue };
            if !dir.join(&relative).is_dir() || from_build_files.iter().any(|(p, _)| *p == relative) {
                continue;
            }
            from_build_files.push((relative, format!("{name}:{line} passes `{path}` to protoc")));
        }
    }
    for (path, why) in &from_build_files {
        match vendored(&dir.join(path)) {
            Some(found) => {
                layout.import_paths.push(path.clone());
                layout
                    .reasons
                    .push(format!("import_paths += {path:?}: {why}, and it holds {found} (imports, not lint targets)"));
            }
            None => {
                layout.roots.push(path.clone());
                layout.reasons.push(format!("roots += {path:?}: {why}"));
            }
        }
    }
    for name in VENDOR_DIRS {
        if layout.import_paths.iter().any(|p| p == name) || layout.roots.iter().any(|p| p == name) {
            continue;
        }
        if let Some(found) = vendored(&dir.join(name)) {
            layout.import_paths.push(name.to_string());
            layout.reasons.push(format!("import_paths += {name:?}: it holds {found} (imports, not lint targets)"));
        }
    }
    if layout.roots.is_empty() {
        layout.roots.push(".".to_string());
        let why =
            if from_build_files.is_empty() { "no Makefile names a proto path" } else { "the Makefile names no other" };
        layout.reasons.push(format!("roots = [\".\"]: {why}; import names are paths from here"));
    }
    for import in &layout.import_paths {
        if layout.roots.iter().any(|root| root == "." || import.starts_with(&format!("{root}/"))) {
            layout.excludes.push(import.clone());
            layout.reasons.push(format!("excludes += {import:?}: an import path under a root, so not checked"));
        }
    }
    layout
}

/// The vendored packages under `dir`, as "google/api, validate", or `None`.
fn vendored(dir: &Path) -> Option<String> {
    let found: Vec<&str> = VENDORED_PACKAGES.iter().copied().filter(|p| dir.join(p).is_dir()).collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// `(line, path)` of every `-I PATH`, `-IPATH`, `--proto_path=PATH` and
/// `--proto_path PATH` in a Makefile (1-based lines).
fn proto_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i < words.len() {
            let word = words[i];
            let value = if let Some(rest) = word.strip_prefix("--proto_path=") {
                Some(rest.to_string())
            } else if word == "--proto_path" || word == "-I" {
                i += 1;
                words.get(i).map(|w| w.to_string())
            } else {
                word.strip_prefix("-I").map(|rest| rest.trim_start_matches('=').to_string())
            };
            if let Some(value) = value {
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                // protoc allows several paths in one flag.
                for part in value.split(':').filter(|p| !p.is_empty()) {
                    found.push((index + 1, part.to_string()));
                }
            }
            i += 1;
        }
    }
    found
}

/// `./third_party/` → `third_party`, `.` → `.`; `None` for what cannot be a path
/// inside the repository (make variables, absolute paths, `..`).
fn normalize(path: &str) -> Option<String> {
    if path.contains('$') || path.contains('`') || path.contains('*') {
        return None;
    }
    let mut parts = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => parts.push(part.to_str()?.to_string()),
            _ => return None,
        }
    }
    Some(if parts.is_empty() { ".".to_string() } else { parts.join("/") })
}

/// The `import_paths`, `roots` and `excludes` lines of an idl.toml, with the
/// reasons as comments.
pub fn toml_lines(layout: &Layout) -> String {
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|item| toml::Value::String(item.clone()).to_string()).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut text = String::new();
    for reason in &layout.reasons {
        text.push_str("# Found: ");
        text.push_str(reason);
        text.push('\n');
    }
    text.push_str("# Directories whose .proto files are the workspace; import names are relative to them.\n");
    text.push_str(&format!("roots = {}\n", list(&layout.roots)));
    text.push_str("# Directories searched for imports only (vendored googleapis, ...); never checked.\n");
    if layout.import_paths.is_empty() {
        text.push_str("# import_paths = [\"third_party\"]\n");
    } else {
        text.push_str(&format!("import_paths = {}\n", list(&layout.import_paths)));
    }
    text.push_str("# Globs of files to leave out, relative to this file.\n");
    if layout.excludes.is_empty() {
        text.push_str("# excludes = [\"**/legacy/**\"]\n");
    } else {
        text.push_str(&format!("excludes = {}\n", list(&layout.excludes)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makefile_proto_paths_in_every_spelling() {
        let makefile = "api:\n\tprotoc --proto_path=. \\\n\t  --proto_path ./third_party -Iproto -I=x -I y:z \\\n\t  -I $(GOPATH)/src # -I commented\n";
        let found = proto_paths(makefile);
        let paths: Vec<(usize, &str)> = found.iter().map(|(line, path)| (*line, path.as_str())).collect();
        assert_eq!(
            paths,
            [(2, "."), (3, "./third_party"), (3, "proto"), (3, "x"), (3, "y"), (3, "z"), (4, "$(GOPATH)/src")]
        );
        assert_eq!(normalize("./third_party/"), Some("third_party".into()));
        assert_eq!(normalize("."), Some(".".into()));
        assert_eq!(normalize("$(GOPATH)/src"), None);
        assert_eq!(normalize("../shared"), None);
        assert_eq!(normalize("/usr/include"), None);
    }

    #[test]
    fn vendored_trees_are_import_paths_excluded_from_a_root_above_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("third_party/google/api")).unwrap();
        std::fs::create_dir_all(dir.path().join("third_party/validate")).unwrap();
        std::fs::create_dir_all(dir.path().join("api")).unwrap();
        let layout = detect(dir.path());
        assert_eq!(layout.roots, ["."]);
        assert_eq!(layout.import_paths, ["third_party"]);
        assert_eq!(layout.excludes, ["third_party"]);
        assert!(layout.reasons[0].contains("it holds google/api, validate"), "{:?}", layout.reasons);
        // A Makefile naming `api` makes it the root; the vendored tree is then not under it.
        std::fs::write(dir.path().join("Makefile"), "all:\n\tprotoc -I api -I third_party x.proto\n").unwrap();
        let layout = detect(dir.path());
        assert_eq!(
            (layout.roots, layout.import_paths, layout.excludes),
            (vec!["api".to_string()], vec!["third_party".to_string()], vec![])
        );
    }
}
