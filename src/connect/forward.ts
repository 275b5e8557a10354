import { createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Forward } from '../core/connection.js';

/** Opens one tunnel to host:port as seen from the host (ssh2 forwardOut). */
export type OpenTunnel = (host: string, port: number) => Promise<Duplex>;

/**
 * A listener on 127.0.0.1:0 of the controller; every accepted socket gets its own tunnel, so any number of
 * clients can use the forward at once, for as long as it stays open.
 */
export async function startForward(remotePort: number, openTunnel: OpenTunnel, remoteHost = '127.0.0.1'): Promise<Forward> {
  const sockets = new Set<Socket>();
  // half-open: a client that sends a request and shuts down its side still gets the whole answer
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.pause();
    openTunnel(remoteHost, remotePort).then(
      (tunnel) => {
        tunnel.on('error', () => socket.destroy());
        socket.on('error', () => tunnel.destroy());
        tunnel.on('close', () => socket.destroy());
        socket.on('close', () => tunnel.destroy());
        socket.pipe(tunnel);
        tunnel.pipe(socket);
        socket.resume();
      },
      () => socket.destroy(), // the far side refused (nothing listening): the client sees the connection close
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
