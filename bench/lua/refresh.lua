-- POST /api/auth/refresh as a chain of rotations: request() takes a refresh token off a queue,
-- response() puts the new one from the answer back. One wrk thread, so one queue; it holds more
-- tokens than there are connections, so it never runs dry. A token is never sent twice: should the
-- queue be empty, the request carries an invalid token and fails (counted), rather than replay one.
-- The tokens left at the end go to OUT_FILE, for the next phase (warm-up, then measurement).
-- With PROOFS_FILE (the DPoP-bound workload), each request carries the next proof of it, each once.
-- wrk -t1 ... -s refresh.lua URL -- IN_FILE OUT_FILE [PROOFS_FILE]
local common = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- With app attestation on (BENCH_APP_CHECK_MODE), the app token every request carries.
local app_token = os.getenv("BENCH_APP_TOKEN")
if app_token and app_token ~= "" then
   wrk.headers["X-App-Check"] = app_token
end

-- Thread state, global so that done() can read it with thread:get().
queue = {}
head = 1
tail = 0
starved = 0
out_path = nil
proofs = nil
proof_next = 1
exhausted = 0

function init(args)
   for _, token in ipairs(common.lines(args[1])) do
      tail = tail + 1
      queue[tail] = token
   end
   out_path = args[2]
   if args[3] then
      proofs = common.lines(args[3])
   end
end

function request()
   local token
   if head <= tail then
      token = queue[head]
      queue[head] = nil
      head = head + 1
   else
      starved = starved + 1
      token = "queue-ran-dry"
   end
   local body = '{"refreshToken":"' .. token .. '"}'
   if proofs then
      local headers = {}
      for name, value in pairs(wrk.headers) do
         headers[name] = value
      end
      if proof_next <= #proofs then
         headers["DPoP"] = proofs[proof_next]
         proof_next = proof_next + 1
      else
         exhausted = exhausted + 1
         headers["DPoP"] = "proofs-ran-out"
      end
      return wrk.format(nil, "/api/auth/refresh", headers, body)
   end
   return wrk.format(nil, "/api/auth/refresh", nil, body)
end

function response(status, headers, body)
   common.check(status, headers)
   if status == 200 then
      local token = body:match('"refreshToken"%s*:%s*"([^"]+)"')
      if token then
         tail = tail + 1
         queue[tail] = token
      end
   end
end

-- The tokens still queued survive; those in flight when wrk stopped are lost (never reused).
local function save(thread)
   local q = thread:get("queue") or {}
   local out = assert(io.open(thread:get("out_path"), "w"))
   local kept = 0
   for i = thread:get("head"), thread:get("tail") do
      if q[i] then
         out:write(q[i], "\n")
         kept = kept + 1
      end
   end
   out:close()
   return string.format("starved=%d tokens_left=%d proofs_exhausted=%d", thread:get("starved") or 0, kept,
      thread:get("exhausted") or 0)
end

function done(summary, latency, requests)
   common.report("refresh", summary, latency, save)
end
