import {
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
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
    if (kdf.name !== "scrypt") throw new OctoportError(`unknown key derivation ${String(kdf.name)}`);
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
 * A salt that follows from what is exported (server and space), so exporting the same space
 * with the same password gives the same bytes; it is stored beside what it protects.
 */
export function snapshotKdf(
  server: string,
  spaceId: string,
  cost: Omit<KdfParams, "name" | "salt"> = DEFAULT_KDF_COST,
): KdfParams {
  const salt = createHash("sha256")
    .update(`octoport-snapshot-salt/v1\0${server}\0${spaceId}`)
    .digest()
    .subarray(0, 16);
  return { name: "scrypt", N: cost.N, r: cost.r, p: cost.p, salt: salt.toString("base64") };
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
