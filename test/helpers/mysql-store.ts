import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The machine's MariaDB (root, no password), as `.ci/run` starts it. */
export const MYSQL_ROOT_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A database of its own for one test, so parallel tests never collide. */
export async function createMysqlDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `adieu_m${randomBytes(4).toString('hex')}_${process.pid}`;
  const admin = await mysql.createConnection(MYSQL_ROOT_URL);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = new URL(MYSQL_ROOT_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const conn = await mysql.createConnection(MYSQL_ROOT_URL);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

export async function mysqlReachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_ROOT_URL, connectTimeout: 2_000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}
