//! The formatter's invariants: goldens (buf's output, see testdata/format/README.md),
//! idempotence, no comment lost, the compiled descriptor unchanged; on the
//! fixtures, on the googleapis corpus when present, and on deterministic random
//! mutations of both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};
use idl::format::{FormatError, format};
use idl::syntax::lexer::{TokenKind, lex};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/format");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .collect();
    files.sort();
    files
}

/// The words of every comment, in order: what a reader of the comments sees,
/// independent of `//` vs `/* */` and of re-indentation.
fn comment_words(src: &str) -> Vec<String> {
    let (tokens, _) = lex(src);
    let mut words = Vec::new();
    for t in &tokens {
        let text = t.text(src);
        let body = match t.kind {
            TokenKind::LineComment => &text[2..],
            TokenKind::BlockComment => text.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")).unwrap_or(&text[2..]),
            _ => continue,
        };
        words.extend(body.split_whitespace().map(str::to_string));
    }
    // Sorting the file header (imports, options) moves their comments with them.
    words.sort();
    words
}

/// Every check that holds for any input that parses.
fn check_invariants(name: &str, src: &str) -> Option<String> {
    let formatted = match format(src) {
        Ok(f) => f,
        Err(FormatError::Syntax(_)) => return None,
        Err(FormatError::Unsupported) => return None,
    };
    let again =
        format(&formatted).unwrap_or_else(|e| panic!("{name}: formatted output does not parse: {e:?}\n{formatted}"));
    assert_eq!(again, formatted, "{name}: formatting is not idempotent");
    assert_eq!(comment_words(src), comment_words(&formatted), "{name}: comments changed\n{formatted}");
    Some(formatted)
}

/// The FileDescriptorSet (no source info) of `files`, or None when they do not compile.
fn descriptors(files: &BTreeMap<String, String>) -> Option<Vec<u8>> {
    let memory = MemoryFiles {
        files: files.iter().map(|(k, v)| (k.clone(), (k.clone(), Arc::from(v.as_str())))).collect(),
        targets: Vec::new(),
        fallback: None,
        description: "memory".into(),
    };
    let compilation = compile_from(&memory);
    if compilation.has_errors() {
        return None;
    }
    // buf (and so idl) sorts imports: compare dependencies as a set.
    use prost::Message;
    let mut set = prost_types::FileDescriptorSet::decode(&compilation.file_descriptor_set(false)[..]).ok()?;
    for file in &mut set.file {
        let named = |idx: &Vec<i32>, deps: &Vec<String>| -> Vec<String> {
            let mut v: Vec<String> = idx.iter().map(|&i| deps[i as usize].clone()).collect();
            v.sort();
            v
        };
        let public = named(&file.public_dependency, &file.dependency);
        let weak = named(&file.weak_dependency, &file.dependency);
        file.dependency.sort();
        let index = |n: &String| file.dependency.iter().position(|d| d == n).unwrap() as i32;
        file.public_dependency = public.iter().map(index).collect();
        file.weak_dependency = weak.iter().map(index).collect();
    }
    set.file.sort_by(|a, b| a.name.cmp(&b.name));
    Some(set.encode_to_vec())
}

#[test]
fn fixtures_match_goldens_and_keep_invariants() {
    let mut originals = BTreeMap::new();
    let mut formatted_set = BTreeMap::new();
    for path in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(&path).unwrap();
        let golden_path = path.with_extension("golden");
        let formatted = check_invariants(&name, &src).unwrap_or_else(|| panic!("{name} does not format"));
        if std::env::var_os("IDL_BLESS").is_some() {
            std::fs::write(&golden_path, &formatted).unwrap();
        }
        let golden = std::fs::read_to_string(&golden_path).unwrap();
        assert_eq!(formatted, golden, "{name}: output differs from its golden");
        assert_eq!(format(&golden).unwrap(), golden, "{name}: the golden is not stable");
        originals.insert(name.clone(), src);
        formatted_set.insert(name, formatted);
    }
    // Fixtures that compile on their own must compile to the same descriptors.
    for (name, src) in &originals {
        let one = |text: &str| descriptors(&BTreeMap::from([(name.clone(), text.to_string())]));
        if let Some(before) = one(src) {
            assert_eq!(Some(before), one(&formatted_set[name]), "{name}: descriptor changed");
        }
    }
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    match format("syntax = \"proto3\";\nmessage A { int32 = 1; }\n") {
        Err(FormatError::Syntax(errors)) => assert!(errors[0].message.contains("Expected field name")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let mut src = String::from("option (a) = ");
    src.push_str(&"{ a ".repeat(5000));
    src.push_str(&"}".repeat(5000));
    src.push(';');
    assert!(format(&src).is_err());
}

fn corpus_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let dir = Path::new(&home).join(".cache/idl-peers/googleapis");
    dir.is_dir().then_some(dir)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
}

