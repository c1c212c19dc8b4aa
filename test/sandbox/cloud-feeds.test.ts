import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { request } from "../helpers/http.js";

/**
 * ECR, S3 and GCS feeds: what each must carry (as go-octopusdeploy's constructors check, which
 * the provider reads every feed back through), secrets kept write-only, and their defaults.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await new Sandbox({ seed: { spaces: [{ Name: "Default", IsDefault: true }] } }).start();
});
afterAll(() => sandbox.close());

const api = (method: string, path: string, body?: unknown) => request(sandbox, method, path, body);

const secret = (value: string) => ({ HasValue: true, NewValue: value });
const post = (body: Record<string, unknown>) => api("POST", "/api/Spaces-1/feeds", body);

describe("ECR feeds", () => {
  it("need a region, and an access key with its secret key or OIDC", async () => {
    const base = { Name: "ECR", FeedType: "AwsElasticContainerRegistry" };
    expect((await post({ ...base, AccessKey: "AKIA", SecretKey: secret("s") })).status).toBe(400);
    expect((await post({ ...base, Region: "eu-west-1" })).status).toBe(400);
    expect((await post({ ...base, Region: "eu-west-1", AccessKey: "AKIA" })).status).toBe(400);
    const keys = await post({ ...base, Region: "eu-west-1", AccessKey: "AKIA", SecretKey: secret("s") });
    expect(keys.status).toBe(201);
    expect(keys.json.SecretKey).toEqual({ HasValue: true, NewValue: null });
    const oidc = await post({
      ...base,
      Name: "ECR OIDC",
      Region: "us-east-1",
      OidcAuthentication: { RoleArn: "arn", SessionDuration: "3600" },
    });
    expect(oidc.status).toBe(201);
    expect(oidc.json.SecretKey).toEqual({ HasValue: false, NewValue: null });
    expect(oidc.json.OidcAuthentication).toEqual({ RoleArn: "arn", SessionDuration: "3600" });
  });
});

describe("S3 feeds", () => {
  it("need an access key and secret key unless they use the worker's credentials", async () => {
    expect((await post({ Name: "S3", FeedType: "S3" })).status).toBe(400);
    expect((await post({ Name: "S3", FeedType: "S3", AccessKey: "AKIA" })).status).toBe(400);
    const machine = await post({ Name: "S3 machine", FeedType: "S3", UseMachineCredentials: true });
    expect(machine.status).toBe(201);
    const keys = await post({ Name: "S3 keys", FeedType: "S3", AccessKey: "AKIA", SecretKey: secret("s") });
    expect(keys.status).toBe(201);
    expect(keys.json).toMatchObject({
      UseMachineCredentials: false,
      SecretKey: { HasValue: true, NewValue: null },
    });
    // A PUT that keeps the secret (HasValue without NewValue) is accepted and keeps it.
    const put = await api("PUT", `/api/Spaces-1/feeds/${keys.json.Id}`, { ...keys.json, AccessKey: "AKIB" });
    expect(put.status).toBe(200);
    expect(put.json.SecretKey.HasValue).toBe(true);
  });
});

describe("GCS feeds", () => {
  it("need a service account key when they use one, OIDC otherwise; download settings default", async () => {
    expect((await post({ Name: "GCS", FeedType: "GcsStorage" })).status).toBe(400);
    expect((await post({ Name: "GCS", FeedType: "GcsStorage", UseServiceAccountKey: true })).status).toBe(
      400,
    );
    const key = await post({
      Name: "GCS key",
      FeedType: "GcsStorage",
      UseServiceAccountKey: true,
      ServiceAccountJsonKey: secret("{}"),
      Project: "p",
    });
    expect(key.status).toBe(201);
    expect(key.json).toMatchObject({
      ServiceAccountJsonKey: { HasValue: true, NewValue: null },
      DownloadAttempts: 5,
      DownloadRetryBackoffSeconds: 10,
    });
    const oidc = await post({
      Name: "GCS OIDC",
      FeedType: "GcsStorage",
      OidcAuthentication: { Audience: "a" },
    });
    expect(oidc.status).toBe(201);
    expect(oidc.json.UseServiceAccountKey).toBe(false);
  });
});
