-- The bench mix (scenario.lua) as sent by many distinct clients through a trusted proxy: each request
-- carries an X-Forwarded-For picked at random from BENCH_CLIENTS (default 100,000) distinct addresses
-- (10.x.y.z), so the service keeps per-client state (rate limits) for that many clients.
-- Usage: wrk2 ... -s bench/wrk/distinct-clients.lua URL -- mix <data dir>; the service needs
-- TRUSTED_PROXIES=127.0.0.1.
dofile("bench/wrk/scenario.lua")

local clients = tonumber(os.getenv("BENCH_CLIENTS")) or 100000
local mix_request = request

local function address(n)
  return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

-- The header goes right after the request line: wrk.format builds its header list from one table per
-- call, so inserting it into the built request is simplest.
function request()
  local forwarded = "\r\nX-Forwarded-For: " .. address(math.random(clients) - 1) .. "\r\n"
  return (mix_request():gsub("\r\n", forwarded, 1))
end
