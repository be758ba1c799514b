/**
 * The value of one sample in a Prometheus exposition (`GET /metrics`): the line of `name` whose
 * labels include every one of `labels`; undefined when there is none.
 */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const labelled = line.startsWith(`${name}{`);
    if (!labelled && !line.startsWith(`${name} `)) continue;
    const labelText = labelled ? line.slice(name.length + 1, line.lastIndexOf('}')) : '';
    if (wanted.every((pair) => labelText.split(',').includes(pair))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}
