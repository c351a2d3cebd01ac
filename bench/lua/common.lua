-- Shared by every workload script (loaded with dofile): counts answers by status, watches the
-- rate-limit headers, and prints one machine-readable line in done().
--
-- wrk runs setup() and done() in the main Lua state and init()/request()/response() in each
-- thread's own state, so per-thread counters are read back in done() with thread:get().

local common = {}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

-- Per-thread state (globals, so thread:get() can read them).
non2xx = 0
statuses = {}
limit_min_remaining = -1
limit_seen = 0

-- Call from response(): any status outside 2xx is an error of the workload.
function common.check(status, headers)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      local key = tostring(status)
      statuses[key] = (statuses[key] or 0) + 1
   end
   local remaining = headers["RateLimit-Remaining"] or headers["ratelimit-remaining"]
   if remaining then
      limit_seen = limit_seen + 1
      local n = tonumber(remaining)
      if n and (limit_min_remaining < 0 or n < limit_min_remaining) then
         limit_min_remaining = n
      end
   end
end

-- One line for run.sh; extra(thread) may add "key=value" text from the thread's state. run.sh
-- names the workload in BENCH_WORKLOAD.
function common.report(name, summary, latency, extra)
   name = os.getenv("BENCH_WORKLOAD") or name
   local non2xx_total, seen, min_remaining = 0, 0, -1
   local merged = {}
   local extras = {}
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
      seen = seen + (thread:get("limit_seen") or 0)
      local m = thread:get("limit_min_remaining") or -1
      if m >= 0 and (min_remaining < 0 or m < min_remaining) then
         min_remaining = m
      end
      for status, count in pairs(thread:get("statuses") or {}) do
         merged[status] = (merged[status] or 0) + count
      end
      if extra then
         table.insert(extras, extra(thread))
      end
   end
   local codes = {}
   for status, count in pairs(merged) do
      table.insert(codes, status .. ":" .. count)
   end
   table.sort(codes)
   local e = summary.errors
   local socket = e.connect + e.read + e.write + e.timeout
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH_RESULT workload=%s requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
      "non2xx=%d wrk_status_errors=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d " ..
      "statuses=%s ratelimit_answers=%d ratelimit_min_remaining=%d %s\n",
      name, summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      non2xx_total, e.status, socket, e.connect, e.read, e.write, e.timeout,
      (#codes > 0 and table.concat(codes, ",") or "-"), seen, min_remaining,
      table.concat(extras, " ")))
end

-- Lines of a file, in order (tokens, one a line).
function common.lines(path)
   local list = {}
   local file = assert(io.open(path, "r"))
   for line in file:lines() do
      if #line > 0 then
         table.insert(list, line)
      end
   end
   file:close()
   return list
end

return common
