-- wrk script for bench/soak.ts: each thread round-robins publisher, page, static and session
-- requests (the session ones carry cookies of sessions the soak created beforehand) and checks
-- every answer by its body, since wrk's response() does not say which request it answers.
-- At the end it prints one line "SOAK {json}" with the counts and latencies.
-- usage: wrk ... -s lua/soak_mix.lua <url> -- SID [SID ...]
local threads = {}
local fixed = {}
local sessions = {}
local i = 0
local s = 0

-- Per-thread counts, read by done() through thread:get.
publisher, page, static, session, lost, bad, first_bad = 0, 0, 0, 0, 0, 0, ""

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  fixed = {
    wrk.format("GET", "/hello/say?what=soak"),
    wrk.format("GET", "/page.psp"),
    wrk.format("GET", "/small.txt"),
  }
  for _, sid in ipairs(args) do
    table.insert(sessions, wrk.format("GET", "/counter", { Cookie = "sid=" .. sid }))
  end
  -- Threads start on different sessions so that they do not queue on the same locks.
  s = (tid or 0) * 7
end

function request()
  i = i + 1
  if i % 4 ~= 0 then return fixed[i % 4] end
  s = s + 1
  return sessions[s % #sessions + 1]
end

local function fail(status, body)
  bad = bad + 1
  if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 120) end
end

function response(status, headers, body)
  if status ~= 200 then return fail(status, body) end
  if string.find(body, "Hello, soak!", 1, true) then
    publisher = publisher + 1
  elseif string.find(body, "&lt;row 19&gt; &amp; &quot;x&quot;", 1, true) then
    page = page + 1
  elseif string.sub(body, 1, 16) == "static soak file" then
    static = static + 1
  elseif string.match(body, "^n=%d+") then
    -- A Set-Cookie means the server did not find the session and minted a new one.
    if headers["Set-Cookie"] or headers["set-cookie"] then
      lost = lost + 1
    else
      session = session + 1
    end
  else
    fail(status, body)
  end
end

function done(summary, latency, requests)
  local t = { publisher = 0, page = 0, static = 0, session = 0, lost = 0, bad = 0 }
  for _, thread in ipairs(threads) do
    for k, v in pairs(t) do t[k] = v + thread:get(k) end
    local fb = thread:get("first_bad")
    if fb ~= "" then io.write("SOAK_BAD ", fb, "\n") end
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK {"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,' ..
    '"publisher":%d,"page":%d,"static":%d,"session":%d,"lost":%d,"bad":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status,
    t.publisher, t.page, t.static, t.session, t.lost, t.bad))
end
