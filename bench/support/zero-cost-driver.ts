/**
 * The bench's zero-cost platform: sessions of the accounts it is given send nothing and record
 * nothing but a counter, so a fan-out over them measures what AutoHub itself costs per send (its
 * ledger, pacing, workflows and activities) with no platform behind it. Every other call, and
 * every other account, goes to the sandbox it wraps, so the accounts still have their chats.
 */
import type { PlatformDriver, PlatformSession, SentMessage, SessionAccount } from '../../src/domain/platform-port';

export class ZeroCostDriver implements PlatformDriver {
  readonly name = 'sandbox' as const;
  /** Sends made through zero-cost sessions so far. */
  sends = 0;
  /** When the latest of them was made (ms since the epoch). */
  lastSendAt = 0;

  constructor(
    private readonly sandbox: PlatformDriver,
    private readonly zeroCostAccounts: ReadonlySet<string>,
  ) {}

  async connect(account: SessionAccount): Promise<PlatformSession> {
    const session = await this.sandbox.connect(account);
    const send = async (): Promise<SentMessage> => {
      this.sends++;
      this.lastSendAt = Date.now();
      return { messageId: String(this.sends), sentAt: new Date(), deduplicated: false };
    };
    // Decided at each send, not at connect: the session pool connects an account as soon as it
    // is created, before the bench has named it a zero-cost one.
    const zeroCost = () => this.zeroCostAccounts.has(account.id);
    return new Proxy(session, {
      get(target, property) {
        if (property === 'sendMessage' && zeroCost()) return send;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
