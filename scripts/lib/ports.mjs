// Ports for local servers, always from the operating system: never a fixed number, which a
// parallel test or another checkout could hold.
import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on now. Another process may take it before
 * the caller binds it; a server that fails so can ask for another.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
