-- Headless test of the Neovim plugin in a real Neovim, against the real `decorum lsp`.
--
--   DECORUM_BIN=target/debug/decorum nvim --headless -u NONE -c 'luafile editors/nvim/test/run.lua'
--
-- Prints one line per test and a closing "N passed, N failed" line; exits non-zero when
-- a test fails.
local source = debug.getinfo(1, "S").source:sub(2)
local plugin_dir = vim.fn.fnamemodify(source, ":p:h:h")
local decorum_bin = vim.env.DECORUM_BIN or "decorum"

-- Install the plugin as docs/editors.md says for Neovim without a plugin manager: a
-- package under 'packpath', loaded by :packloadall (what startup does after init.lua).
local packroot = vim.fn.tempname()
vim.fn.mkdir(packroot .. "/pack/decorum/start", "p")
vim.uv.fs_symlink(plugin_dir, packroot .. "/pack/decorum/start/decorum")
vim.opt.packpath:prepend(packroot)
vim.opt.swapfile = false
vim.opt.shortmess:append("AF")
vim.cmd("packloadall")
vim.cmd("filetype plugin on")
vim.cmd("syntax on")

local workspace = vim.fn.tempname()
vim.fn.mkdir(workspace, "p")
vim.cmd.cd(workspace)

local function write(name, lines)
  local path = workspace .. "/" .. name
  vim.fn.mkdir(vim.fs.dirname(path), "p")
  vim.fn.writefile(lines, path)
  return path
end

-- An invented draft with a guarantee claim, after a non-ASCII prefix so that a wrong
-- position encoding shows as a wrong column.
local DRAFT = "Café news 🎉: our new herbal tea cures anxiety in a week."
local RULE = "hc.marketing.guarantee-claim"
local FIX = "Remove the flagged words"

local POLICY = {
  "decorum 1",
  "policy acme.social \"Acme Family Clinic's policy.\"",
  "",
  "import \"std/healthcare\" as hc",
  "terms ages = [/\\b\\d{1,3}-year-old\\b/i, \"teacher\"]",
  "",
  "rule no-competitor-names {",
  "  severity error locked",
  "  message \"Names a competitor ({match}).\"",
  "  flag when count(ages) / words > 10% and contains [\"Brightsmile Dental\"] # a comment",
  "  example flags \"Cheaper than Brightsmile Dental!\" at \"Brightsmile Dental\"",
  "}",
}

local results = { passed = 0, failed = 0 }

-- print() in a headless Neovim goes through the message area; write lines directly.
local function say(line)
  io.stdout:write(line, "\n")
end

