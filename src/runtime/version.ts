import { readFileSync } from 'node:fs';
import path from 'node:path';

/** AutoHub's version, from package.json. */
export const version: string = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
).version;
