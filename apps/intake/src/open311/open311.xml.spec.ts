import {
  type Open311Documents,
  type Open311DocumentKind,
  type Open311ServiceRequest,
} from './open311.schemas';
import { createOpen311Validator } from './open311.validator';
import {
  escapeXmlText,
  Open311XmlError,
  parseOpen311Xml,
  parseXmlElement,
  renderOpen311,
  toOpen311Xml,
} from './open311.xml';

const request: Open311ServiceRequest = {
  service_request_id: '20260301000042',
  status: 'open',
  status_notes: '已派至朝阳区住房和城乡建设委员会',
  service_name: '电梯故障',
  service_code: '0102',
  description: '3 号楼电梯 <停运> 两天 & 无人维修\n请尽快处理',
  agency_responsible: '朝阳区住房和城乡建设委员会',
  requested_datetime: '2026-03-01T09:00:00+08:00',
  updated_datetime: '2026-03-01T10:30:00+08:00',
  expected_datetime: '2026-03-08T09:00:00+08:00',
  address: '朝阳区 "幸福" 小区 3 号楼',
  address_id: null,
  zipcode: null,
  lat: 39.9219,
  long: 116.4436,
  media_url: 'https://media.example.org/a.jpg?size=large&v=2',
};

/** One sample of every document, including empty lists, nulls and absent optional fields. */
const samples: { [K in Open311DocumentKind]: Open311Documents[K] } = {
  discovery: {
    changeset: '2026-03-01T00:00:00Z',
    contact: '12345 热线 <api@12345.example.org>',
    key_service: '向 12345 申请 api_key',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'https://api.example.org/open311/v2',
        changeset: '2026-03-01T00:00:00Z',
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  },
  serviceList: [
    {
      service_code: '001',
      service_name: '电梯故障',
      description: '城乡建设 › 物业管理 › 电梯故障',
      metadata: true,
      type: 'realtime',
      keywords: '电梯, 停运',
      group: '城乡建设',
    },
    {
      service_code: '002',
      service_name: '噪音扰民',
      description: null,
      metadata: false,
      type: 'batch',
      keywords: null,
      group: null,
    },
  ],
  serviceDefinition: {
    service_code: '001',
    attributes: [
      {
        variable: true,
        code: 'request_type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: null,
        order: 1,
        description: '诉求类型',
        values: [
          { key: 'help', name: '求助' },
          { key: 'complaint', name: '投诉' },
        ],
      },
      {
        variable: true,
        code: 'floor',
        datatype: 'number',
        required: true,
        datatype_description: '楼层，例如 12',
        order: 2,
        description: '所在楼层',
      },
    ],
  },
  requestCreated: [{ service_request_id: '20260301000042', service_notice: '已受理', account_id: null }],
  serviceRequests: [
    request,
    { ...request, service_request_id: '20260301000043', status: 'closed', lat: null, long: null },
  ],
  tokens: [{ service_request_id: null, token: 'abc' }],
  errors: [
    { code: 400, description: 'lat & long must be sent together' },
    { code: 400, description: 'description was not provided' },
  ],
};

const KINDS = Object.keys(samples) as Open311DocumentKind[];

