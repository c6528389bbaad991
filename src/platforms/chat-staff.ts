/**
 * Who speaks for a group: its admins, and (Telegram) its linked channel. Anti-spam never checks
 * them, but a platform's message does not say whether its sender is one, so the drivers look each
 * group's staff up — once per `ttlMs` — and mark the messages they hand on.
 */
import type { InboundEvent } from '../domain/platform-port';

/** A group's admins (every id form the platform may name a sender by) and linked channel. */
export interface ChatStaff {
  adminIds: ReadonlySet<string>;
  /** The marked id of the Telegram channel whose discussion group this is, or null. */
  linkedChannelId: string | null;
}

/** How long a group's staff is trusted before it is looked up again. */
export const STAFF_TTL_MS = 10 * 60_000;
/** Groups whose staff is kept; the least recently looked-up go first. */
const STAFF_KEPT = 1000;

/**
 * Staff per group, looked up by `load` at most once per `ttlMs` (also after a failed lookup, so a
 * group the account may not inspect costs one call per period). Concurrent asks share one lookup.
 */
export class ChatStaffCache {
  private readonly entries = new Map<string, { at: number; staff: Promise<ChatStaff | undefined> }>();

  constructor(
    private readonly load: (chatKey: string) => Promise<ChatStaff>,
    private readonly onError: (err: unknown, chatKey: string) => void,
    private readonly ttlMs = STAFF_TTL_MS,
  ) {}

  /** The group's staff, or undefined when it could not be looked up. */
  get(chatKey: string): Promise<ChatStaff | undefined> {
    const now = Date.now();
    const entry = this.entries.get(chatKey);
    if (entry && now - entry.at < this.ttlMs) return entry.staff;
    const staff = this.load(chatKey).catch((err: unknown) => {
      this.onError(err, chatKey);
      return undefined;
    });
    this.entries.delete(chatKey);
    this.entries.set(chatKey, { at: now, staff });
    if (this.entries.size > STAFF_KEPT) this.entries.delete(this.entries.keys().next().value!);
    return staff;
  }
}

/** `event` marked with what `staff` says of its sender; member events and unknown staff pass unchanged. */
export function markStaff(event: InboundEvent, staff: ChatStaff | undefined): InboundEvent {
  if (event.type !== 'message' || !staff) return event;
  const { id } = event.from;
  const marked: InboundEvent = { ...event };
  if (staff.adminIds.has(id)) marked.fromAdmin = true;
  if (staff.linkedChannelId !== null && staff.linkedChannelId === id) marked.fromLinkedChannel = true;
  return marked;
}
