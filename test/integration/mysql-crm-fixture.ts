import type mysql from 'mysql2/promise';
import { DELETE_BATCH } from '../../src/erasure/connectors/mysql.ts';

/** The platform's CRM in MySQL: `db` is the test's own database (the map's schema part). */
export const crmMap = (db: string) => `store: crmsql
title: "The platform's CRM, in MySQL"
database: { config: crmsql }
vacuum: true
tables:
  ${db}.customers:
    rows: update
    reach: { column: user_ref, identity: user_id }
    columns:
      id: non_personal
      user_ref: { action: keep_pseudonymous, note: "Adieu's user id (the tombstone)" }
      email: { action: set_null, identifier: email, category: user.contact.email }
      phone: { action: pseudonymise, identifier: phone, category: user.contact.phone_number }
      full_name: { action: replace, value: "erased", identifier: name, category: user.name }
      created_at: { action: generalise, generalise: { method: date_trunc, unit: month } }
  ${db}.addresses:
    rows: update
    reach: { column: customer_id, references: ${db}.customers.id }
    columns:
      id: non_personal
      customer_id: { action: keep_pseudonymous, note: "the customer's id" }
      line1: { action: set_null, identifier: address, category: user.contact.address.street }
      city: { action: generalise, generalise: { method: keep } }
      postcode: { action: generalise, generalise: { method: truncate, length: 3 } }
  ${db}.support_tickets:
    rows: retain
    reach: { column: customer_id, references: ${db}.customers.id }
    retain: { legalBasis: "Consumer complaints kept 3 years (consumer protection law)", period: P3Y, from: opened_at }
    columns:
      id: non_personal
      customer_id: { action: keep_pseudonymous, note: "the customer's id" }
      body: { action: set_null, identifier: free_text }
      opened_at: non_personal
  ${db}.order_notes:
    rows: delete
    reach: { column: customer_id, references: ${db}.customers.id }
    columns:
      id: non_personal
      customer_id: delete_row
      note: { action: delete_row, identifier: free_text }
  ${db}.page_views:
    rows: delete
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: delete_row
      page: { action: delete_row, category: user.behavior.browsing_history }
`;

/**
 * A CRM table that knows a buyer only by the platform's own id (its `sub`, Adieu's externalId),
 * to append to `crmMap`: the erasure reaches it with the buyer's externalId and deletes the rows.
 */
export const crmLoyaltyMap = (db: string) => `  ${db}.loyalty_accounts:
    rows: delete
    reach: { column: platform_user_id, identity: external_id }
    columns:
      id: non_personal
      platform_user_id: { action: delete_row, category: user.unique_id, identifier: external_id }
      nickname: { action: delete_row, identifier: name, category: user.name }
      points: non_personal
`;

/** Creates the loyalty table and its rows: [platform's buyer id, nickname, points]. */
export async function seedCrmLoyalty(conn: mysql.Connection, rows: Array<[string, string, number]>): Promise<void> {
  await conn.query('CREATE TABLE loyalty_accounts (id int AUTO_INCREMENT PRIMARY KEY, platform_user_id varchar(255) NOT NULL, nickname varchar(200), points int NOT NULL, KEY (platform_user_id)) ENGINE=InnoDB');
  await conn.query('INSERT INTO loyalty_accounts (platform_user_id, nickname, points) VALUES ?', [rows]);
}

const SCHEMA = `
CREATE TABLE customers (id int PRIMARY KEY, user_ref varchar(64) NOT NULL, email varchar(200), phone varchar(64), full_name varchar(200), created_at datetime NOT NULL, KEY (user_ref)) ENGINE=InnoDB;
CREATE TABLE addresses (id int PRIMARY KEY, customer_id int NOT NULL, line1 varchar(200), city varchar(80), postcode varchar(20), KEY (customer_id), FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
CREATE TABLE support_tickets (id int PRIMARY KEY, customer_id int NOT NULL, body text, opened_at datetime NOT NULL, KEY (customer_id), FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
CREATE TABLE order_notes (id int PRIMARY KEY, customer_id int NOT NULL, note text, KEY (customer_id), FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
CREATE TABLE page_views (user_ref varchar(64) NOT NULL, page varchar(200) NOT NULL, KEY (user_ref)) ENGINE=InnoDB;`;

/** The columns a reviewer calls personal (the ids that tie rows to a buyer included). */
export const PERSONAL = ['customers.user_ref', 'customers.email', 'customers.phone', 'customers.full_name', 'addresses.line1', 'addresses.postcode', 'support_tickets.body', 'order_notes.note', 'page_views.user_ref'];
export const TABLES = ['customers', 'addresses', 'support_tickets', 'order_notes', 'page_views'];
const OTHERS = 150;
/** More page views than one batch holds, so the delete runs in several transactions. */
export const ADA_VIEWS = DELETE_BATCH * 2 + 37;

export async function seedCrm(conn: mysql.Connection, ada: string, ben: string, adaViews = ADA_VIEWS): Promise<void> {
  for (const statement of SCHEMA.split(';').map((s) => s.trim()).filter(Boolean)) await conn.query(statement);
  const customers: unknown[][] = [[1, ada, 'ada@example.com', '+86 138-0000-0001', 'Ada Lovelace', '2021-03-14 10:00:00']];
  customers.push([2, ben, 'ben@example.com', '+8613900000002', 'Ben Bitdiddle', '2022-01-01 09:00:00']);
  for (let i = 3; i < OTHERS; i++) customers.push([i, `u_other_${i}`, `buyer${i}@example.net`, `+86139${String(i).padStart(8, '0')}`, `Buyer Number${i}`, '2023-05-05 05:05:05']);
  await conn.query('INSERT INTO customers VALUES ?', [customers]);
  await conn.query('INSERT INTO addresses VALUES ?', [customers.map((c) => [c[0], c[0], `Flat ${String(c[0])}B, ${String(c[0])} Lovelace Lane`, 'Hangzhou', `3100${String(c[0])}`])]);
  await conn.query('INSERT INTO support_tickets VALUES ?', [
    customers.map((c) => [c[0], c[0], `Hello, this is ${String(c[4])}, call me on ${String(c[3])} about my parcel`, '2025-06-01 12:00:00']),
  ]);
  await conn.query('INSERT INTO order_notes VALUES ?', [customers.map((c) => [c[0], c[0], `Leave at the door of ${String(c[4])}`])]);
  const views: unknown[][] = [];
  for (let i = 0; i < adaViews; i++) views.push([ada, `/item/${i}`]);
  for (let i = 2; i < OTHERS; i++) views.push([customers[i - 1][1], `/item/${i}`]);
  for (let i = 0; i < views.length; i += 5000) await conn.query('INSERT INTO page_views VALUES ?', [views.slice(i, i + 5000)]);
}

export async function dump(conn: mysql.Connection): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const [rows] = await conn.query(`SELECT * FROM ${table}`);
    out[table] = (rows as Array<Record<string, unknown>>).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