/// googleapis (when present): every file idempotent, no comment lost, and the
/// whole corpus compiles to the same descriptors before and after.
#[test]
fn googleapis_corpus_invariants() {
    let Some(dir) = corpus_dir() else {
        eprintln!("googleapis corpus not present; skipped");
        return;
    };
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    paths.sort();
    let mut before = BTreeMap::new();
    let mut after = BTreeMap::new();
    for path in &paths {
        let name = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let src = std::fs::read_to_string(path).unwrap();
        let formatted = check_invariants(&name, &src).unwrap_or_else(|| panic!("{name} does not format"));
        before.insert(name.clone(), src);
        after.insert(name, formatted);
    }
    let a = descriptors(&before).expect("corpus compiles");
    let b = descriptors(&after).expect("formatted corpus compiles");
    assert!(a == b, "descriptors changed");
    eprintln!("{} files: idempotent, comments kept, descriptors identical", paths.len());
}

/// A deterministic xorshift generator: the same mutations on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

const SNIPPETS: &[&str] = &[
    "{",
    "}",
    ";",
    "// c\n",
    "/* b */",
    "/* m\n  l */",
    "\n\n",
    " ",
    "\t",
    "\r\n",
    "option a = 1;",
    "[b = 2]",
    "message X {}",
    "int32 f = 9;",
    "\"s\" \"t\"",
    "{ a: 1 }",
    "[1, 2]",
    ",",
    "<",
    ">",
    "-",
    "reserved 3;",
];

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut s = src.to_string();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(3) {
            0 => s.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
            1 => {
                let mut end = (at + 1 + rng.below(12)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            _ => {
                // Duplicate a line.
                let lines: Vec<&str> = s.split_inclusive('\n').collect();
                if !lines.is_empty() {
                    let i = rng.below(lines.len());
                    let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    v.insert(i, lines[i].to_string());
                    s = v.concat();
                }
            }
        }
    }
    s
}

/// The same invariants as the fuzz target (`fuzz/fuzz_targets/format.rs`), on
/// deterministic mutations of the fixtures and of a sample of the corpus.
#[test]
fn random_mutations_keep_invariants() {
    let mut seeds: Vec<(String, String)> =
        fixtures().iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())).collect();
    if let Some(dir) = corpus_dir() {
        let mut paths = Vec::new();
        walk(&dir, &mut paths);
        paths.sort();
        for p in paths.iter().step_by(97).filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 40_000)) {
            seeds.push((p.display().to_string(), std::fs::read_to_string(p).unwrap()));
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut formatted = 0;
    let mut compiled = 0;
    for round in 0..40 {
        for (name, src) in &seeds {
            let mutated = mutate(src, &mut rng);
            let (tokens, _) = lex(&mutated);
            let joined: String = tokens.iter().map(|t| t.text(&mutated)).collect();
            assert_eq!(joined, mutated, "lexer round trip");
            if let Some(output) = check_invariants(&format!("{name} (round {round})"), &mutated) {
                formatted += 1;
                // A mutation that still compiles compiles to the same descriptor
                // after formatting (imports as a set), as the fuzz target checks.
                let one = |text: &str| descriptors(&BTreeMap::from([("m.proto".to_string(), text.to_string())]));
                if let Some(before) = one(&mutated) {
                    assert_eq!(Some(before), one(&output), "{name} (round {round}): descriptor changed\n{mutated}");
                    compiled += 1;
                }
            }
        }
    }
    assert!(formatted > 0 && compiled > 0, "{formatted} formatted, {compiled} compiled");
    eprintln!("{formatted} mutations formatted, {compiled} of them compiled to the same descriptor");
}

/// What formatting may change in a descriptor is what `buf format` changes: the
/// order of imports (so `dependency` and the indexes into it). Everything else
/// is byte for byte the same.
#[test]
fn format_changes_only_the_import_order_of_a_descriptor() {
    let src = "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\n\
               import public \"google/protobuf/any.proto\";\nimport \"google/protobuf/duration.proto\";\n\
               message M {  google.protobuf.Timestamp t = 1; google.protobuf.Duration d = 2;\n\
               google.protobuf.Any a = 3; }\n";
    let formatted = format(src).unwrap();
    let file = |text: &str| {
        use prost::Message;
        let memory = MemoryFiles {
            files: BTreeMap::from([("m.proto".to_string(), ("m.proto".to_string(), Arc::from(text)))]),
            targets: Vec::new(),
            fallback: None,
            description: "memory".into(),
        };
        let compilation = compile_from(&memory);
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        let set = prost_types::FileDescriptorSet::decode(&compilation.file_descriptor_set(false)[..]).unwrap();
        set.file.into_iter().find(|f| f.name() == "m.proto").unwrap()
    };
    let (mut before, after) = (file(src), file(&formatted));
    assert_eq!(
        before.dependency,
        ["google/protobuf/timestamp.proto", "google/protobuf/any.proto", "google/protobuf/duration.proto"]
    );
    assert_eq!(
        after.dependency,
        ["google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/timestamp.proto"]
    );
    assert_eq!((before.public_dependency.as_slice(), after.public_dependency.as_slice()), (&[1][..], &[0][..]));
    assert_ne!(before, after);
    before.dependency = after.dependency.clone();
    before.public_dependency = after.public_dependency.clone();
    assert_eq!(before, after, "formatting changed more than the import order");
}

