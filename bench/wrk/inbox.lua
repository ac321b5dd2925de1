-- wrk script for bench/inbox_1m.py: GET requests read from a data file, rotating.
--
--   wrk -t1 -c2 -d5s -s bench/wrk/inbox.lua http://127.0.0.1:PORT -- DATA_FILE
--
-- DATA_FILE has one "<token>\t<path with query>" line per request (the benchmark writes it);
-- each wrk thread starts at its own offset and cycles through the lines. `done` prints one
-- machine-readable line, the same as bench/wrk/api.lua's.

local items = {}
local position = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local token, path = line:match("^([^\t]+)\t([^\t]+)$")
    table.insert(items, { token, path })
  end
  position = (offset * 7919) % #items
end

function request()
  position = position % #items + 1
  local token, path = items[position][1], items[position][2]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
