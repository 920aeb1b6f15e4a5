//! The editor examples of docs/editors.md, checked against the built binary: the
//! Helix config parses and names `idl lsp`, the VS Code problem matcher matches
//! every `--format short` line, the JSON example is what idl prints, and the
//! nvim-lint parser (run in a real Neovim when one is installed) puts findings at
//! the right byte columns after CJK text.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn editors_md() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/editors.md")).unwrap()
}

/// The fenced code blocks of `markdown` tagged `language`, in order.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            Some(block) if line.trim_end() == "```" => {
                found.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.trim_end() == format!("```{language}") => current = Some(String::new()),
            None => {}
        }
    }
    found
}

/// A workspace whose one file has a lint finding after CJK text and an emoji.
const USER_PATH: &str = "proto/acme/user/v1/user.proto";
const BAD_LINE: &str = "  /* 名前😀 */ string firstName = 1;";

fn user_proto() -> String {
    format!("syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage UserInfo {{\n{BAD_LINE}\n}}\n")
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    let path = dir.path().join(USER_PATH);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, user_proto()).unwrap();
    dir
}

/// The findings of a run (stdout), which must exit 1.
fn idl_findings(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_idl"));
    command.current_dir(dir).args(args);
    if let Some(stdin) = stdin {
        command.write_stdin(stdin);
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn helix_config_runs_idl_lsp_for_protobuf() {
    let toml_blocks = blocks(&editors_md(), "toml");
    assert_eq!(toml_blocks.len(), 1);
    let config: toml::Table = toml::from_str(&toml_blocks[0]).unwrap();
    let server = &config["language-server"]["idl"];
    assert_eq!(server["command"].as_str(), Some("idl"));
    assert_eq!(server["args"].as_array().unwrap()[0].as_str(), Some("lsp"));
    let language = &config["language"].as_array().unwrap()[0];
    // Helix's built-in name for .proto files.
    assert_eq!(language["name"].as_str(), Some("protobuf"));
    assert_eq!(language["language-servers"].as_array().unwrap()[0].as_str(), Some("idl"));
}

#[test]
fn json_example_is_what_idl_prints() {
    let markdown = editors_md();
    let example = blocks(&markdown, "json").into_iter().find(|b| b.contains("\"start_utf16\"")).unwrap();
    assert!(markdown.contains(&format!("for the line `{BAD_LINE}`")));
    let dir = workspace();
    let printed =
        idl_findings(dir.path(), &["lint", "--stdin-filename", USER_PATH, "--format", "json"], Some(&user_proto()));
    assert_eq!(printed, example);
}

#[test]
fn vscode_problem_matcher_matches_every_short_line() {
    let tasks = blocks(&editors_md(), "json").into_iter().find(|b| b.contains("\"tasks\"")).unwrap();
    let tasks: Value = serde_json::from_str(&tasks).unwrap();
    let task = &tasks["tasks"][0];
    assert_eq!(task["command"], "idl");
    let args: Vec<&str> = task["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    let pattern = &task["problemMatcher"]["pattern"];
    let regexp = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let group = |name: &str| pattern[name].as_u64().unwrap() as usize;

    let dir = workspace();
    // Two files, so more than one line, one with a colon-free message and one without CJK.
    fs::write(
        dir.path().join("proto/acme/user/v1/other.proto"),
        "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage other_thing {}\n",
    )
    .unwrap();
    let short = idl_findings(dir.path(), &args, None);
    let json = idl_findings(dir.path(), &["lint", "--format", "json"], None);
    let lines: Vec<&str> = short.lines().collect();
    let findings: Vec<Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{short}");
    assert_eq!(lines.len(), findings.len());
    for (line, finding) in lines.iter().zip(&findings) {
        let captures = regexp.captures(line).unwrap_or_else(|| panic!("{line:?} does not match {regexp}"));
        assert!(dir.path().join(&captures[group("file")]).is_file(), "{line}");
        assert_eq!(captures[group("file")], *finding["path"].as_str().unwrap());
        assert_eq!(captures[group("line")], finding["start_line"].to_string());
        assert_eq!(captures[group("column")], finding["start_column"].to_string());
        assert_eq!(captures[group("code")], *finding["rule"].as_str().unwrap());
        assert_eq!(captures[group("message")], *finding["message"].as_str().unwrap());
    }
}

fn nvim() -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join("nvim")).find(|path| path.is_file())
}

/// Runs the nvim-lint example's parser in Neovim on idl's real output, with
/// nvim-lint itself replaced by a table (it is a plugin, not installed here).
#[test]
fn nvim_lint_parser_puts_findings_at_byte_columns() {
    let Some(nvim) = nvim() else {
        eprintln!("skipped: no nvim on PATH (apt-get install neovim)");
        return;
    };
    let lua = blocks(&editors_md(), "lua");
    assert_eq!(lua.len(), 3, "the built-in client blocks (0.11+, 0.7-0.10) and the nvim-lint block");
    let dir = workspace();
    let output =
        idl_findings(dir.path(), &["lint", "--stdin-filename", USER_PATH, "--format", "json"], Some(&user_proto()));
    fs::write(dir.path().join("output.txt"), &output).unwrap();
    fs::write(dir.path().join("builtin.lua"), &lua[0]).unwrap();
    fs::write(dir.path().join("nvim_lint.lua"), &lua[2]).unwrap();
    let harness = r#"
local ok, err = pcall(function()
  -- The built-in client block needs Neovim 0.11; here its syntax is checked.
  assert(loadfile('builtin.lua'))
  local lint = { linters = {}, linters_by_ft = {} }
  package.preload['lint'] = function() return lint end
  dofile('nvim_lint.lua')
  local linter = lint.linters.idl
  assert(linter.cmd == 'idl' and linter.stdin and linter.stream == 'stdout')
  vim.cmd('edit ' .. vim.fn.fnameescape(PATH))
  local bufnr = vim.api.nvim_get_current_buf()
  local args = {}
  for _, arg in ipairs(linter.args) do
    table.insert(args, type(arg) == 'function' and arg() or arg)
  end
  local output = table.concat(vim.fn.readfile('output.txt'), '\n')
  local result = { args = args, diagnostics = linter.parser(output, bufnr) }
  vim.fn.writefile({ vim.json.encode(result) }, 'result.json')
end)
if not ok then
  io.stderr:write(tostring(err) .. '\n')
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
"#
    .replace("PATH", &format!("'{USER_PATH}'"));
    fs::write(dir.path().join("harness.lua"), harness).unwrap();
    let run = Command::new(nvim)
        .current_dir(dir.path())
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile harness.lua"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let result: Value = serde_json::from_str(&fs::read_to_string(dir.path().join("result.json")).unwrap()).unwrap();
    let expected_file = dir.path().canonicalize().unwrap().join(USER_PATH);
    assert_eq!(result["args"][4].as_str().map(Path::new), Some(expected_file.as_path()));
    let diagnostics = result["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{result}");
    let diagnostic = &diagnostics[0];
    let start = BAD_LINE.find("firstName").unwrap();
    assert_eq!(diagnostic["lnum"], 5);
    assert_eq!(diagnostic["col"], start);
    assert_eq!(diagnostic["end_col"], start + "firstName".len());
    assert_eq!(diagnostic["code"], "FIELD_LOWER_SNAKE_CASE");
    assert_eq!(diagnostic["severity"], 1);
}

/// The Neovim 0.7-0.10 block of docs/editors.md drives `idl lsp` in a headless
/// Neovim: `vim.lsp.buf.definition()` jumps from a type in one package to its
/// declaration in another, and `vim.lsp.buf.rename()` renames a message in its
/// file and in the file that uses it.
#[test]
fn nvim_builtin_client_goes_to_definition_and_renames() {
    let Some(nvim) = nvim() else {
        eprintln!("skipped: no nvim on PATH (apt-get install neovim)");
        return;
    };
    let lua = blocks(&editors_md(), "lua");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example");
    fs::copy(example.join("idl.toml"), root.join("idl.toml")).unwrap();
    for file in [
        "proto/acme/order/v1/order.proto",
        "proto/acme/user/v1/user.proto",
        // What the two files import from the example's vendored third_party/.
        "third_party/google/api/annotations.proto",
        "third_party/google/api/http.proto",
        "third_party/google/api/field_behavior.proto",
        "third_party/buf/validate/validate.proto",
    ] {
        fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        fs::copy(example.join(file), root.join(file)).unwrap();
    }
    fs::write(root.join("nvim_lsp.lua"), &lua[1]).unwrap();
    let order = fs::read_to_string(root.join("proto/acme/order/v1/order.proto")).unwrap();
    // `acme.user.v1.User buyer = 2;`: the cursor on `User`.
    let (line, text) = order.lines().enumerate().find(|(_, l)| l.contains("acme.user.v1.User buyer")).unwrap();
    let column = text.find("User buyer").unwrap();
    let harness = r#"
local ok, err = pcall(function()
  vim.cmd('filetype on')
  dofile('nvim_lsp.lua')
  vim.cmd('edit proto/acme/order/v1/order.proto')
  local order = vim.api.nvim_get_current_buf()
  assert(vim.wait(30000, function()
    for _, client in pairs(vim.lsp.buf_get_clients(order)) do
      if client.initialized then return true end
    end
    return false
  end, 50), 'idl lsp did not start')
  vim.api.nvim_win_set_cursor(0, { LINE + 1, COLUMN })
  vim.lsp.buf.definition()
  assert(vim.wait(30000, function() return vim.api.nvim_buf_get_name(0):match('user%.proto$') ~= nil end, 50),
    'definition did not open user.proto')
  local definition = { file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':.'), cursor = vim.api.nvim_win_get_cursor(0) }
  -- Back to the use, then rename User everywhere.
  vim.cmd('buffer ' .. order)
  vim.api.nvim_win_set_cursor(0, { LINE + 1, COLUMN })
  vim.lsp.buf.rename('Account')
  local user = vim.fn.bufnr('proto/acme/user/v1/user.proto')
  assert(vim.wait(30000, function()
    return table.concat(vim.api.nvim_buf_get_lines(user, 0, -1, false), '\n'):find('message Account {', 1, true) ~= nil
  end, 50), 'rename did not reach user.proto')
  local result = {
    definition = definition,
    order = vim.api.nvim_buf_get_lines(order, 0, -1, false),
    user = vim.api.nvim_buf_get_lines(user, 0, -1, false),
  }
  vim.fn.writefile({ vim.json.encode(result) }, 'result.json')
end)
if not ok then
  io.stderr:write(tostring(err) .. '\n')
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
"#
    .replace("LINE", &line.to_string())
    .replace("COLUMN", &column.to_string());
    fs::write(root.join("harness.lua"), harness).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_idl")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let run = Command::new(nvim)
        .current_dir(&root)
        .env("PATH", path)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile harness.lua"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let result: Value = serde_json::from_str(&fs::read_to_string(root.join("result.json")).unwrap()).unwrap();
    let user = fs::read_to_string(root.join("proto/acme/user/v1/user.proto")).unwrap();
    let user_line = user.lines().position(|l| l == "message User {").unwrap();
    assert_eq!(result["definition"]["file"], "proto/acme/user/v1/user.proto", "{result}");
    // Neovim's cursor: 1-based line, 0-based byte column, on the name.
    assert_eq!(result["definition"]["cursor"], serde_json::json!([user_line + 1, 8]), "{result}");
    let renamed =
        |lines: &Value| lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect::<Vec<_>>();
    let user_after = renamed(&result["user"]);
    assert_eq!(user_after[user_line], "message Account {");
    assert_eq!(
        user_after.iter().filter(|l| l.contains("Account")).count(),
        user.lines().filter(|l| l.contains(" User ")).count(),
        "the declaration and every use: {user_after:?}"
    );
    let order_after = renamed(&result["order"]);
    assert_eq!(order_after[line], text.replace("acme.user.v1.User buyer", "acme.user.v1.Account buyer"));
}
