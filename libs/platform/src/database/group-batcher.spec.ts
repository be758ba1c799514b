import { GroupBatcher } from './group-batcher';

describe('GroupBatcher', () => {
  it('runs a lone item at once and batches the items that arrive while a batch runs', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sut = new GroupBatcher<number, number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    }, 3);
    const first = sut.submit(1);
    const rest = [2, 3, 4, 5].map((i) => sut.submit(i));
    release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails every caller of a batch that answers the wrong number of results, each alone', async () => {
    const sut = new GroupBatcher<number, number>(() => Promise.resolve([]), 10);
    await expect(sut.submit(1)).rejects.toThrow('a batch of 1 answered 0 results');
  });

  it('refuses a batch size below one', () => {
    expect(() => new GroupBatcher<number, number>((items) => Promise.resolve([...items]), 0)).toThrow(
      RangeError,
    );
  });
});
