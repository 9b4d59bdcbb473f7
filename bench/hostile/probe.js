'use strict';
// Runs the CLI given as the first argument in this process and, when it ends, prints this
// process's CPU time and peak RSS on stderr as one JSON line (bench/hostile/run.ts reads it).
const [cli, ...args] = process.argv.slice(2);
process.on('exit', (code) => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stderr.write(`\n${JSON.stringify({ probe: { cpuMs, rssMb: usage.maxRSS / 1024, code } })}\n`);
});
process.argv = [process.argv[0], cli, ...args];
require(cli);
