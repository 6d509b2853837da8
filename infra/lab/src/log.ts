/** One JSON line per event on stdout, so `docker logs` of a lab service reads like a journal. */
export function log(service: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ at: new Date().toISOString(), service, event, ...fields }) + '\n');
}

export function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`environment variable ${name} is required`);
  return v;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
