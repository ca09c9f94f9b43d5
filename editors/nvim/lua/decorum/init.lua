--- Decorum for Neovim: configures Neovim's LSP client to run `decorum lsp` on drafts
--- (Markdown, plain text) and on policy files (`.decorum`).
---
--- ```lua
--- require("decorum").setup({})                                 -- `decorum` on PATH
--- require("decorum").setup({ path = "~/.cargo/bin/decorum" })  -- or a path
--- ```
---
--- On Neovim 0.11 and later this uses `vim.lsp.config` and `vim.lsp.enable`; on 0.10 it
--- starts the client itself with `vim.lsp.start` from a FileType autocommand. Either way,
--- writing a policy file sends the server the change, which Neovim on Linux does not.
local M = {}

--- How to install the binary, shown when it cannot be found.
M.install_hint = "Install it from a Decorum checkout with `cargo install --path crates/decorum-cli` "
  .. "(this puts `decorum` in ~/.cargo/bin), or pass `path` to require('decorum').setup()."

--- The defaults; `setup(opts)` deep-merges `opts` over them.
M.defaults = {
  --- Path to the `decorum` program; nil: `decorum` on PATH.
  path = nil,
  --- Filetypes whose buffers go to the server.
  filetypes = { "markdown", "text", "decorum" },
  --- Files that mark the root of a workspace (the folder `decorum check` would run in).
  root_markers = { "decorum.toml", ".git" },
  --- `decorum lsp --log-file`: where the server logs (never draft text); nil: no log.
  log_file = nil,
  --- `decorum lsp --log-level` (with log_file): error, warn, info or debug; nil: info.
  log_level = nil,
  --- The server's settings, sent as initializationOptions and as the answer to
  --- workspace/configuration (section "decorum"). Keys (docs/editors.md):
  ---   enable = true                       -- false: no diagnostics on drafts
  ---   minimumSeverity = "hint"            -- "error", "warning", "info" or "hint"
  ---   drafts = { languageIds = { "markdown", "plaintext" }, globs = { "posts/**/*.html" } }
  settings = {},
  --- Passed through to the client.
  on_attach = nil,
  capabilities = nil,
}

--- The options of the last `setup` call.
M.options = nil

local NAME = "decorum"

local function notify(message, level)
  vim.notify("decorum: " .. message, level or vim.log.levels.WARN, { title = "Decorum" })
end

--- The program to run: `opts.path` (with `~` expanded) or `decorum`.
function M.program(opts)
  opts = opts or M.options or M.defaults
  if opts.path ~= nil and opts.path ~= "" then
    return vim.fn.expand(opts.path)
  end
  return "decorum"
end

--- The command line of the server.
function M.cmd(opts)
  opts = opts or M.options or M.defaults
  local cmd = { M.program(opts), "lsp" }
  if opts.log_file ~= nil and opts.log_file ~= "" then
    vim.list_extend(cmd, { "--log-file", vim.fn.expand(opts.log_file) })
    if opts.log_level ~= nil and opts.log_level ~= "" then
      vim.list_extend(cmd, { "--log-level", opts.log_level })
    end
  end
  return cmd
end

--- The language id the server is told: Neovim's `text` filetype is LSP's `plaintext`,
--- which the server counts as a draft by default.
function M.language_id(_, filetype)
  if filetype == "text" then
    return "plaintext"
  end
  return filetype
end

--- A copy of `settings` that Neovim encodes as a JSON object: it encodes an empty Lua
--- table as the array `[]`, which the server rejects ("settings: expected an object"), so
--- the settings object and its one object-valued key (`drafts`) become
--- `vim.empty_dict()` when empty. Anything but a table is left for the server to report.
function M.settings_object(settings)
  if settings == nil then
    return vim.empty_dict()
  elseif type(settings) ~= "table" then
    return settings
  end
  local copy = vim.deepcopy(settings)
  if type(copy.drafts) == "table" and vim.tbl_isempty(copy.drafts) then
    copy.drafts = vim.empty_dict()
  end
  if vim.tbl_isempty(copy) then
    return vim.empty_dict()
  end
  return copy
end

