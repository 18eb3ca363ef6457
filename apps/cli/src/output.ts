/** Writes a command's result: JSON (one document, for scripts) or text (for people). */
export function print(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : text());
}
