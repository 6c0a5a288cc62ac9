import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2];
const file = readdirSync(dir)[0];
const p = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const pkg = (url) => {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = /startup\/(dist|src)\/([^/]+)/.exec(url);
  if (s) return 'app:' + s[2];
  return url.startsWith('node:') ? 'node:' : url.slice(0, 60);
};
const self = new Map();
for (const n of p.nodes) {
  const k = pkg(n.callFrame.url) + (n.callFrame.url ? '' : ' ' + n.callFrame.functionName);
  self.set(k, (self.get(k) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', Math.round(total));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(Math.round(v), k);
