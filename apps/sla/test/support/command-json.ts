/** Runs a service command (`main.js <command> --json`) in the test, capturing what it prints: its exit code and report. */
export async function commandJson(
  run: (() => Promise<number>) | undefined,
): Promise<Record<string, unknown> & { code: number | undefined }> {
  if (!run) throw new Error('no such command');
  const printed: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
  let code: number | undefined;
  try {
    code = await run();
  } finally {
    write.mockRestore();
  }
  return { ...(JSON.parse(printed.join('')) as Record<string, unknown>), code };
}
