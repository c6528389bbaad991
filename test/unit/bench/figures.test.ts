import assert from 'node:assert/strict';
import { meets, parseFigure, parseTarget, type Figure } from '../../../bench/support/figures';
import { figure } from '../../../bench/support/stats';

/** The lines `fn` writes with console.log. */
function printed(fn: () => void): string[] {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines;
}

function targetOf(name: string, unit = ''): ReturnType<typeof parseTarget> {
  return parseTarget({ name, value: 0, unit });
}

describe('bench figures', () => {
  it('reads back every line figure() prints, with its name, value and unit', () => {
    const lines = printed(() => {
      figure('sends per second, AutoHub on the sandbox (target >= 600)', 612.345, 'sends/s');
      figure('ratio authenticated GET / bare Koa at 50 connections (target >= 0.7)', 0.6649);
      figure('deliveries per second', 1234.56, 'deliveries per s');
      figure('p99 at 400 msg/s', NaN, 'ms');
    });
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map(parseFigure), [
      { name: 'sends per second, AutoHub on the sandbox (target >= 600)', value: 612.3, unit: 'sends/s' },
      // Two decimals under 10, so a ratio just below its target does not round onto it.
      { name: 'ratio authenticated GET / bare Koa at 50 connections (target >= 0.7)', value: 0.66, unit: '' },
      { name: 'deliveries per second', value: 1234.6, unit: 'deliveries per s' },
      { name: 'p99 at 400 msg/s', value: NaN, unit: 'ms' },
    ]);
  });

  it('takes descriptive lines for no figure, even those with a colon before a number', () => {
    for (const line of [
      'at 50 msg/s: 200 injected, 0 refused, 200 answered',
      'connections: 50, duration: 10s each',
      'run 1: killed after 5 sends; status completed',
      'counted: 900 sent + 100 failed = 1000 of 1000',
      'targets: p50 <= 100 ms at 50 msg/s',
      '{"level":50,"msg":"boom"}',
      '',
    ]) {
      assert.equal(parseFigure(line), undefined, line);
    }
  });

  it('reads the target a name states, with its comparison, in the figure unit', () => {
    assert.deepEqual(targetOf('accept to first send p99 (sandbox burst, target <= 1000)', 'ms'), { op: '<=', low: 1000, high: 1000, text: '<= 1000' });
    assert.deepEqual(targetOf('p99 (target ≤ 15 ms)', 'ms'), { op: '<=', low: 15, high: 15, text: '<= 15 ms' });
    assert.deepEqual(targetOf('fan-out (target >= 1,500)', 'sends/s'), { op: '>=', low: 1500, high: 1500, text: '>= 1,500' });
    assert.deepEqual(targetOf('highest rate held (target >= 300 msg/s)', 'msg/s'), { op: '>=', low: 300, high: 300, text: '>= 300 msg/s' });
    assert.deepEqual(targetOf('measured / estimated (target 0.8–1.2)'), { op: 'range', low: 0.8, high: 1.2, text: '0.8–1.2' });
    assert.deepEqual(targetOf('gap 1 (target 9000-12250 ms)', 'ms'), { op: 'range', low: 9000, high: 12250, text: '9000–12250 ms' });
    assert.deepEqual(targetOf('lost messages over 10 crash runs (target 0)'), { op: '=', low: 0, high: 0, text: '= 0' });
    // Converted: a target in MB checks a figure printed in KB, one in s a figure in ms.
    assert.deepEqual(targetOf('RSS per session (target ≤ 1 MB = 1024 KB)', 'KB'), { op: '<=', low: 1024, high: 1024, text: '<= 1 MB' });
    assert.equal(targetOf('p99 (target < 1 s)', 'ms')?.low, 1000);
  });

  it('finds no target in a name that states none', () => {
    for (const name of ['search p50 over 100000 contacts', 'sends per second over 50 targets', 'targets reached']) {
      assert.equal(targetOf(name), undefined, name);
    }
  });

  it('says whether a value meets its target, and that a missing value never does', () => {
    const check = (name: string, value: number, unit = '') => {
      const f: Figure = { name, value, unit };
      return meets(value, parseTarget(f)!);
    };
    assert.equal(check('x (target >= 0.7)', 0.7), true);
    assert.equal(check('x (target >= 0.7)', 0.66), false);
    assert.equal(check('x (target <= 15 ms)', 15, 'ms'), true);
    assert.equal(check('x (target <= 15 ms)', 15.1, 'ms'), false);
    assert.equal(check('x (target < 1 s)', 999, 'ms'), true);
    assert.equal(check('x (target < 1 s)', 1000, 'ms'), false);
    assert.equal(check('x (target 0.8–1.2)', 1.2), true);
    assert.equal(check('x (target 0.8–1.2)', 1.21), false);
    assert.equal(check('x (target 0)', 0), true);
    assert.equal(check('x (target 0)', 1), false);
    assert.equal(check('x (target <= 50 ms)', NaN, 'ms'), false);
  });
});
