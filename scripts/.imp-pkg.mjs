const base = process.cpuUsage();
const t = performance.now();
for (const s of process.argv.slice(2)) await import(s);
const c = process.cpuUsage(base);
console.log(process.argv.slice(2).join(' '), 'ms', Math.round(performance.now() - t), 'cpu', Math.round((c.user + c.system) / 1000), 'rss', Math.round(process.memoryUsage().rss / 1048576));
process.exit(0);
