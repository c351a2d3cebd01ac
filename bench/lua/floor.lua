-- The floors of the hot paths, answered by bench/Baseline.java: one request shape, no inputs.
-- wrk ... -s floor.lua URL -- METHOD PATH
local common = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

-- Thread state: the request, formatted once.
req = nil

function init(args)
   -- As large as the service's requests: an access token's length of header, a sign-in's body.
   req = wrk.format(args[1], args[2], { ["Authorization"] = "Bearer " .. string.rep("x", 700),
      ["Content-Type"] = "application/json" }, args[1] == "POST" and string.rep("x", 900) or nil)
end

function request()
   return req
end

function response(status, headers, body)
   common.check(status, headers)
end

function done(summary, latency, requests)
   common.report("floor", summary, latency)
end
