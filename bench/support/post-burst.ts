/**
 * Run as a child process: POSTs every body of a JSON file to one URL at once and prints, as JSON,
 * each request's latency and answer. Keeps the load generator off the event loop it measures.
 */
import { readFileSync } from 'node:fs';

async function main(): Promise<void> {
  const [url, key, file] = process.argv.slice(2);
  if (!url || !key || !file || !/^http:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error('usage: post-burst <loopback url> <key> <bodies.json>');
  const bodies = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  const results = await Promise.all(
    bodies.map(async (body) => {
      const started = Date.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      return { status: response.status, answer, latencyMs: Date.now() - started, acceptedAt: Date.now() };
    }),
  );
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
