import assert from 'node:assert/strict';
import { displayName, memberTextValues, renderMemberText, unknownMemberVariables, type Member } from '../../../src/domain/member-text';
import {
  canonicalWelcomeGroup,
  goodbyeText,
  planWelcome,
  welcomeConfigFor,
  WelcomeConfigSchema,
  welcomeText,
  type Join,
  type WelcomeConfig,
} from '../../../src/domain/welcome';

const member = (id: string, name: string | null = id.toUpperCase(), username: string | null = id): Member => ({ id, name, username });
const t0 = new Date('2026-05-01T12:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const join = (id: string, s: number, greeted = false): Join => ({ id, member: member(`u-${id}`), at: at(s), greeted });

const config = (over: Record<string, unknown> = {}): WelcomeConfig =>
  WelcomeConfigSchema.parse({ group_id: '_default', welcome_text: 'Welcome {{name}} to {{group}}!', ...over });

describe('welcome and goodbye', () => {
  describe('config', () => {
    it('accepts the reference body and fills the defaults', () => {
      assert.deepEqual(WelcomeConfigSchema.parse({ group_id: '_default', welcome_text: 'Welcome {{name}}!', welcome_enabled: true }), {
        group_id: '_default',
        welcome_text: 'Welcome {{name}}!',
        goodbye_text: null,
        welcome_enabled: true,
        goodbye_enabled: false,
        delete_previous: false,
        burst_joins: 3,
        burst_window_seconds: 30,
      });
    });

    it('enables a message by default when its text is given', () => {
      const c = WelcomeConfigSchema.parse({ group_id: '@g', goodbye_text: 'Bye {{name}}' });
      assert.deepEqual([c.welcome_enabled, c.goodbye_enabled], [false, true]);
      assert.equal(WelcomeConfigSchema.parse({ group_id: '@g', goodbye_text: 'Bye', goodbye_enabled: false }).goodbye_enabled, false);
    });

    it('refuses an enabled message without text, unknown variables, blanks and out-of-bound burst settings', () => {
      const refusal = WelcomeConfigSchema.safeParse({ group_id: '@g', welcome_enabled: true });
      assert.equal(refusal.success, false);
      assert.deepEqual(refusal.error!.issues.map((i) => i.path), [['welcome_text']]);
      const unknown = WelcomeConfigSchema.safeParse({ group_id: '@g', welcome_text: 'Hi {{first_name}}' });
      assert.equal(unknown.success, false);
      assert.match(unknown.error!.issues[0]!.message, /unknown variables \{\{first_name\}\}; known: \{\{name\}\}, \{\{username\}\}, \{\{group\}\}/);
      for (const bad of [
        { group_id: '  ', welcome_text: 'hi' },
        { group_id: '@g', welcome_text: '   ' },
        { group_id: '@g', welcome_text: 'x'.repeat(4097) },
        { group_id: '@g', welcome_text: 'hi', burst_joins: 0 },
        { group_id: '@g', welcome_text: 'hi', burst_window_seconds: 3601 },
        { group_id: '@g', welcome_text: 'hi', burst_window_seconds: 1.5 },
      ]) {
        assert.equal(WelcomeConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
      }
    });

    it("uses a chat's own config, else _default, else none", () => {
      const own = config({ group_id: '@own', welcome_text: 'Own' });
      const fallback = config();
      assert.equal(welcomeConfigFor([fallback, own], ['@own']), own);
      assert.equal(welcomeConfigFor([fallback, own], ['@other']), fallback);
      assert.equal(welcomeConfigFor([own], ['@other']), null);
    });

    it("finds a chat's config by any of its names, in the order given", () => {
      const byUsername = config({ group_id: '@own', welcome_text: 'By username' });
      const byId = config({ group_id: '-1001', welcome_text: 'By id' });
      assert.equal(welcomeConfigFor([config(), byUsername], ['-1001', '@own']), byUsername);
      assert.equal(welcomeConfigFor([byUsername, byId], ['-1001', '@own']), byId);
    });
  });

  describe('group_id', () => {
    it('keeps _default, and gives Telegram keys and WhatsApp JIDs their canonical forms', () => {
      assert.equal(canonicalWelcomeGroup(' _default '), '_default');
      for (const raw of ['@Channel1', 'channel1', 't.me/Channel1', 'https://telegram.me/channel1']) assert.equal(canonicalWelcomeGroup(raw), '@channel1', raw);
      assert.equal(canonicalWelcomeGroup('-1001234567890'), '-1001234567890');
      assert.equal(canonicalWelcomeGroup('120363012345678901@G.US'), '120363012345678901@g.us');
      assert.equal(canonicalWelcomeGroup('+49 151 2345678'), '491512345678@s.whatsapp.net');
    });

    it('refuses what names no chat', () => {
      for (const raw of ['_other', 'a b', 't.me/+invite', 'x@g.us', '@ab']) assert.equal(canonicalWelcomeGroup(raw), null, raw);
    });
  });

  describe('rendering', () => {
    it('renders name, username and group, tolerating spaces, leaving unknown variables as written', () => {
      assert.equal(
        renderMemberText('Hi {{ name }} ({{username}}) in {{group}} {{other}}', memberTextValues([member('alice', 'Alice')], 'Cats')),
        'Hi Alice (@alice) in Cats {{other}}',
      );
      assert.deepEqual(unknownMemberVariables('{{a}} {{name}} {{a}} {{date}}'), ['a', 'date']);
    });

    it('names a member without a name by @username, else by id; a missing username is empty', () => {
      assert.equal(displayName(member('bob', null)), '@bob');
      assert.equal(displayName(member('42', '  ', null)), '42');
      assert.equal(memberTextValues([member('42', 'Ann', null)], 'G').username, '');
    });

    it('names several members in one sentence, counting those past ten', () => {
      const names = (n: number) => memberTextValues(Array.from({ length: n }, (_, i) => member(`m${i}`, `M${i}`)), 'G').name;
      assert.equal(names(2), 'M0 and M1');
      assert.equal(names(3), 'M0, M1 and M2');
      assert.equal(names(10), 'M0, M1, M2, M3, M4, M5, M6, M7, M8 and M9');
      assert.equal(names(11), 'M0, M1, M2, M3, M4, M5, M6, M7, M8, M9 and 1 other');
      assert.equal(names(15), 'M0, M1, M2, M3, M4, M5, M6, M7, M8, M9 and 5 others');
    });

    it('renders a welcome and a goodbye only when enabled', () => {
      const c = config({ goodbye_text: 'Bye {{name}}' });
      assert.equal(welcomeText(c, [member('a', 'Ann'), member('b', 'Ben')], 'Cats'), 'Welcome Ann and Ben to Cats!');
      assert.equal(goodbyeText(c, member('a', 'Ann'), 'Cats'), 'Bye Ann');
      assert.equal(welcomeText(config({ welcome_enabled: false }), [member('a')], 'Cats'), null);
      assert.equal(goodbyeText(config(), member('a'), 'Cats'), null);
    });
  });

  describe('planWelcome', () => {
    const burst = { burst_joins: 3, burst_window_seconds: 30 };

    it('greets a join of a quiet chat alone, at once', () => {
      const j = join('a', 0);
      assert.deepEqual(planWelcome([j], at(0), burst), { kind: 'single', joinIds: ['a'], member: j.member });
      assert.deepEqual(planWelcome([join('a', 0, true)], at(0), burst), { kind: 'none' });
    });

    it('greets up to burst_joins joins in the window alone', () => {
      const joins = [join('a', 0, true), join('b', 1, true), join('c', 2)];
      assert.deepEqual(planWelcome(joins, at(2), burst), { kind: 'single', joinIds: ['c'], member: joins[2]!.member });
    });

    it('holds the joins past burst_joins until the window has passed, then greets them in one message', () => {
      const greeted = [join('a', 0, true), join('b', 1, true), join('c', 2, true)];
      const burstJoins = [join('d', 3), join('e', 10), join('f', 33), join('g', 34)];
      const joins = [...greeted, ...burstJoins];
      assert.deepEqual(planWelcome(joins, at(20), burst), { kind: 'wait', until: at(33), joinIds: ['d', 'e', 'f'] });
      assert.deepEqual(planWelcome(joins, at(32.999), burst).kind, 'wait');
      assert.deepEqual(planWelcome(joins, at(33), burst), {
        kind: 'group',
        joinIds: ['d', 'e', 'f'],
        members: burstJoins.slice(0, 3).map((j) => j.member),
      });
    });

    it('counts a burst as more than burst_joins joins within the window, not one exactly window old', () => {
      const edge = [join('a', 0, true), join('b', 10, true), join('c', 20, true), join('d', 30)];
      assert.equal(planWelcome(edge, at(30), burst).kind, 'single');
      const inside = [join('a', 0.001, true), join('b', 10, true), join('c', 20, true), join('d', 30)];
      assert.equal(planWelcome(inside, at(30), burst).kind, 'wait');
    });

    it('starts the next batch after a group welcome', () => {
      const joins = [join('a', 0, true), join('b', 1, true), join('c', 2, true), join('d', 3, true), join('e', 4, true), join('f', 40)];
      assert.deepEqual(planWelcome(joins, at(40), burst), { kind: 'single', joinIds: ['f'], member: joins[5]!.member });
      const raid = [...joins.slice(0, 5), join('f', 20), join('g', 21), join('h', 22)];
      assert.deepEqual(planWelcome(raid, at(25), burst), { kind: 'wait', until: at(50), joinIds: ['f', 'g', 'h'] });
    });

    it('greets a burst\'s lone leftover join alone', () => {
      const joins = [join('a', 0, true), join('b', 1, true), join('c', 2, true), join('d', 3)];
      assert.deepEqual(planWelcome(joins, at(33), burst), { kind: 'single', joinIds: ['d'], member: joins[3]!.member });
    });

    it('names a member who joined twice in a burst once, covering both joins', () => {
      const twice = { ...join('e', 5), member: member('u-d') };
      const joins = [join('a', 0, true), join('b', 1, true), join('c', 2, true), join('d', 3), twice];
      const plan = planWelcome(joins, at(60), burst);
      assert.equal(plan.kind, 'group');
      assert.deepEqual(plan.kind === 'group' && [plan.joinIds, plan.members], [['d', 'e'], [member('u-d')]]);
    });

    it('greets every join alone when burst_window_seconds is 0', () => {
      const joins = [join('a', 0), join('b', 0), join('c', 0), join('d', 0), join('e', 0)];
      assert.deepEqual(planWelcome(joins, at(0), { burst_joins: 1, burst_window_seconds: 0 }), {
        kind: 'single',
        joinIds: ['a'],
        member: joins[0]!.member,
      });
    });

    it('covers each join in exactly one greeting when the pipeline follows its plans', () => {
      const joins = Array.from({ length: 40 }, (_, i) => join(String(i).padStart(2, '0'), i * 2));
      const covered: string[] = [];
      const kinds: string[] = [];
      for (let now = 0; now <= 200; now++) {
        const stored = joins.filter((j) => j.at.getTime() <= at(now).getTime());
        for (;;) {
          const plan = planWelcome(stored, at(now), burst);
          if (plan.kind === 'none' || plan.kind === 'wait') break;
          kinds.push(plan.kind);
          covered.push(...plan.joinIds);
          for (const j of stored) if (plan.joinIds.includes(j.id)) j.greeted = true;
        }
      }
      assert.deepEqual(covered, joins.map((j) => j.id));
      // Three welcomes alone, then one message per window for the raid (joins every 2 s for 80 s).
      assert.deepEqual(kinds, ['single', 'single', 'single', 'group', 'group', 'group']);
    });
  });
});
