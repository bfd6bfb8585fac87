/** `npm start`: serves the API, the WebSockets and the kiosks; settings from the environment. */
import { ConfigError } from './config.js';
import { startServer } from './http/server.js';

try {
  const server = await startServer({}, { warmUp: true });
  const stations = server.runtime.floor.stations;
  server.logger.info({ url: server.url, stations }, 'crash-to-repair listening');
  // The staff console: the one-click URL, printed once (a token from STAFF_TOKEN is not).
  const staffUrl = server.staff.generated
    ? `${server.url}/staff?token=${server.staff.token}`
    : `${server.url}/staff?token=<STAFF_TOKEN>`;
  console.log(`  staff console:  ${staffUrl}`);
  if (process.stdout.isTTY) {
    // On a terminal, the addresses staff click on as plain lines (JSON logs stay pure otherwise).
    console.log(`  station picker: ${server.url}/`);
    console.log(`  API reference:  ${server.url}/api/docs`);
    for (const id of stations) console.log(`  kiosk ${id}: ${server.url}/station/${id}`);
  }
  const shutdown = () => {
    server.logger.info('shutting down');
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
