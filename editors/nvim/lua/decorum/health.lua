--- `:checkhealth decorum`: the binary is found, says its version, `decorum lsp` answers
--- `initialize`, and the policy that applies to the current folder loads.
local M = {}

local health = vim.health

--- Frames one JSON-RPC message as LSP's base protocol does.
local function frame(message)
  local body = vim.json.encode(message)
  return ("Content-Length: %d\r\n\r\n%s"):format(#body, body)
end

--- Splits what a server wrote into decoded messages (incomplete ones are left out).
local function messages(buffer)
  local decoded = {}
  local position = 1
  while true do
    local _, header_stop, length = buffer:find("Content%-Length: (%d+)\r\n\r\n", position)
    if header_stop == nil then
      return decoded
    end
    local body_start = header_stop + 1
    local body = buffer:sub(body_start, body_start + tonumber(length) - 1)
    if #body < tonumber(length) then
      return decoded
    end
    local ok, message = pcall(vim.json.decode, body)
    if ok then
      decoded[#decoded + 1] = message
    end
    position = body_start + tonumber(length)
  end
end

--- Runs `decorum lsp`, sends `initialize`, waits for the answer, then shuts the server
--- down. Returns the initialize result, or nil and why not.
function M.probe_server(cmd, root, timeout_ms)
  timeout_ms = timeout_ms or 10000
  local received = ""
  local exit_code
  local process_ok, process = pcall(vim.system, cmd, {
    stdin = true,
    cwd = root,
    stdout = function(_, data)
      if data then
        received = received .. data
      end
    end,
  }, function(done)
    exit_code = done.code
  end)
  if not process_ok then
    return nil, tostring(process)
  end
  local function send(message)
    -- The server may already have exited; a closed pipe is reported below, not here.
    pcall(process.write, process, message and frame(message) or nil)
  end
  local root_uri = root and vim.uri_from_fname(root) or vim.NIL
  send({
    jsonrpc = "2.0",
    id = 1,
    method = "initialize",
    params = {
      processId = vim.NIL,
      rootUri = root_uri,
      capabilities = vim.empty_dict(),
      clientInfo = { name = "decorum checkhealth" },
    },
  })
  local result
  local function answer(id)
    for _, message in ipairs(messages(received)) do
      if type(message) == "table" and message.id == id then
        return message
      end
    end
  end
  vim.wait(timeout_ms, function()
    result = answer(1)
    return result ~= nil or exit_code ~= nil
  end, 50)
  local answered = result ~= nil
  if answered then
    send({ jsonrpc = "2.0", id = 2, method = "shutdown" })
    vim.wait(2000, function()
      return answer(2) ~= nil
    end, 50)
    send({ jsonrpc = "2.0", method = "exit" })
  end
  if exit_code == nil then
    send(nil)
  end
  local exited = process:wait(3000)
  if not answered then
    if exit_code == nil then
      process:kill("sigterm")
      return nil, "no answer to initialize within " .. timeout_ms .. " ms"
    end
    local why = ("it exited with code %d before answering initialize"):format(exit_code)
    local stderr = vim.trim(exited.stderr or "")
    if stderr ~= "" then
      why = why .. ": " .. stderr
    end
    return nil, why
  end
  if result.error ~= nil then
    return nil, "initialize failed: " .. tostring(result.error.message)
  end
  return result.result
end

function M.check()
  local decorum = require("decorum")
  local opts = decorum.options or decorum.defaults

  health.start("decorum: program")
  local program = decorum.program(opts)
  local path = vim.fn.exepath(program)
  if path == "" then
    health.error("`" .. program .. "` is not an executable on PATH.", { decorum.install_hint })
    return
  end
  health.ok("found " .. path)

  local version = vim.system({ path, "--version" }, { text = true }):wait(10000)
  if version.code ~= 0 then
    health.error("`" .. path .. " --version` failed: " .. vim.trim(version.stderr or ""), { decorum.install_hint })
    return
  end
  health.ok("version: " .. vim.trim(version.stdout or ""))

  if decorum.options == nil then
    health.warn("require('decorum').setup({}) has not been called: no buffer gets diagnostics.")
  else
    health.ok("set up with " .. (decorum.has_lsp_config() and "vim.lsp.config/vim.lsp.enable" or "vim.lsp.start"))
  end

  health.start("decorum: language server")
  local root = vim.fs.root(0, opts.root_markers or { "decorum.toml" }) or vim.fn.getcwd()
  local cmd = decorum.cmd(opts)
  cmd[1] = path
  local result, why = M.probe_server(cmd, root)
  if result == nil then
    health.error("`" .. table.concat(cmd, " ") .. "` did not start: " .. why, {
      "A `decorum` without the `lsp` subcommand is too old: " .. decorum.install_hint,
    })
  else
    local info = result.serverInfo or {}
    health.ok(("`decorum lsp` answers initialize (%s %s)"):format(info.name or "server", info.version or ""))
  end
  local clients = decorum.clients()
  if #clients > 0 then
    health.ok(("%d client(s) running"):format(#clients))
  end

  health.start("decorum: policy")
  local config = vim.fs.find("decorum.toml", { upward = true, path = root })[1]
  if config == nil then
    health.info("no decorum.toml in " .. root .. " or above: the embedded std/healthcare library applies.")
  else
    health.ok("configuration: " .. config)
  end
  -- `decorum audit` loads and validates the policy; an empty folder keeps it from
  -- walking the drafts.
  local empty = vim.fn.tempname()
  vim.fn.mkdir(empty, "p")
  local audit = vim.system({ path, "audit", "--format", "json", empty }, { text = true, cwd = root }):wait(30000)
  vim.fn.delete(empty, "rf")
  if audit.code ~= 0 then
    health.error("the policy does not load: " .. vim.trim(audit.stderr or ""), { "Run `decorum test` in " .. root })
    return
  end
  local ok, report = pcall(vim.json.decode, audit.stdout or "")
  if not ok or type(report) ~= "table" then
    health.warn("`decorum audit --format json` printed something unexpected")
    return
  end
  local rules = report.rules or 0
  health.ok(("%d active %s from %s"):format(rules, rules == 1 and "rule" or "rules", table.concat(report.policies or {}, ", ")))
end

return M
