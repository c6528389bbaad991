/**
 * `npm run histories:record`: runs the whole test suite with AUTOHUB_RECORD_HISTORIES=1, so the
 * replay test, after the integration tests, commits the shortest history of every workflow path
 * that no file under test/replay/histories covers yet. Existing files are left as they are.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const result = spawnSync('npm', ['test'], {
  cwd: root,
  env: { ...process.env, AUTOHUB_RECORD_HISTORIES: '1' },
  stdio: 'inherit',
});
if (result.error) throw result.error;
if (result.status !== 0) console.error('\nThe suite failed: check the histories it recorded (git status test/replay/histories) before committing any.');
process.exit(result.status ?? 1);
