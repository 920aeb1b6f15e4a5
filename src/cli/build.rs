//! `idl build`: compile the workspace and write its FileDescriptorSet.

use std::io::{self, Write};
use std::path::Path;

use super::args::BuildArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, IO_RULE, Reporter, discover_workspace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

pub(super) fn run(args: &BuildArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_workspace(reporter, args.format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let compilation = super::compile_until_exit(&workspace);

    let mut sources = Sources::default();
    for file in workspace.config_file.iter().chain(compilation.files.iter().map(|f| &f.source)) {
        sources.insert(file.clone());
    }

    let mut failed = compilation.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut diags = workspace.warnings;
    // A partial descriptor set would look like a successful build to whatever reads it.
    if let (false, Some(output)) = (failed, &args.output) {
        let mut timer = crate::compile::PhaseTimer::from_env();
        let bytes = compilation.file_descriptor_set(args.source_info);
        timer.phase("encode descriptor set");
        let written = write_output(output, &bytes);
        timer.phase("write");
        if let Err(error) = written {
            let shown = output.display();
            diags.push(Diagnostic::error(IO_RULE, format!("cannot write {shown}: {error}")));
            failed = true;
        }
    }
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    reporter.report(args.format, diags, &sources, false);
    if failed { EXIT_ERROR } else { EXIT_CLEAN }
}

/// Writes `bytes` to the file at `path`, or to stdout for `-`.
fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path == Path::new("-") {
        let mut stdout = io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()
    } else {
        std::fs::write(path, bytes)
    }
}
