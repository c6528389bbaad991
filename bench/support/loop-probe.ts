/**
 * Installed in a measured process before its own code (see probed-cli.ts): watches its event loop
 * with `monitorEventLoopDelay` and answers its parent over the IPC channel, so a benchmark can
 * read the event-loop delay and heap of a role running in its own process without touching that
 * role's code. It adds one 10 ms timer (Node's default resolution) and
 * nothing else; it never keeps the process alive.
 *
 * Messages: `{ type: 'reset', id }` starts a new window; `{ type: 'read', id, gc }` answers a
 * {@link ProbeReading} for the window so far, after a full garbage collection when `gc` is set
 * (the process must run with `--expose-gc`); `{ type: 'profile', id, file }` starts a CPU profile
 * of the main thread, and the next one with the same `file` stops it and writes it there.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The timer interval the histogram samples at; a sample is the time between two of its ticks. */
export const PROBE_RESOLUTION_MS = 10;

/** What the probe answers to `read`: delays in ms, memory in bytes. */
export interface ProbeReading {
  type: 'reading';
  id: number;
  /**
   * How late the loop ran the probe's timer, in the window: each sample is the interval between
   * two ticks less the {@link PROBE_RESOLUTION_MS} it was due after, floored at 0.
   */
  delay: { p50: number; p99: number; max: number; samples: number };
  heapUsed: number;
  /** What V8 has reserved for the heap (used or not). */
  heapTotal: number;
  /** Memory of C++ objects tied to JavaScript ones (buffers among them). */
  external: number;
  rss: number;
}

/** A request the parent sends. */
export type ProbeRequest = { type: 'reset'; id: number } | { type: 'read'; id: number; gc?: boolean } | { type: 'profile'; id: number; file: string };

const histogram = monitorEventLoopDelay({ resolution: PROBE_RESOLUTION_MS });
histogram.enable();

const lateness = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - PROBE_RESOLUTION_MS);

let profiling: { session: Session; file: string } | undefined;

/** Starts a CPU profile, or stops the one under way and writes it to its file. */
function profile(file: string, done: () => void): void {
  if (!profiling) {
    const session = new Session();
    session.connect();
    profiling = { session, file };
    session.post('Profiler.enable', () => session.post('Profiler.start', done));
    return;
  }
  const { session } = profiling;
  profiling = undefined;
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(file, JSON.stringify(result.profile));
    session.disconnect();
    done();
  });
}

if (process.send) {
  process.on('message', (message: ProbeRequest) => {
    if (message.type === 'profile') {
      profile(message.file, () => process.send!({ type: 'profile', id: message.id }));
      return;
    }
    if (message.type === 'reset') {
      histogram.reset();
      process.send!({ type: 'reset', id: message.id });
      return;
    }
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    const reading: ProbeReading = {
      type: 'reading',
      id: message.id,
      delay: {
        p50: lateness(histogram.percentile(50)),
        p99: lateness(histogram.percentile(99)),
        max: lateness(histogram.max),
        samples: histogram.count,
      },
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      rss: memory.rss,
    };
    process.send!(reading);
  });
  // The channel is the benchmark's, not the role's: it must not keep a stopping process alive.
  process.channel?.unref();
}
