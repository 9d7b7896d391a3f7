/**
 * Runs `work` over the items with at most `limit` in flight, answering in the items'
 * order. Bulk operations use it so a thousand items do not open a thousand appends at
 * once, yet still overlap enough for the stream queue to batch them.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
