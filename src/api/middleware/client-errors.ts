import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Status and message for a request Node's HTTP parser refused before the app saw it. */
function answerFor(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'request headers too large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'request timed out'];
  return [400, 'malformed HTTP request'];
}

/**
 * Answers the requests Node's HTTP parser refuses (headers too large, malformed request lines,
 * a request that timed out) with the API's `{"error": "..."}` body, where Node would answer with
 * an empty one; then closes the connection, as Node does.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, message] = answerFor(err.code);
    // An answer to HEAD has no body. The refused bytes are all there is to tell the method by;
    // they begin with the request line whenever the request arrived in one piece.
    const rawPacket = (err as { rawPacket?: Buffer }).rawPacket;
    const body = rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' ? '' : JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
