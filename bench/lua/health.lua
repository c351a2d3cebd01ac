-- GET /health: the baseline every other workload is compared with.
local common = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

wrk.method = "GET"
wrk.path = "/health"

function response(status, headers, body)
   common.check(status, headers)
end

function done(summary, latency, requests)
   common.report("health", summary, latency)
end
