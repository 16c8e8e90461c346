-- wrk script for bench/capacity.py: rotate through (path, session) pairs, count errors.
--
--   wrk -t2 -c8 -d15s -s bench/wrk/rotate.lua http://127.0.0.1:8766 -- PAIRS STATUS
--
-- PAIRS is a file with one request a line, "path<TAB>Cookie header": the session and
-- CSRF cookies a browser has after its first page (empty: no cookie). STATUS is the
-- status every answer must have (200, or 404 for the signed-in 404 floor); any other,
-- a redirect to the login form included, is an error, as are wrk's socket errors.
-- done() prints one line of JSON: requests, rps, p50/p95/p99 in ms, errors.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, expected = args[1], tonumber(args[2] or "200")
  wanted = expected
  errors = 0
  queue = {}
  for line in io.lines(file) do
    local path, cookies = line:match("^([^\t]*)\t?(.*)$")
    local headers = {}
    if cookies ~= nil and cookies ~= "" then
      headers["Cookie"] = cookies
    end
    table.insert(queue, wrk.format("GET", path, headers))
  end
  -- Threads start at different places in the list, so that they do not move in step.
  position = (id - 1) * math.floor(#queue / 2)
end

function request()
  position = position % #queue + 1
  return queue[position]
end

function response(status, headers, body)
  if status ~= wanted then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("errors")
  end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad + socket, socket
  ))
end
