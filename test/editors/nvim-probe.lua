-- Headless Neovim test of editors/nvim/scaling-lens.lua (the snippet README tells users to copy): open an example,
-- wait for diagnostics, request hover on `steps`, print both as JSON, exit 0 only if the assertions hold.
local function out(s) io.stdout:write(s .. '\n') end
local root = os.getenv('SCALING_LENS_ROOT')
package.path = root .. '/editors/nvim/?.lua;' .. package.path
local sl = require('scaling-lens')
sl.setup({ cmd = { 'node', root .. '/dist/cli.js', 'lsp', '--stdio' } })

local file = root .. '/examples/under-trained-7b.scaling.yaml'
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.cmd('setfiletype yaml')
local bufnr = vim.api.nvim_get_current_buf()
local ok = true

local got = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
local diags = vim.diagnostic.get(bufnr)
out('DIAGNOSTICS ' .. vim.fn.json_encode(vim.tbl_map(function(d)
  return { lnum = d.lnum, col = d.col, severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), source = d.source }
end, diags)))
local under = nil
for _, d in ipairs(diags) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  if code == 'under-trained' then under = d end
end
if not got or not under then ok = false; out('FAIL: no under-trained diagnostic') end
if under and under.lnum ~= 6 then ok = false; out('FAIL: under-trained on line ' .. under.lnum .. ', expected 6 (0-based)') end

local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 6, character = 3 } }
local results = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000)
local text = ''
for _, res in pairs(results or {}) do
  if res.result and res.result.contents then text = text .. (res.result.contents.value or vim.inspect(res.result.contents)) end
end
out('HOVER ' .. vim.fn.json_encode({ text = text }))
if not text:find('FLOPs', 1, true) then ok = false; out('FAIL: hover has no FLOPs figure') end

out(ok and 'NVIM-LSP PASS' or 'NVIM-LSP FAIL')
vim.cmd(ok and 'qa!' or 'cq')
