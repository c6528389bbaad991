import type { Middleware } from 'koa';
import { MAX_JSON_BODY_BYTES } from './body-parsers';

/**
 * Reads and discards the rest of a request body no route read, before a successful answer goes
 * out. Node would discard it too, but only after answering, and closing a socket with unread
 * bytes in it sends a TCP reset that can cut a large answer (`/metrics`, an export) off before
 * the client has read it. A body over `maxBytes` is not read further: the connection closes
 * after the answer instead. Error answers close the connection at once, as before: a request
 * refused for its key or its size is never read.
 */
export function discardUnreadBody(maxBytes = MAX_JSON_BODY_BYTES): Middleware {
  return async (ctx, next) => {
    await next();
    const req = ctx.req;
    if (req.complete || req.destroyed) return;
    if (ctx.status >= 400) {
      ctx.set('Connection', 'close');
      return;
    }
    await new Promise<void>((resolve) => {
      let seen = 0;
      const finish = () => {
        req.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
        resolve();
      };
      const onData = (chunk: Buffer) => {
        seen += chunk.length;
        if (seen <= maxBytes) return;
        req.pause();
        ctx.set('Connection', 'close');
        finish();
      };
      req.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
      req.resume();
    });
  };
}
