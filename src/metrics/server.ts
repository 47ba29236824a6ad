/** The /metrics endpoint for Prometheus, served from the product's registry. */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import { registry } from './product';
import { formatAddress, type ListenAddress } from './settings';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

let processMetrics = false;

/** Rejects with an error naming the address when it cannot be bound (in use, not local). */
export async function serveMetrics(address: ListenAddress): Promise<MetricsServer> {
  if (!processMetrics) {
    collectDefaultMetrics({ register: registry, prefix: 'rcsync_' }); // heap, event-loop lag, CPU: once per process
    processMetrics = true;
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Prometheus metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n'),
    );
  });
  await listen(server, address);
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  return {
    url: `http://${formatAddress({ host: address.host, port })}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Fails like serveMetrics would, without keeping the address: for a listener started later by someone else. */
export async function checkBindable(address: ListenAddress): Promise<void> {
  const server = createServer();
  await listen(server, address);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot serve metrics on ${formatAddress(address)} (${err.code ?? err.message})`)));
    server.listen(address.port, address.host, () => resolve());
  });
}
