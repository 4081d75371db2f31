-- wrk scenarios for ballast. Usage:
--   [BENCH_PAUSE_MS=n] wrk -t2 -c32 -d10s -s bench/wrk/scenario.lua http://127.0.0.1:8080 -- <scenario> <data dir>
-- With BENCH_PAUSE_MS each connection waits that long between requests: an offered rate of about
-- connections * 1000 / (pause + latency) requests a second, instead of as many as the server can take.
-- With BENCH_SIGNED=1 every read is sent with a token (a signed-in reader gets the shared views plus their own flags).
-- Scenarios: tags, list, tag, author, favorited, deep (offset 90,000), article, comments, feed, login,
-- comment-write, favorite (favorites or unfavorites, at random), hot-favorite and hot-comment (one article at a
-- time takes about 200 writes, then the next: favorites or unfavorites, or comments, by users at random, so that
-- the same user's writes race too; BENCH_HOT_USERS=n takes only the first n users), profile-update (the first token's account
-- changes its bio, alternating between two values), and three mixes: mix, mix-no-login (the same
-- without its logins), signed-mix (every request signed in, with comment writes and favorites, no logins),
-- anonymous-mix (anonymous reads only) and views (articles and their comments only).
-- Data files (from bench/seed.py): tokens.txt, users.txt, slugs.txt, tags.txt; authors.txt (usernames) is
-- optional (default: the usernames of users.txt).
-- At the end it prints the count of each status code and of socket errors, one line each.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function lines(path)
  local rows = {}
  local file = assert(io.open(path, "r"), "cannot read " .. path)
  for line in file:lines() do
    if line ~= "" then table.insert(rows, line) end
  end
  file:close()
  return rows
end