--- The client configuration, in the shape `vim.lsp.config` takes.
function M.client_config(opts)
  opts = opts or M.options or M.defaults
  local settings = M.settings_object(opts.settings)
  return {
    name = NAME,
    cmd = M.cmd(opts),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    get_language_id = M.language_id,
    init_options = settings,
    settings = { decorum = settings },
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
end

--- True when this Neovim has `vim.lsp.config` and `vim.lsp.enable` (0.11 and later).
function M.has_lsp_config()
  return vim.fn.has("nvim-0.11") == 1 and type(vim.lsp.config) == "table" and type(vim.lsp.enable) == "function"
end

local group = vim.api.nvim_create_augroup("decorum", { clear = true })

--- Starts (or reuses) the client for one buffer with `vim.lsp.start` (Neovim 0.10).
local function start_for_buffer(bufnr, config)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = vim.fs.root(bufnr, config.root_markers)
  if root == nil then
    root = name ~= "" and vim.fs.dirname(name) or vim.fn.getcwd()
  end
  local start_config = vim.tbl_extend("force", config, { root_dir = root })
  start_config.filetypes = nil
  start_config.root_markers = nil
  return vim.lsp.start(start_config, { bufnr = bufnr })
end

--- The files whose saving reloads the policies: those the server asks clients to watch.
local POLICY_FILE_PATTERNS = { "*.decorum", "decorum.toml", "decorum.lock" }

local WATCHED_FILES = "workspace/didChangeWatchedFiles"
local FILE_CREATED, FILE_CHANGED = 1, 2

--- True when the server registered file watching with this client, which then reports
--- changes itself. Neovim allows that only where its file watching works (not on Linux),
--- and the server registers only when allowed.
local function watches_files(client)
  local ok, registration = pcall(function()
    return client.dynamic_capabilities:get(WATCHED_FILES)
  end)
  return ok and registration ~= nil
end

--- A path with forward slashes and the links resolved, for comparing folders.
local function real_path(path)
  return vim.fs.normalize(vim.uv.fs_realpath(path) or path)
end

--- True when `path` is in one of the client's workspace folders, or when the client has
--- none (a single file: the server decides which of its policies the file touches).
local function in_workspace(client, path)
  local roots = {}
  for _, folder in ipairs(client.workspace_folders or {}) do
    roots[#roots + 1] = vim.uri_to_fname(folder.uri)
  end
  if #roots == 0 and client.root_dir ~= nil then
    roots[1] = client.root_dir
  end
  if #roots == 0 then
    return true
  end
  for _, root in ipairs(roots) do
    root = real_path(root)
    if root:sub(-1) ~= "/" then
      root = root .. "/"
    end
    if path:sub(1, #root) == root then
      return true
    end
  end
  return false
end

--- Tells the Decorum clients that do not watch files that a policy file was written, as
--- `workspace/didChangeWatchedFiles` (what a file watcher would send), so that the
--- server reloads the policies. The server's reload is idempotent: a file it has seen
--- (through didSave, say) with the same bytes does not reload twice.
local function policy_file_written(path, created)
  path = real_path(path)
  local params = {
    changes = { { uri = vim.uri_from_fname(path), type = created and FILE_CREATED or FILE_CHANGED } },
  }
  for _, client in ipairs(M.clients()) do
    if not watches_files(client) and in_workspace(client, path) then
      if vim.fn.has("nvim-0.11") == 1 then
        client:notify(WATCHED_FILES, params)
      else
        client.notify(WATCHED_FILES, params) -- 0.10: a function field, not a method
      end
    end
  end
end

--- Reports saved policy files to the server: Neovim on Linux has no file watching for
--- language servers, and `decorum.toml` and `decorum.lock` are in no buffer the server
--- sees.
local function watch_policy_files()
  -- The files that did not exist when their write started: created, not changed.
  local new_files = {}
  local function full_path(event)
    return vim.fs.normalize(vim.fn.fnamemodify(event.file, ":p"))
  end
  vim.api.nvim_create_autocmd("BufWritePre", {
    group = group,
    pattern = POLICY_FILE_PATTERNS,
    callback = function(event)
      local path = full_path(event)
      new_files[path] = vim.uv.fs_stat(path) == nil or nil
    end,
  })
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = group,
    pattern = POLICY_FILE_PATTERNS,
    callback = function(event)
      local path = full_path(event)
      local created = new_files[path] == true
      new_files[path] = nil
      policy_file_written(path, created)
    end,
  })
end

--- A `drafts.globs` entry as the server reads it (a leading `./` and other `.` segments
--- dropped), or nil for one the server refuses (empty, starting with `/`, with `..`).
local function relative_glob(written)
  if type(written) ~= "string" then
    return nil
  end
  local glob = written
  while glob:sub(1, 2) == "./" do
    glob = glob:sub(3):gsub("^/+", "")
  end
  if glob == "" or glob:sub(1, 1) == "/" then
    return nil
  end
  local segments = vim.split(glob, "/", { plain = true })
  if vim.tbl_contains(segments, "..") then
    return nil
  end
  return table.concat(
    vim.tbl_filter(function(segment)
      return segment ~= "."
    end, segments),
    "/"
  )
end

--- Whether a glob names a folder whose files it stands for, as the server reads it
--- (`names_folder` in decorum-workspace's config.rs): it ends with `/` or `/**`, or its
--- last part has no wildcard (`pages`, `drafts/old`; not `*.md`).
local function names_folder(glob)
  if glob:sub(-1) == "/" or glob:sub(-3) == "/**" then
    return true
  end
  local last = glob:match("[^/]*$")
  return last ~= "" and not last:find("[%*%?%[{\\]")
end

--- True when the file of `bufnr` matches one of the server settings' `drafts.globs`, read
--- from the folder of the `decorum.toml` above it, else the workspace root, as the server
--- reads them. Such a buffer is a draft whatever its filetype.
function M.matches_draft_globs(bufnr, opts)
  opts = opts or M.options or M.defaults
  local settings = type(opts.settings) == "table" and opts.settings or {}
  local globs = type(settings.drafts) == "table" and settings.drafts.globs or nil
  local name = vim.api.nvim_buf_get_name(bufnr)
  if type(globs) ~= "table" or #globs == 0 or name == "" or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  local path = real_path(name)
  -- Without a marker the client's root is the file's folder (`start_for_buffer`).
  local base = vim.fs.root(bufnr, { "decorum.toml" }) or vim.fs.root(bufnr, opts.root_markers) or vim.fs.dirname(name)
  base = real_path(base)
  if path:sub(1, #base + 1) ~= base .. "/" then
    return false
  end
  local relative = path:sub(#base + 2)
  local function matches(glob)
    local ok, pattern = pcall(vim.glob.to_lpeg, glob)
    return ok and pattern:match(relative) ~= nil
  end
  for _, written in ipairs(globs) do
    local glob = relative_glob(written)
    if glob ~= nil then
      if matches(glob) then
        return true
      end
      -- A glob that names a folder (`pages`, `pages/`) matches every file below it.
      local folder = names_folder(glob) and glob:gsub("/%*%*$", ""):gsub("/+$", "") or nil
      if folder ~= nil and folder ~= "" and matches(folder .. "/**") then
        return true
      end
    end
  end
  return false
end

--- Starts the client for buffers that only `drafts.globs` makes drafts (their filetype is
--- not in `filetypes`): an HTML file that `posts/**/*.html` names, say.
local function attach_glob_drafts(config, opts)
  local function consider(bufnr)
    if
      vim.api.nvim_buf_is_loaded(bufnr)
      and not vim.tbl_contains(config.filetypes or {}, vim.bo[bufnr].filetype)
      and #vim.lsp.get_clients({ bufnr = bufnr, name = NAME }) == 0
      and M.matches_draft_globs(bufnr, opts)
    then
      start_for_buffer(bufnr, config)
    end
  end
  -- FileType for files Neovim knows the type of; BufReadPost and BufNewFile for the rest.
  vim.api.nvim_create_autocmd({ "FileType", "BufReadPost", "BufNewFile" }, {
    group = group,
    callback = function(event)
      consider(event.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    consider(bufnr)
  end
end

--- Configures the client. Returns true when the server was enabled, false when the
--- program is missing (a warning with install instructions says so).
---
--- `opts.api` chooses how: "config" (`vim.lsp.config`/`vim.lsp.enable`, the default on
--- 0.11+) or "start" (`vim.lsp.start`, the default on 0.10; tests use it on 0.11 too).
function M.setup(opts)
  opts = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  M.options = opts
  vim.api.nvim_clear_autocmds({ group = group })

  local program = M.program(opts)
  if vim.fn.executable(program) ~= 1 then
    notify("cannot find `" .. program .. "`. " .. M.install_hint)
    return false
  end

  local config = M.client_config(opts)
  watch_policy_files()
  local api = opts.api or (M.has_lsp_config() and "config" or "start")
  if api == "config" then
    vim.lsp.config(NAME, config)
    vim.lsp.enable(NAME)
    attach_glob_drafts(config, opts)
    return true
  end
  attach_glob_drafts(config, opts)

  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(event)
      start_for_buffer(event.buf, config)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start_for_buffer(bufnr, config)
    end
  end
  return true
end

--- The running Decorum clients.
function M.clients()
  return vim.lsp.get_clients({ name = NAME })
end

--- Stops the clients and starts them again for the buffers they served.
function M.restart()
  local buffers = {}
  for _, client in ipairs(M.clients()) do
    for bufnr in pairs(client.attached_buffers) do
      buffers[#buffers + 1] = bufnr
    end
    if vim.fn.has("nvim-0.11") == 1 then
      client:stop()
    else
      client.stop() -- 0.10: a function field, not a method
    end
  end
  vim.defer_fn(function()
    if M.options == nil then
      return
    end
    for _, bufnr in ipairs(buffers) do
      if vim.api.nvim_buf_is_valid(bufnr) then
        vim.api.nvim_exec_autocmds("FileType", { buffer = bufnr })
      end
    end
  end, 500)
end

return M
