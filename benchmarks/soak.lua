-- wrk script for benchmarks/soak.py: a mix of reads, searches and curator writes on random papers.
-- Counts responses by status; done() prints one STATUS line per status and wrk's RESULT line.
local low = tonumber(os.getenv("BENCH_ID_MIN"))
local high = tonumber(os.getenv("BENCH_ID_MAX"))
local token = os.getenv("SOAK_TOKEN")
local concepts = tonumber(os.getenv("SOAK_CONCEPTS") or "48")
local terms = {"learning", "protein", "confabulation", "diffusion model", "robot -vision", "\"language model\""}
local threads = {}

-- kind, share of requests (percent)
local mix = {
  {"detail", 45}, {"list", 10}, {"search", 15}, {"concept", 5},
  {"tag", 10}, {"edit", 10}, {"review", 5},
}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

local function pick()
  local roll, total = math.random(100), 0
  for _, entry in ipairs(mix) do
    total = total + entry[2]
    if roll <= total then return entry[1] end
  end
  return "detail"
end

local function paper() return tostring(math.random(low, high)) end

local function urlencode(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  local kind = pick()
  local auth = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
  if kind == "detail" then
    return wrk.format("GET", "/api/papers/" .. paper() .. "/")
  elseif kind == "list" then
    return wrk.format("GET", "/api/papers/?page_size=50")
  elseif kind == "search" then
    return wrk.format("GET", "/api/papers/?search=" .. urlencode(terms[math.random(#terms)]))
  elseif kind == "concept" then
    return wrk.format("GET", "/api/papers/?concept=bench-" .. math.random(1, 15))
  elseif kind == "tag" then
    local body = string.format('{"concept": "bench-%d", "score": 0.7}', math.random(16, 15 + concepts))
    return wrk.format("POST", "/api/papers/" .. paper() .. "/concepts/", auth, body)
  elseif kind == "edit" then
    local body = string.format('{"needs_review": true, "review_reason": "soak check %d"}', math.random(1e6))
    return wrk.format("PATCH", "/api/papers/" .. paper() .. "/", auth, body)
  else
    return wrk.format("PATCH", "/api/papers/" .. paper() .. "/", auth, '{"needs_review": false}')
  end
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for key, n in pairs(c) do totals[key] = (totals[key] or 0) + n end
  end
  for status, n in pairs(totals) do io.write(string.format("STATUS %d %d\n", status, n)) end
  local e = summary.errors
  io.write(string.format(
    "RESULT p50=%.2f p95=%.2f p99=%.2f requests=%d seconds=%.2f errors=%d non2xx=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status))
end
