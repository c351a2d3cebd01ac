-- POST /api/auth/google, each pre-minted ID token exactly once (the server refuses a replay); or,
-- with "passkey", POST /api/auth/passkey, each pre-minted body (a signed assertion over a challenge
-- of its own) exactly once. Running out is a failure, never a replay: the request then carries
-- nothing usable.
-- wrk -t1 ... -s signin.lua URL -- TOKENS_FILE [passkey]
local common = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- With app attestation on (BENCH_APP_CHECK_MODE), the app token every request carries.
local app_token = os.getenv("BENCH_APP_TOKEN")
if app_token and app_token ~= "" then
   wrk.headers["X-App-Check"] = app_token
end

-- Thread state, global so that done() can read it with thread:get().
tokens = {}
token_count = 0
used = 0
exhausted = 0
passkey = false

function init(args)
   tokens = common.lines(args[1])
   token_count = #tokens
   passkey = args[2] == "passkey"
end

function request()
   local token
   if used < token_count then
      used = used + 1
      token = tokens[used]
   else
      exhausted = exhausted + 1
      token = "ran-out-of-pre-minted-tokens"
   end
   if passkey then
      return wrk.format(nil, "/api/auth/passkey", nil, token)
   end
   return wrk.format(nil, "/api/auth/google", nil,
      '{"idToken":"' .. token .. '","device":{"platform":"ios","name":"wrk","appVersion":"3.0.0"}}')
end

function response(status, headers, body)
   common.check(status, headers)
end

function done(summary, latency, requests)
   common.report("signin", summary, latency, function(thread)
      return string.format("tokens=%d used=%d exhausted=%d", thread:get("token_count") or 0,
         thread:get("used") or 0, thread:get("exhausted") or 0)
   end)
end
