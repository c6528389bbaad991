import assert from 'node:assert/strict';
import {
  activityCutoff,
  chatTypeOf,
  filterChatsByActivity,
  platformIdValue,
  searchWindow,
  selectChatsToSearch,
} from '../../../src/domain/scan-filters';
import { chatScanView, foundMessagesView } from '../../../src/domain/scan-results';
import type { ChatInfo, MessageInfo } from '../../../src/domain/platform-port';

const NOW = Date.UTC(2026, 10, 23, 12);
const DAY = 86_400_000;

const chat = (key: string, type: ChatInfo['type'], daysAgo: number | null, over: Partial<ChatInfo> = {}): ChatInfo => ({
  key,
  id: key,
  type,
  title: key,
  username: null,
  members: type === 'contact' ? null : 10,
  lastActivityAt: daysAgo === null ? null : new Date(NOW - daysAgo * DAY),
  ...over,
});

describe('activityCutoff', () => {
  it('is null without filters and for max_age_days 0', () => {
    assert.equal(activityCutoff({}, NOW), null);
    assert.equal(activityCutoff({ maxAgeDays: 0 }, NOW), null);
  });

  it('is the later of max_age_days back and since_ts', () => {
    assert.equal(activityCutoff({ maxAgeDays: 7 }, NOW), NOW - 7 * DAY);
    assert.equal(activityCutoff({ sinceTs: 1_000 }, NOW), 1_000_000);
    assert.equal(activityCutoff({ maxAgeDays: 7, sinceTs: (NOW - DAY) / 1000 }, NOW), NOW - DAY);
    assert.equal(activityCutoff({ maxAgeDays: 1, sinceTs: (NOW - 7 * DAY) / 1000 }, NOW), NOW - DAY);
  });
});

describe('filterChatsByActivity', () => {
  const chats = [chat('a', 'group', 1), chat('b', 'group', 10), chat('c', 'contact', null)];

  it('keeps everything without a cutoff', () => {
    assert.equal(filterChatsByActivity(chats, null).length, 3);
  });

  it('keeps chats active at or after the cutoff, not those of unknown activity', () => {
    assert.deepEqual(filterChatsByActivity(chats, NOW - 5 * DAY).map((c) => c.key), ['a']);
    assert.deepEqual(filterChatsByActivity(chats, NOW - 10 * DAY).map((c) => c.key), ['a', 'b']);
  });
});

describe('selectChatsToSearch', () => {
  const chats = [chat('old', 'group', 30), chat('new', 'group', 1), chat('chan', 'channel', 2), chat('dm', 'contact', 0), chat('never', 'group', null)];

  it('takes the chats of the target type, most recently active first, up to max_chats', () => {
    assert.deepEqual(selectChatsToSearch(chats, 'all', 10).map((c) => c.key), ['dm', 'new', 'chan', 'old', 'never']);
    assert.deepEqual(selectChatsToSearch(chats, 'groups', 2).map((c) => c.key), ['new', 'old']);
    assert.deepEqual(selectChatsToSearch(chats, 'channels', 10).map((c) => c.key), ['chan']);
    assert.deepEqual(selectChatsToSearch(chats, 'contacts', 10).map((c) => c.key), ['dm']);
  });

  it('maps target types to chat types', () => {
    assert.equal(chatTypeOf('groups'), 'group');
    assert.equal(chatTypeOf('all'), undefined);
  });
});

describe('searchWindow', () => {
  it('is unbounded by default and with lookback_days 0', () => {
    assert.deepEqual(searchWindow({ lookbackDays: 0 }, NOW), { sinceMs: null, untilMs: null });
  });

  it('starts at the later of lookback and since_ts and ends at until_ts', () => {
    assert.deepEqual(searchWindow({ lookbackDays: 7, untilTs: 2_000_000_000 }, NOW), { sinceMs: NOW - 7 * DAY, untilMs: 2_000_000_000_000 });
    assert.deepEqual(searchWindow({ lookbackDays: 7, sinceTs: NOW / 1000 - 60 }, NOW), { sinceMs: NOW - 60_000, untilMs: null });
  });
});

describe('platformIdValue', () => {
  it('shows Telegram ids as numbers and anything else as strings', () => {
    assert.equal(platformIdValue('-1001234567890'), -1001234567890);
    assert.equal(platformIdValue('789'), 789);
    assert.equal(platformIdValue('120363000000000000@g.us'), '120363000000000000@g.us');
    assert.equal(platformIdValue('99999999999999999'), '99999999999999999');
  });
});

describe('chatScanView', () => {
  const chats = [chat('-1001', 'channel', 1, { title: 'News', members: 5000 }), chat('-1002', 'group', 1), chat('789', 'contact', 1, { title: 'John', username: 'john_doe' })];

  it('splits chats into channels, groups and contacts in the reference shape', () => {
    const view = chatScanView(chats);
    assert.equal(view.total, 3);
    assert.deepEqual(view.channels![0], { id: -1001, key: '-1001', title: 'News', username: null, members: 5000, last_activity_at: new Date(NOW - DAY).toISOString() });
    assert.deepEqual(view.contacts![0], { id: 789, key: '789', name: 'John', username: 'john_doe', last_activity_at: new Date(NOW - DAY).toISOString() });
  });

  it('holds only the lists asked for', () => {
    const view = chatScanView(chats, ['groups']);
    assert.deepEqual(Object.keys(view).sort(), ['groups', 'total']);
    assert.equal(view.total, 1);
  });
});

describe('foundMessagesView', () => {
  const message = (id: number, daysAgo: number, over: Partial<MessageInfo> = {}): MessageInfo => ({
    chatKey: '@g',
    chatId: '-100123',
    chatTitle: 'Group',
    messageId: id,
    text: 'hi',
    fromId: '42',
    fromUsername: 'alice',
    fromName: 'Alice',
    date: new Date(NOW - daysAgo * DAY),
    ...over,
  });

  it('shows messages newest first with Unix-second dates and the best author name', () => {
    const view = foundMessagesView([message(1, 2), message(2, 1, { fromUsername: '', fromName: null })]);
    assert.deepEqual(view.map((m) => [m.message_id, m.from_user]), [[2, '42'], [1, 'alice']]);
    assert.equal(view[0]!.date, (NOW - DAY) / 1000);
    assert.equal(view[0]!.chat_id, -100123);
  });
});
