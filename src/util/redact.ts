/**
 * Removes secrets (API keys, tokens) from text that may reach a user: error messages,
 * logs, debug stacks. Every registered secret is replaced wherever it appears.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("***");
  // Octopus API keys have a recognisable shape; hide any that slipped through unregistered.
  return out.replace(/API-[A-Z0-9]{16,}/g, "API-***");
}
