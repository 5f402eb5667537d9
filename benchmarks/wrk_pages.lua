-- wrk script of benchmarks/load.py: GET the URL's path, with a session cookie if given.
--
-- WRK_COOKIES holds cookies ("name=value") separated by "|"; each request takes the next
-- one in turn, so the load is spread over several signed-in people. Without it the
-- requests carry no cookie (the minimal page, the sign-in page). The requests are built
-- once per thread here, not per request, so the client costs as little as wrk alone.

local requests = {}
local next_index = 0

function init(args)
  for cookie in string.gmatch(os.getenv("WRK_COOKIES") or "", "[^|]+") do
    table.insert(requests, wrk.format("GET", wrk.path, { ["Cookie"] = cookie }))
  end
  if #requests == 0 then
    table.insert(requests, wrk.format("GET", wrk.path))
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
