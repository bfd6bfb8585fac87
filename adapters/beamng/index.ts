/**
 * The BeamNG.tech adapter: wire framing, one connection per socket, the game client, the
 * simulated rig and its recordings, and the link machine's rig connection. Import from here.
 */
export * from './errors.js';
export * from './framing.js';
export * from './connection.js';
export * from './schemas.js';
export * from './client.js';
export * from './recording.js';
export * from './sim-rig.js';
export * from './rig-connection.js';
