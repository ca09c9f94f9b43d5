-- Detects Decorum policy files (`.decorum`). Sourced by `:filetype on` from every
-- runtimepath entry's ftdetect/ folder; plugin/decorum.lua registers the same rule for
-- plugin managers that load the plugin after filetype detection was set up.
vim.filetype.add({ extension = { decorum = "decorum" } })