describe('toOpen311Xml / parseOpen311Xml', () => {
  const validator = createOpen311Validator();

  it.each(KINDS)('writes %s as XML that reads back to the same JSON, valid against the schema', (kind) => {
    const xml = toOpen311Xml(kind, samples[kind]);
    const back = parseOpen311Xml(kind, xml);
    expect(back).toEqual(samples[kind]);
    expect(validator.check(kind, back)).toEqual([]);
  });

  it('writes the declaration, the root and entry elements, typed text and empty elements for null', () => {
    const xml = toOpen311Xml('requestCreated', samples.requestCreated);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<service_requests>',
        '  <request>',
        '    <service_request_id>20260301000042</service_request_id>',
        '    <service_notice>已受理</service_notice>',
        '    <account_id/>',
        '  </request>',
        '</service_requests>',
        '',
      ].join('\n'),
    );
  });

  it('names nested list entries after their container and leaves absent fields out', () => {
    const xml = toOpen311Xml('serviceDefinition', samples.serviceDefinition);
    expect(xml).toContain('<attributes>\n    <attribute>');
    expect(xml).toContain('<values>\n        <value>\n          <key>help</key>');
    expect(xml).toContain('<variable>true</variable>');
    expect(xml).toContain('<order>2</order>');
    // The number attribute has no values: no element at all.
    expect(xml.match(/<values>/g)).toHaveLength(1);
    const discovery = toOpen311Xml('discovery', samples.discovery);
    expect(discovery).toContain(
      '<formats>\n        <format>text/xml</format>\n        <format>application/json</format>',
    );
    expect(discovery).toContain('<endpoints>\n    <endpoint>');
  });

  it('writes an empty list as an empty element and reads it back as []', () => {
    const xml = toOpen311Xml('serviceRequests', []);
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<service_requests/>\n');
    expect(parseOpen311Xml('serviceRequests', xml)).toEqual([]);
    const noAttributes = toOpen311Xml('serviceDefinition', { service_code: '9', attributes: [] });
    expect(parseOpen311Xml('serviceDefinition', noAttributes)).toEqual({ service_code: '9', attributes: [] });
  });

  it('escapes markup in text, and reads it back', () => {
    const xml = toOpen311Xml('serviceRequests', [request]);
    expect(xml).toContain(
      '<description>3 号楼电梯 &lt;停运&gt; 两天 &amp; 无人维修\n请尽快处理</description>',
    );
    expect(xml).toContain('<address>朝阳区 &quot;幸福&quot; 小区 3 号楼</address>');
    expect(xml).toContain('<media_url>https://media.example.org/a.jpg?size=large&amp;v=2</media_url>');
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;|#13;)/);
  });

  it('keeps a carriage return and astral characters, and replaces what XML cannot carry', () => {
    expect(escapeXmlText("a\r\nb'")).toBe('a&#13;\nb&apos;');
    expect(escapeXmlText('bell\u0007 nul\u0000 tab\t 🚧 lone\uD800 end\uFFFF')).toBe(
      'bell\uFFFD nul\uFFFD tab\t 🚧 lone\uFFFD end\uFFFD',
    );
    const description = '第一行\r\n第二行 🚧';
    const xml = toOpen311Xml('serviceRequests', [{ ...request, description }]);
    const [back] = parseOpen311Xml('serviceRequests', xml) as Open311ServiceRequest[];
    expect(back?.description).toBe(description);
  });

  it('keeps codes with leading zeros as strings and reads numbers and booleans by the schema', () => {
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<services>',
      '  <service>',
      '    <service_code>001</service_code>',
      '    <service_name>Cans left out 24x7</service_name>',
      '    <description>Garbage or recycling cans that have been left out.</description>',
      '    <metadata>true</metadata>',
      '    <type>realtime</type>',
      '    <keywords>lorem, ipsum, dolor</keywords>',
      '    <group>sanitation</group>',
      '  </service>',
      '</services>',
    ].join('\r\n');
    const back = parseOpen311Xml('serviceList', xml);
    expect(back).toEqual([
      {
        service_code: '001',
        service_name: 'Cans left out 24x7',
        description: 'Garbage or recycling cans that have been left out.',
        metadata: true,
        type: 'realtime',
        keywords: 'lorem, ipsum, dolor',
        group: 'sanitation',
      },
    ]);
    expect(validator.check('serviceList', back)).toEqual([]);
  });

  it('reads the specification’s service definition example, empty datatype_description included', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <service_definition>
        <service_code>DMV66</service_code>
        <attributes>
          <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
              <value><key>123</key><name>Ford</name></value>
              <value><key>124</key><name>Chrysler</name></value>
            </values>
          </attribute>
        </attributes>
      </service_definition>`;
    const back = parseOpen311Xml('serviceDefinition', xml);
    expect(validator.check('serviceDefinition', back)).toEqual([]);
    expect(back).toMatchObject({
      attributes: [
        { datatype_description: null, order: 1, values: [{ key: '123', name: 'Ford' }, { key: '124' }] },
      ],
    });
  });

  it('reads errors with numeric codes, comments, CDATA and character references', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <!-- answer -->
      <errors>
        <error>
          <code>403</code>
          <description><![CDATA[Invalid <api_key>]]> &#x2014; can&apos;t proceed &#8212; ok</description>
        </error>
      </errors>`;
    const back = parseOpen311Xml('errors', xml);
    expect(back).toEqual([{ code: 403, description: "Invalid <api_key> — can't proceed — ok" }]);
    expect(validator.check('errors', back)).toEqual([]);
  });

  it('hands wrongly typed XML to the schema instead of guessing (text where a number belongs)', () => {
    const xml = toOpen311Xml('serviceRequests', [request]).replace('<lat>39.9219</lat>', '<lat>north</lat>');
    const back = parseOpen311Xml('serviceRequests', xml);
    expect(validator.check('serviceRequests', back).join()).toContain('/0/lat must be number');
  });

  it('hands foreign elements to the schema, which rejects them', () => {
    const xml = toOpen311Xml('serviceRequests', [request]).replace(
      '<zipcode/>',
      '<zipcode/>\n    <staff_phone>13800138000</staff_phone>',
    );
    const back = parseOpen311Xml('serviceRequests', xml);
    expect(validator.check('serviceRequests', back).join()).toContain('must NOT have additional properties');
  });

  describe('rejects XML outside the GeoReport subset', () => {
    it.each([
      ['the wrong root', '<services/>', 'Expected <errors>'],
      ['the wrong entry element', '<errors><request><code>1</code></request></errors>', 'expected <error>'],
      ['a tag closed by another', '<errors><error><code>1</description></error></errors>', 'does not close'],
      ['an unclosed element', '<errors><error>', 'is not closed'],
      ['attributes', '<errors><error id="1"/></errors>', 'attributes'],
      ['a namespace prefix', '<errors><x:error/></errors>', 'namespaced'],
      ['a DOCTYPE', '<!DOCTYPE errors [<!ENTITY a "b">]><errors/>', 'DOCTYPE'],
      ['a bare ampersand', '<errors><error><description>a & b</description></error></errors>', 'bare'],
      ['an unknown entity', '<errors><error><description>&nbsp;</description></error></errors>', 'unknown'],
      ['mixed content', '<errors><error>text<code>1</code></error></errors>', 'mixes'],
      ['content after the root', '<errors/><errors/>', 'after the root'],
      [
        'a repeated field outside a list',
        '<errors><error><code>1</code><code>2</code></error></errors>',
        'repeats',
      ],
    ])('%s', (_what, xml, message) => {
      expect(() => parseOpen311Xml('errors', xml)).toThrow(Open311XmlError);
      expect(() => parseOpen311Xml('errors', xml)).toThrow(message);
    });
  });

  it('refuses to write what has no XML form', () => {
    expect(() => toOpen311Xml('errors', [{ code: Number.NaN, description: 'x' }])).toThrow(Open311XmlError);
    const withList = { ...request, tags: ['a'] } as unknown as Open311ServiceRequest;
    expect(() => toOpen311Xml('serviceRequests', [withList])).toThrow('No entry element');
    const badName = { ...request, 'bad name': 'x' } as unknown as Open311ServiceRequest;
    expect(() => toOpen311Xml('serviceRequests', [badName])).toThrow('not an XML element name');
  });

  it('parses a bare element tree with a byte-order mark and surrounding whitespace', () => {
    expect(parseXmlElement('\uFEFF  <a>\n  <b>x</b>\n  <c/>\n</a>\n')).toEqual({
      name: 'a',
      text: '',
      children: [
        { name: 'b', children: [], text: 'x' },
        { name: 'c', children: [], text: '' },
      ],
    });
  });

  it('renders a response body with its Content-Type in either format', () => {
    const errors = [{ code: 404, description: '未找到' }];
    expect(renderOpen311('json', 'errors', errors)).toEqual({
      contentType: 'application/json; charset=utf-8',
      body: '[{"code":404,"description":"未找到"}]',
    });
    const xml = renderOpen311('xml', 'errors', errors);
    expect(xml.contentType).toBe('text/xml; charset=utf-8');
    expect(xml.body).toBe(toOpen311Xml('errors', errors));
  });
});
