/**
 * The platform's own floor for the analysis throughput figure: a bare `node:http` server that
 * reads a request body, `JSON.parse`s it and answers 201 with JSON of similar size. Run as a
 * child process by the bench; prints `listening on http://…` once bound.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const answer = JSON.stringify({ damage_id: 'dmg-floor', report: body });
    res.writeHead(201, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});
