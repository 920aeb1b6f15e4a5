//! `idl generate`: run protoc plugins (and idl's own generators) from one compile.
//!
//! ```text
//! buf.gen.yaml | [generate] ──► config::Template
//! Compilation ──► request::Encoded (every file encoded once, managed mode applied)
//!             ──► one request per plugin and directory (or one per plugin: `strategy: all`)
//!             ──► plugins in parallel (bounded by the core count), each with a timeout
//!             ──► responses checked (errors, supported features), files assembled
//!                 (insertion points, conflicts) ──► output::write (all or nothing) | output::check
//! ```
//! The entry point is [`generate`]; it writes nothing itself.

pub mod builtin;
pub mod config;
pub mod go_order;
pub mod managed;
pub mod output;
pub mod plugin;
pub mod request;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::compile::{Compilation, PhaseTimer, Syntax};
use crate::diagnostic::Diagnostic;
use crate::workspace::{Workspace, WorkspaceFile};
use config::{PluginSource, PluginSpec, Strategy, Template};
use output::OutputFile;
use plugin::{CodeGeneratorResponse, FEATURE_PROTO3_OPTIONAL, FEATURE_SUPPORTS_EDITIONS, Failure};
use request::{CompilerVersion, Encoded};

/// Rule name of generate's findings and failures.
pub const GENERATE_RULE: &str = "GENERATE";

/// How one run is asked for, beyond the template.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where relative `out`s, plugin paths and `--path`s are resolved (buf's rule).
    pub cwd: PathBuf,
    /// `-o DIR`: prepended to every plugin's `out`.
    pub out_base: Option<PathBuf>,
    /// `--path`: only files at or under these (import names or paths from `cwd`).
    pub paths: Vec<String>,
    /// `--exclude-path`.
    pub exclude_paths: Vec<String>,
    /// `--include-imports` / `--include-wkt`, added to each plugin's own.
    pub include_imports: bool,
    pub include_wkt: bool,
    /// A plugin run taking longer is stopped.
    pub timeout: Duration,
    /// Plugin runs at once.
    pub jobs: usize,
    /// `compiler_version` in requests; buf sends none, protoc its own.
    pub compiler_version: Option<CompilerVersion>,
    /// Whose bytes the requests reproduce.
    pub style: RequestStyle,
}

/// Whose requests idl's reproduce. They differ in one place plugins can see:
/// the field order inside message-typed option values (see [`go_order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStyle {
    /// As `buf generate` sends them: generated code equals buf's.
    Buf,
    /// Byte for byte as protoc sends them.
    Protoc,
}

/// What a run produced: the files to write (or compare), the directories
/// `clean: true` empties first, and the failures (when any, `files` is empty).
#[derive(Debug, Default)]
pub struct Generated {
    pub files: Vec<OutputFile>,
    pub clean_dirs: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// Plugin runs made (requests sent, built-ins run).
    pub runs: usize,
}

/// One unit of work: a plugin and the files it generates in one request.
struct Job {
    plugin: usize,
    files: Vec<usize>,
}

