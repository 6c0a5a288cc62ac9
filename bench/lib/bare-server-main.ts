// Start-up baseline: a bare Fastify server loaded through the same TypeScript loader as bin/adieu.js.
import { startBareServer } from './bare-server.ts';

const { url } = await startBareServer('/api/health', '{"status":"ok"}');
process.stdout.write(`bare server listening on ${url}\n`);
process.on('SIGTERM', () => process.exit(0));
