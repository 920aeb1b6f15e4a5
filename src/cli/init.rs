//! `idl init`: write an `idl.toml`, the defaults or converted from another tool's
//! config (`--from`), and name every setting that could not be carried over.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::InitArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, IO_RULE, Reporter};
use crate::config::{CONFIG_FILE_NAME, Config};
use crate::diagnostic::Diagnostic;
use crate::layout::{self, Layout};
use crate::migrate::{self, BUF_FILE, BUF_WORK_FILE};
use crate::source::{SourceFile, Sources};

/// Written by `idl init` without `--from` (and no buf config here): the layout
/// found in the repository, then every other top-level setting, commented.
pub fn default_config(layout: &Layout) -> String {
    format!(
        r#"# idl.toml: the workspace configuration (see docs/configuration.md).

{}
[lint]
# `buf-standard` is buf's STANDARD; `minimal` is buf's MINIMAL.
preset = "buf-standard"
# use = ["COMMENTS"]
# except = ["ENUM_VALUE_PREFIX"]
# ignore = ["proto/legacy"]
# ignore_only = {{ FIELD_LOWER_SNAKE_CASE = ["proto/acme/old.proto"] }}

[breaking]
# FILE is buf's default set. API (HTTP routes and bodies, field behaviours,
# idempotency) and ERRORS (error reasons and their HTTP/gRPC status) are idl's:
# a changed route or error status breaks HTTP clients without changing a byte
# on the wire, so buf's categories alone let it pass.
use = ["FILE", "API", "ERRORS"]
# against = "main"
"#,
        layout::toml_lines(layout)
    )
}

pub(super) fn run(args: &InitArgs, reporter: &Reporter) -> i32 {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => return fail(reporter, args, format!("cannot read the working directory: {error}")),
    };
    if let Some(from) = &args.from
        && from.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("buf.gen."))
    {
        return from_buf_gen(args, from, reporter, &cwd);
    }
    // A buf config here already says where the roots are: convert it, as `--from` would.
    let found_here = args
        .from
        .is_none()
        .then(|| [BUF_WORK_FILE, BUF_FILE].into_iter().find(|name| cwd.join(name).is_file()))
        .flatten();
    if let Some(found) = found_here
        && !reporter.quiet
    {
        let _ = writeln!(io::stderr(), "idl init: {found} found here; converting it (as `idl init --from {found}`)");
    }
    let converted;
    let args = match found_here {
        Some(found) => {
            converted = InitArgs { from: Some(PathBuf::from(found)), ..args.clone() };
            &converted
        }
        None => args,
    };
    // A converted config's paths are relative to the converted file's directory.
    let source_dir = args.from.as_ref().map(|from| from.parent().unwrap_or(Path::new("")).to_path_buf());
    let shown_output = match (&args.output, &source_dir) {
        (Some(output), _) => output.clone(),
        (None, Some(dir)) => dir.join(CONFIG_FILE_NAME),
        (None, None) => PathBuf::from(CONFIG_FILE_NAME),
    };
    let to_stdout = shown_output == Path::new("-");
    let output = cwd.join(&shown_output);
    if let Some(dir) = &source_dir
        && !to_stdout
        && std::path::absolute(output.parent().unwrap_or(&cwd)).ok() != std::path::absolute(cwd.join(dir)).ok()
    {
        let message = format!(
            "the paths of {} are relative to its directory; write the idl.toml there (leave out -o)",
            args.from.as_deref().unwrap_or(Path::new("")).display()
        );
        return fail(reporter, args, message);
    }
    if !to_stdout && output.exists() && !args.force {
        let message = format!("{} already exists; pass --force to overwrite it", shown_output.display());
        return fail(reporter, args, message);
    }

    let (text, dropped, sources) = match &args.from {
        Some(from) => {
            let shown = from.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
            match migrate::convert(&cwd.join(from), &shown) {
                Ok(migrated) => {
                    let mut sources = Sources::default();
                    migrated.sources.into_iter().for_each(|file| sources.insert(file));
                    let dropped: Vec<Diagnostic> = migrated.dropped.into_iter().map(|d| d.diagnostic).collect();
                    (migrated.toml, dropped, sources)
                }
                Err(diags) => {
                    let sources = super::sources_on_disk(&cwd, &diags);
                    reporter.report(args.format, diags, &sources, false);
                    return EXIT_ERROR;
                }
            }
        }
        None => {
            let layout = layout::detect(output.parent().unwrap_or(&cwd));
            if !reporter.quiet {
                for reason in &layout.reasons {
                    let _ = writeln!(io::stderr(), "idl init: {reason}");
                }
            }
            (default_config(&layout), Vec::new(), Sources::default())
        }
    };
    // What is written must load: a conversion bug would otherwise surface later.
    let check = SourceFile::new(CONFIG_FILE_NAME, shown_output.to_string_lossy().into_owned(), text.clone().into());
    if let Err(diags) = Config::parse(&check) {
        let mut sources = Sources::default();
        sources.insert(check);
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    let written = if to_stdout { write_stdout(&text) } else { std::fs::write(&output, &text) };
    if let Err(error) = written {
        return fail(reporter, args, format!("cannot write {}: {error}", shown_output.display()));
    }
    let count = dropped.len();
    reporter.report(args.format, dropped, &sources, false);
    if !to_stdout && !reporter.quiet {
        let what = match &args.from {
            Some(from) => format!("converted from {}; {}", from.display(), not_carried_over(count)),
            None => "the layout found and defaults".to_string(),
        };
        let _ = writeln!(io::stderr(), "idl init: wrote {} ({what})", display(&shown_output));
    }
    EXIT_CLEAN
}

