use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

/// Package → directly imported package → the imports (file name, import index)
/// that create the edge. Ordered maps make the reported cycle deterministic.
type PackageGraph = BTreeMap<String, BTreeMap<String, Vec<(String, usize)>>>;

declare_rule! {
    /// Packages must not import each other in a cycle: file imports may be
    /// acyclic while the packages they belong to are not, and many languages
    /// (Go first) cannot compile package cycles. Imports outside the checked files
    /// take part in the graph; findings are reported on each checked file's import
    /// that starts a cycle, with the cycle spelled out.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/a/v1/a.proto
    /// syntax = "proto3";
    /// package acme.a.v1;
    /// import "acme/b/v1/b.proto";
    /// // File: acme/b/v1/b.proto
    /// syntax = "proto3";
    /// package acme.b.v1;
    /// import "acme/a/v1/c.proto";
    /// // File: acme/a/v1/c.proto
    /// syntax = "proto3";
    /// package acme.a.v1;
    /// // Valid
    /// // File: acme/a/v1/a.proto
    /// syntax = "proto3";
    /// package acme.a.v1;
    /// import "acme/b/v1/b.proto";
    /// // File: acme/b/v1/b.proto
    /// syntax = "proto3";
    /// package acme.b.v1;
    /// ```
    pub struct PackageNoImportCycle {
        id: "PACKAGE_NO_IMPORT_CYCLE",
        summary: "Packages do not import each other in a cycle.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageNoImportCycle {
    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        let mut graph = PackageGraph::new();
        for file in facts.files() {
            let package = &file.package;
            for (index, import) in file.dependencies.iter().enumerate() {
                let Some(imported) = facts.get(import) else {
                    continue;
                };
                if &imported.package == package {
                    continue;
                }
                graph
                    .entry(package.to_string())
                    .or_default()
                    .entry(imported.package.clone())
                    .or_default()
                    .push((file.name.clone(), index));
            }
        }
        let targets: HashSet<&str> = facts.targets().iter().map(|file| file.name.as_str()).collect();
        for (package, imported_packages) in &graph {
            if package.is_empty() {
                continue;
            }
            for (imported, imports) in imported_packages {
                if imported.is_empty() {
                    continue;
                }
                let mut visiting = BTreeSet::from([package.as_str()]);
                let Some(cycle) = find_cycle(imported, &graph, &mut visiting, vec![package]) else {
                    continue;
                };
                let message = format!("Package import cycle: {}", cycle.join(" -> "));
                for (file_name, index) in imports {
                    if !targets.contains(file_name.as_str()) {
                        continue;
                    }
                    if let Some(file) = facts.get(file_name)
                        && let Some(site) = file.dependency_sites.get(*index)
                    {
                        cx.report_at(file, site, message.clone());
                    }
                }
            }
        }
    }
}

fn find_cycle<'g>(
    package: &'g str,
    graph: &'g PackageGraph,
    visiting: &mut BTreeSet<&'g str>,
    mut path: Vec<&'g str>,
) -> Option<Vec<&'g str>> {
    path.push(package);
    if visiting.contains(package) {
        return (path.first() == path.last()).then_some(path);
    }
    visiting.insert(package);
    for next in graph.get(package).into_iter().flat_map(BTreeMap::keys) {
        if next.is_empty() {
            continue;
        }
        if let Some(cycle) = find_cycle(next, graph, visiting, path.clone()) {
            return Some(cycle);
        }
    }
    visiting.remove(package);
    None
}
