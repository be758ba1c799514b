// What the benchmark's operators type: 50 hotline requests in residents' words, each in its catalogue
// category, placed in one of the sample city's 600 communities (`npm start` loads it into routing,
// which publishes it to intake and sla). `{place}` is replaced with a community and building;
// consultations carry the operator's answer (直办), the rest are sent on for dispatch (转办).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CallTemplate {
  requestType: 'consultation' | 'help' | 'complaint' | 'report';
  categoryCode: string;
  content: string;
  /** 直办 — answered on the call. */
  answer?: string;
}

/** A community the load generator places tickets in, with its centre and extent (GCJ-02 degrees). */
export interface BenchPlace {
  districtCode: string;
  streetCode: string;
  communityCode: string;
  name: string;
  lng: number;
  lat: number;
  spanLng: number;
  spanLat: number;
}

export const CALL_TEMPLATES: readonly CallTemplate[] = [
  {
    requestType: 'complaint',
    categoryCode: 'urban.construction.night-work',
    content: '{place}附近的工地每天晚上十一点以后还在施工，噪音很大，影响休息。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'urban.construction.dust',
    content: '{place}旁边的工地没有覆盖防尘网，刮风时扬尘很大，窗户都不敢开。',
  },
  {
    requestType: 'report',
    categoryCode: 'urban.construction.muck',
    content: '{place}门口的路上有渣土车遗撒，路面全是泥土，车辆经过尘土飞扬。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'urban.property.elevator',
    content: '{place}的电梯这周已经坏了三次，楼里有很多老人，上下楼很困难。',
  },
  {
    requestType: 'help',
    categoryCode: 'urban.property.leak',
    content: '{place}楼上邻居家漏水，我家卫生间天花板一直在滴水，联系不上楼上住户。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'urban.property.service',
    content: '{place}的物业不打扫楼道，垃圾堆了好几天没人管，物业电话也打不通。',
  },
  {
    requestType: 'report',
    categoryCode: 'urban.illegal.building',
    content: '{place}有住户在楼下私自搭建彩钢房，占用了公共绿地。',
  },
  {
    requestType: 'report',
    categoryCode: 'urban.illegal.rooftop',
    content: '{place}顶楼有人在楼顶加盖房子，担心影响楼体安全。',
  },
  {
    requestType: 'report',
    categoryCode: 'urban.housing.group-rental',
    content: '{place}楼上一套房子隔成了十几间出租，住了很多人，进出很乱，存在安全隐患。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'city.sanitation.garbage-collection',
    content: '{place}的垃圾桶满了好几天没人清运，味道很大，招了很多苍蝇。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.sanitation.flyposting',
    content: '{place}楼道和电线杆上贴满了小广告，清理了又有人贴。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'city.order.street-vending',
    content: '{place}门口每天晚上都有摊贩占道经营，堵住了人行道，行人只能走机动车道。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'city.order.bbq',
    content: '{place}附近的烧烤摊在露天烧烤，烟很大，一直到凌晨两三点。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.facility.manhole',
    content: '{place}门口人行道上的井盖丢了，晚上很黑，担心有人掉下去。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.facility.streetlight',
    content: '{place}外面路上的路灯不亮了，晚上一片漆黑，走路很不安全。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.facility.road-damage',
    content: '{place}门口的路面坑坑洼洼，下雨后积水，电动车经过容易摔倒。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.facility.waterlogging',
    content: '{place}附近的路口下雨积水很深，车辆和行人都过不去。',
  },
  {
    requestType: 'help',
    categoryCode: 'city.facility.sewer',
    content: '{place}的下水道堵了，污水从井口冒出来，味道很难闻。',
  },
  {
    requestType: 'help',
    categoryCode: 'city.green.pruning',
    content: '{place}楼前的树长得太高了，挡住了阳光，树枝还碰到电线，希望修剪一下。',
  },
  {
    requestType: 'report',
    categoryCode: 'city.green.fallen-tree',
    content: '{place}门口有一棵大树被风刮倒了，压在路上，车过不去。',
  },
  {
    requestType: 'help',
    categoryCode: 'utility.water.outage',
    content: '{place}从早上开始停水，没有提前通知，家里老人孩子没法做饭。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'utility.water.quality',
    content: '{place}的自来水发黄，有异味，不敢直接喝。',
  },
  {
    requestType: 'help',
    categoryCode: 'utility.power.outage',
    content: '{place}整栋楼突然停电，冰箱里的东西都要坏了，不知道什么时候能来电。',
  },
  {
    requestType: 'report',
    categoryCode: 'utility.gas.leak',
    content: '{place}楼道里闻到很浓的燃气味，担心是燃气管道漏气。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'utility.heating.cold',
    content: '{place}家里暖气不热，屋里只有十几度，老人孩子都冻感冒了。',
  },
  {
    requestType: 'help',
    categoryCode: 'utility.heating.leak',
    content: '{place}家里的暖气管子漏水，水流到楼下邻居家了，需要马上维修。',
  },
  {
    requestType: 'report',
    categoryCode: 'transport.facility.signal-fault',
    content: '{place}附近路口的红绿灯坏了，一直闪黄灯，车辆和行人抢行很危险。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'transport.parking.illegal',
    content: '{place}门口经常有车辆乱停，堵住了消防通道和小区出入口。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'transport.parking.bikes',
    content: '{place}旁边地铁口共享单车乱停乱放，把盲道和人行道都占满了。',
  },
  {
    requestType: 'report',
    categoryCode: 'transport.parking.zombie-car',
    content: '{place}里有一辆车停了一年多没人动，车上落满了灰，占着车位。',
  },
  {
    requestType: 'report',
    categoryCode: 'transport.parking.ground-lock',
    content: '{place}有人在公共车位上私装地锁，其他车辆没法停。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'ecology.noise.commercial',
    content: '{place}楼下的商铺每天用大喇叭放音乐招揽顾客，声音特别大。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'ecology.noise.living',
    content: '{place}楼上邻居每天半夜跳绳、拖动家具，严重影响休息。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'ecology.air.cooking-fume',
    content: '{place}楼下饭馆的油烟直接往楼上排，家里窗户上都是油。',
  },
  {
    requestType: 'report',
    categoryCode: 'ecology.air.burning',
    content: '{place}附近有人在空地上焚烧垃圾，烟很大，味道刺鼻。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'market.food.expired',
    content: '在{place}附近的超市买到了过期的牛奶，商家不给退换。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'market.consumer.prepaid-card',
    content: '{place}附近的健身房突然关门了，办的预付卡还有好几千元没用，老板联系不上。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'market.consumer.express',
    content: '快递员不送货上门，直接把快递放进{place}门口的快递柜，取件还要额外收费。',
  },
  {
    requestType: 'help',
    categoryCode: 'labour.relations.wage-arrears',
    content: '我在{place}附近的一家餐馆打工，老板已经拖欠三个月工资了。',
  },
  {
    requestType: 'help',
    categoryCode: 'labour.relations.migrant-wages',
    content: '{place}旁边工地的工人被拖欠工资，包工头找不到人了。',
  },
  {
    requestType: 'report',
    categoryCode: 'police.fire.passage',
    content: '{place}的消防通道被杂物和车辆堵死了，万一着火消防车进不来。',
  },
  {
    requestType: 'report',
    categoryCode: 'police.fire.ebike',
    content: '{place}有住户把电动车推进楼道里充电，存在火灾隐患。',
  },
  {
    requestType: 'complaint',
    categoryCode: 'community.governance.pets',
    content: '{place}有人遛狗不拴绳，还不清理狗粪，孩子被狗吓哭了。',
  },
  {
    requestType: 'help',
    categoryCode: 'community.governance.neighbour',
    content: '{place}邻居在楼道里堆放杂物，沟通了好几次都不清理。',
  },
  {
    requestType: 'report',
    categoryCode: 'health.public.vectors',
    content: '{place}垃圾站附近老鼠很多，晚上到处乱窜。',
  },
  {
    requestType: 'consultation',
    categoryCode: 'police.household.residence-permit',
    content: '请问在{place}租房住，办理居住证需要准备什么材料？',
    answer: '可携带身份证、租房合同到居住地派出所或社区服务站办理，也可在线上预约。',
  },
  {
    requestType: 'consultation',
    categoryCode: 'labour.insurance.medical',
    content: '请问在{place}附近的社区医院看病，医保能直接结算吗？报销比例是多少？',
    answer: '社区卫生服务中心可持医保卡直接结算，报销比例按参保类型执行，详情可咨询医保经办机构。',
  },
  {
    requestType: 'consultation',
    categoryCode: 'education.enrolment.compulsory',
    content: '我家住在{place}，孩子明年上小学，请问入学登记什么时候开始？',
    answer: '义务教育入学信息采集一般在每年5月前后开始，具体时间以区教委发布的通知为准。',
  },
  {
    requestType: 'consultation',
    categoryCode: 'utility.heating.fee',
    content: '请问{place}这边的供暖费怎么交，可以线上缴费吗？',
    answer: '可通过供热单位的营业厅、官方APP或银行代缴渠道缴纳供暖费。',
  },
  {
    requestType: 'consultation',
    categoryCode: 'civil.elderly.allowance',
    content: '家里老人住在{place}，今年满八十岁了，请问高龄津贴怎么申请？',
    answer: '可由本人或家属携带身份证、户口本到户籍所在地社区服务站申请，审核通过后按月发放。',
  },
];

