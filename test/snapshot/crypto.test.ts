import { randomBytes } from "node:crypto";
import { cbc } from "@noble/ciphers/aes.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptMasterKeyValue, SealError, SnapshotKey, snapshotKdf } from "../../src/snapshot/crypto.js";

// A low scrypt cost keeps the tests quick; the cost is a parameter of the format.
const COST = { N: 2 ** 10, r: 8, p: 1 };
const kdf = snapshotKdf(COST);
let key: SnapshotKey;
let other: SnapshotKey;
beforeAll(async () => {
  key = await SnapshotKey.derive("correct horse battery staple", kdf);
  other = await SnapshotKey.derive("correct horse battery stapler", kdf);
});

const text = fc.string({ unit: "grapheme", maxLength: 200 });

describe("sealed values", () => {
  it("open to what was sealed, for any value and place", () => {
    fc.assert(
      fc.property(text, text, (context, value) => {
        expect(key.open(context, key.seal(context, value))).toBe(value);
      }),
    );
  });

  it("are deterministic for the same password, place and value, and differ with another password", () => {
    fc.assert(
      fc.property(text, text, (context, value) => {
        expect(key.seal(context, value)).toBe(key.seal(context, value));
        expect(other.seal(context, value)).not.toBe(key.seal(context, value));
      }),
    );
  });

  it("do not open with another password, in another place, or with any byte changed", () => {
    fc.assert(
      fc.property(text, text, fc.nat(), fc.integer({ min: 1, max: 255 }), (context, value, at, flip) => {
        const token = key.seal(context, value);
        expect(() => other.open(context, token)).toThrow(SealError);
        expect(() => key.open(`${context}x`, token)).toThrow(SealError);
        const raw = Buffer.from(token.slice(3), "base64");
        raw[at % raw.length]! ^= flip;
        expect(() => key.open(context, `v1:${raw.toString("base64")}`)).toThrow(SealError);
      }),
      { numRuns: 50 },
    );
  });

  it("a package opens only whole and with its password", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (data, at) => {
        const sealed = key.sealBytes("package", data);
        expect(Buffer.from(key.openBytes("package", sealed))).toEqual(Buffer.from(data));
        expect(() => other.openBytes("package", sealed)).toThrow(SealError);
        const changed = Buffer.from(sealed);
        changed[at % changed.length]! ^= 1;
        expect(() => key.openBytes("package", changed)).toThrow(SealError);
        expect(() => key.openBytes("package", sealed.subarray(0, sealed.length - 1))).toThrow(SealError);
      }),
      { numRuns: 30 },
    );
  });

  it("the password is taken in Unicode NFC: typed composed or decomposed, it is the same key", async () => {
    const composed = await SnapshotKey.derive("caf\u00e9", kdf);
    const decomposed = await SnapshotKey.derive("cafe\u0301", kdf);
    expect(decomposed.open("x", composed.seal("x", "v"))).toBe("v");
  });

  it("the MAC verifies only the same text", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(key.verify(a, key.mac(a))).toBe(true);
        if (a !== b) expect(key.verify(b, key.mac(a))).toBe(false);
        expect(other.verify(a, key.mac(a))).toBe(false);
      }),
    );
  });
});

describe("values from the Octopus database", () => {
  it("decrypts a value made by the openssl command line (AES-128-CBC, base64 ciphertext|iv)", () => {
    // printf 'Pa$$w0rd – üñí' | openssl enc -aes-128-cbc -K <key hex> -iv <iv hex> -base64 -A
    expect(
      decryptMasterKeyValue(
        "0uUTwnj7i9Xoi6mG2cIGH7G12QjZiyooiSscLJo913A=|qtkV3MxKaArg+F2/mvdroQ==",
        "9ggcME1WoY+R92WW6p0F3Q==",
      ),
    ).toBe("Pa$$w0rd – üñí");
  });

  it("decrypts any value encrypted by another AES implementation, for 128- and 256-bit master keys", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(16, 32), (value, size) => {
        const masterKey = randomBytes(size);
        const iv = randomBytes(16);
        const cipherText = cbc(masterKey, iv).encrypt(Buffer.from(value, "utf8"));
        const stored = `${Buffer.from(cipherText).toString("base64")}|${iv.toString("base64")}`;
        expect(decryptMasterKeyValue(stored, masterKey.toString("base64"))).toBe(value);
      }),
      { numRuns: 50 },
    );
  });

  it("a wrong master key or a malformed value is one clear error", () => {
    const stored = "0uUTwnj7i9Xoi6mG2cIGH7G12QjZiyooiSscLJo913A=|qtkV3MxKaArg+F2/mvdroQ==";
    expect(() => decryptMasterKeyValue(stored, "AAAAAAAAAAAAAAAAAAAAAA==")).toThrow(
      /does not decrypt with this master key/,
    );
    expect(() => decryptMasterKeyValue(stored, "c2hvcnQ=")).toThrow(/is 5 bytes once decoded/);
    expect(() => decryptMasterKeyValue("no-separator", "9ggcME1WoY+R92WW6p0F3Q==")).toThrow(
      /base64\(ciphertext\)\|base64\(iv\)/,
    );
  });
});
