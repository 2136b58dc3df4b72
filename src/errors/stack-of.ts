/** What to log of a thrown value: its stack when it is an Error, else the value as text. */
export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
