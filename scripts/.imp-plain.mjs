const t = performance.now();
await import(process.argv[2]);
const c = process.cpuUsage();
console.log(process.argv[2], 'import ms', Math.round(performance.now() - t), 'total cpu ms', Math.round((c.user + c.system) / 1000), 'rss MiB', Math.round(process.memoryUsage().rss / 1048576));
process.exit(0);
