/**
 * One HTTP server shared by every adapter that needs inbound HTTP (Slack's HTTP mode
 * at /slack/events, Discord's interactions endpoint at /interactions), so both can run
 * behind one PORT and one reverse-proxy rule.
 */
import http from 'node:http';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export class SharedHttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  readonly server: http.Server;

  constructor() {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const handler = this.routes.get(path);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      Promise.resolve()
        .then(() => handler(req, res))
        .catch(() => {
          // A handler's failure must never take the server down; answer 500 if we still can.
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end();
        });
    });
  }

  /** Route every method on an exact path to a handler. */
  route(path: string, handler: RouteHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  get hasRoutes(): boolean {
    return this.routes.size > 0;
  }

  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }
}
