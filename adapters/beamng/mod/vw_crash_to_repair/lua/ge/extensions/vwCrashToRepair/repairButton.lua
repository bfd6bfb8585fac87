-- vwCrashToRepair_repairButton: the in-game "Repair My Car" action of the VW crash-to-repair kiosk.
--
-- How the press leaves the game:
--   1. Socket (the default). BeamNG never pushes anything to a client, so this extension only
--      records the press; the kiosk server's link actor, connected to the game socket
--      (BeamNG.tech started with -tcom -tport 25252), asks for it with the custom request
--      {type = "VWRepairPressed"}. onSocketMessage answers {pressed = true|false} and forgets
--      the press once it has been reported, so one press starts one estimate.
--   2. HTTP (optional, off unless configured). With a URL configured (see httpUrl() below) the
--      press is also POSTed as a `manual_report` crash event to
--      <url>/api/v1/beamng/crash-event with header X-Station-Id. That payload needs the car's
--      damage, which lives in the vehicle Lua VM, so we ask the player vehicle for it and post
--      when it answers. Use it only where the link actor cannot reach the game socket.
--
-- Honesty note: this file was written from the protocol facts in the project's BEAMNG.md and has
-- NOT been run inside BeamNG (no simulator was available when it was written). Things that could
-- not be checked: the input action category and binding file format, whether `settings.getValue`
-- returns a value for a key the game does not define, the names of the vehicle-side damage
-- helpers (beamstate.damage, partDamageData), and LuaSocket's availability on the GE side. Each
-- of those is guarded with pcall so a wrong guess logs a warning instead of breaking the game.

local M = {}

local logTag = 'vwCrashToRepair'
local SOCKET_REQUEST = 'VWRepairPressed'
local MOD_VERSION = '2.0.0'

-- The press waiting to be collected by the link actor (socket mode).
local pressed = false
local pressedAt = nil   -- os.time() of the press not yet reported
local presses = 0       -- presses since the extension loaded, for the log and the answer

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

-- Posts a JSON body; blocking LuaSocket call with a short timeout (it runs on the game thread,
-- so a slow server stutters the game for at most that long). Returns the HTTP status or nil.
local function postJson(url, body, stationId)
  local okHttp, http = pcall(require, 'socket.http')
  local okLtn, ltn12 = pcall(require, 'ltn12')
  if not okHttp or not okLtn then
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

-- Called back from the vehicle VM with what it could read of the car's damage (see requestDamage).
local function onVehicleDamage(damage)
  local url = httpUrl()
  if not url then return end
  damage = type(damage) == 'table' and damage or {}
  local veh = getPlayerVehicle and getPlayerVehicle(0) or nil
  local model = veh and veh.getJBeamFilename and veh:getJBeamFilename() or nil
  local event = {
    event_type = 'manual_report',
    timestamp = os.time(),
    timestamp_iso = os.date('!%Y-%m-%dT%H:%M:%SZ'),
    vehicle = { id = veh and veh:getID() or nil, model = model, name = model },
    damage = {
      total_damage = damage.total_damage or 0,
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

-- Asks the player vehicle's Lua VM for its damage; it answers by calling onVehicleDamage.
-- Vehicle-side names are guesses to verify on a rig: `beamstate.damage` (the accumulator the
-- Damage sensor reports) and a per-part table if this build exposes one.
local vehicleDamageChunk = [[
local out = { total_damage = beamstate and beamstate.damage or 0, part_damage = {} }
local ok, parts = pcall(function() return partCondition and partCondition.getConditions and partCondition.getConditions() end)
if ok and type(parts) == 'table' then
  for id, c in pairs(parts) do
    if type(c) == 'table' and type(c.integrityValue) == 'number' and c.integrityValue < 1 then
      out.part_damage[id] = 1 - c.integrityValue
    end
  end
end
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

-- Bound to the input action vwCrashToRepair_repairMyCar (default key R).
local function pressRepair()
  pressed = true
  pressedAt = os.time()
  presses = presses + 1
  log('I', logTag, 'Repair My Car pressed (' .. presses .. ')')
  ui_message('Repair My Car: sent', 5, logTag, 'build')
  if httpUrl() then requestDamage() end
end

-- Custom request from the kiosk server's link actor. Answers every VWRepairPressed request and
-- resets the press once reported, so a press is delivered exactly once per poll that sees it.
local function onSocketMessage(request)
  if request == nil or request['type'] ~= SOCKET_REQUEST then return false end
  request:sendResponse({
    type = SOCKET_REQUEST,
    pressed = pressed,
    pressed_at = pressedAt,
    presses = presses,
  })
  pressed = false
  pressedAt = nil
  return true
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
