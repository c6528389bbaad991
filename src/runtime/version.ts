import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The project's package.json, found upward from here: from source (src/) and from a build (dist/src/). */
function findPackageJson(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'autohub') {
      return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error('package.json of autohub not found');
  }
}

const packageJson = findPackageJson(__dirname);

/** AutoHub's version, from package.json. */
export const version: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** The folder of package.json: the checkout, or /app in the image. */
export const APP_ROOT = path.dirname(packageJson);
