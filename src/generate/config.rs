//! What to generate: a `buf.gen.yaml` (v1 or v2, read as buf reads it) or the
//! `[generate]` table of `idl.toml` (v2's concepts in TOML), turned into one
//! [`Template`]. Unknown keys and versions are errors at their `file:line:col`.

use std::ops::Range;

use crate::config::CONFIG_RULE;
use crate::diagnostic::Diagnostic;
use crate::migrate::yaml::{self, Node, Value};
use crate::source::SourceFile;

/// One generation config, whatever file it came from.
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// The file it was read from (for locating later messages).
    pub file: Option<SourceFile>,
    /// `clean: true`: empty every plugin's `out` before writing.
    pub clean: bool,
    pub managed: Managed,
    pub plugins: Vec<PluginSpec>,
    /// `inputs[].directory` (v2): what to generate from when no PATHS are given.
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// One request per directory of files to generate (buf's default).
    Directory,
    /// One request with every file to generate.
    All,
}

/// Where a plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginSource {
    /// A program: a name searched on PATH, a path, or an argv list.
    Local(Vec<String>),
    /// A generator built into protoc (`cpp`, `java`, `python`, ...), run through
    /// `protoc` found on PATH or at `protoc_path`.
    ProtocBuiltin { name: String, protoc_path: Vec<String> },
    /// One of idl's own generators (`idl:errors`, `idl:docs`, ...).
    Builtin(String),
}

#[derive(Debug, Clone)]
pub struct PluginSpec {
    pub source: PluginSource,
    /// How messages name the plugin (`protoc-gen-go`, `protoc_builtin:cpp`, `idl:docs`).
    pub name: String,
    pub out: String,
    /// `opt`, as a list; joined with `,` into the request's `parameter`.
    pub opt: Vec<String>,
    pub strategy: Strategy,
    pub include_imports: bool,
    pub include_wkt: bool,
    /// Byte span of the plugin's entry in the config (empty for TOML).
    pub span: Range<usize>,
}

/// Managed mode as buf v2 defines it; v1's keys are translated into these rules.
#[derive(Debug, Clone, Default)]
pub struct Managed {
    pub enabled: bool,
    pub disable: Vec<ManagedRule>,
    pub overrides: Vec<ManagedRule>,
}

/// A `disable` or `override` entry. An override has `value`.
#[derive(Debug, Clone, Default)]
pub struct ManagedRule {
    pub file_option: Option<String>,
    pub field_option: Option<String>,
    pub path: Option<String>,
    pub module: Option<String>,
    pub field: Option<String>,
    pub value: Option<OptionValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Text(String),
    Bool(bool),
}

/// The file options managed mode knows, with whether they are boolean.
pub const FILE_OPTIONS: &[(&str, bool)] = &[
    ("java_package", false),
    ("java_package_prefix", false),
    ("java_package_suffix", false),
    ("java_outer_classname", false),
    ("java_multiple_files", true),
    ("java_string_check_utf8", true),
    ("optimize_for", false),
    ("go_package", false),
    ("go_package_prefix", false),
    ("cc_enable_arenas", true),
    ("objc_class_prefix", false),
    ("csharp_namespace", false),
    ("csharp_namespace_prefix", false),
    ("php_namespace", false),
    ("php_metadata_namespace", false),
    ("php_metadata_namespace_suffix", false),
    ("ruby_package", false),
    ("ruby_package_suffix", false),
];

/// The field options managed mode knows.
pub const FIELD_OPTIONS: &[&str] = &["jstype"];

/// Generators built into protoc 35 (what `protoc_builtin:` and v1's `plugin: NAME`
/// without a `protoc-gen-NAME` on PATH may name).
pub const PROTOC_BUILTINS: &[&str] = &[
    "cpp",
    "csharp",
    "java",
    "kotlin",
    "objc",
    "php",
    "pyi",
    "python",
    "ruby",
    "rust",
    "upb",
    "upbdefs",
    "upb_minitable",
];

