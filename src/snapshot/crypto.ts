import {
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
} from "node:crypto";
import { gcmsiv } from "@noble/ciphers/aes.js";
import { OctoportError } from "../util/errors.js";

/**
 * The snapshot's cryptography. A password becomes a key through scrypt (memory-hard); HKDF
 * splits that into a key for values, a key for nonces and a key for the integrity MAC. Values
 * are sealed with AES-256-GCM-SIV (authenticated, and safe when a nonce repeats) under a
 * nonce derived from where the value sits and what it is, so the same password and content
 * give the same bytes (exports diff cleanly) while a value moved to another place, or any
 * changed byte, fails to open.
 */

export interface KdfParams {
  name: "scrypt";
  /** CPU/memory cost (a power of two). */
  N: number;
  r: number;
  p: number;
  /** Base64. */
  salt: string;
}

/** 128 MiB of memory per derivation: costly to guess at, about a second to derive. */
export const DEFAULT_KDF_COST = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * What a snapshot may ask of scrypt. The parameters come from the file, before the password
 * is checked, so a hostile file must not make octoport spend gigabytes or minutes: N a power
 * of two from 2^10 to 2^18, r 1..16, p 1..4, at most 256 MiB (128 * N * r), a salt of 16 to
 * 64 bytes. Octoport writes N = 2^17, r = 8, p = 1 (128 MiB).
 */
export const KDF_BOUNDS = {
  minLogN: 10,
  maxLogN: 18,
  maxR: 16,
  maxP: 4,
  maxMemory: 256 * 1024 * 1024,
} as const;

/** One line saying why these key-derivation parameters are refused, or undefined when they are accepted. */
export function kdfProblem(kdf: unknown): string | undefined {
  if (!kdf || typeof kdf !== "object") return "it has no key-derivation parameters";
  const k = kdf as Partial<Record<keyof KdfParams, unknown>>;
  if (k.name !== "scrypt")
    return `it asks for an unknown key derivation (${JSON.stringify(k.name)?.slice(0, 20)})`;
  const { N, r, p, salt } = k;
  const int = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
  if (!int(N) || N < 2 ** KDF_BOUNDS.minLogN || N > 2 ** KDF_BOUNDS.maxLogN || (N & (N - 1)) !== 0)
    return `scrypt N=${String(N).slice(0, 20)} is outside what octoport accepts (a power of two from 2^${KDF_BOUNDS.minLogN} to 2^${KDF_BOUNDS.maxLogN})`;
  if (!int(r) || r < 1 || r > KDF_BOUNDS.maxR)
    return `scrypt r=${String(r).slice(0, 20)} is outside what octoport accepts (1 to ${KDF_BOUNDS.maxR})`;
  if (!int(p) || p < 1 || p > KDF_BOUNDS.maxP)
    return `scrypt p=${String(p).slice(0, 20)} is outside what octoport accepts (1 to ${KDF_BOUNDS.maxP})`;
  if (128 * N * r > KDF_BOUNDS.maxMemory)
    return `scrypt N=${N}, r=${r} would take ${Math.round((128 * N * r) / 2 ** 20)} MiB, more than the ${KDF_BOUNDS.maxMemory / 2 ** 20} MiB octoport allows`;
  const bytes =
    typeof salt === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(salt) ? Buffer.from(salt, "base64").length : 0;
  if (bytes < 16 || bytes > 64) return "its salt is not 16 to 64 bytes of base64";
  return undefined;
}

/** Thrown when a value or package does not open: wrong password, or changed bytes. */
export class SealError extends OctoportError {}

const TOKEN_PREFIX = "v1:";

export class SnapshotKey {
  private constructor(
    private readonly valueKey: Uint8Array,
    private readonly nonceKey: Buffer,
    private readonly macKey: Buffer,
    readonly kdf: KdfParams,
  ) {}

  /** Derives the keys from a password (normalised to Unicode NFC, so it types the same everywhere). */
  static async derive(password: string, kdf: KdfParams): Promise<SnapshotKey> {
    const problem = kdfProblem(kdf);
    if (problem)
      throw new OctoportError(
        `the snapshot's key derivation is refused: ${problem}; the file was changed, or was not made by octoport`,
      );
    if (!password) throw new OctoportError("the password is empty; put the password in the --password-file");
    const salt = Buffer.from(kdf.salt, "base64");
    const master = await new Promise<Buffer>((resolve, reject) =>
      scryptCallback(
        Buffer.from(password.normalize("NFC"), "utf8"),
        salt,
        32,
        { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 64 * 1024 * 1024 },
        (err, key) => (err ? reject(err) : resolve(key)),
      ),
    );
    const sub = (info: string) => Buffer.from(hkdfSync("sha256", master, salt, `octoport/v1/${info}`, 32));
    return new SnapshotKey(new Uint8Array(sub("values")), sub("nonces"), sub("mac"), kdf);
  }

