//! What the workspace-wide rules need to know of each file, kept apart from its
//! compilation.
//!
//! Five rules look across files (`DIRECTORY_SAME_PACKAGE`, `HTTP_ROUTE_UNIQUE`,
//! `PACKAGE_NO_IMPORT_CYCLE`, `RPC_REQUEST_RESPONSE_UNIQUE`,
//! `STABLE_PACKAGE_NO_IMPORT_UNSTABLE`): an edit to one file can add or remove
//! their findings in files that did not change, so their findings cannot be
//! remembered per file. They run on every run from these facts instead, which
//! the lint cache keeps per file (src/lint/incremental/mod.rs): a warm run then
//! compiles only what changed and still sees the whole workspace. A cold run
//! takes the same path (facts from its compilation), so the two cannot differ.

use std::collections::HashMap;

use prost_reflect::{FileDescriptor, MethodDescriptor, ServiceDescriptor};

use crate::compile::{Compilation, CompiledFile};
use crate::diagnostic::Span;
use crate::errors::extract::{self, FileView};
use crate::errors::lint::ErrorsLint;
use crate::errors::{ErrorEnum, ErrorRow, ErrorsConfig};
use crate::lint::http::located_bindings;
use crate::lint::support::PACKAGE_PATH;

/// `FileDescriptorProto.dependency`.
pub const DEPENDENCY_FIELD: i32 = 3;

/// Where a finding at a descriptor path of a file lands: the path (for comment
/// ignores) and its span (the file's start when the path has no location, as
/// `Context::report_in` does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub path: Vec<i32>,
    pub span: Span,
}

/// One RPC of a target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodFacts {
    pub name: String,
    pub full_name: String,
    /// Full names of the request and response messages.
    pub input: String,
    pub output: String,
    pub site: Site,
    /// Its `google.api.http` bindings whose path template parses, primary first.
    pub routes: Vec<RouteFacts>,
}

/// One HTTP binding of an RPC, as `HTTP_ROUTE_UNIQUE` compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFacts {
    /// The service's `google.api.default_host`, empty when unset.
    pub host: String,
    pub verb: String,
    /// The path template with its variables replaced by what they match.
    pub route: String,
    /// The path template as written.
    pub path: String,
    /// The `google.api.http` option (what comment ignores attach to) and the
    /// span of the template's literal.
    pub site: Site,
}

/// The facts of one linked file (a target or an import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// The import name.
    pub name: String,
    pub display_path: String,
    pub package: String,
    /// The linked file's imports, in order.
    pub dependencies: Vec<String>,
    /// Its `import option` files (edition 2024), which order the compile too.
    pub option_dependencies: Vec<String>,
    /// The sites of the `package` statement and of each import (targets only).
    pub package_site: Option<Site>,
    pub dependency_sites: Vec<Site>,
    /// Every RPC of every service, in declaration order (targets only).
    pub methods: Vec<MethodFacts>,
    /// The file's error enums and rows (targets only, when [`Wanted::errors`]).
    pub errors: Option<FileErrors>,
}

/// A target file's share of the error table (`idl errors`, the `ERRORS_*` rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileErrors {
    pub rows: Vec<ErrorRow>,
    pub enums: Vec<ErrorEnum>,
    /// Where the checks may report: every row's value and every enum's zero value.
    pub sites: Vec<Site>,
}

/// What a run's rules read beyond what every run gathers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted<'a> {
    /// RPCs' HTTP routes ([`crate::lint::Rule::needs_route_facts`]).
    pub routes: bool,
    /// Error tables, extracted with this config ([`crate::lint::Rule::needs_error_facts`]).
    pub errors: Option<&'a ErrorsConfig>,
}

impl<'a> Wanted<'a> {
    pub fn of(selected: &[crate::lint::SelectedRule], errors: &'a ErrorsLint) -> Wanted<'a> {
        Wanted {
            routes: selected.iter().any(|selected_rule| selected_rule.rule.needs_route_facts()),
            errors: selected
                .iter()
                .any(|selected_rule| selected_rule.rule.needs_error_facts())
                .then(|| errors.config()),
        }
    }
}

impl FileFacts {
    /// The facts of `file` as linked in `compilation`, with what `wanted` asks
    /// for; `None` when it did not link.
    pub fn of(compilation: &Compilation, file: &CompiledFile, wanted: Wanted<'_>) -> Option<FileFacts> {
        let descriptor = compilation.pool.get_file_by_name(&file.source.name)?;
        Some(Self::of_descriptor(file, &descriptor, wanted))
    }

