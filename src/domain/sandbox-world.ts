import type { ChatType, Platform } from './platform-port';
import { SeededRandom } from './random';

/** A chat of a sandbox account's simulated world. */
export interface WorldChat {
  key: string;
  platformId: string;
  type: ChatType;
  title: string;
  username: string | null;
  members: number | null;
  lastActivityAt: Date;
  writable: boolean;
  /** Whether the account administers the chat: moderation (deleting others' messages, mutes, bans) needs it. */
  admin: boolean;
}

/** A message already present in a sandbox chat when the account is created. */
export interface WorldMessage {
  chatKey: string;
  messageId: number;
  fromId: string;
  fromUsername: string | null;
  fromName: string;
  text: string;
  date: Date;
}

/** The account's own profile in its world. */
export interface WorldProfile {
  platformUserId: string;
  firstName: string;
  lastName: string;
  username: string | null;
  about: string;
}

export interface SandboxWorld {
  profile: WorldProfile;
  chats: WorldChat[];
  messages: WorldMessage[];
}

const GROUP_TOPICS = [
  'Crypto Traders Hub', 'Trading Signals Pro', 'Startup Founders Lounge', 'Remote Work Jobs',
  'Digital Marketing Masters', 'Web3 Builders', 'Forex Daily Chat', 'Real Estate Investors Club',
  'Freelancers United', 'NFT Collectors', 'SaaS Growth Hackers', 'Python Developers',
  'E-commerce Sellers Network', 'DeFi Yield Farmers', 'Product Managers Circle', 'AI Enthusiasts',
];
const CHANNEL_TOPICS = [
  'Crypto News Daily', 'Market Movers', 'Tech Deals', 'Startup Digest', 'Growth Tips',
  'Bitcoin Updates', 'Job Board Weekly', 'Marketing Insights',
];
const FIRST_NAMES = [
  'Alice', 'Bob', 'Carlos', 'Diana', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Kira',
  'Liam', 'Maya', 'Noah', 'Olga', 'Priya', 'Quentin', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera',
  'Wei', 'Ximena', 'Yusuf', 'Zoe', 'Amara', 'Bruno', 'Chloe', 'Dmitri', 'Emeka', 'Fatima',
  'Gustavo', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Mateo', 'Nadia',
];
const LAST_NAMES = ['Smith', 'Garcia', 'Khan', 'Ivanova', 'Tanaka', 'Okafor', 'Rossi', 'Müller', 'Silva', 'Chen'];
const MESSAGE_LINES = [
  'Anyone here interested in a group buy?', 'What is the price of the premium plan?',
  'I want to buy crypto, where should I start?', 'Great analysis, thanks for sharing!',
  'Is this still available?', 'Price target for this week looks bullish.',
  'Who can recommend a good wallet?', 'Interested! Send me the details please.',
  'Meeting notes are pinned above.', 'New signals coming in 10 minutes.',
  'How much does the course cost?', 'Looking for a co-founder with marketing skills.',
  'Thanks everyone for joining the call today.', 'Where can I buy the ebook?',
  'The market is quiet today.', 'Can someone share the link again?',
];

/** Chats the API reference's examples name, present in every Telegram world so they work as written. */
const TELEGRAM_REFERENCE_CHATS: Array<Omit<WorldChat, 'lastActivityAt'>> = [
  { key: '@channel1', platformId: '-1001000000001', type: 'channel', title: 'Channel One', username: 'channel1', members: 1520, writable: true, admin: true },
  { key: '@channel2', platformId: '-1001000000002', type: 'channel', title: 'Channel Two', username: 'channel2', members: 870, writable: true, admin: true },
  { key: '-1001234567890', platformId: '-1001234567890', type: 'group', title: 'Example Group', username: null, members: 240, writable: true, admin: true },
];

const DAY_MS = 86_400_000;

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * In every third of its groups (the 3rd, 6th, …, as generated) the account is a plain member; it
 * administers the others, its channels and the reference's chats. Moderation there is `forbidden`.
 */
const MEMBER_ONLY_EVERY = 3;