local function test(name, body)
  local ok, err = xpcall(body, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    say("ok - " .. name)
  else
    results.failed = results.failed + 1
    say("not ok - " .. name .. "\n" .. tostring(err))
  end
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(("%s: expected %s, got %s"):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local function wait_for(what, ms, condition)
  if not vim.wait(ms, condition, 50) then
    error("timed out waiting for " .. what, 2)
  end
end

local function syntax_at(line, text, occurrence)
  local buffer_line = vim.api.nvim_buf_get_lines(0, line - 1, line, true)[1]
  local column = buffer_line:find(text, 1, true)
  for _ = 2, occurrence or 1 do
    column = buffer_line:find(text, column + 1, true)
  end
  assert(column, ("%q not on line %d"):format(text, line))
  return vim.fn.synIDattr(vim.fn.synID(line, column, 1), "name")
end

local function decorum_diagnostics(bufnr, source_name)
  return vim.tbl_filter(function(d)
    return d.source == source_name
  end, vim.diagnostic.get(bufnr))
end

-- Captures vim.notify, to check what a user would be told.
local notified = {}
local original_notify = vim.notify
vim.notify = function(message, level, opts)
  notified[#notified + 1] = message
  if level ~= nil and level >= vim.log.levels.ERROR then
    return original_notify(message, level, opts)
  end
end

test("the plugin loads", function()
  eq(vim.g.loaded_decorum, true, "g:loaded_decorum")
  eq(vim.fn.exists(":DecorumInfo"), 2, ":DecorumInfo exists")
  eq(vim.fn.exists(":DecorumRestart"), 2, ":DecorumRestart exists")
  local decorum = require("decorum")
  eq(type(decorum.setup), "function", "setup")
  eq(
    decorum.cmd({ path = "/opt/decorum", log_file = "/tmp/decorum.log", log_level = "debug" }),
    { "/opt/decorum", "lsp", "--log-file", "/tmp/decorum.log", "--log-level", "debug" },
    "cmd"
  )
  eq(decorum.cmd({ log_level = "debug" }), { "decorum", "lsp" }, "the level needs a log file")
  eq(decorum.language_id(0, "text"), "plaintext", "plain text is LSP's plaintext")
  eq(decorum.language_id(0, "markdown"), "markdown", "markdown")
  -- Neovim encodes an empty Lua table as the JSON array `[]`; the server wants objects.
  local config = decorum.client_config(decorum.defaults)
  eq(vim.json.encode(config.init_options), "{}", "default initializationOptions")
  eq(vim.json.encode(config.settings), '{"decorum":{}}', "default settings section")
  config = decorum.client_config({ settings = { drafts = {} } })
  eq(vim.json.encode(config.init_options), '{"drafts":{}}', "empty drafts settings")
end)

test(".decorum files get the decorum filetype and its settings", function()
  vim.cmd.edit(write("policy/acme.decorum", POLICY))
  eq(vim.bo.filetype, "decorum", "filetype")
  eq(vim.bo.commentstring, "# %s", "commentstring")
  eq(vim.b.current_syntax, "decorum", "b:current_syntax")
end)

test(".decorum files get syntax highlighting", function()
  vim.cmd.edit(workspace .. "/policy/acme.decorum")
  eq(syntax_at(1, "decorum"), "decorumHeader", "header")
  eq(syntax_at(2, "policy"), "decorumDeclaration", "policy keyword")
  eq(syntax_at(2, "acme.social"), "decorumPolicyName", "policy name")
  eq(syntax_at(2, "Acme"), "decorumString", "string")
  eq(syntax_at(4, "import"), "decorumImport", "import")
  eq(syntax_at(4, "hc", 2), "decorumAlias", "alias")
  eq(syntax_at(5, "terms"), "decorumDeclaration", "terms keyword")
  eq(syntax_at(5, "ages"), "decorumTermsName", "terms name")
  eq(syntax_at(5, "/\\b"), "decorumRegex", "regex in a term list")
  eq(syntax_at(7, "rule"), "decorumDeclaration", "rule keyword")
  eq(syntax_at(7, "no-competitor-names"), "decorumRuleName", "rule name")
  eq(syntax_at(8, "severity"), "decorumClause", "clause")
  eq(syntax_at(8, "error"), "decorumSeverity", "severity")
  eq(syntax_at(8, "locked"), "decorumModifier", "locked")
  eq(syntax_at(9, "{match}"), "decorumPlaceholder", "placeholder")
  eq(syntax_at(10, "when"), "decorumConditional", "when")
  eq(syntax_at(10, "count"), "decorumFunction", "count")
  eq(syntax_at(10, "/ words"), "decorumOperator", "division is not a regex")
  eq(syntax_at(10, "words"), "decorumField", "field")
  eq(syntax_at(10, "10%"), "decorumPercent", "percentage")
  eq(syntax_at(10, "and"), "decorumLogical", "and")
  eq(syntax_at(10, "# a comment"), "decorumComment", "comment")
  eq(syntax_at(11, "example"), "decorumClause", "example")
  -- The `-` inside a name is part of the name, not an operator.
  local line7 = vim.api.nvim_buf_get_lines(0, 6, 7, true)[1]
  local dash = line7:find("-", 1, true)
  eq(vim.fn.synIDattr(vim.fn.synID(7, dash, 1), "name"), "decorumRuleName", "dash inside a rule name")
end)

test("setup without a decorum binary says how to install it", function()
  notified = {}
  local enabled = require("decorum").setup({ path = "/nonexistent/decorum" })
  eq(enabled, false, "setup result")
  assert(#notified == 1, "one notification, got " .. vim.inspect(notified))
  assert(notified[1]:find("cargo install --path crates/decorum-cli", 1, true), notified[1])
end)

test(":checkhealth decorum finds the binary and its version", function()
  require("decorum").setup({ path = decorum_bin, filetypes = {} })
  vim.cmd("silent checkhealth decorum")
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  vim.cmd("bwipeout!")
  assert(report:find("found " .. vim.fn.exepath(decorum_bin), 1, true), report)
  assert(report:find("version: decorum ", 1, true), report)
  assert(report:find("active rules from std/healthcare/", 1, true), report)
  assert(report:find("`decorum lsp` answers initialize", 1, true), report)
  assert(not report:find("ERROR", 1, true), report)
end)

local function check_draft_diagnostic(name, filetype, set_filetype)
  vim.cmd.edit(write(name, { DRAFT }))
  local bufnr = vim.api.nvim_get_current_buf()
  if set_filetype then
    vim.bo.filetype = filetype
  end
  eq(vim.bo.filetype, filetype, "filetype")
  wait_for("a Decorum client to attach", 15000, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = "decorum" }) > 0
  end)
  wait_for("a diagnostic of " .. RULE, 20000, function()
    return #decorum_diagnostics(bufnr, "decorum") > 0
  end)
  local diagnostic = decorum_diagnostics(bufnr, "decorum")[1]
  eq(diagnostic.code, RULE, "code")
  eq(diagnostic.severity, vim.diagnostic.severity.ERROR, "severity")
  -- Neovim columns are byte offsets: 'cures' starts after the multi-byte "é" and 🎉.
  local start = DRAFT:find("cures", 1, true) - 1
  eq({ diagnostic.lnum, diagnostic.col, diagnostic.end_lnum, diagnostic.end_col }, { 0, start, 0, start + #"cures" }, "range")
  return bufnr, diagnostic
end

test("a draft with a violation gets the diagnostic with the rule and range (vim.lsp.config)", function()
  notified = {}
  local enabled = require("decorum").setup({ path = decorum_bin })
  eq(enabled, true, "setup result")
  if require("decorum").has_lsp_config() then
    assert(vim.lsp.config.decorum ~= nil, "vim.lsp.config.decorum is set")
  end
  check_draft_diagnostic("posts/tea.md", "markdown")
  -- The server's warnings (window/showMessage) reach vim.notify: with the default
  -- settings there is nothing to warn about.
  eq(notified, {}, "notifications with the default setup")
end)

test("the quick fix removes the words and the diagnostic disappears", function()
  local bufnr = vim.fn.bufnr(workspace .. "/posts/tea.md")
  vim.api.nvim_set_current_buf(bufnr)
  local diagnostic = decorum_diagnostics(bufnr, "decorum")[1]
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == FIX
    end,
  })
  wait_for("the fix to be applied", 10000, function()
    return not vim.api.nvim_buf_get_lines(bufnr, 0, 1, true)[1]:find("cures", 1, true)
  end)
  eq(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), { "Café news 🎉: our new herbal tea anxiety in a week." }, "text")
  wait_for("the diagnostic to disappear", 10000, function()
    return #decorum_diagnostics(bufnr, "decorum") == 0
  end)
end)

test("a .decorum file with an error gets a diagnostic", function()
  local broken = vim.deepcopy(POLICY)
  broken[8] = "  severity eror locked"
  vim.cmd.edit(write("policy/broken.decorum", broken))
  local bufnr = vim.api.nvim_get_current_buf()
  eq(vim.bo.filetype, "decorum", "filetype")
  wait_for("a decorum-syntax diagnostic", 20000, function()
    return #decorum_diagnostics(bufnr, "decorum-syntax") > 0
  end)
  local diagnostic = decorum_diagnostics(bufnr, "decorum-syntax")[1]
  eq(diagnostic.lnum, 7, "line of the error")
  eq(diagnostic.severity, vim.diagnostic.severity.ERROR, "severity")
  eq(syntax_at(7, "rule"), "decorumDeclaration", "highlighting next to diagnostics")
end)

test("setup with vim.lsp.start (the Neovim 0.10 path) also gets diagnostics", function()
  for _, client in ipairs(require("decorum").clients()) do
    client:stop(true)
  end
  if require("decorum").has_lsp_config() then
    vim.lsp.enable("decorum", false)
  end
  wait_for("the clients to stop", 10000, function()
    return #require("decorum").clients() == 0
  end)
  notified = {}
  eq(require("decorum").setup({ path = decorum_bin, api = "start" }), true, "setup result")
  check_draft_diagnostic("posts/tea-again.md", "markdown")
  eq(notified, {}, "notifications with the default setup")
end)

test("a plain-text buffer (filetype text, sent as LSP's plaintext) is a draft", function()
  -- Not a .txt file, which decorum.toml's default `[drafts] include` would make a draft
  -- anyway: here only the language id says it is one.
  check_draft_diagnostic("posts/tea.note", "text", true)
end)

test("a file that only drafts.globs names is a draft, whatever its filetype", function()
  for _, client in ipairs(require("decorum").clients()) do
    client:stop(true)
  end
  wait_for("the clients to stop", 10000, function()
    return #require("decorum").clients() == 0
  end)
  -- Globs are read from the decorum.toml's folder, the client's root.
  write("web/decorum.toml", {})
  local opts = { path = decorum_bin, settings = { drafts = { globs = { "./pages/**/*.html" } } } }
  eq(require("decorum").setup(opts), true, "setup result")
  check_draft_diagnostic("web/pages/2026/tea.html", "html")
  -- Another HTML file, outside the glob, is not sent.
  vim.cmd.edit(write("web/other/tea.html", { DRAFT }))
  eq(vim.bo.filetype, "html", "filetype")
  eq(require("decorum").matches_draft_globs(0), false, "outside the glob")
  -- A glob that names a folder takes the files below it, as the server reads it.
  for _, glob in ipairs({ "other", "other/", "./other/**" }) do
    local folder_opts = vim.tbl_extend("force", opts, { settings = { drafts = { globs = { glob } } } })
    eq(require("decorum").matches_draft_globs(0, folder_opts), true, "the folder glob " .. glob)
  end
  vim.wait(500)
  eq(#vim.lsp.get_clients({ bufnr = 0, name = "decorum" }), 0, "clients of a file outside the glob")
end)

test("saving decorum.toml or a .decorum file tells the server, which reloads the policies", function()
  -- Neovim on Linux watches no files for language servers and decorum.toml is in no
  -- buffer the server sees: the plugin reports the saved file itself.
  write("site/decorum.toml", {})
  write("site/policy/approved.decorum", {
    "decorum 1",
    "policy acme.approved",
    "",
    'import "std/healthcare" as hc',
    'disable hc.marketing.guarantee-claim because "approved wording"',
  })
  local draft = check_draft_diagnostic("site/posts/tea.md", "markdown")
  local client = vim.lsp.get_clients({ bufnr = draft, name = "decorum" })[1]
  eq(client.root_dir, vim.uv.fs_realpath(workspace .. "/site"), "the client's root")
  local sent = {}
  local notify = client.notify
  client.notify = function(self, method, params)
    if method == "workspace/didChangeWatchedFiles" then
      vim.list_extend(sent, params.changes)
    end
    return notify(self, method, params)
  end
  local function uri(name)
    return vim.uri_from_fname(vim.uv.fs_realpath(workspace .. "/" .. name))
  end

  vim.cmd.edit(workspace .. "/site/decorum.toml")
  vim.api.nvim_buf_set_lines(0, 0, -1, true, { 'policies = ["policy/approved.decorum"]' })
  vim.cmd("silent write")
  eq(sent, { { uri = uri("site/decorum.toml"), type = 2 } }, "a changed decorum.toml")
  -- The reload's findings show in the draft's buffer without an edit: the server
  -- pushes them to a Neovim it cannot ask to pull again.
  wait_for("the draft's findings after the reload", 20000, function()
    return #decorum_diagnostics(draft, "decorum") == 0
  end)

  sent = {}
  vim.cmd.edit(workspace .. "/site/policy/new.decorum")
  vim.api.nvim_buf_set_lines(0, 0, -1, true, { "decorum 1", "policy acme.new" })
  vim.cmd("silent write")
  eq(sent, { { uri = uri("site/policy/new.decorum"), type = 1 } }, "a new .decorum file")

  sent = {}
  vim.cmd.edit(write("elsewhere/decorum.toml", {}))
  vim.cmd("silent write")
  eq(sent, {}, "a decorum.toml outside the workspace")

  -- Where Neovim watches files (macOS, Windows), the server registers the watchers and
  -- Neovim reports the changes: the plugin sends nothing more.
  local registration = { id = "test-watchers", method = "workspace/didChangeWatchedFiles" }
  client.dynamic_capabilities:register({ registration })
  vim.cmd.edit(workspace .. "/site/decorum.toml")
  vim.cmd("silent write")
  client.dynamic_capabilities:unregister({ registration })
  client.notify = nil
  eq(sent, {}, "a client that watches files itself")
end)

say(("%d passed, %d failed"):format(results.passed, results.failed))
for _, client in ipairs(vim.lsp.get_clients()) do
  client:stop(true)
end
vim.fn.delete(workspace, "rf")
vim.fn.delete(packroot, "rf")
if results.failed > 0 then
  vim.cmd("cquit 1")
else
  vim.cmd("qall!")
end
