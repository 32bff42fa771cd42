-- wrk script for bench/scan_http.sh: POST /api/v1/checkpoints/{id}/scans as
-- an attendant would — a typed identity number, the direction alternating in
-- and out per person, a temperature on entry, a unique idempotency key.
-- Each wrk thread takes its own share of the people (PEOPLE_FILE lines
-- "<checkpoint id> <identity number>"), so one person's scans come from one
-- thread, in order.
local token = os.getenv("SIJIN_TOKEN")
local file = os.getenv("PEOPLE_FILE")
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local people, dirs, n, me, nthreads, seq

function init(args)
  me = id
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  people, dirs, n, seq = {}, {}, 0, 0
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == me then
      local cp, number = line:match("(%d+) (%S+)")
      n = n + 1
      people[n] = { cp, number }
      dirs[n] = "in"
    end
    i = i + 1
  end
  math.randomseed(1000 + me)
end

function request()
  seq = seq + 1
  local k = math.random(n)
  local p = people[k]
  local dir = dirs[k]
  dirs[k] = dir == "in" and "out" or "in"
  local temp = ""
  if dir == "in" then
    temp = string.format(',"temperature":"36.%d"', math.random(0, 9))
  end
  local body = string.format('{"id_number":"%s","direction":"%s"%s,"idempotency_key":"w%d-%d"}',
    p[2], dir, temp, me, seq)
  return wrk.format("POST", "/api/v1/checkpoints/" .. p[1] .. "/scans",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
