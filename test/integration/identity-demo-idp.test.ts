import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { startDemoIdp } from '../../src/identity/demo-idp.ts';
import { checkIdentity } from '../../src/doctor/checks/identity.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

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

describe('adieu doctor: the identity checks', () => {
  const configWith = (input: Partial<ConfigInput>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'adieu-doctor-idp-')), 'config.json');
    writeFileSync(file, JSON.stringify(input));
    return loadConfig({ env: { ADIEU_CONFIG: file } });
  };

  it('says when the provider answers, signs with another algorithm, or does not answer', async () => {
    const idp = await startDemoIdp({ adieuUrl: 'http://127.0.0.1:3000', accounts: {} });
    try {
      const oidc = { issuer: idp.issuer, clientId: idp.clientId };
      const [good] = await checkIdentity(configWith({ identity: { oidc } }));
      expect(good).toMatchObject({ status: 'ok', detail: expect.stringContaining('back-channel logout supported') });
      const [wrongAlg] = await checkIdentity(configWith({ identity: { oidc: { ...oidc, idTokenAlg: 'EdDSA' } } }));
      expect(wrongAlg).toMatchObject({ status: 'failure', remedy: expect.stringContaining('idTokenAlg') });
    } finally {
      await idp.close();
    }
    const port = await freePort();
    const [down, keys] = await checkIdentity(
      configWith({ identity: { oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'adieu' }, handoff: { issuer: 'p', audience: 'adieu', jwksUrl: `http://127.0.0.1:${port}/jwks` } } }),
    );
    expect(down).toMatchObject({ status: 'failure', detail: expect.stringContaining('discovery failed') });
    expect(keys).toMatchObject({ status: 'failure', check: 'handoff keys' });
  });
});
