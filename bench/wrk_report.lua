-- One request shape per run, from the environment (so one script serves every endpoint):
--   WRK_METHOD  GET | POST
--   WRK_BODY    request body (POSTs)
--   WRK_HEADERS "Name: value|Name: value"
-- done() prints one WRKJSON line that bench/loadgen.py parses (latencies in microseconds).
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and #body > 0 then
  wrk.body = body
end
local headers = os.getenv("WRK_HEADERS")
if headers then
  for h in string.gmatch(headers, "[^|]+") do
    local k, v = h:match("^%s*(.-)%s*:%s*(.-)%s*$")
    if k then wrk.headers[k] = v end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