/// Runs every plugin of `template` on the compiled workspace.
pub fn generate(compilation: &Compilation, workspace: &Workspace, template: &Template, options: &Options) -> Generated {
    let mut timer = PhaseTimer::from_env();
    let mut generated = Generated::default();
    let failure_at = |plugin: &PluginSpec, failure: Failure| -> Diagnostic {
        let mut diag = Diagnostic::error(GENERATE_RULE, failure.message);
        if let Some(file) = &template.file {
            diag = if plugin.span.is_empty() && plugin.span.start == 0 {
                diag.with_path(file.display_path.clone())
            } else {
                diag.with_span(file, plugin.span.start, plugin.span.end)
            };
        }
        failure.notes.into_iter().fold(diag, Diagnostic::with_note)
    };

    // Where each plugin writes, refused when it leaves the workspace.
    let mut outs = Vec::new();
    for plugin in &template.plugins {
        match output::resolve_out(&plugin.out, options, &workspace.base_dir) {
            Ok(dir) => outs.push(dir),
            Err(message) => {
                generated.diagnostics.push(failure_at(plugin, Failure { message, notes: vec![] }));
                outs.push(PathBuf::new());
            }
        }
    }
    // Programs are found once per plugin, before anything runs.
    let mut programs: Vec<Option<Vec<PathBuf>>> = Vec::new();
    for plugin in &template.plugins {
        programs.push(match &plugin.source {
            PluginSource::Local(argv) => match plugin::resolve_program(&argv[0], &options.cwd) {
                Ok(program) => Some(std::iter::once(program).chain(argv[1..].iter().map(PathBuf::from)).collect()),
                Err(failure) => {
                    generated.diagnostics.push(failure_at(plugin, failure));
                    None
                }
            },
            PluginSource::Builtin(name) if builtin::find(name).is_none() => {
                let known: Vec<String> = builtin::BUILTINS.iter().map(|b| format!("idl:{}", b.name)).collect();
                let message = format!("unknown built-in generator `idl:{name}` (known: {})", known.join(", "));
                generated.diagnostics.push(failure_at(plugin, Failure { message, notes: vec![] }));
                None
            }
            _ => None,
        });
    }
    if !generated.diagnostics.is_empty() {
        return generated;
    }

    // The files each plugin generates: the targets `--path`/`--exclude-path`
    // select, and with `include_imports` what they import, transitively (as buf).
    let targets: Vec<usize> = (0..compilation.files.len())
        .filter(|&i| {
            let f = &compilation.files[i];
            f.is_target
                && compilation.pool.get_file_by_name(&f.source.name).is_some()
                && path_selected(&f.source.name, &f.source.display_path, &options.paths, &options.exclude_paths)
        })
        .collect();
    let imported = imports_of(compilation, &targets);
    let per_plugin: Vec<Vec<usize>> = template
        .plugins
        .iter()
        .map(|plugin| {
            let imports = plugin.include_imports || options.include_imports;
            let wkt = plugin.include_wkt || options.include_wkt;
            let mut files = targets.clone();
            if imports {
                files.extend(imported.iter().copied().filter(|&i| wkt || !compilation.files[i].is_builtin));
            }
            files
        })
        // By name, as `protoc $(find . -name '*.proto' | sort)` lists them.
        .map(|mut files| {
            files.sort_by(|&a, &b| compilation.files[a].source.name.cmp(&compilation.files[b].source.name));
            files
        })
        .collect();
    let mut may_generate = vec![false; compilation.files.len()];
    for &i in per_plugin.iter().flatten() {
        may_generate[i] = true;
    }
    timer.phase("generate: select files");
    let encoded = Encoded::new(compilation, &template.managed, &may_generate, options.style);
    timer.phase("generate: encode files");

    let mut jobs = Vec::new();
    for (p, plugin) in template.plugins.iter().enumerate() {
        let files = &per_plugin[p];
        if files.is_empty() {
            continue;
        }
        match (&plugin.source, &plugin.strategy) {
            (PluginSource::Builtin(_), _) | (_, Strategy::All) => jobs.push(Job { plugin: p, files: files.clone() }),
            (_, Strategy::Directory) => {
                let mut by_dir: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
                for &i in files {
                    let name = compilation.files[i].source.name.as_str();
                    by_dir.entry(name.rsplit_once('/').map_or("", |(dir, _)| dir)).or_default().push(i);
                }
                jobs.extend(by_dir.into_values().map(|files| Job { plugin: p, files }));
            }
        }
    }
    generated.runs = jobs.len();

    let run_job = |job: &Job| -> Result<CodeGeneratorResponse, Failure> {
        let plugin = &template.plugins[job.plugin];
        let parameter = plugin.opt.join(",");
        match &plugin.source {
            PluginSource::Local(_) => {
                let argv = programs[job.plugin].as_ref().expect("resolved above");
                let input = Arc::new(encoded.request(&job.files, &parameter, options.compiler_version.as_ref()));
                let bytes = plugin::run_program(argv, input, options.timeout, &plugin.name)?;
                plugin::decode_response(&bytes, &plugin.name)
            }
            PluginSource::ProtocBuiltin { name, protoc_path } => {
                let names: Vec<&str> = job.files.iter().map(|&i| compilation.files[i].source.name.as_str()).collect();
                let set = encoded.descriptor_set(&job.files);
                plugin::run_protoc_builtin(name, protoc_path, &options.cwd, &set, &names, &parameter, options.timeout)
            }
            PluginSource::Builtin(name) => {
                let generator = builtin::find(name).expect("checked above");
                let input = builtin::BuiltinInput { compilation, workspace, opt: &plugin.opt };
                let files = (generator.run)(&input)
                    .map_err(|message| Failure { message: format!("{}: {message}", plugin.name), notes: vec![] })?;
                Ok(CodeGeneratorResponse {
                    supported_features: Some(FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS),
                    file: files
                        .into_iter()
                        .map(|(name, content)| plugin::ResponseFile {
                            name: Some(name.into_bytes()),
                            insertion_point: None,
                            content: Some(content),
                        })
                        .collect(),
                    ..CodeGeneratorResponse::default()
                })
            }
        }
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.jobs.max(1)).build();
    let responses: Vec<Result<CodeGeneratorResponse, Failure>> = match pool {
        Ok(pool) => pool.install(|| jobs.par_iter().map(run_job).collect()),
        Err(_) => jobs.iter().map(run_job).collect(),
    };
    timer.phase("generate: run plugins");

    let mut accepted = Vec::new();
    for (job, response) in jobs.iter().zip(responses) {
        let plugin = &template.plugins[job.plugin];
        match response.and_then(|r| check_response(r, job, &encoded, plugin)) {
            Ok(response) => accepted.push((job, response)),
            Err(failure) => generated.diagnostics.push(failure_at(plugin, failure)),
        }
    }
    if !generated.diagnostics.is_empty() {
        return generated;
    }
    let mut assembly = output::Assembly::default();
    for (job, response) in accepted {
        let plugin = &template.plugins[job.plugin];
        if let Err(message) = assembly.add(&outs[job.plugin], &plugin.name, response) {
            generated.diagnostics.push(failure_at(plugin, Failure { message, notes: vec![] }));
        }
    }
    if !generated.diagnostics.is_empty() {
        return generated;
    }
    generated.files = assembly.finish(&options.cwd);
    timer.phase("generate: check and assemble responses");
    if template.clean {
        let mut dirs: Vec<PathBuf> = outs.clone();
        dirs.sort();
        dirs.dedup();
        generated.clean_dirs = dirs;
    }
    generated
}

