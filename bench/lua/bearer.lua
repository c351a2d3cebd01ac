-- GET PATH with a Bearer access token, round robin over the tokens of a file.
-- wrk ... -s bearer.lua URL -- PATH TOKENS_FILE
local common = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local prepared = {}
local next_index = 1
local path = "?"

function init(args)
   path = args[1]
   for _, token in ipairs(common.lines(args[2])) do
      table.insert(prepared, wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token }))
   end
   assert(#prepared > 0, "no access tokens in " .. args[2])
end

function request()
   local r = prepared[next_index]
   next_index = next_index % #prepared + 1
   return r
end

function response(status, headers, body)
   common.check(status, headers)
end

function done(summary, latency, requests)
   common.report("bearer", summary, latency)
end
