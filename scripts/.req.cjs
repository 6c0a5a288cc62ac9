const c0 = process.cpuUsage();
for (const p of process.argv.slice(2)) require(p);
const c = process.cpuUsage(c0);
console.log(process.argv.slice(2).join(' '), 'require cpu', Math.round((c.user + c.system) / 1000), 'rss', Math.round(process.memoryUsage().rss / 1048576));
