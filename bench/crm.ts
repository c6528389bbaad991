/**
 * The contact CRM at 100,000 contacts: one JSON import of 100,000 rows (target <= 5 s), 200
 * varied searches over them (p99 target <= 50 ms), and a CSV export of all of them while the
 * process's RSS is sampled (growth target <= 50 MB). The API runs in this process, so its memory
 * is what the samples see. A refused request, a search that finds nothing at all or an export
 * missing records fails the bench.
 */
import { newUser } from '../test/support/http';
import { getStack } from '../test/support/stack';
import { runBench } from './support/run-bench';
import { figure, percentile } from './support/stats';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const SEARCHES = 200;
const FIRST = ['Anna', 'Bert', 'Cleo', 'Dora', 'Emil', 'Fritz', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karla', 'Lotte', 'Milan', 'Nora', 'Otto'];
const LAST = ['Schmidt', 'Meyer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Braun'];

function contactsToImport(): object[] {
  return Array.from({ length: CONTACTS }, (_, i) => ({
    name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${i}`,
    phone: `+4915${String(i).padStart(9, '0')}`,
    ...(i % 3 === 0 && { username: `user_${i}` }),
    tags: [`batch${i % 10}`, ...(i % 17 === 0 ? ['vip'] : [])],
    segment: ['lead', 'customer', 'churned'][i % 3],
    fields: { source: 'bench', rank: i % 100 },
  }));
}

/** Searches of every kind: name parts, full names, phone digits, usernames, misses. */
function searches(): string[] {
  const queries: string[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const n = (i * 4_999) % CONTACTS;
    const kinds = [
      FIRST[i % FIRST.length]!.slice(0, 3),
      `${LAST[i % LAST.length]} ${n}`,
      String(15_000_000_000 + n).slice(3, 11),
      `user_${n - (n % 3)}`,
      `nobody${i}`,
    ];
    queries.push(kinds[i % kinds.length]!);
  }
  return queries;
}

async function main(): Promise<void> {
  const stack = await getStack();
  const { api, key } = await newUser('crm-bench');
  console.log(`crm over ${CONTACTS} contacts, ${SEARCHES} searches, one export`);

  const rows = contactsToImport();
  const importStart = performance.now();
  const imported = await api.post('/api/contacts/import', { contacts: rows });
  const importMs = performance.now() - importStart;
  if (imported.status !== 200 || imported.body.created !== CONTACTS) throw new Error(`import failed: ${imported.status} ${JSON.stringify(imported.body).slice(0, 300)}`);
  figure(`import of ${CONTACTS} contacts (target <= 5000 ms)`, importMs, 'ms');

  const latencies: number[] = [];
  let found = 0;
  for (const query of searches()) {
    const start = performance.now();
    const reply = await api.get(`/api/contacts?search=${encodeURIComponent(query)}&limit=50`);
    latencies.push(performance.now() - start);
    if (reply.status !== 200) throw new Error(`search ${query} failed: ${reply.status}`);
    if (reply.body.total > 0) found++;
  }
  console.log(`${found} of ${SEARCHES} searches found contacts`);
  if (found === 0) throw new Error('no search found any contact');
  figure(`search p50 over ${CONTACTS} contacts`, percentile(latencies, 50), 'ms');
  figure(`search p99 over ${CONTACTS} contacts (target <= 50 ms)`, percentile(latencies, 99), 'ms');

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const exportStart = performance.now();
  const response = await fetch(`${stack.baseUrl}/api/contacts/export`, { headers: { 'X-API-Key': key } });
  if (response.status !== 200 || !response.body) throw new Error(`export failed: ${response.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  clearInterval(sampler);
  const exportMs = performance.now() - exportStart;
  console.log(`the export held ${lines - 1} records in ${(bytes / 1024 / 1024).toFixed(1)} MB`);
  if (lines - 1 !== CONTACTS) throw new Error(`export had ${lines - 1} records, not ${CONTACTS}`);
  figure(`export of ${CONTACTS} contacts`, exportMs, 'ms');
  figure(`RSS growth during the export of ${CONTACTS} contacts (target <= 50 MB)`, (peak - baseline) / 1024 / 1024, 'MB');
}

runBench(main);
