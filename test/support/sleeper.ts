/**
 * A tiny server for ServiceProcess tests, run with `node -e`: says "ready" on stderr, stops on
 * SIGTERM (saying so on stdout), and ignores SIGINT and SIGHUP, as servers in their own group may.
 * With IGNORE_SIGTERM set it ignores SIGTERM too, to need a SIGKILL.
 */
export const SLEEPER = `
process.on('SIGINT', () => console.log('got SIGINT'));
process.on('SIGHUP', () => {});
process.on('SIGTERM', () => {
  console.log('got SIGTERM');
  if (!process.env.IGNORE_SIGTERM) process.exit(0);
});
setInterval(() => {}, 1000);
console.error('ready');
`;