/// The files `targets` import, directly or not, other than `targets` (a
/// workspace file left out by `--path` is one when a selected file imports it).
fn imports_of(compilation: &Compilation, targets: &[usize]) -> Vec<usize> {
    let index: std::collections::HashMap<&str, usize> =
        compilation.files.iter().enumerate().map(|(i, f)| (f.source.name.as_str(), i)).collect();
    let mut seen: std::collections::HashSet<usize> = targets.iter().copied().collect();
    let mut pending: Vec<usize> = targets.to_vec();
    let mut imported = Vec::new();
    while let Some(i) = pending.pop() {
        let Some(file) = compilation.pool.get_file_by_name(&compilation.files[i].source.name) else { continue };
        for dependency in file.dependencies() {
            if let Some(&d) = index.get(dependency.name())
                && seen.insert(d)
            {
                pending.push(d);
                imported.push(d);
            }
        }
    }
    imported
}

/// The response as protoc accepts it: no error, and the features the files need.
fn check_response(
    response: CodeGeneratorResponse,
    job: &Job,
    encoded: &Encoded<'_>,
    plugin: &PluginSpec,
) -> Result<CodeGeneratorResponse, Failure> {
    let shown = &plugin.name;
    if let Some(error) = &response.error {
        return Err(Failure {
            message: format!("plugin `{shown}` reported an error: {}", String::from_utf8_lossy(error).trim_end()),
            notes: vec![],
        });
    }
    let features = response.supported_features.unwrap_or(0);
    for &i in &job.files {
        let f = &encoded.compilation.files[i];
        let name = &f.source.name;
        if features & FEATURE_PROTO3_OPTIONAL == 0 && encoded.uses_proto3_optional(i) {
            return Err(Failure::from_message(format!(
                "{name} is a proto3 file that contains optional fields, but plugin `{shown}` hasn't been updated \
                 to support optional fields in proto3 (it does not declare FEATURE_PROTO3_OPTIONAL)"
            )));
        }
        if let Syntax::Editions(edition) = f.syntax {
            if features & FEATURE_SUPPORTS_EDITIONS == 0 {
                return Err(Failure::from_message(format!(
                    "{name} is an editions file, but plugin `{shown}` hasn't been updated to support editions \
                     (it does not declare FEATURE_SUPPORTS_EDITIONS)"
                )));
            }
            if let Some(min) = response.minimum_edition
                && edition < min
            {
                return Err(Failure::from_message(format!(
                    "{name} uses edition {}, which plugin `{shown}` does not support: its minimum is edition {}",
                    edition_name(edition),
                    edition_name(min)
                )));
            }
            if let Some(max) = response.maximum_edition
                && edition > max
            {
                return Err(Failure::from_message(format!(
                    "{name} uses edition {}, which is later than the maximum edition {} plugin `{shown}` supports",
                    edition_name(edition),
                    edition_name(max)
                )));
            }
        }
    }
    Ok(response)
}

impl Failure {
    fn from_message(message: String) -> Failure {
        Failure { message, notes: Vec::new() }
    }
}

fn edition_name(edition: i32) -> String {
    match edition {
        998 => "proto2".into(),
        999 => "proto3".into(),
        1000 => "2023".into(),
        1001 => "2024".into(),
        other => other.to_string(),
    }
}

/// Whether `--path`/`--exclude-path` select a workspace file as a file to
/// generate (the caller compiles only those and their imports).
pub fn selects(file: &WorkspaceFile, options: &Options) -> bool {
    path_selected(&file.name, &file.display_path, &options.paths, &options.exclude_paths)
}

/// `--path` / `--exclude-path`: a file is selected when it is at or under one
/// of `paths` (all when none) and under none of `excludes`, matched against its
/// import name and its path from the working directory.
fn path_selected(name: &str, display: &str, paths: &[String], excludes: &[String]) -> bool {
    let under = |p: &String| {
        let p = normalize(p);
        [name, display]
            .iter()
            .any(|n| p.is_empty() || *n == p || n.strip_prefix(&p).is_some_and(|r| r.starts_with('/')))
    };
    (paths.is_empty() || paths.iter().any(under)) && !excludes.iter().any(under)
}

fn normalize(path: &str) -> String {
    let parts: Vec<String> = Path::new(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}
