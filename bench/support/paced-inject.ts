/**
 * Run as a child process: POSTs the requests of a JSON file at a steady rate (requests per
 * second), without waiting for one answer before the next, and prints, as JSON, when each went
 * out and how it was answered. Keeps the load generator off the event loop it measures.
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
    const response = await fetch(baseUrl + request.path, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify(request.body),
    });
    await response.arrayBuffer();
    return { sentAt, status: response.status };
  });
  process.stdout.write(JSON.stringify(await Promise.all(answers)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
