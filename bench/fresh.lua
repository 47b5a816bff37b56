-- For `make bench` (bench/run.py): every request a path that no earlier request used.
--
--   wrk -t2 ... -s bench/fresh.lua http://127.0.0.1:PORT -- PATHS_FILE 2
--
-- PATHS_FILE holds paths never requested before in the run, one a line (bench/fresh.py). Each
-- thread takes its own share in order, by a counter of its own: thread `id` (0, 1, ...) the
-- lines id + 1, id + 1 + threads, id + 1 + 2 * threads, ..., so no two requests of the two
-- threads share a line. At the end wrk prints how far into the file the threads went, and
-- bench/run.py starts the next run (the next round) after that line.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  step = tonumber(args[2])
  sent = 0
  paths = {}
  local line = 0
  for path in io.lines(args[1]) do
    if line % step == id then
      paths[#paths + 1] = path
    end
    line = line + 1
  end
end

function request()
  sent = sent + 1
  -- Past the end of the file: a page that does not exist, counted as an error by wrk, rather
  -- than a path used before (bench/run.py also refuses the run).
  local path = paths[sent] or "/bench-ran-out-of-fresh-paths/"
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  -- The last line any thread took (line id + 1 + step * (sent - 1) for a thread).
  local used = 0
  for _, thread in ipairs(threads) do
    local sent = thread:get("sent")
    if sent > 0 then
      used = math.max(used, thread:get("id") + 1 + thread:get("step") * (sent - 1))
    end
  end
  io.write(string.format("fresh paths used: %d\n", used))
end
