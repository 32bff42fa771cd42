-- wrk script for bench/scan_http.sh: POST /api/v1/checkpoints/{id}/scans as
-- an attendant would — a typed identity number, the direction alternating in
-- and out per person, a temperature on entry, a unique idempotency key.
-- Each wrk thread takes its own share of the people (PEOPLE_FILE lines
-- "<checkpoint id> <identity number>"), so one person's scans come from one
-- thread, in order.  With WRK_PARTS > 1 (one wrk per server process) wrk
-- number WRK_PART takes its own share of those.  WRK_RUN makes the keys of
-- this wrk unique among the runs on one database.  At the end it prints the
-- latency percentiles and how many answers were 2xx (acknowledged scans).
--
-- Kept cheap, because wrk shares the two cores with the server (bench/RESULTS.md
-- "HTTP scans: CPU a scan on both sides"): each person's request head and the
-- constant parts of the two bodies are built once in init(), so request()
-- makes one string with one concatenation; and there is no response()
-- callback, which would make wrk collect every answer's headers and body into
-- a Lua table — the answers are counted from wrk's own summary instead
-- (summary.errors.status: answers with a status above 399).
local token = os.getenv("SIJIN_TOKEN")
local file = os.getenv("PEOPLE_FILE")
local run = os.getenv("WRK_RUN") or "r"
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local random, tostring = math.random, tostring
local tail1, tail2, crlf2 = '","idempotency_key":"', '"}', "\r\n\r\n"
-- Per person k: heads[k] the request line and headers up to "Content-Length: ",
-- ins[k] / outs[k] the body up to the temperature's last digit / the key,
-- lin[k] / lout[k] the body's length without the key's sequence number,
-- entry[k] whether the next scan is an entry.
local heads, ins, outs, lin, lout, entry = {}, {}, {}, {}, {}, {}
local n, seq, keyp

function init(args)
  local me = id
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local parts = tonumber(os.getenv("WRK_PARTS") or "1")
  local part = tonumber(os.getenv("WRK_PART") or "0")
  local host = wrk.headers["Host"]
  local head = {}
  n, seq, keyp = 0, 0, run .. "-" .. me .. "-"
  local i = 0
  for line in io.lines(file) do
    if i % (nthreads * parts) == part * nthreads + me then
      local cp, number = line:match("(%d+) (%S+)")
      n = n + 1
      if not head[cp] then
        head[cp] = "POST /api/v1/checkpoints/" .. cp .. "/scans HTTP/1.1\r\nHost: " .. host ..
          "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. token ..
          "\r\nContent-Length: "
      end
      heads[n] = head[cp]
      ins[n] = '{"id_number":"' .. number .. '","direction":"in","temperature":"36.'
      outs[n] = '{"id_number":"' .. number .. '","direction":"out'
      lin[n] = #ins[n] + 1 + #tail1 + #keyp + #tail2
      lout[n] = #outs[n] + #tail1 + #keyp + #tail2
      entry[n] = true
    end
    i = i + 1
  end
  math.randomseed(1000 + me + 100 * part)
end

-- A random person of this thread's share: an entry with a temperature of
-- 36.0–36.9 °C, or an exit; the key "<run>-<thread>-<sequence number>".
function request()
  seq = seq + 1
  local k = random(n)
  local s = tostring(seq)
  if entry[k] then
    entry[k] = false
    return heads[k] .. (lin[k] + #s) .. crlf2 .. ins[k] .. random(0, 9) .. tail1 .. keyp ..
      s .. tail2
  end
  entry[k] = true
  return heads[k] .. (lout[k] + #s) .. crlf2 .. outs[k] .. tail1 .. keyp .. s .. tail2
end

function done(summary, latency, requests)
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("answers 2xx %d, other %d, timeouts %d\n",
    summary.requests - summary.errors.status, summary.errors.status, summary.errors.timeout))
end