/// `idl init --from buf.gen.yaml`: the template as a `[generate]` table, added
/// to the idl.toml here (created when missing; refused when it has one already).
fn from_buf_gen(args: &InitArgs, from: &Path, reporter: &Reporter, cwd: &Path) -> i32 {
    let template = match super::generate::read_yaml(&cwd.join(from), cwd) {
        Ok(template) => template,
        Err((diags, file)) => {
            let mut sources = Sources::default();
            file.into_iter().for_each(|f| sources.insert(f));
            reporter.report(args.format, diags, &sources, false);
            return EXIT_ERROR;
        }
    };
    let shown = from.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
    let table = format!(
        "# What `idl generate` runs, converted from {shown} (`idl init --from {shown}`).\n{}",
        crate::generate::config::to_toml(&template)
    );
    let shown_output = args.output.clone().unwrap_or_else(|| PathBuf::from(CONFIG_FILE_NAME));
    if shown_output == Path::new("-") {
        return match write_stdout(&table) {
            Ok(()) => EXIT_CLEAN,
            Err(error) => fail(reporter, args, format!("cannot write to stdout: {error}")),
        };
    }
    let output = cwd.join(&shown_output);
    let existing = match crate::checked_read::read_config_text(&output) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => String::new(),
        Err(error) => return fail(reporter, args, format!("cannot read {}: {error}", shown_output.display())),
    };
    if existing.parse::<toml::Table>().is_ok_and(|t| t.contains_key("generate")) {
        let message = format!(
            "{} already has a [generate] table; remove it first (or print the conversion with -o -)",
            shown_output.display()
        );
        return fail(reporter, args, message);
    }
    let text = match existing.as_str() {
        "" => table,
        text if text.ends_with('\n') => format!("{text}\n{table}"),
        text => format!("{text}\n\n{table}"),
    };
    // What is written must load, and read back as the same plugins.
    let check = SourceFile::new(CONFIG_FILE_NAME, shown_output.to_string_lossy().into_owned(), text.clone().into());
    let parsed = Config::parse(&check)
        .and_then(|config| crate::generate::config::parse_toml(&config.generate, Some(&check)).map(|_| ()));
    if let Err(diags) = parsed {
        let mut sources = Sources::default();
        sources.insert(check);
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    if let Err(error) = std::fs::write(&output, &text) {
        return fail(reporter, args, format!("cannot write {}: {error}", shown_output.display()));
    }
    if !reporter.quiet {
        let plugins = template.plugins.len();
        let _ = writeln!(
            io::stderr(),
            "idl init: added [generate] ({plugins} plugin{}) to {}, converted from {shown}",
            if plugins == 1 { "" } else { "s" },
            display(&shown_output)
        );
    }
    EXIT_CLEAN
}

/// "1 setting not carried over", "2 settings not carried over".
fn not_carried_over(count: usize) -> String {
    match count {
        0 => "every setting carried over".to_string(),
        1 => "1 setting not carried over".to_string(),
        n => format!("{n} settings not carried over"),
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn write_stdout(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

fn fail(reporter: &Reporter, args: &InitArgs, message: String) -> i32 {
    reporter.report(args.format, vec![Diagnostic::error(IO_RULE, message)], &Sources::default(), false);
    EXIT_ERROR
}
