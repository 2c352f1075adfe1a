// @ts-check
/** Fixed loopback ports for the e2e servers (override with MARGINALIA_SITE_PORT / _FOREIGN_PORT). */
export const SITE_PORT = Number(process.env.MARGINALIA_SITE_PORT ?? 4400);
export const FOREIGN_PORT = Number(process.env.MARGINALIA_FOREIGN_PORT ?? 4401);
export const SITE = `http://127.0.0.1:${SITE_PORT}`;
export const FOREIGN = `http://127.0.0.1:${FOREIGN_PORT}`;