/// Found by `cargo fuzz run format`: a block comment with a line of only a
/// vertical tab and a tab was re-indented differently on the second pass.
#[test]
fn fuzz_regression_whitespace_only_comment_line_is_stable() {
    let input = "/*\u{1}b\n\u{b}\t\n\t////*/\n";
    let once = idl::format::format(input).expect("formats");
    let twice = idl::format::format(&once).expect("formats again");
    assert_eq!(once, twice);
}

/// Found by `cargo fuzz run format`: a line comment that must be written inline
/// became `/* ... */`, and a `*/` inside it ended the comment early, so the
/// output no longer parsed.
#[test]
fn fuzz_regression_inline_line_comment_with_comment_markers_still_parses() {
    let input = "package\n\n// a */ b /* c\nfoo;\n";
    let once = idl::format::format(input).expect("formats");
    assert!(idl::syntax::parse(&once).errors.is_empty(), "{once}");
    let twice = idl::format::format(&once).expect("formats again");
    assert_eq!(once, twice);
}

/// Found by `cargo fuzz run format` (after ~700k runs): a block comment followed
/// at once by a line comment that is written inline printed `/*x*//* y */`, which
/// the next pass separated into `/*x*/ /* y */`.
#[test]
fn fuzz_regression_adjacent_inline_comments_are_stable() {
    for input in ["package a./*x*///y\nb;\n", "package a.b/*x*///y\n;\n"] {
        let once = idl::format::format(input).expect("formats");
        assert!(once.contains("/*x*/ /* y */"), "{once}");
        let twice = idl::format::format(&once).expect("formats again");
        assert_eq!(once, twice);
    }
    let fuzzed = "cGFja2FnZQoKLy93exB3dzA9OwAAAAAAAAAAdwAAAAAqLkHvu78ubS4MCkguLyovLy8vLy8vbS8vL0guKi8vLy8vL20vLy8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAvLwAKSDs=";
    let bytes = base64_decode(fuzzed);
    let input = String::from_utf8(bytes).unwrap();
    let once = idl::format::format(&input).expect("formats");
    let twice = idl::format::format(&once).expect("formats again");
    assert_eq!(once, twice);
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | (u32::from(d) << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[test]
fn options_before_imports_keeps_prototools_header_order() {
    let src = "syntax = \"proto3\";\n\npackage a.v1;\n\nimport \"b.proto\";\n// Why the option.\noption java_multiple_files = true;\noption go_package = \"av1\";\n\nmessage M {}\n";
    let options = idl::format::FormatOptions { options_before_imports: true, ..Default::default() };
    let formatted = idl::format::format_with(src, &options).unwrap();
    assert_eq!(
        formatted,
        "syntax = \"proto3\";\n\npackage a.v1;\n\noption go_package = \"av1\";\n// Why the option.\noption java_multiple_files = true;\n\nimport \"b.proto\";\n\nmessage M {}\n"
    );
    assert_eq!(idl::format::format_with(&formatted, &options).unwrap(), formatted, "not idempotent");
    // buf's order by default: imports first.
    let buf = idl::format::format(&formatted).unwrap();
    assert!(buf.find("import").unwrap() < buf.find("option").unwrap(), "{buf}");
}

/// Every golden the README marks as buf's is what `buf format` prints for its case
/// today (skipped without buf at ~/.cache/idl-peers/bin/buf): the goldens cannot
/// drift from the reference while idl is held to them.
#[test]
fn goldens_marked_buf_are_buf_format_output() {
    let buf = PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/idl-peers/bin/buf");
    if !buf.is_file() {
        eprintln!("skipped: buf is not installed at {}", buf.display());
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/format");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let cases: Vec<&str> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells.len() > 3 && cells[2] == "buf").then(|| cells[1].trim_matches('`'))
        })
        .collect();
    assert!(cases.len() >= 10, "README lists too few buf cases: {cases:?}");
    let mut differ = Vec::new();
    for case in cases {
        let output = std::process::Command::new(&buf)
            .arg("format")
            .arg(format!("{case}.proto"))
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "buf format {case}.proto: {}", String::from_utf8_lossy(&output.stderr));
        let golden = std::fs::read_to_string(dir.join(format!("{case}.golden"))).unwrap();
        if String::from_utf8(output.stdout).unwrap() != golden {
            differ.push(case);
        }
    }
    assert!(differ.is_empty(), "goldens that are not buf's output: {differ:?}");
}
