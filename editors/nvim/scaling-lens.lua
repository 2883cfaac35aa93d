-- Scaling Lens for Neovim (0.7+): put this file in ~/.config/nvim/lua/ and `require('scaling-lens')` from init.lua,
-- or paste it into init.lua. Attaches `scaling-lens lsp --stdio` to YAML, JSON and TOML buffers; the server only
-- analyses files it recognises (*.scaling.* and known training-config dialects) and stays silent on the rest.
local M = {}

M.cmd = { 'npx', '--no-install', 'scaling-lens', 'lsp', '--stdio' }

local function root_dir(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local git = vim.fn.finddir('.git', vim.fn.fnamemodify(path, ':h') .. ';')
  return git ~= '' and vim.fn.fnamemodify(git, ':p:h:h') or vim.fn.fnamemodify(path, ':p:h')
end

local client_id = nil

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not client_id or not vim.lsp.get_client_by_id(client_id) then
    client_id = vim.lsp.start_client({
      name = 'scaling-lens',
      cmd = M.cmd,
      root_dir = root_dir(bufnr),
      -- Settings the server pulls with workspace/configuration (section "scalingLens"):
      settings = { scalingLens = { mfu = 0.4, prices = {} } },
    })
  end
  if client_id then vim.lsp.buf_attach_client(bufnr, client_id) end
  return client_id
end

function M.setup(opts)
  opts = opts or {}
  if opts.cmd then M.cmd = opts.cmd end
  vim.api.nvim_create_autocmd('FileType', {
    pattern = { 'yaml', 'json', 'jsonc', 'toml' },
    callback = function(args) M.attach(args.buf) end,
  })
end

return M