struct Reader<'a> {
    file: &'a SourceFile,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let diag = Diagnostic::error(CONFIG_RULE, message).with_path(self.file.display_path.clone());
        let diag = if span.is_empty() && span.start == 0 && self.file.text.is_empty() {
            diag
        } else {
            diag.with_span(self.file, span.start, span.end)
        };
        self.diags.push(diag);
    }

    /// Reports every key of `node` not in `known`.
    fn known_keys(&mut self, node: &Node, what: &str, known: &[&str]) {
        for (key, _) in node.entries() {
            let name = key.as_str().unwrap_or("");
            if !known.contains(&name) {
                self.error(&key.span, format!("unknown key `{name}` in {what} (known: {})", known.join(", ")));
            }
        }
    }

    fn bool(&mut self, node: Option<&Node>, key: &str) -> bool {
        match node {
            None => false,
            Some(n) => match (&n.value, n.as_str()) {
                (Value::Bool(flag), _) => *flag,
                (Value::Null, _) => false,
                (_, Some("true")) => true,
                (_, Some("false")) => false,
                _ => {
                    self.error(&n.span, format!("`{key}` must be true or false"));
                    false
                }
            },
        }
    }

    fn string(&mut self, node: Option<&Node>, key: &str) -> Option<String> {
        let n = node?;
        match &n.value {
            Value::Scalar(text) => Some(text.clone()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Null => None,
            _ => {
                self.error(&n.span, format!("`{key}` must be a string"));
                None
            }
        }
    }

    /// A string or a list of strings (`opt`, `local`, `protoc_path`).
    fn strings(&mut self, node: Option<&Node>, key: &str) -> Vec<String> {
        let Some(n) = node else { return Vec::new() };
        match n.strings() {
            Ok(items) => items.into_iter().map(|(text, _)| text).collect(),
            Err(_) => {
                self.error(&n.span, format!("`{key}` must be a string or a list of strings"));
                Vec::new()
            }
        }
    }

    fn strategy(&mut self, node: Option<&Node>) -> Strategy {
        match node.map(|n| (n, n.as_str())) {
            None | Some((_, Some("directory"))) => Strategy::Directory,
            Some((_, Some("all"))) => Strategy::All,
            Some((n, _)) => {
                self.error(&n.span, "`strategy` must be `directory` or `all`");
                Strategy::Directory
            }
        }
    }
}

/// Reads a `buf.gen.yaml`.
pub fn parse_buf_gen_yaml(file: &SourceFile) -> Result<Template, Vec<Diagnostic>> {
    let root = yaml::parse(file)?;
    let mut reader = Reader { file, diags: Vec::new() };
    if !matches!(root.value, Value::Map(_)) {
        reader.error(&root.span, "buf.gen.yaml must be a mapping with `version` and `plugins`");
        return Err(reader.diags);
    }
    let template = match root.get("version").map(|v| (v, v.as_str())) {
        Some((_, Some("v2"))) => read_v2(&mut reader, &root),
        Some((_, Some("v1"))) | Some((_, Some("v1beta1"))) => read_v1(&mut reader, &root),
        Some((node, _)) => {
            reader.error(&node.span, "unknown buf.gen.yaml version: expected `v1` or `v2`");
            Template::default()
        }
        None => {
            reader.error(&root.span, "buf.gen.yaml has no `version` (expected `v1` or `v2`)");
            Template::default()
        }
    };
    if reader.diags.is_empty() { Ok(Template { file: Some(file.clone()), ..template }) } else { Err(reader.diags) }
}

/// Reads the `[generate]` table of `idl.toml` (v2's keys).
pub fn parse_toml(table: &toml::Table, file: Option<&SourceFile>) -> Result<Template, Vec<Diagnostic>> {
    let placeholder = SourceFile::new("idl.toml", "idl.toml", "".into());
    let file = file.unwrap_or(&placeholder);
    let root = toml_to_node(&toml::Value::Table(table.clone()));
    let mut reader = Reader { file, diags: Vec::new() };
    // Positions are lost through `toml::Table`; point at the table header.
    let at = file.text.find("[generate").unwrap_or(0);
    let root = with_span(root, at..at + "[generate]".len().min(file.text.len().saturating_sub(at)));
    let template = read_v2(&mut reader, &root);
    if reader.diags.is_empty() { Ok(Template { file: Some(file.clone()), ..template }) } else { Err(reader.diags) }
}

