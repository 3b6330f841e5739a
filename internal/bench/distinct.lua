-- wrk script of bench/load.sh: every request a different listing, so that
-- the server's response cache (answers kept by ETag until the catalogue
-- changes) rarely answers and each request is read and rendered.
-- PATHFMT is a path with a %s (a source of harvest bench catalogue) and a
-- %d (a limit from LIMITLO to LIMITHI).
local words = {"global", "fair", "open", "labour", "ocean", "rights", "decent", "just", "ethical", "safe"}
local kinds = {"watch", "network", "alliance", "institute", "hub", "forum", "trust", "foundation", "centre",
  "initiative", "observatory", "coalition", "council", "lab", "project", "collective", "union",
  "partnership", "commons", "library"}
local sources = {}
for i = 0, 199 do
  sources[#sources + 1] = words[(i % 10) + 1] .. "-" .. kinds[(math.floor(i / 10) % 20) + 1]
end
local fmt = os.getenv("PATHFMT")
local lo = tonumber(os.getenv("LIMITLO") or "40")
local hi = tonumber(os.getenv("LIMITHI") or "60")
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  return wrk.format("GET", string.format(fmt, sources[math.random(#sources)], math.random(lo, hi)))
end
