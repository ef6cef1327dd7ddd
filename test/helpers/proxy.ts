// A dishonest server for the tests: an HTTP proxy in front of the real one that streams every answer
// through unchanged, except those the test chooses to rewrite (read whole, then rewritten), and that
// can drop every connection while `down`. Only exports.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/** For a request, a rewrite of its answer's body (200 answers only), or null to pass it through. */
export type ChooseRewrite = (method: string, url: URL) => ((body: string) => string) | null;

export interface RewritingProxy {
  url: string;
  /** While true, every connection is dropped with no answer. */
  down: boolean;
  /** The paths of the POST requests that went through. */
  posts: string[];
  close(): Promise<void>;
}

export async function startRewritingProxy(target: string, choose: ChooseRewrite): Promise<RewritingProxy> {
  const upstream = new URL(target);
  const proxy: RewritingProxy = { url: '', down: false, posts: [], close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (proxy.down) { req.socket.destroy(); return; }
    const url = new URL(req.url ?? '/', target);
    if (req.method === 'POST') proxy.posts.push(url.pathname);
    const rewrite = choose(req.method ?? 'GET', url);
    const headers = { ...req.headers, host: upstream.host };
    // Only the rewritten answers are read whole, so they must come uncompressed.
    if (rewrite) delete headers['accept-encoding'];
    const up = httpRequest({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (upRes) => {
      if (!rewrite || upRes.statusCode !== 200) {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const body = rewrite(Buffer.concat(chunks).toString('utf8'));
        const out = { ...upRes.headers };
        delete out['content-length'];
        delete out['transfer-encoding'];
        res.writeHead(200, { ...out, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return proxy;
}