/**
 * Builds the seeded world of a sandbox account: at least 10 groups, 5 channels and 20 contacts,
 * with recent messages, in the platform's own id and key formats. The same `seed` always gives
 * the same world; dates are offsets back from `now`.
 */
export function generateSandboxWorld(
  platform: Platform,
  seed: string,
  now: Date,
  owner: { name: string; phone: string | null },
): SandboxWorld {
  const rnd = new SeededRandom(seed);
  const [firstName = 'Sandbox', ...rest] = owner.name.trim().split(/\s+/);
  const profile: WorldProfile = {
    platformUserId:
      platform === 'telegram'
        ? rnd.digits(10)
        : `${owner.phone?.replace(/\D/g, '') || `1555${rnd.digits(7)}`}@s.whatsapp.net`,
    firstName: firstName.slice(0, 64),
    lastName: rest.join(' ').slice(0, 64),
    username: null,
    about: '',
  };
  const ago = (maxDays: number) => new Date(now.getTime() - Math.floor(rnd.next() * maxDays * DAY_MS));
  const chats: WorldChat[] = [];

  // 32 contacts: with the groups and channels, a world holds more than the 50 targets a broadcast may have.
  const people = rnd.sample(FIRST_NAMES, 32).map((first) => {
    const last = rnd.pick(LAST_NAMES);
    const userId = platform === 'telegram' ? rnd.digits(10) : `${rnd.pick(['1', '44', '49', '91', '55'])}${rnd.digits(10)}`;
    return { first, last, userId, username: `${first}_${last}`.toLowerCase().replace(/[^a-z_]/g, '') };
  });

  for (const [index, title] of rnd.sample(GROUP_TOPICS, 12).entries()) {
    const id = platform === 'telegram' ? `-100${rnd.digits(10)}` : `120363${rnd.digits(12)}@g.us`;
    const username = platform === 'telegram' && rnd.next() < 0.6 ? slug(title) : null;
    chats.push({
      key: username ? `@${username}` : id,
      platformId: id,
      type: 'group',
      title,
      username,
      members: rnd.int(25, 25_000),
      lastActivityAt: ago(60),
      writable: true,
      admin: (index + 1) % MEMBER_ONLY_EVERY !== 0,
    });
  }
  for (const title of rnd.sample(CHANNEL_TOPICS, 6)) {
    const id = platform === 'telegram' ? `-100${rnd.digits(10)}` : `120363${rnd.digits(12)}@newsletter`;
    const username = platform === 'telegram' ? `${slug(title)}_${rnd.digits(2)}` : null;
    chats.push({
      key: username ? `@${username}` : id,
      platformId: id,
      type: 'channel',
      title,
      username,
      members: rnd.int(500, 150_000),
      lastActivityAt: ago(30),
      writable: true,
      admin: true,
    });
  }
  for (const person of people) {
    const id = platform === 'telegram' ? person.userId : `${person.userId}@s.whatsapp.net`;
    const username = platform === 'telegram' ? person.username : null;
    chats.push({
      key: username ? `@${username}` : id,
      platformId: id,
      type: 'contact',
      title: `${person.first} ${person.last}`,
      username,
      members: null,
      lastActivityAt: ago(90),
      writable: true,
      admin: false,
    });
  }
  if (platform === 'telegram') {
    for (const chat of TELEGRAM_REFERENCE_CHATS) chats.push({ ...chat, lastActivityAt: ago(7) });
  }

  const messages: WorldMessage[] = [];
  for (const chat of chats.filter((c) => c.type !== 'contact')) {
    const count = rnd.int(4, 8);
    for (let i = 0; i < count; i++) {
      const person = rnd.pick(people);
      const date = new Date(chat.lastActivityAt.getTime() - (count - 1 - i) * rnd.int(5, 600) * 60_000);
      messages.push({
        chatKey: chat.key,
        messageId: 1000 + i,
        fromId: platform === 'telegram' ? person.userId : `${person.userId}@s.whatsapp.net`,
        fromUsername: platform === 'telegram' ? person.username : null,
        fromName: `${person.first} ${person.last}`,
        text: rnd.pick(MESSAGE_LINES),
        date,
      });
    }
  }
  return { profile, chats, messages };
}
