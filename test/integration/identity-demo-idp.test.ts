import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('adieu demo-idp', () => {
  it('starts a provider with the demo buyers and prints a configuration Adieu accepts', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/adieu.js'), 'demo-idp', '--port', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk) => {
          out += chunk;
          if (out.trimEnd().endsWith('}')) resolve();
        });
        child.once('exit', () => reject(new Error(`demo-idp exited: ${out}`)));
      });
      expect(out).toContain('Logins: dan, ada, ben, cai');
      const printed = JSON.parse(out.slice(out.indexOf('{')));
      const { writeFileSync, mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const file = join(mkdtempSync(join(tmpdir(), 'adieu-idp-')), 'config.json');
      writeFileSync(file, JSON.stringify(printed));
      expect(loadConfig({ env: { ADIEU_CONFIG: file } }).identity.oidc).toMatchObject({ issuer: `http://127.0.0.1:${port}`, clientId: 'adieu' });
      const discovery = await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json();
      expect(discovery).toMatchObject({ issuer: `http://127.0.0.1:${port}`, backchannel_logout_supported: true, code_challenge_methods_supported: ['S256'] });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
