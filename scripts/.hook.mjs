import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = [];
port1.on('message', (m) => seen.push(m));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(`let port; export function initialize(d){port=d.port} export async function resolve(s,c,n){const r=await n(s,c); port.postMessage(r.url); return r;}`), { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  const counts = {};
  for (const u of seen) { const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u); const k = m ? m[1] : u.startsWith('file:') ? 'app' : 'builtin'; counts[k] = (counts[k] ?? 0) + 1; }
  console.error(JSON.stringify(Object.entries(counts).sort((a,b)=>b[1]-a[1])));
});
