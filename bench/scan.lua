-- wrk script for bench/scan_http.sh: POST /api/v1/checkpoints/{id}/scans as
-- an attendant would — a typed identity number, the direction alternating in
-- and out per person, a temperature on entry, a unique idempotency key.
-- Each wrk thread takes its own share of the people (PEOPLE_FILE lines
-- "<checkpoint id> <identity number>"), so one person's scans come from one
-- thread, in order.  With WRK_PARTS > 1 (one wrk per server process) wrk
-- number WRK_PART takes its own share of those.  WRK_RUN makes the keys of
-- this wrk unique among the runs on one database.  At the end it prints the
-- latency percentiles and how many answers were 2xx (acknowledged scans).
local token = os.getenv("SIJIN_TOKEN")
local file = os.getenv("PEOPLE_FILE")
local run = os.getenv("WRK_RUN") or "r"
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local people, dirs, n, me, nthreads, seq

function init(args)
  me = id
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local parts = tonumber(os.getenv("WRK_PARTS") or "1")
  local part = tonumber(os.getenv("WRK_PART") or "0")
  people, dirs, n, seq = {}, {}, 0, 0
  ok, bad = 0, 0
  local i = 0
  for line in io.lines(file) do
    if i % (nthreads * parts) == part * nthreads + me then
      local cp, number = line:match("(%d+) (%S+)")
      n = n + 1
      people[n] = { cp, number }
      dirs[n] = "in"
    end
    i = i + 1
  end
  math.randomseed(1000 + me + 100 * part)
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
  local body = string.format('{"id_number":"%s","direction":"%s"%s,"idempotency_key":"%s-%d-%d"}',
    p[2], dir, temp, run, me, seq)
  return wrk.format("POST", "/api/v1/checkpoints/" .. p[1] .. "/scans",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local acked, refused = 0, 0
  for _, t in ipairs(threads) do
    acked = acked + t:get("ok")
    refused = refused + t:get("bad")
  end
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("answers 2xx %d, other %d, timeouts %d\n", acked, refused,
    summary.errors.timeout))
end
