//! `idl cache info|clean`: what the persistent cache (src/cache/) holds, and
//! emptying it.

use std::path::Path;

use serde_json::json;

use super::args::{CacheArgs, CacheCommand, CacheFormat};
use super::{EXIT_CLEAN, EXIT_ERROR, IO_RULE, Reporter, discover_workspace, write_stdout};
use crate::cache::CacheDir;
use crate::diagnostic::Diagnostic;
use crate::report::OutputFormat;
use crate::source::Sources;

pub(super) fn run(args: &CacheArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let report_format = match args.format {
        CacheFormat::Text => OutputFormat::Text,
        CacheFormat::Json => OutputFormat::Json,
    };
    let fail = |message: String| {
        reporter.report(report_format, vec![Diagnostic::error(IO_RULE, message)], &Sources::default(), false);
        EXIT_ERROR
    };
    // The workspace only for its `[cache]` section (and its directory).
    let workspace = match discover_workspace(reporter, report_format, config, &[]) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let Some(dir) = CacheDir::for_workspace(&workspace) else {
        return fail("no cache directory: set IDL_CACHE_DIR or [cache] dir (no home directory is known)".into());
    };
    match args.command {
        CacheCommand::Info => {
            let info = dir.info();
            let text = match args.format {
                CacheFormat::Json => format!("{}\n", serde_json::to_string(&info).unwrap_or_default()),
                CacheFormat::Text => format!(
                    "cache directory: {}\nfile headers:    {} entries, {} bytes\nlint results:    {} entries, {} bytes\nother files:     {} bytes\nbound per table: {} MiB\n",
                    info.dir.display(),
                    info.header_entries,
                    info.header_bytes,
                    info.lint_entries,
                    info.lint_bytes,
                    info.other_bytes,
                    info.max_bytes / (1024 * 1024)
                ),
            };
            write_stdout(text.as_bytes())
        }
        CacheCommand::Clean => match dir.clean() {
            Ok(bytes) => {
                let text = match args.format {
                    CacheFormat::Json => {
                        format!("{}\n", json!({ "dir": dir.path, "removed_bytes": bytes }))
                    }
                    CacheFormat::Text => format!("removed {} ({bytes} bytes)\n", dir.path.display()),
                };
                let code = write_stdout(text.as_bytes());
                if code == EXIT_CLEAN { EXIT_CLEAN } else { code }
            }
            Err(e) => fail(format!("cannot remove {}: {e}", dir.path.display())),
        },
    }
}
