/**
 * The operations endpoint on RBLBOT_METRICS_LISTEN: GET /metrics (Prometheus text format)
 * and GET /healthz (200 or 503, a JSON body with each check's detail). Its own listener,
 * apart from the chat adapters' PORT, so it can stay on a private interface.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { SharedHttpServer } from '../../adapters/http-server.js';
import type { HealthReport } from './health.js';
import type { PrometheusMetrics } from './prometheus.js';

export interface MetricsEndpoint {
  /** host:port actually bound (the port is chosen by the system for port 0). */
  readonly address: string;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(
  listen: { readonly host: string; readonly port: number },
  metrics: PrometheusMetrics,
  health: () => Promise<HealthReport>,
): Promise<MetricsEndpoint> {
  const http = new SharedHttpServer();
  http.route('/metrics', async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    const parts = await metrics.parts();
    const headers = { 'content-type': metrics.contentType, 'cache-control': 'no-store', vary: 'accept-encoding' };
    if (acceptsGzip(req.headers['accept-encoding'])) {
      // Prometheus asks for gzip on every scrape; rblbot_listed alone is a line per watched
      // address and list (10,000 addresses × 50 lists: about 30 MB of text, ~20× smaller zipped).
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
      if (req.method === 'HEAD') return void res.end();
      await pipeline(Readable.from(parts), createGzip(), res);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': parts.reduce((n, p) => n + p.length, 0) });
    if (req.method !== 'HEAD') for (const part of parts) res.write(part);
    res.end();
  });
  http.route('/healthz', async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    const report = await health();
    res
      .writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        req.method === 'HEAD'
          ? undefined
          : `${JSON.stringify({ status: report.ok ? 'ok' : 'failing', checks: report.checks, replicas: report.replicas }, null, 2)}\n`,
      );
  });
  const port = await http.listen(listen.port, listen.host);
  return {
    address: `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`,
    close: () => http.close(),
  };
}

/**
 * Does an Accept-Encoding header take gzip? RFC 9110 §12.5.3: gzip named with a weight
 * above 0, or not named and "*" with a weight above 0.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [coding = '', ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}
