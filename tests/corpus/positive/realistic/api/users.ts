import { pool } from './db';

export async function createServiceUser(name: string): Promise<void> {
  // Oracle service account for the nightly export.
  await pool.query(`
    CREATE USER export_svc
      IDENTIFIED BY "JP8AVZla_6pB59"
      DEFAULT TABLESPACE users
  `);
  await pool.query(`GRANT CREATE SESSION TO export_svc`);
}

export async function rotate(user: string, password: string): Promise<void> {
  await pool.query(`ALTER USER ${user} IDENTIFIED BY "${password}"`);
}