local function pick(rows)
  return rows[math.random(#rows)]
end

local data = {}
local scenario
-- Read at load time, like the pause below; signed-mix signs every request.
local signed = os.getenv("BENCH_SIGNED") == "1"

-- The mixes: per 1,000 requests.
local mixes = {
  mix = {
    {300, "list"}, {200, "article"}, {150, "comments"}, {100, "tags"}, {100, "tag"},
    {100, "feed"}, {48, "comment-write"}, {2, "login"},
  },
  ["mix-no-login"] = {
    {300, "list"}, {200, "article"}, {150, "comments"}, {100, "tags"}, {100, "tag"},
    {100, "feed"}, {50, "comment-write"},
  },
  -- Anonymous reads only, no write (bench/read-replicas.sh: what read replicas take off the primary).
  ["anonymous-mix"] = {
    {350, "list"}, {250, "article"}, {200, "comments"}, {100, "tags"}, {100, "tag"},
  },
  -- Whole articles and their comments only (bench/memory.sh reads its large ones this way).
  views = { {700, "article"}, {300, "comments"} },
  ["signed-mix"] = {
    {300, "list"}, {200, "article"}, {150, "comments"}, {100, "tags"}, {100, "tag"},
    {100, "feed"}, {30, "comment-write"}, {20, "favorite"},
  },
}

function init(args)
  scenario = args[1] or "tags"
  if scenario == "signed-mix" then signed = true end
  local dir = args[2] or "bench/out"
  data.tokens = lines(dir .. "/tokens.txt")
  data.users = lines(dir .. "/users.txt")
  data.slugs = lines(dir .. "/slugs.txt")
  data.tags = lines(dir .. "/tags.txt")
  data.usernames = {}
  for _, email in ipairs(data.users) do table.insert(data.usernames, email:match("^(.-)@")) end
  local authors = io.open(dir .. "/authors.txt", "r")
  if authors then authors:close(); data.authors = lines(dir .. "/authors.txt") else data.authors = data.usernames end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

local json = { ["Content-Type"] = "application/json" }
-- BENCH_CLIENT_ADDRESS: the client these requests come from, as a trusted proxy would say (the service needs
-- TRUSTED_PROXIES=127.0.0.1): a flood from one hostile client beside the users' own requests.
local client_address = os.getenv("BENCH_CLIENT_ADDRESS")
if client_address and client_address ~= "" then json["X-Forwarded-For"] = client_address end
local updates = 0
-- This thread's count of hot-article writes: each thread moves to the next article after 100 of them.
local hot = 0
local hot_users = tonumber(os.getenv("BENCH_HOT_USERS"))

local function authorized(index)
  return { ["Content-Type"] = "application/json", ["Authorization"] = "Token " .. data.tokens[index] }
end


local function read(path)
  if signed then return wrk.format("GET", path, authorized(math.random(#data.tokens))) end
  return wrk.format("GET", path)
end

local builders = {
  tags = function() return read("/api/tags") end,
  list = function() return read("/api/articles?offset=" .. (20 * math.random(0, 4))) end,
  tag = function() return read("/api/articles?tag=" .. pick(data.tags)) end,
  author = function() return read("/api/articles?author=" .. pick(data.authors)) end,
  favorited = function() return read("/api/articles?favorited=" .. pick(data.usernames)) end,
  deep = function() return read("/api/articles?offset=" .. (90000 + 20 * math.random(0, 4))) end,
  article = function() return read("/api/articles/" .. pick(data.slugs)) end,
  comments = function() return read("/api/articles/" .. pick(data.slugs) .. "/comments") end,
  feed = function()
    return wrk.format("GET", "/api/articles/feed", authorized(math.random(#data.tokens)))
  end,
  login = function()
    local body = '{"user":{"email":"' .. pick(data.users) .. '","password":"bench-password"}}'
    return wrk.format("POST", "/api/users/login", json, body)
  end,
  favorite = function()
    local method = math.random(2) == 1 and "POST" or "DELETE"
    return wrk.format(method, "/api/articles/" .. pick(data.slugs) .. "/favorite", authorized(math.random(#data.tokens)))
  end,
  ["hot-favorite"] = function()
    local slug = data.slugs[1 + math.floor(hot / 100) % #data.slugs]
    hot = hot + 1
    local method = math.random(2) == 1 and "POST" or "DELETE"
    local user = math.random(math.min(hot_users or #data.tokens, #data.tokens))
    return wrk.format(method, "/api/articles/" .. slug .. "/favorite", authorized(user))
  end,
  ["hot-comment"] = function()
    local slug = data.slugs[1 + math.floor(hot / 100) % #data.slugs]
    hot = hot + 1
    local body = '{"comment":{"body":"A comment on a popular article."}}'
    return wrk.format("POST", "/api/articles/" .. slug .. "/comments", authorized(math.random(#data.tokens)), body)
  end,
  ["profile-update"] = function()
    updates = updates + 1
    local body = '{"user":{"bio":"Bio number ' .. (updates % 2) .. '"}}'
    return wrk.format("PUT", "/api/user", authorized(1), body)
  end,
  ["comment-write"] = function()
    local body = '{"comment":{"body":"A comment written under load."}}'
    return wrk.format("POST", "/api/articles/" .. pick(data.slugs) .. "/comments", authorized(math.random(#data.tokens)), body)
  end,
}

local function from_mix(mix)
  local roll = math.random(1000)
  for _, entry in ipairs(mix) do
    roll = roll - entry[1]
    if roll <= 0 then return builders[entry[2]]() end
  end
  return builders.list()
end

-- Read at load time: wrk decides whether a script paces its requests before init() runs.
local pause = tonumber(os.getenv("BENCH_PAUSE_MS"))
if pause then
  function delay()
    return pause
  end
end

function request()
  local mix = mixes[scenario]
  if mix then return from_mix(mix) end
  return builders[scenario]()
end

-- Counted in one global per status, with the list of statuses seen as a string: wrk2 (unlike wrk 4)
-- swaps keys and values when done() copies a table out of a thread, so tables cannot carry the counts.
seen = ""
function response(status, headers, body)
  local name = "status_" .. status
  if not _G[name] then
    _G[name] = 0
    seen = seen .. status .. ","
  end
  _G[name] = _G[name] + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status in string.gmatch(thread:get("seen"), "(%d+),") do
      local code = tonumber(status)
      total[code] = (total[code] or 0) + thread:get("status_" .. status)
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d: %d\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
