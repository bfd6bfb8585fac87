-- vwCrashToRepair_repairButton: the in-game "Repair My Car" action of the VW crash-to-repair kiosk.
--
-- How the press leaves the game:
--   1. Socket (the default). BeamNG never pushes anything to a client, so this extension only
--      counts presses; the kiosk server's link actor, connected to the game socket (BeamNG.tech
--      started with -tcom -tport 25252), asks with the custom request {type = "VWRepairPressed"}.
--      onSocketMessage answers {type, presses, pressed}:
--        presses  the running count of presses since this extension loaded. Never cleared on
--                 read, so an answer that arrives late, or twice, loses or doubles nothing: the
--                 server acts once per increase of the count.
--        pressed  true when there was a press since the previous answer (for older servers that
--                 read only this field).
--      The count starts again from 0 when the extension loads again (game restart, Lua reload).
--   2. HTTP (optional, off unless configured). With a URL configured (see httpUrl() below) the
--      press is also POSTed as a `manual_report` crash event to
--      <url>/api/v1/beamng/crash-event with header X-Station-Id. That payload needs the car's
--      damage, which lives in the vehicle Lua VM: we queue a chunk on the player vehicle that reads
--      beamstate.getPartDamageData() and beamstate.damage (the same two sources BeamNG.tech's own
--      Damage sensor reads) and hands them back to us; we post when they arrive. Use it only where
--      the link actor cannot reach the game socket.
--
-- Honesty note: written from BeamNG's own tech Lua as shipped with game 0.33 (read in a public
-- copy) and NOT yet run inside BeamNG. Checked against that source: how a request that no handler
-- takes reaches onSocketMessage through extensions.hook (which does not catch errors: hence the
-- pcall below), request:sendResponse / sendBNGError, that the vehicle's Damage sensor reads
-- beamstate.damage and beamstate.getPartDamageData(), that modScript.lua plus
-- setExtensionUnloadMode(..., 'manual') loads an extension and keeps it across level loads, and
-- where the input action and the default binding files are looked up. Not checked: all of it on
-- the BeamNG.tech build at the event; whether `settings.getValue` returns a value for a key the
-- game does not define; that LuaSocket's `socket.http` loads in the GE VM. Each of those is
-- guarded so a wrong guess logs a warning instead of breaking the game.

local M = {}

local logTag = 'vwCrashToRepair'
local SOCKET_REQUEST = 'VWRepairPressed'
local ERROR_PREFIX = 'vwCrashToRepair: '
local MOD_VERSION = '3.0.0'

-- Presses since the extension loaded (never cleared), and the count at the last socket answer.
local presses = 0
local answeredPresses = 0

-- ---------------------------------------------------------------------------------------------
-- Settings (HTTP mode only)

-- Reads a value from the game settings, then from settings/vwCrashToRepair.json in the user
-- folder ({"httpUrl": "http://10.0.0.5:8080", "stationId": "1"}). Returns nil when unset.
local function setting(key)
  local ok, value = pcall(function()
    return settings and settings.getValue and settings.getValue('vwCrashToRepair.' .. key)
  end)
  if ok and value ~= nil and value ~= '' then return value end
  local okFile, file = pcall(jsonReadFile, 'settings/vwCrashToRepair.json')
  if okFile and type(file) == 'table' and file[key] ~= nil and file[key] ~= '' then return file[key] end
  return nil
end

local function httpUrl()
  local url = setting('httpUrl')
  if type(url) ~= 'string' then return nil end
  return (url:gsub('/+$', ''))
end

-- ---------------------------------------------------------------------------------------------
-- HTTP mode: build the earlier build's crash-event JSON and post it

-- The first module of `names` that loads (LuaSocket is shipped under lua/common/libs/luasocket/).
local function requireFirst(names)
  for _, name in ipairs(names) do
    local ok, module = pcall(require, name)
    if ok and module then return module end
  end
  return nil
end

