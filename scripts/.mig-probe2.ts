import { openDatabase } from '../src/db/database.ts';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { installJobSchema } from '../src/jobs/job-queue.ts';
import { MIGRATIONS_FOLDER } from '../src/db/migrations-folder.ts';
const cpu = () => { const c = process.cpuUsage(); return Math.round((c.user + c.system) / 1000); };
let t = performance.now(); let c = cpu();
const lap = (what: string) => { const n = performance.now(); const nc = cpu(); console.log(what, Math.round(n - t), 'ms, cpu', nc - c); t = n; c = nc; };
const db = await openDatabase({ dataDir: process.argv[2] });
lap('open');
const client = db.pglite!;
if (process.argv[3] === 'check') {
  await client.query('select max(created_at) from drizzle.__drizzle_migrations');
  lap('select last migration');
}
await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
lap('drizzle migrate');
await installJobSchema((text, values) => client.query(text, values ?? []), (text) => client.exec(text));
lap('job schema');
await db.executeSql('select count(*) from users');
lap('count users');
await db.close();
