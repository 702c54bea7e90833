-- Reports wrk's figures as one JSON line (the runner parses it).
-- For the order page: BENCH_METHOD=POST, BENCH_BODY is the form with SUBMISSION_KEY replaced per
-- request (a fresh OnceForm key, so every POST is a new order) and MEAL_ID taken in turn from BENCH_MEALS.
local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY")
local path_template = os.getenv("BENCH_PATH")
local meals = {}
for id in string.gmatch(os.getenv("BENCH_MEALS") or "", "%d+") do table.insert(meals, id) end
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local function hex32()
  return string.format("%08x%08x%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
                       math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
end

function request()
  if method == "GET" then
    return wrk.format("GET")
  end
  counter = counter + 1
  local meal = meals[(counter % #meals) + 1]
  local path = string.gsub(path_template, "MEAL_ID", meal)
  local body = string.gsub(body_template, "SUBMISSION_KEY", hex32())
  local headers = {}  -- wrk.format replaces wrk.headers when given headers: keep the -H ones (the cookie)
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
