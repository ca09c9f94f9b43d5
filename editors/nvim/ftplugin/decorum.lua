-- Buffer settings for Decorum policy files: `#` comments, names that contain `-`.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = true

vim.bo.commentstring = "# %s"
vim.bo.comments = ":#"
vim.opt_local.iskeyword:append("-")
vim.opt_local.formatoptions:remove("t")
vim.opt_local.formatoptions:append("croql")

vim.b.undo_ftplugin = "setlocal commentstring< comments< iskeyword< formatoptions<"
