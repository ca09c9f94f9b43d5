-- Decorum for Neovim: filetype detection for `.decorum` policy files and the
-- `:DecorumRestart` / `:DecorumInfo` commands. The language client is configured by
-- `require("decorum").setup({})`, never by loading this file.
if vim.g.loaded_decorum then
  return
end
vim.g.loaded_decorum = true

vim.filetype.add({ extension = { decorum = "decorum" } })

vim.api.nvim_create_user_command("DecorumInfo", function()
  vim.cmd("checkhealth decorum")
end, { desc = "Decorum: binary, version, language server and policy (same as :checkhealth decorum)" })

vim.api.nvim_create_user_command("DecorumRestart", function()
  require("decorum").restart()
end, { desc = "Decorum: restart the language server" })