    fn of_descriptor(file: &CompiledFile, descriptor: &FileDescriptor, wanted: Wanted<'_>) -> FileFacts {
        let with_routes = wanted.routes;
        let dependencies = descriptor.dependency_names().to_vec();
        let site = |path: &[i32]| {
            let location = file.locations.get(path);
            let (start, end) = location.map_or((0, 0), |loc| (loc.start as usize, loc.end as usize));
            Site { path: path.to_vec(), span: Span::new(&file.source, start, end) }
        };
        let (package_site, dependency_sites, methods) = if file.is_target {
            let dependency_sites =
                (0..dependencies.len()).map(|index| site(&[DEPENDENCY_FIELD, index as i32])).collect();
            let methods = descriptor
                .services()
                .flat_map(|service| {
                    let host = if with_routes { default_host(&service) } else { String::new() };
                    service.methods().map(move |method| (host.clone(), method)).collect::<Vec<_>>()
                })
                .map(|(host, method)| MethodFacts {
                    name: method.name().to_string(),
                    full_name: method.full_name().to_string(),
                    input: method.input().full_name().to_string(),
                    output: method.output().full_name().to_string(),
                    site: site(method.path()),
                    routes: if with_routes { routes(file, &method, &host) } else { Vec::new() },
                })
                .collect();
            (Some(site(&PACKAGE_PATH)), dependency_sites, methods)
        } else {
            (None, Vec::new(), Vec::new())
        };
        let errors = wanted.errors.filter(|_| file.is_target).map(|config| {
            let view = FileView {
                descriptor: descriptor.clone(),
                display: &file.source.display_path,
                source: Some(&file.source),
                locations: Some(&file.locations),
            };
            let table = extract::extract_files(&[view], config);
            let paths = table
                .rows
                .iter()
                .map(|row| row.raw.path.as_slice())
                .chain(table.enums.iter().filter_map(|e| e.zero_value.as_ref().map(|(_, path)| path.as_slice())));
            let sites = paths.map(site).collect();
            FileErrors { rows: table.rows, enums: table.enums, sites }
        });
        FileFacts {
            name: file.source.name.clone(),
            display_path: file.source.display_path.clone(),
            package: descriptor.package_name().to_string(),
            dependencies,
            option_dependencies: file.option_dependency.clone(),
            package_site,
            dependency_sites,
            methods,
            errors,
        }
    }
}

/// `google.api.default_host` (ServiceOptions extension 1049): services served by
/// different hosts never share a route. Empty when unset.
fn default_host(service: &ServiceDescriptor) -> String {
    service
        .options()
        .extensions()
        .find(|(ext, _)| ext.full_name() == "google.api.default_host" || ext.number() == 1049)
        .and_then(|(_, value)| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The bindings of `method` (declared in `file`) whose path template parses.
fn routes(file: &CompiledFile, method: &MethodDescriptor, host: &str) -> Vec<RouteFacts> {
    located_bindings(file, method)
        .into_iter()
        .filter_map(|located| {
            let route = located.binding.template().ok()?.route();
            let range = located.path_range();
            Some(RouteFacts {
                host: host.to_string(),
                verb: located.binding.verb.clone(),
                route,
                path: located.binding.path.clone(),
                site: Site { path: located.option_path, span: Span::new(&file.source, range.start, range.end) },
            })
        })
        .collect()
}

/// The facts of every linked file a run sees: its targets (in target order) and
/// everything they import, transitively.
#[derive(Debug, Default)]
pub struct WorkspaceFacts {
    /// Targets first, in target order; then the imports.
    files: Vec<FileFacts>,
    /// How many of `files` are targets.
    targets: usize,
    by_name: HashMap<String, usize>,
}

impl WorkspaceFacts {
    /// `files` holds the targets first (`targets` of them). Rules see the
    /// targets in the compile's order (dependencies first, from files in name
    /// order, as `compile::driver::topo_order` links them), however the facts
    /// were gathered: `RPC_REQUEST_RESPONSE_UNIQUE`'s "later uses" depend on it.
    pub fn new(files: Vec<FileFacts>, targets: usize) -> WorkspaceFacts {
        let index: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
        let mut roots: Vec<usize> = (0..files.len()).collect();
        roots.sort_by(|&a, &b| files[a].name.cmp(&files[b].name));
        let mut done = vec![false; files.len()];
        let mut order = Vec::with_capacity(files.len());
        for root in roots {
            if done[root] {
                continue;
            }
            done[root] = true;
            // Iterative post-order: (file, next dependency position).
            let mut stack = vec![(root, 0usize)];
            while let Some(&mut (at, ref mut position)) = stack.last_mut() {
                let file = &files[at];
                let next = file.dependencies.iter().chain(&file.option_dependencies).nth(*position);
                *position += 1;
                match next {
                    Some(name) => {
                        if let Some(&dep) = index.get(name.as_str())
                            && !done[dep]
                        {
                            done[dep] = true;
                            stack.push((dep, 0));
                        }
                    }
                    None => {
                        order.push(at);
                        stack.pop();
                    }
                }
            }
        }
        let mut slots: Vec<Option<FileFacts>> = files.into_iter().map(Some).collect();
        let mut ordered: Vec<FileFacts> =
            order.iter().filter(|&&i| i < targets).filter_map(|&i| slots[i].take()).collect();
        ordered.extend(slots.into_iter().flatten());
        let by_name = ordered.iter().enumerate().map(|(i, file)| (file.name.clone(), i)).collect();
        WorkspaceFacts { files: ordered, targets, by_name }
    }

    /// Every file's facts, targets first.
    pub fn files(&self) -> &[FileFacts] {
        &self.files
    }

    /// The target files' facts, in target order.
    pub fn targets(&self) -> &[FileFacts] {
        &self.files[..self.targets]
    }

    /// A file's facts by import name.
    pub fn get(&self, name: &str) -> Option<&FileFacts> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    /// The facts of every linked file of `compilation`: its targets in order, then
    /// the rest (with what `wanted` asks for).
    pub fn of_compilation(compilation: &Compilation, wanted: Wanted<'_>) -> WorkspaceFacts {
        let mut files: Vec<FileFacts> =
            compilation.targets().filter_map(|file| FileFacts::of(compilation, file, wanted)).collect();
        let targets = files.len();
        files.extend(
            compilation.files.iter().filter(|f| !f.is_target).filter_map(|f| FileFacts::of(compilation, f, wanted)),
        );
        WorkspaceFacts::new(files, targets)
    }
}
