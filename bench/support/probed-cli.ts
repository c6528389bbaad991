/**
 * `node --import tsx bench/support/probed-cli.ts <command>`: the `autohub` command (src/cli.ts),
 * unchanged, with the loop probe installed first in its main thread. (A preloaded probe would be
 * loaded again by every worker thread the process starts, which inherit its flags.)
 */
import './loop-probe';
import '../../src/cli';
