import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { NativeConnection } from '@temporalio/worker';
import { generate } from 'selfsigned';
import { loadConfig, type Config } from '../../src/config';
import { connectTemporalClient, temporalConnectionOptions } from '../../src/temporal/client';

/** What a Temporal server behind mTLS saw of a client. */
interface Seen {
  serverName: string | false;
  clientCertificate: string | undefined;
  authorization: string | undefined;
}

/**
 * A stand-in for a Temporal frontend behind mTLS: an HTTP/2 TLS server that demands a client
 * certificate signed by its CA, records the handshake and the first gRPC request's headers, and
 * refuses the request as unauthenticated. Enough to see what a client sends on the wire.
 */
async function mtlsServer(pki: { ca: string; cert: string; key: string }) {
  const seen: Seen[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ key: pki.key, cert: pki.cert, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const socket = stream.session?.socket as TLSSocket;
    seen.push({
      serverName: socket.servername ?? false,
      clientCertificate: String(socket.getPeerCertificate().subject?.CN),
      authorization: headers.authorization,
    });
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'test server' }, { endStream: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const session of sessions) session.destroy();
    });
  return { seen, address: `127.0.0.1:${port}`, close };
}

describe('Temporal connections with TLS and an API key', () => {
  let dir: string;
  let pki: { ca: string; cert: string; key: string; clientCert: string; clientKey: string };
  let server: Awaited<ReturnType<typeof mtlsServer>>;
  let config: Config;

  before(async function () {
    this.timeout(30_000);
    const ca = await generate([{ name: 'commonName', value: 'AutoHub test CA' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    // A certificate for `name`, signed by the CA, for a server or a client.
    const issue = (name: string, usage: { serverAuth: true } | { clientAuth: true }) =>
      generate([{ name: 'commonName', value: name }], {
        keyType: 'ec',
        algorithm: 'sha256',
        ca: { key: ca.private, cert: ca.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', ...usage },
          ...('serverAuth' in usage ? [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: name }] }] : []),
        ],
      });
    const frontend = await issue('temporal.internal', { serverAuth: true });
    const worker = await issue('autohub-worker', { clientAuth: true });
    pki = { ca: ca.cert, cert: frontend.cert, key: frontend.private, clientCert: worker.cert, clientKey: worker.private };
    server = await mtlsServer(pki);
    dir = mkdtempSync(path.join(tmpdir(), 'autohub-tls-'));
    const file = (name: string, content: string) => {
      writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };
    config = loadConfig({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TLS_CA_PATH: file('ca.pem', pki.ca),
      TEMPORAL_TLS_CERT_PATH: file('worker.pem', pki.clientCert),
      TEMPORAL_TLS_KEY_PATH: file('worker.key', pki.clientKey),
      // The address is an IP; the certificate names the server.
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_API_KEY: 'cloud-api-key-1',
    });
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the API's client presents the client certificate, checks the server's name and sends the API key", async function () {
    this.timeout(20_000);
    server.seen.length = 0;
    await assert.rejects(connectTemporalClient(server.address, config.temporal));
    assert.ok(server.seen.length > 0, 'the client never reached the server through TLS');
    assert.deepEqual(server.seen[0], { serverName: 'temporal.internal', clientCertificate: 'autohub-worker', authorization: 'Bearer cloud-api-key-1' });
  });

  it("the worker's native connection does the same", async function () {
    this.timeout(20_000);
    server.seen.length = 0;
    await assert.rejects(NativeConnection.connect(temporalConnectionOptions(server.address, config.temporal)));
    assert.ok(server.seen.length > 0, 'the worker never reached the server through TLS');
    assert.deepEqual(server.seen[0], { serverName: 'temporal.internal', clientCertificate: 'autohub-worker', authorization: 'Bearer cloud-api-key-1' });
  });
});