fn with_span(node: Node, span: Range<usize>) -> Node {
    let value = match node.value {
        Value::List(items) => Value::List(items.into_iter().map(|i| with_span(i, span.clone())).collect()),
        Value::Map(entries) => Value::Map(
            entries.into_iter().map(|(k, v)| (with_span(k, span.clone()), with_span(v, span.clone()))).collect(),
        ),
        other => other,
    };
    Node { span, value }
}

fn toml_to_node(value: &toml::Value) -> Node {
    let value = match value {
        toml::Value::String(text) => Value::Scalar(text.clone()),
        toml::Value::Integer(n) => Value::Scalar(n.to_string()),
        toml::Value::Float(n) => Value::Scalar(n.to_string()),
        toml::Value::Boolean(flag) => Value::Bool(*flag),
        toml::Value::Datetime(d) => Value::Scalar(d.to_string()),
        toml::Value::Array(items) => Value::List(items.iter().map(toml_to_node).collect()),
        toml::Value::Table(table) => Value::Map(
            table
                .iter()
                .map(|(k, v)| (Node { span: 0..0, value: Value::Scalar(k.clone()) }, toml_to_node(v)))
                .collect(),
        ),
    };
    Node { span: 0..0, value }
}

const V2_KEYS: &[&str] = &["version", "clean", "managed", "plugins", "inputs"];
const V2_PLUGIN_KEYS: &[&str] = &[
    "local",
    "remote",
    "protoc_builtin",
    "out",
    "opt",
    "strategy",
    "include_imports",
    "include_wkt",
    "types",
    "exclude_types",
    "protoc_path",
    "revision",
];
const V2_INPUT_KEYS: &[&str] = &[
    "directory",
    "module",
    "git_repo",
    "tarball",
    "zip_archive",
    "proto_file",
    "binary_image",
    "json_image",
    "text_image",
    "yaml_image",
    "types",
    "exclude_types",
    "paths",
    "exclude_paths",
    "branch",
    "tag",
    "ref",
    "depth",
    "recurse_submodules",
    "subdir",
    "strip_components",
    "compression",
    "include_package_files",
];

