/**
 * Run as a child process: POSTs the requests of a JSON file at a steady rate (requests per
 * second), without waiting for one answer before the next, and prints, as JSON, when each went
 * out and how it was answered — status 0, with the error, for one that got no answer at all (a
 * refused or timed-out connection), so the caller sees every request's fate and decides. Keeps
 * the load generator off the event loop it measures.
 */
import { readFileSync } from 'node:fs';

interface Planned {
  path: string;
  body: unknown;
}

async function main(): Promise<void> {
  const [baseUrl, key, file, rateText] = process.argv.slice(2);
  const rate = Number(rateText);
  if (!baseUrl || !key || !file || !(rate > 0) || !/^http:\/\/127\.0\.0\.1[:/]/.test(baseUrl)) {
    throw new Error('usage: paced-inject <loopback base url> <key> <requests.json> <per second>');
  }
  const planned = JSON.parse(readFileSync(file, 'utf8')) as Planned[];
  const start = Date.now();
  const answers = planned.map(async (request, i) => {
    const due = start + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    const sentAt = Date.now();
    try {
      const response = await fetch(baseUrl + request.path, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
        body: JSON.stringify(request.body),
      });
      await response.arrayBuffer();
      return { sentAt, status: response.status };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { sentAt, status: 0, error: cause?.code ?? cause?.message ?? String(err) };
    }
  });
  process.stdout.write(JSON.stringify(await Promise.all(answers)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
