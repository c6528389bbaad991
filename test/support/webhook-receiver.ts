import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface ReceivedWebhook {
  /** 1 for the first request of the receiver, and so on. */
  n: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers a request; `hold` keeps it unanswered until the receiver closes. */
export type WebhookAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: records every request (headers and raw
 * body, as a verifier needs them) and answers as `answer` says, per request.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  answer: (request: ReceivedWebhook) => WebhookAnswer = () => ({ status: 200, body: 'ok' });

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { n: this.received.length + 1, path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(request);
        const answer = this.answer(request);
        if (answer === 'hold') return;
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The requests of delivery `deliveryId` (its webhook-id), in the order they came. */
  of(deliveryId: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.headers['webhook-id'] === deliveryId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
