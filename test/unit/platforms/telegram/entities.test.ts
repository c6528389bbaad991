import assert from 'node:assert/strict';
import { Api } from 'telegram';
import { chatKeyOf, chatTypeOf, isWritable } from '../../../../src/platforms/telegram/entities';
import { basicGroup, big, channel, user } from './fixtures';

const banned = (untilDate: number, fields: { sendMessages?: boolean; sendPlain?: boolean } = { sendMessages: true }) =>
  new Api.ChatBannedRights({ untilDate, ...fields });
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('isWritable', () => {
  it('lets only admins with post rights (or the creator) write to a broadcast channel', () => {
    assert.equal(isWritable(channel(1, 'News', { broadcast: true })), false);
    assert.equal(isWritable(channel(1, 'News', { broadcast: true, adminRights: new Api.ChatAdminRights({ postMessages: true }) })), true);
    assert.equal(isWritable(channel(1, 'News', { broadcast: true, adminRights: new Api.ChatAdminRights({ editMessages: true }) })), false);
    assert.equal(isWritable(channel(1, 'News', { broadcast: true, creator: true })), true);
  });

  it('honours send bans in supergroups while they last', () => {
    assert.equal(isWritable(channel(2, 'Group', { megagroup: true })), true);
    assert.equal(isWritable(channel(2, 'Group', { megagroup: true, defaultBannedRights: banned(0) })), false);
    assert.equal(isWritable(channel(2, 'Group', { megagroup: true, defaultBannedRights: banned(inAnHour(), { sendPlain: true }) })), false);
    assert.equal(isWritable(channel(2, 'Group', { megagroup: true, defaultBannedRights: banned(1_000) })), true, 'an expired ban');
    const admin = channel(2, 'Group', { megagroup: true, defaultBannedRights: banned(0), adminRights: new Api.ChatAdminRights({}) });
    assert.equal(isWritable(admin), true);
  });

  it('requires membership except in discussion groups open to non-members', () => {
    assert.equal(isWritable(channel(3, 'Public group', { megagroup: true, left: true })), false);
    const discussion = channel(3, 'Comments', { megagroup: true, left: true });
    discussion.hasLink = true;
    assert.equal(isWritable(discussion), true);
    discussion.joinToSend = true;
    assert.equal(isWritable(discussion), false);
  });

  it('refuses basic groups that were left, migrated or locked, and deleted users', () => {
    assert.equal(isWritable(basicGroup(4, 'Friends')), true);
    assert.equal(isWritable(basicGroup(4, 'Friends', { left: true })), false);
    const migrated = basicGroup(4, 'Friends');
    migrated.migratedTo = new Api.InputChannel({ channelId: big(5), accessHash: big(6) });
    assert.equal(isWritable(migrated), false);
    const locked = basicGroup(4, 'Friends');
    locked.defaultBannedRights = banned(0);
    assert.equal(isWritable(locked), false);
    const gone = user(7);
    gone.deleted = true;
    assert.equal(isWritable(gone), false);
    assert.equal(isWritable(user(8)), true);
  });
});

describe('chat keys and types', () => {
  it('keys public chats by @username and private ones by marked id', () => {
    assert.equal(chatKeyOf(channel(1234567890, 'G', { username: 'Grp', megagroup: true })), '@Grp');
    assert.equal(chatKeyOf(channel(1234567890, 'G', { megagroup: true })), '-1001234567890');
    assert.equal(chatKeyOf(basicGroup(55, 'F')), '-55');
    assert.equal(chatKeyOf(user(42)), '42');
  });

  it('calls supergroups and basic groups groups, broadcast channels channels, users contacts', () => {
    assert.deepEqual(
      [channel(1, 'a', { megagroup: true }), channel(2, 'b', { broadcast: true }), basicGroup(3, 'c'), user(4)].map(chatTypeOf),
      ['group', 'channel', 'group', 'contact'],
    );
  });
});
