/**
 * The server half of Telegram's 2FA SRP exchange, so login tests check a password the way
 * Telegram does: GramJS's `computeCheck` builds the proof, this verifies it.
 * See https://core.telegram.org/api/srp.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers';
import { computeDigest } from 'telegram/Password';

/** Telegram's 2048-bit safe prime; GramJS accepts no other. */
const P_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b';
const P = BigInt(`0x${P_HEX}`);
const G = 3n;

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const num = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
const pad = (n: bigint) => Buffer.from(n.toString(16).padStart(512, '0'), 'hex');

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export class SrpServer {
  private readonly algo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
    salt1: randomBytes(16),
    salt2: randomBytes(16),
    g: Number(G),
    p: Buffer.from(P_HEX, 'hex'),
  });
  private verifier: bigint | undefined;
  private pending = new Map<string, { b: bigint; B: bigint }>();
  private nextSrpId = 1;

  constructor(
    private readonly password: string,
    private readonly hint: string,
  ) {}

  /** The `account.Password` answer: fresh single-use SRP parameters each time. */
  async passwordParams(): Promise<Api.account.Password> {
    const v = await this.v();
    const k = num(sha(pad(P), pad(G)));
    const b = num(randomBytes(256)) % P;
    const B = (k * v + modPow(G, b, P)) % P;
    const srpId = String(this.nextSrpId++);
    this.pending.set(srpId, { b, B });
    return new Api.account.Password({
      hasPassword: true,
      currentAlgo: this.algo,
      srp_B: pad(B),
      srpId: returnBigInt(srpId),
      hint: this.hint,
      newAlgo: this.algo,
      newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
      secureRandom: randomBytes(32),
    });
  }

  /** Whether a client's proof shows knowledge of the password; each srpId is usable once. */
  async verify(check: Api.TypeInputCheckPasswordSRP): Promise<'ok' | 'wrong' | 'stale'> {
    if (!(check instanceof Api.InputCheckPasswordSRP)) return 'wrong';
    const round = this.pending.get(check.srpId.toString());
    if (!round) return 'stale';
    this.pending.delete(check.srpId.toString());
    const v = await this.v();
    const A = num(check.A);
    const u = num(sha(pad(A), pad(round.B)));
    const S = modPow((A * modPow(v, u, P)) % P, round.b, P);
    const K = sha(pad(S));
    const hp = sha(pad(P));
    const hg = sha(pad(G));
    const xored = Buffer.from(hp.map((byte, i) => byte ^ (hg[i] ?? 0)));
    const M1 = sha(xored, sha(this.algo.salt1), sha(this.algo.salt2), pad(A), pad(round.B), K);
    return M1.equals(check.M1) ? 'ok' : 'wrong';
  }

  private async v(): Promise<bigint> {
    this.verifier ??= num(await computeDigest(this.algo, this.password));
    return this.verifier;
  }
}