  /** Seals a value that belongs at `context` (e.g. `Accounts-1 Password`). Deterministic. */
  seal(context: string, plaintext: string): string {
    const data = Buffer.from(plaintext, "utf8");
    const nonce = this.nonce(`value\0${context}`, data);
    const sealed = gcmsiv(this.valueKey, nonce, Buffer.from(context, "utf8")).encrypt(data);
    return TOKEN_PREFIX + Buffer.concat([nonce, sealed]).toString("base64");
  }

  /** Opens a value sealed for `context`; a wrong password or any change is a SealError. */
  open(context: string, token: string): string {
    if (!token.startsWith(TOKEN_PREFIX)) throw new SealError(`the value at ${context} is not a sealed value`);
    const raw = Buffer.from(token.slice(TOKEN_PREFIX.length), "base64");
    if (raw.length < 12 + 16) throw new SealError(`the value at ${context} is damaged`);
    try {
      const plain = gcmsiv(this.valueKey, raw.subarray(0, 12), Buffer.from(context, "utf8")).decrypt(
        raw.subarray(12),
      );
      return Buffer.from(plain).toString("utf8");
    } catch {
      throw new SealError(
        `the value at ${context} does not open: wrong password, or the snapshot was changed`,
      );
    }
  }

  /** Seals a whole package (the zip). */
  sealBytes(context: string, data: Uint8Array): Uint8Array {
    const nonce = this.nonce(`bytes\0${context}`, data);
    const sealed = gcmsiv(this.valueKey, nonce, Buffer.from(context, "utf8")).encrypt(data);
    return Buffer.concat([nonce, sealed]);
  }

  openBytes(context: string, data: Uint8Array): Uint8Array {
    if (data.length < 12 + 16) throw new SealError(`the ${context} is damaged (too short)`);
    try {
      return gcmsiv(this.valueKey, data.subarray(0, 12), Buffer.from(context, "utf8")).decrypt(
        data.subarray(12),
      );
    } catch {
      throw new SealError(`the ${context} does not open: wrong password, or it was changed`);
    }
  }

  /** HMAC-SHA256 of `text` under the integrity key, hex. */
  mac(text: string): string {
    return createHmac("sha256", this.macKey).update(text, "utf8").digest("hex");
  }

  /** Whether `expected` is the MAC of `text` (constant time). */
  verify(text: string, expected: string): boolean {
    const actual = Buffer.from(this.mac(text), "hex");
    const given = Buffer.from(expected, "hex");
    return given.length === actual.length && timingSafeEqual(actual, given);
  }

  private nonce(context: string, data: Uint8Array): Uint8Array {
    return new Uint8Array(
      createHmac("sha256", this.nonceKey).update(context).update(data).digest().subarray(0, 12),
    );
  }
}

/**
 * Key-derivation parameters for a new snapshot: a random 16-byte salt, stored in the
 * snapshot's metadata (and a sealed package's header). A salt that followed from public data
 * (the server and space) would let anyone precompute password guesses for a space before its
 * snapshot exists, and would be shared by every snapshot of it. `reuse` takes the salt and
 * cost of an earlier snapshot instead (export --reproducible), so the same password and
 * content give the same bytes as that snapshot.
 */
export function snapshotKdf(
  cost: Omit<KdfParams, "name" | "salt"> = DEFAULT_KDF_COST,
  reuse?: KdfParams,
): KdfParams {
  if (reuse) return { name: "scrypt", N: reuse.N, r: reuse.r, p: reuse.p, salt: reuse.salt };
  return { name: "scrypt", N: cost.N, r: cost.r, p: cost.p, salt: randomBytes(16).toString("base64") };
}

/** The shortest password a new snapshot may be sealed with. */
export const MIN_PASSWORD_LENGTH = 12;

/** One line saying why a password is too weak to seal a new snapshot, or undefined. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password.normalize("NFC")].length;
  if (length < MIN_PASSWORD_LENGTH)
    return `the password is ${length} character(s) long; a snapshot's password must have at least ${MIN_PASSWORD_LENGTH} (a passphrase of four or more random words is best)`;
  if (new Set(password).size < 4)
    return "the password repeats too few characters; choose a passphrase of several words";
  return undefined;
}

/**
 * Decrypts a sensitive value as the Octopus database stores it: `base64(ciphertext)|base64(iv)`,
 * AES-CBC with PKCS#7 padding, keyed by the server's master key (base64; 16, 24 or 32 bytes).
 */
export function decryptMasterKeyValue(stored: string, masterKeyBase64: string): string {
  const key = Buffer.from(masterKeyBase64.trim(), "base64");
  if (![16, 24, 32].includes(key.length))
    throw new OctoportError(
      `the master key is ${key.length} bytes once decoded from base64; an Octopus master key is 16, 24 or 32`,
    );
  const [cipherText, iv] = stored.split("|");
  if (!cipherText || !iv)
    throw new OctoportError("a stored value is not in the form base64(ciphertext)|base64(iv)");
  const ivBytes = Buffer.from(iv, "base64");
  if (ivBytes.length !== 16) throw new OctoportError("a stored value's IV is not 16 bytes");
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, ivBytes);
    return Buffer.concat([decipher.update(Buffer.from(cipherText, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new OctoportError("a stored value does not decrypt with this master key; check --master-key-file");
  }
}
