import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lets a closing server drop the connections that carry no request. `server.close()` waits for
 * every connection, and Node closes only the keep-alive ones that served a request: a connection
 * a client opened and has not used yet (browsers and undici open spare ones) would hold the close
 * until the client's own keep-alive timeout (undici: 4 s) or `headersTimeout` (60 s).
 */
export function closeIdleSocketsOnClose(server: Server): { close(): void } {
  /** In-flight requests per open connection. */
  const open = new Map<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    if (closing) return void socket.destroy();
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (open.get(socket) ?? 1) - 1;
      if (!open.has(socket)) return;
      open.set(socket, left);
      // Its response is written: nothing is lost by closing it now.
      if (closing && left === 0) socket.destroy();
    });
  });
  return {
    /** From now on, closes every connection as soon as it carries no request. */
    close() {
      closing = true;
      for (const [socket, inFlight] of open) if (inFlight === 0) socket.destroy();
    },
  };
}