-- Posts a JSON body; blocking LuaSocket call with a short timeout (it runs on the game thread,
-- so a slow server stutters the game for at most that long). Returns the HTTP status or nil.
local function postJson(url, body, stationId)
  local http = requireFirst({ 'socket.http', 'libs/luasocket/socket.http' })
  local ltn12 = requireFirst({ 'ltn12', 'libs/luasocket/ltn12' })
  if not http or not ltn12 then
    log('W', logTag, 'HTTP mode: LuaSocket is not available in this build; the press stays socket-only')
    return nil
  end
  http.TIMEOUT = 2
  local headers = {
    ['Content-Type'] = 'application/json',
    ['Content-Length'] = tostring(#body),
    ['X-BeamNG-Mod'] = 'vw_crash_to_repair',
  }
  if stationId then headers['X-Station-Id'] = tostring(stationId) end
  local okCall, _, code = pcall(http.request, {
    url = url,
    method = 'POST',
    headers = headers,
    source = ltn12.source.string(body),
    sink = ltn12.sink.null(),
  })
  if not okCall then
    log('W', logTag, 'HTTP mode: the POST failed: ' .. tostring(code))
    return nil
  end
  return code
end

-- Called back from the vehicle VM (see vehicleDamageChunk) with
-- {total_damage = beamstate.damage, part_damage = beamstate.getPartDamageData()}, or {error = text}.
local function onVehicleDamage(damage)
  local url = httpUrl()
  if not url then return end
  if type(damage) ~= 'table' or damage.error ~= nil then
    log('W', logTag, 'HTTP mode: the vehicle could not read its damage: ' .. tostring(type(damage) == 'table' and damage.error or damage))
    ui_message('Repair My Car: damage not readable, ask staff', 5, logTag, 'warning')
    return
  end
  local veh = getPlayerVehicle and getPlayerVehicle(0) or nil
  local model = veh and veh.getJBeamFilename and veh:getJBeamFilename() or nil
  local event = {
    event_type = 'manual_report',
    timestamp = os.time(),
    timestamp_iso = os.date('!%Y-%m-%dT%H:%M:%SZ'),
    vehicle = { id = veh and veh:getID() or nil, model = model, name = model },
    damage = {
      total_damage = damage.total_damage or 0,
      -- {<partId> = {name = <display name>, damage = 0..1}}, damaged parts only (as the Damage sensor)
      part_damage = damage.part_damage or {},
    },
    metadata = { mod_version = MOD_VERSION },
  }
  local code = postJson(url .. '/api/v1/beamng/crash-event', jsonEncode(event), setting('stationId'))
  if code == 201 then
    ui_message('Repair My Car: estimate on the kiosk', 5, logTag, 'build')
  elseif code then
    -- 409: the station is busy with another attendee; 422: the car has no damage we can price.
    ui_message('Repair My Car: the kiosk answered ' .. tostring(code), 5, logTag, 'warning')
  end
end

-- Runs in the player vehicle's Lua VM: reads the damage the way BeamNG.tech's Damage sensor does
-- (lua/vehicle/extensions/tech/techCore.lua: beamstate.damage, beamstate.getPartDamageData())
-- and hands it to this extension on the GE side.
local vehicleDamageChunk = [[
local ok, out = pcall(function()
  return { total_damage = beamstate.damage or 0, part_damage = beamstate.getPartDamageData() or {} }
end)
if not ok then out = { error = tostring(out) } end
obj:queueGameEngineLua('extensions.vwCrashToRepair_repairButton.onVehicleDamage(' .. serialize(out) .. ')')
]]

local function requestDamage()
  local veh = getPlayerVehicle and getPlayerVehicle(0) or nil
  if not veh then
    log('W', logTag, 'HTTP mode: no player vehicle to read damage from')
    return
  end
  veh:queueLuaCommand(vehicleDamageChunk)
end

-- ---------------------------------------------------------------------------------------------
-- The action

-- Bound to the input action vwCrashToRepair_repairMyCar (default key: End).
local function pressRepair()
  presses = presses + 1
  log('I', logTag, 'Repair My Car pressed (' .. presses .. ' since the mod loaded)')
  ui_message('Repair My Car: sent', 5, logTag, 'build')
  if httpUrl() then requestDamage() end
end

-- The answer to VWRepairPressed. Never clears the count.
local function answer()
  local reply = {
    type = SOCKET_REQUEST,
    presses = presses,
    pressed = presses > answeredPresses,
  }
  answeredPresses = presses
  return reply
end

-- Every request no built-in handler took comes through here (extensions.hook): answer ours
-- only; leave the rest alone so the game's "not handled" reply still goes out for them.
-- extensions.hook does not catch errors, so an error here would leave the request unanswered
-- and skip other extensions' hooks: catch it and answer it as our own bngError instead.
local function onSocketMessage(request)
  if request == nil or request['type'] ~= SOCKET_REQUEST then return end
  local ok, result = pcall(answer)
  if ok then
    request:sendResponse(result)
  else
    log('E', logTag, 'VWRepairPressed failed: ' .. tostring(result))
    request:sendBNGError(ERROR_PREFIX .. tostring(result))
  end
end

local function onExtensionLoaded()
  -- Also set in scripts/vw_crash_to_repair/modScript.lua; doing it here covers a manual
  -- `extensions.load` from the console.
  pcall(setExtensionUnloadMode, M, 'manual')
  log('I', logTag, 'loaded (HTTP mode ' .. (httpUrl() and ('on: ' .. httpUrl()) or 'off') .. ')')
  return true
end

M.pressRepair = pressRepair
M.onSocketMessage = onSocketMessage
M.onVehicleDamage = onVehicleDamage
M.onExtensionLoaded = onExtensionLoaded

return M
