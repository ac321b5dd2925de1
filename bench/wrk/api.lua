-- wrk script for bench/api_load.py: one scenario of the messaging API, with rotating tokens.
--
--   wrk -t2 -c16 -d10s -s bench/wrk/api.lua http://127.0.0.1:PORT -- SCENARIO DATA_FILE
--
-- SCENARIO: me | send | inbox_requires_response | inbox_all. DATA_FILE has one
-- "<token>\t<order id>" line per request to make (the benchmark writes it); each wrk thread
-- starts at its own offset and cycles through the lines. `done` prints one machine-readable line.

local items = {}
local position = 0
local scenario = "me"
local threads = {}

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
  io.write(string.format(
    "WRK requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
