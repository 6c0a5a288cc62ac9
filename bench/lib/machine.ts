import { cpus, freemem, loadavg, totalmem, release } from 'node:os';
import pg from 'pg';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverage: number[];
  node: string;
  os: string;
  database: string;
  threadPoolSize: string;
}

/** What the figures were measured on: they mean little without it. */
export async function describeMachine(databaseUrl: string | undefined): Promise<MachineInfo> {
  let database = 'PGlite (embedded PostgreSQL in WebAssembly)';
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
      database = `PostgreSQL ${rows[0].v} (${new URL(databaseUrl).host})`;
    } finally {
      await client.end();
    }
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    os: `${process.platform} ${release()}`,
    database,
    threadPoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (libuv default)',
  };
}
