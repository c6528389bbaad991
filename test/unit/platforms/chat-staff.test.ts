import assert from 'node:assert/strict';
import type { InboundEvent } from '../../../src/domain/platform-port';
import { ChatStaffCache, markStaff, type ChatStaff } from '../../../src/platforms/chat-staff';

describe("a group's staff", () => {
  const staff: ChatStaff = { adminIds: new Set(['42']), linkedChannelId: '-100555' };
  const message = (fromId: string): InboundEvent => ({
    type: 'message',
    accountId: 'acc-1',
    chatKey: '@group',
    messageId: 1,
    from: { id: fromId, username: null, name: null },
    text: 'hi',
    date: new Date(0),
  });

  describe('markStaff', () => {
    it('marks an admin, the linked channel, and nobody else', () => {
      assert.equal((markStaff(message('42'), staff) as { fromAdmin?: boolean }).fromAdmin, true);
      assert.equal((markStaff(message('-100555'), staff) as { fromLinkedChannel?: boolean }).fromLinkedChannel, true);
      assert.deepEqual(markStaff(message('7'), staff), message('7'));
    });

    it('leaves messages alone when the staff is unknown, and member events always', () => {
      assert.deepEqual(markStaff(message('42'), undefined), message('42'));
      const join: InboundEvent = { type: 'join', accountId: 'acc-1', chatKey: '@group', user: { id: '42', username: null, name: null }, date: new Date(0) };
      assert.deepEqual(markStaff(join, staff), join);
    });
  });

  describe('ChatStaffCache', () => {
    it('looks a group up once while its staff is fresh, sharing a lookup under way', async () => {
      let lookups = 0;
      const cache = new ChatStaffCache(async () => {
        lookups++;
        return staff;
      }, () => {});
      const [a, b] = await Promise.all([cache.get('@group'), cache.get('@group')]);
      assert.equal(a, staff);
      assert.equal(b, staff);
      await cache.get('@group');
      assert.equal(lookups, 1);
      await cache.get('@other');
      assert.equal(lookups, 2);
    });

    it('answers undefined for a failed lookup, reports it, and does not ask again until the time is up', async () => {
      const failures: string[] = [];
      let lookups = 0;
      const load = async () => {
        lookups++;
        throw new Error('CHAT_ADMIN_REQUIRED');
      };
      const cache = new ChatStaffCache(load, (_err, key) => failures.push(key));
      assert.equal(await cache.get('@closed'), undefined);
      assert.equal(await cache.get('@closed'), undefined);
      assert.equal(lookups, 1);
      assert.deepEqual(failures, ['@closed']);
      const expired = new ChatStaffCache(load, () => {}, 0);
      await expired.get('@closed');
      await expired.get('@closed');
      assert.equal(lookups, 3, 'with no time to trust it, every ask looks up again');
    });
  });
});
