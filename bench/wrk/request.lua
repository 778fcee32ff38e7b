-- One benchmark request shape for wrk, from the environment (bench/lib/wrk.mjs sets it):
--   BENCH_METHOD, BENCH_PATH and BENCH_BODY, where "{id}" becomes a random segment id in
--   1..BENCH_IDS and "{n}" a counter (a new value for every request).
-- done() prints the figures as one JSON line after the marker BENCH_RESULT.
local method = os.getenv("BENCH_METHOD") or "GET"
local path_template = os.getenv("BENCH_PATH") or "/"
local body_template = os.getenv("BENCH_BODY")
local ids = tonumber(os.getenv("BENCH_IDS") or "1")
local headers = {}
if body_template then headers["Content-Type"] = "application/json" end

math.randomseed(20261123)
local counter = 0

local function fill(template)
  counter = counter + 1
  local id = tostring(math.random(1, ids))
  return (template:gsub("{id}", id):gsub("{n}", tostring(counter)))
end

request = function()
  local body = body_template and fill(body_template) or nil
  return wrk.format(method, fill(path_template), headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
