/** `npm start`: serves the API, the WebSockets and the kiosks; settings from the environment. */
import { ConfigError } from './config.js';
import { startServer } from './http/server.js';

try {
  const server = await startServer();
  const stations = server.runtime.floor.stations;
  console.log(`crash-to-repair listening on ${server.url}`);
  console.log(`  station picker: ${server.url}/`);
  for (const id of stations) console.log(`  kiosk ${id}: ${server.url}/station/${id}`);
  // Staff read the console too: say when a station's simulator link changes state.
  for (const id of stations) {
    let last = '';
    server.runtime.floor.subscribe(id, (view) => {
      const rig = view.rig;
      if (!rig) return;
      const line = `${rig.status}${rig.last_error ? ` (${rig.last_error.message})` : ''}`;
      if (line === last) return;
      last = line;
      console.log(
        `${new Date().toISOString()} station ${id} simulator ${rig.simulated ? '(simulated) ' : ''}${rig.address}: ${line}`,
      );
    });
  }
  const shutdown = () => {
    console.log('shutting down');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  // Broken data files and bad settings stop start-up with a message naming what to fix.
  console.error(
    `crash-to-repair cannot start: ${err instanceof Error ? err.message : String(err)}`,
  );
  if (!(err instanceof ConfigError) && !(err instanceof Error && err.name === 'DataFileError'))
    console.error(err);
  process.exit(1);
}
