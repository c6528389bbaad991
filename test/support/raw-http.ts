import http from 'node:http';

/** An answer of {@link rawRequest}: status, headers and the body as text. */
export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * Sends one request with node:http, which (unlike fetch) sends any method (TRACE too), a body on
 * GET, and exactly the headers and bytes given. `path` must already be percent-encoded.
 * `localAddress` sends it from that address (any of 127.0.0.0/8 reaches a server on 127.0.0.1),
 * so a test can be a client of an address of its own.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
  localAddress?: string,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      // The path goes as given: a URL object would resolve `..` and friends before the server saw them.
      {
        ...endpoint(baseUrl, path),
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        agent: false,
        localAddress,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends the headers and the first bytes of a body that never ends (chunked, unless `headers`
 * declare a Content-Length it never reaches), and resolves with the answer as soon as it comes,
 * without ever finishing the body; the connection is then dropped.
 */
export function answerToUnfinishedBody(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  firstBytes: Buffer,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const framing = headers['content-length'] === undefined ? { 'transfer-encoding': 'chunked' } : {};
    const req = http.request({ ...endpoint(baseUrl, path), method, headers: { ...headers, ...framing }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(firstBytes);
  });
}

function endpoint(baseUrl: string, path: string): { host: string; port: string; path: string } {
  const { hostname, port } = new URL(baseUrl);
  return { host: hostname, port, path };
}
