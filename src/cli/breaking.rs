//! `idl breaking`: compare the workspace with a base (git ref, directory or
//! descriptor set) and report breaking changes.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::BreakingArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, IO_RULE, Reporter, discover_cached_workspace};
use crate::breaking::base::{self, Base};
use crate::breaking::incremental::{self, GitFiles, SomeTargets};
use crate::breaking::{Side, SideFile};
use crate::cache::{CacheDir, HeaderTable};
use crate::compile::{MemoryFiles, PhaseTimer, WorkspaceFiles, compile_from};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

pub(super) fn run(args: &BreakingArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_cached_workspace(reporter, args.format, config, &args.paths, !args.no_cache) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let fail = |message: String| {
        reporter.report(args.format, vec![Diagnostic::error(IO_RULE, message)], &Sources::default(), false);
        EXIT_ERROR
    };
    let (against, merge_base) = match (&args.against, &args.against_merge_base) {
        (Some(a), _) => (a.clone(), false),
        (None, Some(r)) => (r.clone(), true),
        (None, None) => match &workspace.config.breaking.against {
            Some(a) => (a.get_ref().clone(), false),
            None => return fail("no base to compare against: pass --against BASE or --against-merge-base REF".into()),
        },
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let loaded = match base::load(&workspace, &cwd, &against, merge_base) {
        Ok(loaded) => loaded,
        Err(message) => return fail(message),
    };

    let mut config = workspace.config.breaking.clone();
    let mut config_file = workspace.config_file.as_ref();
    if !args.use_rules.is_empty() {
        config.r#use = args.use_rules.iter().map(|r| toml::Spanned::new(0..0, r.clone())).collect();
        // Errors about the flag's names have no place in the config file.
        config_file = None;
    }

    let prefixes = path_prefixes(&workspace, &cwd, &args.paths);
    let selected = |name: &str| {
        prefixes.is_empty() || prefixes.iter().any(|p| p.is_empty() || name == p || name.starts_with(&format!("{p}/")))
    };
    // Against a git tree only what changed is compared (see breaking::incremental),
    // unless the ERRORS tables (built over every file) are wanted or nothing is selected.
    let mut timer = PhaseTimer::from_env();
    let plan = match &loaded {
        Base::Git(tree, _) if !args.full && tree.files.keys().any(|n| selected(n)) => {
            let (rules, _) = crate::breaking::select_rules(&config, None);
            let errors = rules.iter().any(|r| r.categories.contains(&"ERRORS"));
            (!errors).then(|| {
                let mut headers = match CacheDir::for_workspace(&workspace) {
                    Some(dir) if !args.no_cache => HeaderTable::load(&dir),
                    _ => HeaderTable::disabled(),
                };
                let plan = incremental::plan(&workspace, tree, &selected, &mut headers);
                if let Err(message) = headers.save()
                    && !reporter.quiet
                {
                    let _ = writeln!(io::stderr(), "idl: {message}");
                }
                plan
            })
        }
        _ => None,
    };
    if let Some(plan) = &plan {
        timer.phase(&format!(
            "breaking plan ({} of {} files changed; comparing {} head and {} base files)",
            plan.changed,
            plan.total,
            plan.head_targets.len(),
            plan.base_targets.len()
        ));
    }
    let fallback = WorkspaceFiles::new(&workspace);
    let base_sources;
    let compile_head = || match &plan {
        Some(plan) => {
            compile_from(&SomeTargets { files: WorkspaceFiles::new(&workspace), targets: plan.head_targets.clone() })
        }
        None => crate::compile::compile(&workspace),
    };
    // The base compiles beside the head.
    let (head, base_compiled) = match &loaded {
        Base::Git(tree, label) => {
            let targets = match &plan {
                Some(plan) => plan.base_targets.clone(),
                None => tree.files.keys().filter(|n| selected(n)).cloned().collect(),
            };
            // On its own thread, not rayon::join: each compile blocks its thread on
            // the chunks its loader sends from the rayon pool, and two blocked
            // workers of a two-thread pool would leave the loaders none.
            let (head, base) = std::thread::scope(|scope| {
                let base = scope
                    .spawn(|| GitFiles::new(tree, targets, &fallback, label.clone()).map(|files| compile_from(&files)));
                let head = compile_head();
                (head, base.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            });
            match base {
                Ok(base) => (head, Some(base)),
                Err(message) => return fail(message),
            }
        }
        _ => (compile_head(), None),
    };
    timer.phase("breaking compile (both sides)");
    let mut sources = Sources::default();
    for file in workspace.config_file.iter().chain(head.files.iter().map(|f| &f.source)) {
        sources.insert(file.clone());
    }
    let mut diags = workspace.warnings.clone();
    diags.extend(head.diagnostics.iter().cloned());

    let pool;
    let base_side = match loaded {
        Base::Git(tree, _) => {
            if !tree.files.is_empty() && !tree.files.keys().any(|n| selected(n)) {
                // Nothing selected: compare nothing rather than everything.
                return finish(reporter, args, diags, &sources);
            }
            let base_compilation = base_compiled.as_ref().expect("a git base was compiled");
            for file in &base_compilation.files {
                sources.insert(file.source.clone());
            }
            diags.extend(base_compilation.diagnostics.iter().cloned());
            Side::from_compilation(base_compilation)
        }
        Base::Sources(files, label) => {
            let targets = files.keys().filter(|n| selected(n)).cloned().collect::<Vec<_>>();
            if targets.is_empty() && !files.is_empty() {
                // Nothing selected: compare nothing rather than everything. A
                // head that did not compile is still an input error, not a finding.
                if diags.iter().any(|d| d.severity == Severity::Error) {
                    reporter.report(args.format, diags, &sources, false);
                    return EXIT_ERROR;
                }
                return finish(reporter, args, diags, &sources);
            }
            let memory = MemoryFiles { files, targets, fallback: Some(&fallback), description: label };
            base_sources = compile_from(&memory);
            for file in &base_sources.files {
                sources.insert(file.source.clone());
            }
            diags.extend(base_sources.diagnostics.iter().cloned());
            Side::from_compilation(&base_sources)
        }
        Base::DescriptorSet(set, label) => {
            pool = set;
            let imports: Vec<&str> =
                head.files.iter().filter(|f| !f.is_target).map(|f| f.source.name.as_str()).collect();
            let files = pool
                .files()
                .filter(|f| selected(f.name()))
                .filter(|f| !imports.contains(&f.name()))
                .filter(|f| !f.name().starts_with("google/protobuf/") || head.file(f.name()).is_some())
                .map(|desc| SideFile {
                    syntax: base::descriptor_syntax(&desc),
                    display: format!("{label}:{}", desc.name()),
                    desc,
                    source: None,
                    locations: None,
                })
                .collect();
            Side::new(files)
        }
    };
    if diags.iter().any(|d| d.severity == Severity::Error) {
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    let head_side = Side::from_compilation(&head);
    let findings = crate::breaking::check(&base_side, &head_side, &config, config_file);
    timer.phase("breaking rules");
    if !reporter.quiet && !findings.iter().any(|d| d.rule == crate::config::CONFIG_RULE) {
        let _ = writeln!(io::stderr(), "idl breaking: ran {} against {against}", ran(&config));
    }
    if findings.iter().any(|d| d.rule == crate::config::CONFIG_RULE) {
        diags.extend(findings);
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    diags.extend(findings);
    finish(reporter, args, diags, &sources)
}

/// What ran, for the summary: "FILE, API, ERRORS (41 rules)", "FILE (buf's
/// default; 39 rules)", "FIELD_NO_DELETE (1 rule)", "..., except WIRE_JSON".
fn ran(config: &crate::config::BreakingConfig) -> String {
    let (selected, _) = crate::breaking::select_rules(config, None);
    let mut named: Vec<String> = config.r#use.iter().map(|entry| entry.get_ref().clone()).collect();
    let mut default_note = "";
    if named.is_empty() {
        named.push("FILE".to_string());
        if selected.iter().any(|rule| rule.categories.contains(&"ERRORS")) {
            named.push("ERRORS".to_string());
            default_note = "buf's default, and ERRORS for [errors]; ";
        } else {
            default_note = "buf's default; ";
        }
    }
    let mut text = named.join(", ");
    let except: Vec<&str> = config.except.iter().map(|entry| entry.get_ref().as_str()).collect();
    if !except.is_empty() {
        text.push_str(&format!(" except {}", except.join(", ")));
    }
    let count = selected.len();
    text.push_str(&format!(" ({default_note}{count} rule{})", if count == 1 { "" } else { "s" }));
    text
}

fn finish(reporter: &Reporter, args: &BreakingArgs, diags: Vec<Diagnostic>, sources: &Sources) -> i32 {
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    reporter.report(args.format, diags, sources, false);
    if failed { EXIT_FINDINGS } else { EXIT_CLEAN }
}

/// The import-name prefixes PATH arguments select (empty when none are given).
fn path_prefixes(workspace: &crate::workspace::Workspace, cwd: &Path, paths: &[PathBuf]) -> Vec<String> {
    let mut prefixes = Vec::new();
    for path in paths {
        let abs = normalize(&cwd.join(path));
        for root in &workspace.roots {
            if let Ok(rel) = abs.strip_prefix(root) {
                prefixes.push(rel.to_string_lossy().replace('\\', "/"));
                break;
            }
        }
    }
    prefixes
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
