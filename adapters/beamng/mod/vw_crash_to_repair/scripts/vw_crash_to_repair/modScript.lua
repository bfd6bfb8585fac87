-- Runs when BeamNG mounts the mod: load the Repair My Car extension and keep it loaded when a
-- level is loaded or left (extensions default to being unloaded with the level).
load('vwCrashToRepair_repairButton')
setExtensionUnloadMode('vwCrashToRepair_repairButton', 'manual')
