-- wrk script for bench/api_load.py: one scenario of the messaging API, with rotating tokens.
--
--   wrk -t2 -c16 -d10s -s bench/wrk/api.lua http://127.0.0.1:PORT -- SCENARIO DATA_FILE
--
-- SCENARIO: me | send | inbox_requires_response | inbox_all. DATA_FILE has one
-- "<token>\t<order id>" line per request to make (the benchmark writes it); each wrk thread
-- starts at its own offset and cycles through the lines. `done` prints one machine-readable line.
--
-- An optional third argument, RATE, paces each wrk thread to RATE requests/s (0: as fast as the
-- connections go, the default): the offered load of a client fleet, not a closed loop that always
-- keeps every connection busy. Requests are due at fixed intervals; a request whose connection
-- was still busy at its due time goes out as soon as one is free, and is counted as late (more
-- than 10 ms behind). wrk times a request from when it is written, so the time a late request
-- waited in the client is not in the latencies: a run with many late requests did not hold the
-- rate, and its latencies understate what a client would have seen.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } pacing_timespec;
  int clock_gettime(int clock, pacing_timespec *now);
]])
local CLOCK_MONOTONIC = 1
local LATE_MS = 10
local clock = ffi.new("pacing_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local items = {}
local position = 0
local scenario = "me"
local threads = {}
local interval_ms = 0
local next_due = nil
late = 0

local SEND_BODY = '{"text": "Your shipping address is missing the apartment number. '
  .. 'Could you add it?", "contact_reason": "address_issue"}'

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  scenario = args[1]
  for line in io.lines(args[2]) do
    local token, order = line:match("^([^\t]+)\t([^\t]+)$")
    table.insert(items, { token, order })
  end
  -- Threads start far apart so they do not send to the same threads in lockstep.
  position = (offset * 7919) % #items
  local rate = tonumber(args[3] or "0")
  if rate > 0 then
    interval_ms = 1000 / rate
  end
end

-- wrk asks before each request how many milliseconds to wait: until the request's due time.
function delay()
  if interval_ms == 0 then
    return 0
  end
  local now = now_ms()
  if next_due == nil then
    next_due = now
  end
  local due = next_due
  next_due = next_due + interval_ms
  if now - due > LATE_MS then
    late = late + 1
  end
  return math.max(0, due - now)
end

function request()
  position = position % #items + 1
  local token, order = items[position][1], items[position][2]
  local headers = { ["Authorization"] = "Bearer " .. token }
  if scenario == "send" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/orders/" .. order .. "/messages", headers, SEND_BODY)
  elseif scenario == "me" then
    return wrk.format("GET", "/api/v1/me", headers)
  elseif scenario == "inbox_requires_response" then
    return wrk.format("GET", "/api/v1/inbox?view=requires_response&limit=50", headers)
  elseif scenario == "inbox_all" then
    return wrk.format("GET", "/api/v1/inbox?view=all&limit=50", headers)
  end
  error("unknown scenario " .. tostring(scenario))
end

function done(summary, latency, requests)
  local errors = summary.errors
  local late_requests = 0
  for _, thread in ipairs(threads) do
    late_requests = late_requests + thread:get("late")
  end
  io.write(string.format(
    "WRK requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p90_us=%d p99_us=%d"
      .. " late=%d\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), late_requests))
end
