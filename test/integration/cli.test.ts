import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, request } from '../support/http';
import { getStack } from '../support/stack';

const run = promisify(execFile);

/** Runs `autohub <args>` against the suite's database; answers its exit code and output. */
async function autohub(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { databaseUrl } = await getStack();
  const env = { ...process.env, DATABASE_URL: databaseUrl, AUTOHUB_SECRET_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'error' };
  const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli.ts', ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const keyIn = (output: string) => /api key: (ahk_\S+)/.exec(output)?.[1];

describe('autohub users / keys (the shell side of the admin API)', function () {
  this.timeout(120_000);

  it('creates a user whose key works, issues it another, and revokes that one', async () => {
    const created = await autohub('users', 'create', '--name', 'shell-made');
    assert.equal(created.code, 0, created.stderr);
    const userId = /user (\S+) \(user\) created/.exec(created.stdout)?.[1];
    const first = keyIn(created.stdout);
    assert.ok(userId && first, created.stdout);
    const me = await request('GET', '/api/v1/system-info', { key: first });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.name, 'shell-made');

    const issued = await autohub('keys', 'issue', '--user', userId);
    assert.equal(issued.code, 0, issued.stderr);
    const keyId = /key (\S+) issued for shell-made/.exec(issued.stdout)?.[1];
    const second = keyIn(issued.stdout);
    assert.ok(keyId && second, issued.stdout);
    assert.equal((await request('GET', '/api/status', { key: second })).status, 200);

    const revoked = await autohub('keys', 'revoke', keyId);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`key ${keyId} revoked`));
    // The revocation reaches the API process by notification; the other key keeps working.
    await eventually(async () => ((await request('GET', '/api/status', { key: second })).status === 401 ? true : undefined), 10_000, 'the revoked key to fail');
    assert.equal((await request('GET', '/api/status', { key: first })).status, 200);
  });

  it('says which user or key does not exist, and exits 1', async () => {
    const noUser = await autohub('keys', 'issue', '--user', 'nobody');
    assert.equal(noUser.code, 1);
    assert.match(noUser.stderr, /^no user nobody/);
    const noKey = await autohub('keys', 'revoke', '00000000-0000-4000-8000-000000000000');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /^no key 00000000-0000-4000-8000-000000000000/);
  });
});