/** How callers open and close, so that no two tickets read quite alike. */
export const CALL_PHRASES = {
  openers: ['', '市民来电反映：', '来电人称，', '市民反映，', '来电人反映：'],
  details: ['', '已经持续三天了。', '之前反映过一次，还没有解决。', '情况越来越严重。', '周边居民意见很大。'],
  requests: ['', '希望尽快处理。', '请相关部门尽快核实处理。', '希望有关部门管一管。', '请尽快派人来看看。'],
  surnames: ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'],
} as const;

/** A polygon feature of the sample city's GeoJSON (routing's sample-city CLI). */
interface AreaFeature {
  properties: { code: string; name: string; level: string; parentCode: string | null };
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

/**
 * The sample city's communities as places: the codes of their street and district, the centre of
 * their outline and a span that keeps generated coordinates well inside it (a fifth of its extent).
 */
export function cityPlaces(root: string, node: string): BenchPlace[] {
  const dir = mkdtempSync(join(tmpdir(), 'jsjb-bench-'));
  let features: AreaFeature[];
  try {
    const file = join(dir, 'city.geojson');
    execFileSync(node, [join(root, 'apps/routing/dist/territory/sample-city.cli.js'), '--out', file]);
    features = (JSON.parse(readFileSync(file, 'utf8')) as { features: AreaFeature[] }).features;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const parents = new Map(features.map((f) => [f.properties.code, f.properties.parentCode]));
  const places: BenchPlace[] = [];
  for (const { properties, geometry } of features) {
    if (properties.level !== 'community') continue;
    const ring = geometry.coordinates[0] ?? [];
    const lngs = ring.map((p) => p[0] ?? 0);
    const lats = ring.map((p) => p[1] ?? 0);
    const streetCode = properties.parentCode ?? '';
    places.push({
      districtCode: parents.get(streetCode) ?? '',
      streetCode,
      communityCode: properties.code,
      name: properties.name.replace(/(社区|村)$/, ''),
      lng: lngs.reduce((a, b) => a + b, 0) / Math.max(1, lngs.length),
      lat: lats.reduce((a, b) => a + b, 0) / Math.max(1, lats.length),
      spanLng: (Math.max(...lngs) - Math.min(...lngs)) / 5,
      spanLat: (Math.max(...lats) - Math.min(...lats)) / 5,
    });
  }
  return places;
}