fn read_v2(r: &mut Reader<'_>, root: &Node) -> Template {
    r.known_keys(root, "buf.gen.yaml v2", V2_KEYS);
    let clean = r.bool(root.get("clean"), "clean");
    let managed = root.get("managed").map(|m| read_managed_v2(r, m)).unwrap_or_default();
    let mut plugins = Vec::new();
    match root.get("plugins").map(|p| &p.value) {
        Some(Value::List(items)) => {
            for item in items {
                if let Some(plugin) = read_plugin_v2(r, item) {
                    plugins.push(plugin);
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => r.error(&root.get("plugins").unwrap().span, "`plugins` must be a list"),
    }
    let mut inputs = Vec::new();
    if let Some(Value::List(items)) = root.get("inputs").map(|i| &i.value) {
        for item in items {
            r.known_keys(item, "an input", V2_INPUT_KEYS);
            match r.string(item.get("directory"), "directory") {
                Some(dir) => inputs.push(dir),
                None => {
                    let kind = item.entries().first().and_then(|(k, _)| k.as_str()).unwrap_or("?").to_string();
                    r.error(
                        &item.span,
                        format!(
                            "input `{kind}` is not supported: idl generates from local directories (`directory: PATH`)"
                        ),
                    );
                }
            }
        }
    }
    Template { file: None, clean, managed, plugins, inputs }
}

fn read_plugin_v2(r: &mut Reader<'_>, item: &Node) -> Option<PluginSpec> {
    r.known_keys(item, "a plugin", V2_PLUGIN_KEYS);
    for key in ["types", "exclude_types"] {
        if let Some(node) = item.get(key) {
            r.error(
                &node.span,
                format!("`{key}` is not supported by idl generate yet: generate whole files (remove `{key}`)"),
            );
        }
    }
    let out = r.string(item.get("out"), "out");
    let source = if let Some(node) = item.get("local") {
        let argv = r.strings(Some(node), "local");
        match argv.first() {
            Some(first) if first.starts_with("idl:") && argv.len() == 1 => {
                PluginSource::Builtin(first.trim_start_matches("idl:").to_string())
            }
            Some(_) => PluginSource::Local(argv),
            None => {
                r.error(&node.span, "`local` is empty");
                return None;
            }
        }
    } else if let Some(node) = item.get("protoc_builtin") {
        let name = r.string(Some(node), "protoc_builtin").unwrap_or_default();
        PluginSource::ProtocBuiltin { name, protoc_path: r.strings(item.get("protoc_path"), "protoc_path") }
    } else if let Some(node) = item.get("remote") {
        let remote = r.string(Some(node), "remote").unwrap_or_default();
        r.error(&node.span, remote_message(&remote));
        return None;
    } else {
        r.error(&item.span, "a plugin needs one of `local`, `protoc_builtin` (or `remote`, which idl cannot reach)");
        return None;
    };
    let Some(out) = out else {
        r.error(&item.span, "a plugin needs `out`");
        return None;
    };
    let name = display_name(&source);
    Some(PluginSpec {
        name,
        source,
        out,
        opt: r.strings(item.get("opt"), "opt"),
        strategy: r.strategy(item.get("strategy")),
        include_imports: r.bool(item.get("include_imports"), "include_imports"),
        include_wkt: r.bool(item.get("include_wkt"), "include_wkt"),
        span: item.span.clone(),
    })
}

fn display_name(source: &PluginSource) -> String {
    match source {
        PluginSource::Local(argv) => argv.join(" "),
        PluginSource::ProtocBuiltin { name, .. } => format!("protoc_builtin:{name}"),
        PluginSource::Builtin(name) => format!("idl:{name}"),
    }
}

/// What to say about a remote plugin: idl runs nothing from the registry.
pub fn remote_message(remote: &str) -> String {
    let name = remote.split(':').next().unwrap_or(remote);
    let mut parts = name.rsplit('/');
    let plugin = parts.next().unwrap_or("");
    let owner = parts.next().unwrap_or("");
    let local = match (owner, plugin) {
        ("grpc", "go") => "protoc-gen-go-grpc".to_string(),
        ("connectrpc", "go") => "protoc-gen-connect-go".to_string(),
        ("grpc-ecosystem", "gateway") => "protoc-gen-grpc-gateway".to_string(),
        ("grpc-ecosystem", "openapiv2") => "protoc-gen-openapiv2".to_string(),
        ("protocolbuffers", builtin) if PROTOC_BUILTINS.contains(&builtin) => {
            return format!(
                "remote plugin `{remote}` runs on the Buf Schema Registry, which idl does not reach; \
                 use `protoc_builtin: {builtin}` (with protoc on PATH) instead"
            );
        }
        (_, plugin) => format!("protoc-gen-{plugin}"),
    };
    format!(
        "remote plugin `{remote}` runs on the Buf Schema Registry, which idl does not reach; \
         install the plugin locally and use `local: {local}` instead"
    )
}

const V2_MANAGED_KEYS: &[&str] = &["enabled", "disable", "override"];
const V2_RULE_KEYS: &[&str] = &["file_option", "field_option", "module", "path", "field", "value"];

fn read_managed_v2(r: &mut Reader<'_>, node: &Node) -> Managed {
    r.known_keys(node, "managed", V2_MANAGED_KEYS);
    let enabled = r.bool(node.get("enabled"), "enabled");
    let mut managed = Managed { enabled, ..Managed::default() };
    for (key, is_override) in [("disable", false), ("override", true)] {
        let Some(list) = node.get(key) else { continue };
        let items: &[Node] = match &list.value {
            Value::List(items) => items,
            Value::Null => &[],
            _ => {
                r.error(&list.span, format!("`managed.{key}` must be a list"));
                continue;
            }
        };
        for item in items {
            let keys: Vec<&str> = V2_RULE_KEYS.iter().copied().filter(|k| is_override || *k != "value").collect();
            r.known_keys(item, &format!("a managed {key} rule"), &keys);
            let rule = ManagedRule {
                file_option: r.string(item.get("file_option"), "file_option"),
                field_option: r.string(item.get("field_option"), "field_option"),
                path: r.string(item.get("path"), "path"),
                module: r.string(item.get("module"), "module"),
                field: r.string(item.get("field"), "field"),
                value: item.get("value").map(|v| match &v.value {
                    Value::Bool(flag) => OptionValue::Bool(*flag),
                    _ => OptionValue::Text(v.as_str().unwrap_or_default().to_string()),
                }),
            };
            if let Some(option) = &rule.file_option
                && !FILE_OPTIONS.iter().any(|(name, _)| name == option)
            {
                r.error(&item.get("file_option").unwrap().span, format!("unknown file_option `{option}`"));
            }
            if let Some(option) = &rule.field_option
                && !FIELD_OPTIONS.contains(&option.as_str())
            {
                r.error(&item.get("field_option").unwrap().span, format!("unknown field_option `{option}`"));
            }
            if is_override {
                if rule.file_option.is_none() && rule.field_option.is_none() {
                    r.error(&item.span, "an override needs `file_option` or `field_option`");
                }
                if rule.value.is_none() {
                    r.error(&item.span, "an override needs `value`");
                }
                managed.overrides.push(rule);
            } else {
                if rule.file_option.is_none()
                    && rule.field_option.is_none()
                    && rule.path.is_none()
                    && rule.module.is_none()
                    && rule.field.is_none()
                {
                    r.error(&item.span, "a disable rule needs at least one key");
                }
                managed.disable.push(rule);
            }
        }
    }
    managed
}

const V1_KEYS: &[&str] = &["version", "plugins", "managed", "types"];
const V1_PLUGIN_KEYS: &[&str] =
    &["plugin", "name", "remote", "out", "opt", "path", "strategy", "protoc_path", "revision"];
const V1_MANAGED_KEYS: &[&str] = &[
    "enabled",
    "cc_enable_arenas",
    "java_multiple_files",
    "java_package_prefix",
    "java_string_check_utf8",
    "csharp_namespace",
    "go_package_prefix",
    "objc_class_prefix",
    "optimize_for",
    "ruby_package",
    "override",
];

fn read_v1(r: &mut Reader<'_>, root: &Node) -> Template {
    r.known_keys(root, "buf.gen.yaml v1", V1_KEYS);
    if let Some(node) = root.get("types") {
        r.error(&node.span, "`types` is not supported by idl generate yet: generate whole files (remove `types`)");
    }
    let mut plugins = Vec::new();
    if let Some(Value::List(items)) = root.get("plugins").map(|p| &p.value) {
        for item in items {
            r.known_keys(item, "a plugin", V1_PLUGIN_KEYS);
            if let Some(node) = item.get("remote") {
                let remote = r.string(Some(node), "remote").unwrap_or_default();
                r.error(&node.span, remote_message(&remote));
                continue;
            }
            let plugin_node = item.get("plugin").or_else(|| item.get("name"));
            let Some(name) = r.string(plugin_node, "plugin") else {
                r.error(&item.span, "a plugin needs `plugin` (or `name`)");
                continue;
            };
            if let Some(node) = plugin_node
                && name.contains('/')
                && item.get("path").is_none()
            {
                // v1 `plugin: buf.build/owner/name` is a remote plugin.
                r.error(&node.span, remote_message(&name));
                continue;
            }
            let Some(out) = r.string(item.get("out"), "out") else {
                r.error(&item.span, "a plugin needs `out`");
                continue;
            };
            let path = r.strings(item.get("path"), "path");
            let protoc_path = r.strings(item.get("protoc_path"), "protoc_path");
            let source = if let Some(builtin) = name.strip_prefix("idl:") {
                PluginSource::Builtin(builtin.to_string())
            } else if !path.is_empty() {
                PluginSource::Local(path)
            } else if PROTOC_BUILTINS.contains(&name.as_str()) && find_on_path(&format!("protoc-gen-{name}")).is_none()
            {
                PluginSource::ProtocBuiltin { name: name.clone(), protoc_path }
            } else {
                PluginSource::Local(vec![format!("protoc-gen-{name}")])
            };
            plugins.push(PluginSpec {
                name: display_name(&source),
                source,
                out,
                opt: r.strings(item.get("opt"), "opt"),
                strategy: r.strategy(item.get("strategy")),
                include_imports: false,
                include_wkt: false,
                span: item.span.clone(),
            });
        }
    }
    let managed = root.get("managed").map(|m| read_managed_v1(r, m)).unwrap_or_default();
    Template { file: None, clean: false, managed, plugins, inputs: Vec::new() }
}

/// v1's managed keys, as v2 rules (`default` → an override without a path,
/// `except` → a disable by module, `override` → an override by module).
fn read_managed_v1(r: &mut Reader<'_>, node: &Node) -> Managed {
    r.known_keys(node, "managed", V1_MANAGED_KEYS);
    let mut managed = Managed { enabled: r.bool(node.get("enabled"), "enabled"), ..Managed::default() };
    let rule = |option: &str, value: OptionValue| ManagedRule {
        file_option: Some(option.to_string()),
        value: Some(value),
        ..ManagedRule::default()
    };
    for (key, option, is_bool) in [
        ("cc_enable_arenas", "cc_enable_arenas", true),
        ("java_multiple_files", "java_multiple_files", true),
        ("java_string_check_utf8", "java_string_check_utf8", true),
        ("optimize_for", "optimize_for", false),
        ("java_package_prefix", "java_package_prefix", false),
        ("go_package_prefix", "go_package_prefix", false),
        ("objc_class_prefix", "objc_class_prefix", false),
        ("csharp_namespace", "csharp_namespace", false),
        ("ruby_package", "ruby_package", false),
    ] {
        let Some(value) = node.get(key) else { continue };
        match &value.value {
            Value::Bool(flag) if is_bool => managed.overrides.push(rule(option, OptionValue::Bool(*flag))),
            Value::Scalar(text) => managed.overrides.push(rule(option, OptionValue::Text(text.clone()))),
            Value::Map(_) => {
                if let Some(default) = value.get("default").and_then(Node::as_str) {
                    managed.overrides.push(rule(option, OptionValue::Text(default.to_string())));
                }
                if let Ok(modules) = value.get("except").map(Node::strings).transpose() {
                    for (module, _) in modules.unwrap_or_default() {
                        // A prefix sets the option it names the prefix of; the
                        // other options are their own (`objc_class_prefix`).
                        let base = match option {
                            "java_package_prefix" => "java_package",
                            "go_package_prefix" => "go_package",
                            other => other,
                        };
                        managed.disable.push(ManagedRule {
                            file_option: Some(base.to_string()),
                            module: Some(module),
                            ..ManagedRule::default()
                        });
                    }
                }
                for (module, prefix) in value.get("override").map(Node::entries).unwrap_or_default() {
                    let (Some(module), Some(prefix)) = (module.as_str(), prefix.as_str()) else { continue };
                    managed.overrides.push(ManagedRule {
                        file_option: Some(option.to_string()),
                        module: Some(module.to_string()),
                        value: Some(OptionValue::Text(prefix.to_string())),
                        ..ManagedRule::default()
                    });
                }
            }
            _ => r.error(&value.span, format!("`managed.{key}` has an unexpected value")),
        }
    }
    // `override: {OPTION: {file: value}}`.
    for (option_node, files) in node.get("override").map(Node::entries).unwrap_or_default() {
        let Some(option) = option_node.as_str() else { continue };
        let option = option.to_ascii_lowercase();
        // Checked here as v2 checks `file_option`: an unknown one would do
        // nothing, and `idl init --from` would write a table that fails to load.
        if !FILE_OPTIONS.iter().any(|(name, _)| *name == option) {
            r.error(
                &option_node.span,
                format!("unknown file option `{}` in `managed.override`", option_node.as_str().unwrap_or("")),
            );
            continue;
        }
        for (path, value) in files.entries() {
            let (Some(path), Some(value)) =
                (path.as_str(), value.as_str().map(str::to_string).or(value.as_bool().map(|b| b.to_string())))
            else {
                continue;
            };
            managed.overrides.push(ManagedRule {
                file_option: Some(option.clone()),
                path: Some(path.to_string()),
                value: Some(OptionValue::Text(value)),
                ..ManagedRule::default()
            });
        }
    }
    managed
}

/// The first `name` on PATH, as a shell would find it.
pub fn find_on_path(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The `[generate]` table equivalent to `template` (what `idl init --from
/// buf.gen.yaml` writes), as TOML text: v2's keys, v1's translated.
pub fn to_toml(template: &Template) -> String {
    use toml::{Table, Value as T};
    let strings = |items: &[String]| T::Array(items.iter().cloned().map(T::String).collect());
    let mut generate = Table::new();
    if template.clean {
        generate.insert("clean".into(), T::Boolean(true));
    }
    let managed = &template.managed;
    if managed.enabled || !managed.disable.is_empty() || !managed.overrides.is_empty() {
        let mut table = Table::new();
        table.insert("enabled".into(), T::Boolean(managed.enabled));
        for (key, rules) in [("disable", &managed.disable), ("override", &managed.overrides)] {
            if rules.is_empty() {
                continue;
            }
            let rules = rules
                .iter()
                .map(|rule| {
                    let mut entry = Table::new();
                    let keys = [
                        ("file_option", &rule.file_option),
                        ("field_option", &rule.field_option),
                        ("module", &rule.module),
                        ("path", &rule.path),
                        ("field", &rule.field),
                    ];
                    for (name, value) in keys {
                        if let Some(value) = value {
                            entry.insert(name.into(), T::String(value.clone()));
                        }
                    }
                    match &rule.value {
                        Some(OptionValue::Text(text)) => entry.insert("value".into(), T::String(text.clone())),
                        Some(OptionValue::Bool(flag)) => entry.insert("value".into(), T::Boolean(*flag)),
                        None => None,
                    };
                    T::Table(entry)
                })
                .collect();
            table.insert(key.into(), T::Array(rules));
        }
        generate.insert("managed".into(), T::Table(table));
    }
    let plugins = template
        .plugins
        .iter()
        .map(|plugin| {
            let mut entry = Table::new();
            match &plugin.source {
                PluginSource::Local(argv) if argv.len() == 1 => {
                    entry.insert("local".into(), T::String(argv[0].clone()))
                }
                PluginSource::Local(argv) => entry.insert("local".into(), strings(argv)),
                PluginSource::Builtin(name) => entry.insert("local".into(), T::String(format!("idl:{name}"))),
                PluginSource::ProtocBuiltin { name, protoc_path } => {
                    if !protoc_path.is_empty() {
                        entry.insert("protoc_path".into(), strings(protoc_path));
                    }
                    entry.insert("protoc_builtin".into(), T::String(name.clone()))
                }
            };
            entry.insert("out".into(), T::String(plugin.out.clone()));
            if !plugin.opt.is_empty() {
                entry.insert("opt".into(), strings(&plugin.opt));
            }
            if plugin.strategy == Strategy::All {
                entry.insert("strategy".into(), T::String("all".into()));
            }
            for (key, flag) in [("include_imports", plugin.include_imports), ("include_wkt", plugin.include_wkt)] {
                if flag {
                    entry.insert(key.into(), T::Boolean(true));
                }
            }
            T::Table(entry)
        })
        .collect();
    generate.insert("plugins".into(), T::Array(plugins));
    if !template.inputs.is_empty() {
        let inputs = template
            .inputs
            .iter()
            .map(|dir| T::Table(Table::from_iter([("directory".to_string(), T::String(dir.clone()))])))
            .collect();
        generate.insert("inputs".into(), T::Array(inputs));
    }
    let root = Table::from_iter([("generate".to_string(), T::Table(generate))]);
    toml::to_string(&root).unwrap_or_default()
}

/// The checks of the `generate_template` fuzz target on one input, shared with
/// `tests/fuzz_regressions.rs`, which replays the inputs it found: any UTF-8 as
/// a `buf.gen.yaml`. Panics unless reading it gives a template or errors that
/// each name the file and point inside it, between characters; and a template must survive what
/// `idl init --from buf.gen.yaml` does with it: its `[generate]` table is valid
/// TOML that reads back (no error) into a template with the same table.
#[doc(hidden)]
pub fn check_template_invariants(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile::new("buf.gen.yaml", "buf.gen.yaml", text.into());
    let template = match parse_buf_gen_yaml(&file) {
        Ok(template) => template,
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without a diagnostic");
            for error in &errors {
                assert_eq!(error.path, "buf.gen.yaml", "{error:?}");
                // An empty file has no line and column: its name is the location.
                let Some(span) = &error.span else {
                    assert!(text.is_empty(), "an error without a location: {error:?}");
                    continue;
                };
                let (start, end) = (span.start_offset, span.end_offset);
                assert!(start <= end && end <= text.len(), "a span outside the file: {error:?}");
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "a span inside a character: {error:?}"
                );
            }
            return;
        }
    };
    let converted = to_toml(&template);
    let mut root: toml::Table =
        toml::from_str(&converted).unwrap_or_else(|error| panic!("[generate] is not TOML: {error}\n{converted}"));
    let Some(toml::Value::Table(table)) = root.remove("generate") else {
        panic!("no [generate] table in\n{converted}");
    };
    let idl_toml = SourceFile::new("idl.toml", "idl.toml", converted.as_str().into());
    let reread = parse_toml(&table, Some(&idl_toml))
        .unwrap_or_else(|errors| panic!("[generate] does not read back: {errors:?}\n{converted}"));
    assert_eq!(to_toml(&reread), converted, "[generate] changes when read back");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Template, Vec<Diagnostic>> {
        parse_buf_gen_yaml(&SourceFile::new("buf.gen.yaml", "buf.gen.yaml", text.into()))
    }

    #[test]
    fn reads_v2_plugins() {
        let t = parse(
            "version: v2\nclean: true\nplugins:\n  - local: protoc-gen-go\n    out: gen\n    opt: paths=source_relative\n  - local: [node, x.js]\n    out: web\n    opt: [a=1, b]\n    strategy: all\n  - protoc_builtin: cpp\n    out: cc\n  - local: idl:docs\n    out: site\ninputs:\n  - directory: proto\n",
        )
        .unwrap();
        assert!(t.clean);
        assert_eq!(t.plugins.len(), 4);
        assert_eq!(t.plugins[0].source, PluginSource::Local(vec!["protoc-gen-go".into()]));
        assert_eq!(t.plugins[1].opt, vec!["a=1", "b"]);
        assert_eq!(t.plugins[1].strategy, Strategy::All);
        assert_eq!(t.plugins[2].name, "protoc_builtin:cpp");
        assert_eq!(t.plugins[3].source, PluginSource::Builtin("docs".into()));
        assert_eq!(t.inputs, vec!["proto"]);
    }

    #[test]
    fn unknown_keys_and_versions_are_located() {
        let error = parse("version: v2\nplugins:\n  - local: x\n    out: o\n    outt: p\n").unwrap_err();
        assert!(error[0].message.contains("unknown key `outt`"), "{}", error[0].message);
        assert_eq!(error[0].span.as_ref().unwrap().start.line, 5);
        let error = parse("version: v3\nplugins: []\n").unwrap_err();
        assert!(error[0].message.contains("unknown buf.gen.yaml version"), "{}", error[0].message);
        assert_eq!(error[0].span.as_ref().unwrap().start.line, 1);
    }

    #[test]
    fn remote_plugins_name_the_local_equivalent() {
        let error = parse("version: v2\nplugins:\n  - remote: buf.build/grpc/go\n    out: gen\n").unwrap_err();
        assert!(error[0].message.contains("local: protoc-gen-go-grpc"), "{}", error[0].message);
    }

    #[test]
    fn v1_override_of_an_unknown_option_is_located() {
        let error = parse("version: v1\nmanaged:\n  override:\n    FOO:\n      a.proto: x\nplugins: []\n").unwrap_err();
        assert_eq!(error[0].message, "unknown file option `FOO` in `managed.override`");
        assert_eq!(error[0].span.as_ref().unwrap().start.line, 4);
        let t = parse("version: v1\nmanaged:\n  override:\n    JAVA_PACKAGE:\n      a.proto: com.a\nplugins: []\n")
            .unwrap();
        assert_eq!(t.managed.overrides[0].file_option.as_deref(), Some("java_package"));
    }

    #[test]
    fn v1_managed_becomes_rules() {
        let t = parse(
            "version: v1\nmanaged:\n  enabled: true\n  go_package_prefix:\n    default: example.com/gen\n    except: [buf.build/googleapis/googleapis]\nplugins:\n  - plugin: go\n    out: gen\n",
        )
        .unwrap();
        assert!(t.managed.enabled);
        assert_eq!(t.managed.overrides[0].value, Some(OptionValue::Text("example.com/gen".into())));
        assert_eq!(t.managed.disable[0].file_option.as_deref(), Some("go_package"));
        assert_eq!(t.plugins[0].source, PluginSource::Local(vec!["protoc-gen-go".into()]));
        // Only the two prefix options name another option (`objc_class_prefix` is its own).
        let t =
            parse("version: v1\nmanaged:\n  objc_class_prefix:\n    except: [buf.build/a/b]\nplugins: []\n").unwrap();
        assert_eq!(t.managed.disable[0].file_option.as_deref(), Some("objc_class_prefix"));
    }
}
