import { URGENCY_CLASSES } from '@jsjb/contracts';
import { sampleUnitDirectory } from '../dispatch/sample-units';
import { SECTORS } from '../dispatch/units.domain';
import { CatalogueCsvError, catalogueFromCsv, catalogueToCsv, CSV_COLUMNS } from './catalogue-csv.domain';
import { diffCatalogues } from './catalogue-diff.domain';
import {
  type Catalogue,
  CatalogueError,
  catalogueTree,
  catalogueFromJson,
  indexCatalogue,
  parseCatalogue,
  catalogueToJson,
} from './catalogue.domain';
import { CATALOGUE_2026_1 } from './data/catalogue-2026.1';

const meta = { version: CATALOGUE_2026_1.version, publishedAt: CATALOGUE_2026_1.publishedAt };
const HEADER = CSV_COLUMNS.join(',');

function csvIssues(text: string): string[] {
  try {
    catalogueFromCsv(text, meta);
  } catch (error) {
    if (error instanceof CatalogueCsvError) return error.csvIssues.map((i) => `${i.row}:${i.column ?? '-'}`);
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

describe('dispatch catalogue 2026.1', () => {
  const sut = CATALOGUE_2026_1;

  it('is valid against its schema', () => {
    expect(parseCatalogue(sut)).toEqual(sut);
  });

  it('ships at least 120 leaf items with unique codes', () => {
    expect(sut.items.length).toBeGreaterThanOrEqual(120);
    expect(new Set(sut.items.map((item) => item.code)).size).toBe(sut.items.length);
  });

  it('covers the typical matters of a city hotline', () => {
    const names = new Set(sut.items.map((item) => item.name));
    for (const name of [
      '电梯故障',
      '暖气不热',
      '停水',
      '停电',
      '燃气泄漏',
      '社会生活噪声',
      '违章建筑',
      '占道经营',
      '垃圾分类',
      '信号灯故障',
      '违章停车',
      '道路破损',
      '井盖缺失',
      '过期变质食品',
      '价格欺诈',
      '劳动欠薪',
      '义务教育入学',
      '疫苗接种',
      '养老驿站',
      '低保',
      '户口迁移',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('uses every rule kind and urgency class, and is a tree of 2–3 levels', () => {
    expect(new Set(sut.items.map((item) => item.rule.kind))).toEqual(
      new Set(['territorial', 'department', 'utility', 'district']),
    );
    expect(new Set(sut.items.map((item) => item.urgency))).toEqual(new Set(URGENCY_CLASSES));
    const tree = catalogueTree(sut);
    expect(tree.length).toBeGreaterThanOrEqual(10);
    const leaves = (nodes: ReturnType<typeof catalogueTree>): number =>
      nodes.reduce((n, node) => n + (node.item ? 1 : leaves(node.children)), 0);
    expect(leaves(tree)).toBe(sut.items.length);
    const property = tree.find((n) => n.name === '城乡建设')?.children.find((n) => n.name === '物业管理');
    expect(property?.children.map((n) => n.item?.code)).toContain('urban.property.elevator');
  });

  it('names only units that exist in a directory of the city and a district', () => {
    const directory = sampleUnitDirectory();
    const district = '110105';
    for (const item of sut.items) {
      const rule = item.rule;
      switch (rule.kind) {
        case 'territorial':
          expect(directory.street('110105001')).toBeDefined();
          break;
        case 'district':
          expect(directory.districtGovernment(district)).toBeDefined();
          break;
        case 'department':
          expect(
            directory.department(rule.sector, rule.level === 'district' ? district : undefined),
          ).toBeDefined();
          break;
        case 'utility':
          expect(directory.utility(rule.utility, { districtCode: district })).toBeDefined();
          break;
      }
      for (const sector of item.coHandlers) expect(directory.department(sector, district)).toBeDefined();
    }
    expect(SECTORS.every((sector) => directory.department(sector) !== undefined)).toBe(true);
  });

  it('finds items by code', () => {
    expect(indexCatalogue(sut).get('utility.heating.cold')?.path).toEqual(['水电气热', '供暖', '暖气不热']);
  });
});

describe('catalogue schema', () => {
  const base = CATALOGUE_2026_1;
  const first = base.items[0];
  if (!first) throw new Error('empty catalogue');

  it('refuses duplicate codes, a leaf that is also a category, and a bad version', () => {
    const twin = { ...first, path: ['城乡建设', '物业管理', '电梯困人'], name: '电梯困人' };
    expect(() => parseCatalogue({ ...base, items: [first, twin] })).toThrow(
      /code urban.property.elevator repeats/,
    );
    const child = {
      ...first,
      code: 'urban.property.elevator-child',
      path: ['城乡建设', '物业管理'],
      name: '物业管理',
    };
    expect(() => parseCatalogue({ ...base, items: [first, child] })).toThrow(
      /is a leaf and cannot also be a category/,
    );
    expect(() => parseCatalogue({ ...base, version: 'v1' })).toThrow(CatalogueError);
  });

  it('refuses a name that is not the last path segment and a lead sector that co-handles', () => {
    expect(() => parseCatalogue({ ...base, items: [{ ...first, name: '别的' }] })).toThrow(
      /last path segment/,
    );
    const selfCo = { ...first, coHandlers: ['market-regulation'] };
    expect(() => parseCatalogue({ ...base, items: [selfCo] })).toThrow(/cannot co-handle its own matter/);
  });
});

describe('catalogue JSON and CSV', () => {
  const sut = CATALOGUE_2026_1;

  it('round-trips through JSON', () => {
    expect(catalogueFromJson(catalogueToJson(sut))).toEqual(sut);
    expect(() => catalogueFromJson('{')).toThrow(/not valid JSON/);
  });

  it('round-trips through CSV, one row per item', () => {
    const csv = catalogueToCsv(sut);
    expect(csv.split('\r\n')[0]).toBe(HEADER);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(sut.items.length + 1);
    expect(catalogueFromCsv(csv, meta)).toEqual(sut);
    expect(csv).toContain(
      'urban.property.elevator,城乡建设›物业管理›电梯故障,department,district:market-regulation,housing,urgent,',
    );
  });

  it('reads quoted fields, a BOM, blank lines and reordered columns', () => {
    const csv =
      '\uFEFFkeywords,code,path,rule_kind,rule_target,co_handlers,urgency\n' +
      '"噪音|""广场舞"",夜间",ecology.noise.living,生态环境›噪声›社会生活噪声,territorial,,,general\n\n';
    const catalogue = catalogueFromCsv(csv, meta);
    expect(catalogue.items[0]?.keywords).toEqual(['噪音', '"广场舞",夜间']);
    expect(catalogue.items[0]?.rule).toEqual({ kind: 'territorial' });
  });

  it('names the row and column of every problem', () => {
    const rows = [
      HEADER,
      'urban.a.b,城乡建设›物业管理›甲,territorial,,,general,甲', // row 2: fine
      'Bad Code,城乡建设›物业管理›乙,territorial,,,general,乙', // row 3: code format
      'urban.a.c,城乡建设,territorial,,,general,丙', // row 4: path too short
      'urban.a.d,城乡建设›物业管理›丁,department,county:housing,,general,丁', // row 5: rule target
      'urban.a.e,城乡建设›物业管理›戊,magic,,,general,戊', // row 6: rule kind
      'urban.a.f,城乡建设›物业管理›己,territorial,,police-dogs,general,己', // row 7: co-handler
      'urban.a.g,城乡建设›物业管理›庚,utility,steam,,soon,', // row 8: target, urgency, keywords
      'urban.a.b,城乡建设›物业管理›辛,territorial,,,general,辛', // row 9: duplicate code
      'urban.a.h,城乡建设›物业管理›壬,territorial', // row 10: field count
    ];
    expect(csvIssues(rows.join('\n'))).toEqual([
      '3:code',
      '4:path',
      '5:rule_target',
      '6:rule_kind',
      '7:co_handlers',
      '8:rule_target',
      '8:urgency',
      '8:keywords',
      '9:code',
      '10:-',
    ]);
  });

  it('reports missing header columns and cross-row problems with their rows', () => {
    expect(csvIssues('code,path\nx.y,甲›乙\n')).toEqual([
      '1:rule_kind',
      '1:rule_target',
      '1:co_handlers',
      '1:urgency',
      '1:keywords',
    ]);
    const crossRows = [
      HEADER,
      'urban.a.b,城乡建设›物业管理,territorial,,,general,甲',
      'urban.a.c,城乡建设›物业管理›乙,territorial,,,general,乙',
    ];
    expect(csvIssues(crossRows.join('\n'))).toEqual(['3:path']);
    expect(() => catalogueFromCsv('', meta)).toThrow(/empty/);
  });
});

describe('catalogue diff', () => {
  it('lists added, removed and changed codes with the changed fields', () => {
    const from = CATALOGUE_2026_1;
    const [first, second, ...rest] = from.items;
    if (!first || !second) throw new Error('empty catalogue');
    const to: Catalogue = {
      version: '2026.2',
      publishedAt: '2026-07-01T00:00:00+08:00',
      items: [
        { ...first, urgency: 'general', keywords: [...first.keywords, '电梯异响'] },
        ...rest,
        { ...second, code: 'urban.property.service-quality' },
      ],
    };
    const sut = diffCatalogues(from, parseCatalogue(to));
    expect(sut).toMatchObject({
      from: '2026.1',
      to: '2026.2',
      added: ['urban.property.service-quality'],
      removed: [second.code],
    });
    expect(sut.changed.map((c) => [c.code, c.fields])).toEqual([[first.code, ['urgency', 'keywords']]]);
    expect(diffCatalogues(from, from)).toMatchObject({ added: [], removed: [], changed: [] });
  });

  it('sees a changed rule target', () => {
    const from = CATALOGUE_2026_1;
    const to: Catalogue = {
      ...from,
      version: '2026.2',
      items: from.items.map((item) =>
        item.code === 'transport.parking.illegal'
          ? { ...item, rule: { kind: 'department', sector: 'traffic-police', level: 'city' } }
          : item,
      ),
    };
    expect(diffCatalogues(from, to).changed.map((c) => [c.code, c.fields])).toEqual([
      ['transport.parking.illegal', ['rule']],
    ]);
  });
});
