-- wrk script: GET BENCH_PATH, where {id} becomes a random id in [BENCH_ID_MIN, BENCH_ID_MAX];
-- prints one RESULT line with the percentiles benchmarks/api_load.py records.
local path = os.getenv("BENCH_PATH")
local low = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local high = tonumber(os.getenv("BENCH_ID_MAX") or "1")

request = function()
  return wrk.format("GET", (path:gsub("{id}", tostring(math.random(low, high)))))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT p50=%.2f p95=%.2f p99=%.2f requests=%d seconds=%.2f errors=%d non2xx=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status))
end
