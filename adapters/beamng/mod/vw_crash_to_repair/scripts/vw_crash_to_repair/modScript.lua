-- Runs when BeamNG mounts the mod (at start-up and when the mod is activated). Marking the
-- extension 'manual' is enough: right after running the mods' modScript.lua files the game's mod
-- manager calls loadManualUnloadExtensions(), which loads every extension so marked, and it stays
-- loaded when a level is loaded or left (game 0.33: lua/ge/extensions/core/modmanager.lua,
-- lua/ge/main.lua).
setExtensionUnloadMode('vwCrashToRepair_repairButton', 'manual')
