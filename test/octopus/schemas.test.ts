import { describe, expect, it } from "vitest";
import { accountSchema, readBoolean, readNumber } from "../../src/octopus/schemas.js";

describe("values as the API sends them", () => {
  it("reads numbers sent as numbers or as their decimal text", () => {
    expect(readNumber(3600)).toBe(3600);
    expect(readNumber("3600")).toBe(3600);
    expect(readNumber("-1.5")).toBe(-1.5);
    for (const v of ["", "1h", "3600s", null, undefined, true, Number.NaN])
      expect(readNumber(v)).toBeUndefined();
  });

  it("reads booleans sent as booleans or as True/False", () => {
    expect(readBoolean(true)).toBe(true);
    expect(readBoolean("True")).toBe(true);
    expect(readBoolean("false")).toBe(false);
    expect(readBoolean("False")).toBe(false);
    for (const v of ["", "yes", 1, null, undefined]) expect(readBoolean(v)).toBeUndefined();
  });

  it("checks an account's SessionDuration in either form, and rejects what is neither", () => {
    const account = { Id: "Accounts-1", Name: "AWS", AccountType: "AmazonWebServicesOidcAccount" };
    expect(accountSchema.safeParse({ ...account, SessionDuration: "3600" }).success).toBe(true);
    expect(accountSchema.safeParse({ ...account, SessionDuration: 3600 }).success).toBe(true);
    expect(accountSchema.safeParse({ ...account, SessionDuration: null }).success).toBe(true);
    expect(accountSchema.safeParse({ ...account, SessionDuration: "an hour" }).success).toBe(false);
  });
});
