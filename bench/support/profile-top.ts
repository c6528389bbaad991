/**
 * `tsx bench/support/profile-top.ts <file.cpuprofile> [n] [--by=function|package]`: the top
 * costs of a `node --cpu-prof` profile by self time, as a share of the samples that were not
 * idle — the figures the performance notes quote before and after a cut.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function main(): void {
  const [file, count = '10', ...flags] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top <file.cpuprofile> [n] [--by=function|package]');
  const byPackage = flags.includes('--by=package');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const costs = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const hits = node.hitCount ?? 0;
    if (functionName === '(idle)' || functionName === '(program)' || hits === 0) continue;
    busy += hits;
    const key = byPackage ? packageOf(url, functionName) : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    costs.set(key, (costs.get(key) ?? 0) + hits);
  }
  const top = [...costs].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
  for (const [key, hits] of top) console.log(`${((hits / busy) * 100).toFixed(1).padStart(5)} %  ${key}`);
}

/** Where a frame's code comes from: a package, AutoHub's own source, Node itself, or the engine. */
function packageOf(url: string, functionName: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.includes('/src/')) return `autohub ${url.slice(url.indexOf('/src/') + 1)}`;
  if (url.startsWith('node:')) return url;
  return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench|test)\//, '$1/');
}

main();
