import { type URGENCY_CLASSES } from '@jsjb/contracts';
import { type Sector, type UtilityKind } from '../../dispatch/units.domain';
import {
  type Catalogue,
  type CatalogueItem,
  PATH_SEPARATOR,
  type ResponsibleRule,
} from '../catalogue.domain';

/**
 * 派单目录 2026.1 — the dispatch catalogue shipped with the service, modelled on Beijing 12345's
 * matter types. Duty follows the usual split: 属地 (street) for matters in a neighbourhood,
 * 行业 (department) for licensing, enforcement of a sector and city-wide services, 水电气热 to
 * the utility serving the place, and the district government as 兜底 where no unit is clearly in charge.
 */

type Urgency = (typeof URGENCY_CLASSES)[number];

/** 属地 — the street of the location. */
const street: ResponsibleRule = { kind: 'territorial' };
/** 兜底 — the district government. */
const district: ResponsibleRule = { kind: 'district' };
const cityDept = (sector: Sector): ResponsibleRule => ({ kind: 'department', sector, level: 'city' });
const districtDept = (sector: Sector): ResponsibleRule => ({ kind: 'department', sector, level: 'district' });
const utility = (kind: UtilityKind): ResponsibleRule => ({ kind: 'utility', utility: kind });

function leaf(
  code: string,
  path: string,
  rule: ResponsibleRule,
  coHandlers: Sector[],
  urgency: Urgency,
  keywords: string,
): CatalogueItem {
  const segments = path.split(PATH_SEPARATOR);
  return {
    code,
    name: segments[segments.length - 1] ?? path,
    path: segments,
    rule,
    coHandlers,
    urgency,
    keywords: keywords.split('|'),
  };
}

// One row per item, as a table: easier to review than one field per line.
// prettier-ignore
const items: CatalogueItem[] = [
  // 城乡建设 › 物业管理
  leaf('urban.property.elevator', '城乡建设›物业管理›电梯故障', districtDept('market-regulation'), ['housing'], 'urgent', '电梯|困人|电梯停运|电梯维保'),
  leaf('urban.property.service', '城乡建设›物业管理›物业服务质量', street, ['housing'], 'general', '物业|物业服务|物业不作为|保洁|保安'),
  leaf('urban.property.fee', '城乡建设›物业管理›物业费纠纷', street, ['housing'], 'general', '物业费|物业收费|涨物业费'),
  leaf('urban.property.maintenance-fund', '城乡建设›物业管理›公共维修资金', districtDept('housing'), [], 'complex', '维修资金|专项维修资金|大修基金'),
  leaf('urban.property.owners-committee', '城乡建设›物业管理›业主委员会', street, ['housing'], 'complex', '业委会|业主大会|物管会'),
  leaf('urban.property.handover', '城乡建设›物业管理›物业交接', street, ['housing'], 'complex', '物业交接|物业撤场|弃管小区'),
  leaf('urban.property.leak', '城乡建设›物业管理›房屋漏水', street, [], 'general', '漏水|渗水|屋顶漏雨|楼上漏水'),
  leaf('urban.property.common-facility', '城乡建设›物业管理›公共设施损坏', street, [], 'general', '单元门|楼道灯|门禁|楼道破损'),
  // 城乡建设 › 房屋管理
  leaf('urban.housing.old-community', '城乡建设›房屋管理›老旧小区改造', districtDept('housing'), ['planning'], 'complex', '老旧小区|综合整治|加装电梯|抗震加固'),
  leaf('urban.housing.safety', '城乡建设›房屋管理›房屋安全隐患', street, ['housing'], 'urgent', '危房|墙体开裂|房屋倾斜|外墙脱落'),
  leaf('urban.housing.group-rental', '城乡建设›房屋管理›群租房', street, ['housing', 'public-security'], 'general', '群租|隔断房|打隔断|床位出租'),
  leaf('urban.housing.rental-dispute', '城乡建设›房屋管理›房屋租赁纠纷', districtDept('housing'), [], 'general', '租房|押金不退|中介|长租公寓'),
  leaf('urban.housing.affordable', '城乡建设›房屋管理›保障性住房', cityDept('housing'), [], 'general', '公租房|保障房|共有产权房|廉租房'),
  leaf('urban.housing.delivery', '城乡建设›房屋管理›商品房交付', districtDept('housing'), [], 'complex', '延期交房|交房|开发商|精装修质量'),
  leaf('urban.housing.realty-registration', '城乡建设›房屋管理›不动产登记', districtDept('planning'), [], 'complex', '房产证|不动产证|网签|办证难'),
  leaf('urban.housing.demolition', '城乡建设›房屋管理›征收补偿', district, ['housing'], 'complex', '拆迁|征收|补偿款|腾退'),
  // 城乡建设 › 违法建设
  leaf('urban.illegal.building', '城乡建设›违法建设›违章建筑', street, ['urban-enforcement', 'planning'], 'complex', '违建|违章建筑|私搭乱建|加盖'),
  leaf('urban.illegal.rooftop', '城乡建设›违法建设›楼顶违建', street, ['urban-enforcement'], 'complex', '楼顶|屋顶加盖|顶楼违建|阳光房'),
  leaf('urban.illegal.basement', '城乡建设›违法建设›地下空间违规使用', street, ['housing', 'fire-rescue'], 'general', '地下室住人|人防工程|地下空间'),
  leaf('urban.illegal.wall-opening', '城乡建设›违法建设›破墙开店', street, ['urban-enforcement'], 'general', '破墙开店|开墙打洞|改门脸'),
  // 城乡建设 › 施工管理
  leaf('urban.construction.night-work', '城乡建设›施工管理›夜间施工', districtDept('urban-enforcement'), ['housing'], 'general', '夜间施工|半夜施工|施工扰民|凌晨施工'),
  leaf('urban.construction.dust', '城乡建设›施工管理›施工扬尘', districtDept('urban-enforcement'), ['ecology'], 'general', '扬尘|工地|裸土|未苫盖'),
  leaf('urban.construction.muck', '城乡建设›施工管理›渣土遗撒', districtDept('urban-enforcement'), ['transport'], 'general', '渣土车|遗撒|土方|撒漏'),
  leaf('urban.construction.quality', '城乡建设›施工管理›工程质量', districtDept('housing'), [], 'complex', '工程质量|施工质量|建筑质量'),
  leaf('urban.construction.renovation', '城乡建设›施工管理›装修管理', street, [], 'general', '装修|拆承重墙|装修垃圾|改管道'),
  // 城市管理 › 环境卫生
  leaf('city.sanitation.street-cleaning', '城市管理›环境卫生›道路清扫', street, ['city-management'], 'general', '道路不干净|清扫|路面脏|保洁不到位'),
  leaf('city.sanitation.garbage-collection', '城市管理›环境卫生›垃圾清运', street, ['city-management'], 'general', '垃圾清运|垃圾满溢|垃圾堆放|垃圾没人收'),
  leaf('city.sanitation.sorting', '城市管理›环境卫生›垃圾分类', street, ['city-management'], 'general', '垃圾分类|桶站|厨余垃圾|混装混运'),
  leaf('city.sanitation.toilet', '城市管理›环境卫生›公共厕所', districtDept('city-management'), [], 'general', '公厕|厕所|卫生间|公厕关闭'),
  leaf('city.sanitation.flyposting', '城市管理›环境卫生›小广告', street, ['urban-enforcement'], 'general', '小广告|野广告|乱贴|喷涂'),
  leaf('city.sanitation.snow', '城市管理›环境卫生›清雪铲冰', street, ['city-management'], 'utilities', '积雪|清雪|结冰|铲冰'),
  leaf('city.sanitation.dead-animal', '城市管理›环境卫生›动物尸体', street, [], 'general', '死猫|死狗|动物尸体|死老鼠'),
  // 城市管理 › 市容秩序
  leaf('city.order.street-vending', '城市管理›市容秩序›占道经营', street, ['urban-enforcement'], 'general', '占道经营|摆摊|店外经营|出摊'),
  leaf('city.order.unlicensed-vendor', '城市管理›市容秩序›无照游商', street, ['urban-enforcement', 'market-regulation'], 'general', '游商|无照经营|流动摊贩|黑摊'),
  leaf('city.order.outdoor-ad', '城市管理›市容秩序›户外广告牌匾', districtDept('urban-enforcement'), ['city-management'], 'general', '广告牌|牌匾|灯箱|广告牌松动'),
  leaf('city.order.bbq', '城市管理›市容秩序›露天烧烤', street, ['urban-enforcement'], 'general', '露天烧烤|烧烤摊|撸串|烟雾'),
  leaf('city.order.bulky-waste', '城市管理›市容秩序›大件垃圾堆放', street, [], 'general', '大件垃圾|废旧家具|堆物堆料|杂物'),
  leaf('city.order.drying', '城市管理›市容秩序›乱扯乱挂', street, [], 'general', '乱挂|晾衣|私拉绳子|横幅'),
  // 城市管理 › 市政设施
  leaf('city.facility.manhole', '城市管理›市政设施›井盖缺失', districtDept('city-management'), ['water-affairs'], 'urgent', '井盖|井盖丢失|井盖破损|窨井'),
  leaf('city.facility.road-damage', '城市管理›市政设施›道路破损', districtDept('transport'), ['city-management'], 'general', '道路破损|坑洼|路面塌陷|破路'),
  leaf('city.facility.road-collapse', '城市管理›市政设施›道路塌陷', districtDept('transport'), ['water-affairs', 'emergency-management'], 'urgent', '塌陷|地陷|路面下沉|大坑'),
  leaf('city.facility.streetlight', '城市管理›市政设施›路灯不亮', districtDept('city-management'), [], 'general', '路灯|路灯不亮|照明|灯坏了'),
  leaf('city.facility.sidewalk', '城市管理›市政设施›便道破损', districtDept('city-management'), [], 'general', '便道|人行道|步道砖|盲道'),
  leaf('city.facility.waterlogging', '城市管理›市政设施›道路积水', districtDept('water-affairs'), ['city-management'], 'urgent', '积水|内涝|下雨积水|排水不畅'),
  leaf('city.facility.sewer', '城市管理›市政设施›雨污管道堵塞', districtDept('water-affairs'), [], 'general', '下水道|化粪池|污水外溢|管道堵塞'),
  leaf('city.facility.bridge', '城市管理›市政设施›桥梁隧道', districtDept('transport'), [], 'general', '桥梁|过街天桥|地下通道|隧道'),
  leaf('city.facility.fitness', '城市管理›市政设施›健身器材损坏', street, ['sports'], 'general', '健身器材|健身器械|器材损坏|单杠'),
  // 城市管理 › 园林绿化
  leaf('city.green.pruning', '城市管理›园林绿化›树木修剪', street, ['landscaping'], 'general', '树木修剪|树枝|遮挡阳光|剪树'),
  leaf('city.green.fallen-tree', '城市管理›园林绿化›树木倒伏', districtDept('landscaping'), ['emergency-management'], 'urgent', '倒树|树木倒伏|断枝|大树倾斜'),
  leaf('city.green.damage', '城市管理›园林绿化›绿地破坏', street, ['landscaping', 'urban-enforcement'], 'general', '毁绿|占绿|绿地|种菜'),
  leaf('city.green.park', '城市管理›园林绿化›公园管理', districtDept('landscaping'), [], 'general', '公园|公园门票|公园设施|遛狗'),
  leaf('city.green.catkins', '城市管理›园林绿化›杨柳飞絮', districtDept('landscaping'), [], 'general', '杨絮|柳絮|飞絮|过敏'),
  leaf('city.green.old-tree', '城市管理›园林绿化›古树名木', cityDept('landscaping'), [], 'general', '古树|名木|古树保护'),
  leaf('city.green.pests', '城市管理›园林绿化›园林病虫害', districtDept('landscaping'), [], 'general', '美国白蛾|虫害|打药|病虫害'),
  // 水电气热 › 供水
  leaf('utility.water.outage', '水电气热›供水›停水', utility('water'), ['water-affairs'], 'utilities', '停水|没水|断水|突然停水'),
  leaf('utility.water.pressure', '水电气热›供水›水压不足', utility('water'), [], 'utilities', '水压低|水小|水压不足|高层没水'),
  leaf('utility.water.quality', '水电气热›供水›水质问题', utility('water'), ['health'], 'utilities', '水质|水黄|水浑|自来水有异味'),
  leaf('utility.water.pipe-leak', '水电气热›供水›供水管道漏水', utility('water'), [], 'utilities', '水管爆裂|管道漏水|跑水|冒水'),
  leaf('utility.water.meter', '水电气热›供水›水表水费', utility('water'), [], 'general', '水表|水费|IC卡水表|阶梯水价'),
  leaf('utility.water.secondary', '水电气热›供水›二次供水', street, ['water-affairs', 'health'], 'utilities', '二次供水|水箱|加压泵|楼顶水箱'),
  // 水电气热 › 供电
  leaf('utility.power.outage', '水电气热›供电›停电', utility('power'), [], 'utilities', '停电|断电|没电|跳闸'),
  leaf('utility.power.voltage', '水电气热›供电›电压不稳', utility('power'), [], 'utilities', '电压低|电压不稳|灯闪|电器带不动'),
  leaf('utility.power.bill', '水电气热›供电›电费电表', utility('power'), [], 'general', '电费|电表|峰谷电|预付费电表'),
  leaf('utility.power.line', '水电气热›供电›电力线路隐患', utility('power'), [], 'urgent', '电线下垂|电线杆|变压器|电缆冒火'),
  leaf('utility.power.charging', '水电气热›供电›充电桩安装', utility('power'), ['housing'], 'general', '充电桩|新能源车|报装|充电'),
  leaf('utility.power.flying-wire', '水电气热›供电›飞线充电', street, ['fire-rescue'], 'urgent', '飞线充电|私拉电线|电动车充电|楼道充电'),
  // 水电气热 › 燃气
  leaf('utility.gas.leak', '水电气热›燃气›燃气泄漏', utility('gas'), ['emergency-management', 'fire-rescue'], 'urgent', '燃气泄漏|煤气味|漏气|天然气味'),
  leaf('utility.gas.outage', '水电气热›燃气›停气', utility('gas'), [], 'utilities', '停气|没气|燃气停供|打不着火'),
  leaf('utility.gas.bill', '水电气热›燃气›燃气费燃气表', utility('gas'), [], 'general', '燃气费|燃气表|气费|购气'),
  leaf('utility.gas.inspection', '水电气热›燃气›燃气安全检查', utility('gas'), ['city-management'], 'general', '入户安检|燃气安检|燃气软管|报警器'),
  leaf('utility.gas.bottled', '水电气热›燃气›瓶装液化气', districtDept('city-management'), ['market-regulation'], 'general', '液化气|煤气罐|瓶装气|黑气站'),
  // 水电气热 › 供暖
  leaf('utility.heating.cold', '水电气热›供暖›暖气不热', utility('heating'), ['city-management'], 'utilities', '暖气不热|室温不达标|暖气凉|供暖温度'),
  leaf('utility.heating.outage', '水电气热›供暖›停暖', utility('heating'), ['city-management'], 'utilities', '停暖|不供暖|没暖气|暖气停了'),
  leaf('utility.heating.leak', '水电气热›供暖›暖气漏水', utility('heating'), [], 'utilities', '暖气漏水|暖气片漏|暖气管爆'),
  leaf('utility.heating.fee', '水电气热›供暖›供暖费', utility('heating'), [], 'general', '供暖费|采暖费|报停|取暖费'),
  leaf('utility.heating.trial', '水电气热›供暖›供暖试运行', utility('heating'), [], 'utilities', '试水|注水|试运行|提前供暖'),
  leaf('utility.heating.self-heating', '水电气热›供暖›无供暖单位', district, ['city-management'], 'complex', '自采暖|无人供暖|锅炉房|弃管供暖'),
  // 交通出行 › 交通设施
  leaf('transport.facility.signal-fault', '交通出行›交通设施›信号灯故障', cityDept('traffic-police'), [], 'urgent', '红绿灯|信号灯坏|信号灯不亮|黄闪'),
  leaf('transport.facility.signal-timing', '交通出行›交通设施›信号灯配时', cityDept('traffic-police'), [], 'general', '配时|绿灯太短|红灯太长|左转灯'),
  leaf('transport.facility.markings', '交通出行›交通设施›标志标线', districtDept('traffic-police'), ['transport'], 'general', '标线|斑马线|交通标志|指示牌'),
  leaf('transport.facility.barrier', '交通出行›交通设施›隔离护栏', districtDept('transport'), [], 'general', '护栏|隔离栏|隔离墩|防撞桶'),
  leaf('transport.facility.bus-stop', '交通出行›交通设施›公交站台', cityDept('transport'), [], 'general', '公交站|站台|站牌|候车亭'),
  // 交通出行 › 停车管理
  leaf('transport.parking.illegal', '交通出行›停车管理›违章停车', districtDept('traffic-police'), [], 'general', '违停|乱停车|堵门|占用消防通道停车'),
  leaf('transport.parking.fee', '交通出行›停车管理›停车收费', districtDept('transport'), ['market-regulation'], 'general', '停车费|乱收费|咪表|道路停车'),
  leaf('transport.parking.community', '交通出行›停车管理›小区停车', street, [], 'general', '小区停车|停车位|车位|外来车辆'),
  leaf('transport.parking.bikes', '交通出行›停车管理›共享单车乱停', districtDept('transport'), [], 'general', '共享单车|单车堆积|乱停放|电单车'),
  leaf('transport.parking.zombie-car', '交通出行›停车管理›僵尸车', street, ['traffic-police'], 'general', '僵尸车|废弃车辆|长期停放|无牌车'),
  leaf('transport.parking.ground-lock', '交通出行›停车管理›私装地锁', street, ['urban-enforcement'], 'general', '地锁|私占车位|地桩|占车位'),
  // 交通出行 › 公共交通
  leaf('transport.transit.bus-route', '交通出行›公共交通›公交线路', cityDept('transport'), [], 'general', '公交线路|增开公交|线路调整|末班车'),
  leaf('transport.transit.bus-service', '交通出行›公共交通›公交服务', cityDept('transport'), [], 'general', '公交司机|甩站|不停站|服务态度'),
  leaf('transport.transit.metro', '交通出行›公共交通›地铁服务', cityDept('transport'), [], 'general', '地铁|地铁站|安检|换乘'),
  leaf('transport.transit.taxi', '交通出行›公共交通›出租车', cityDept('transport'), [], 'general', '出租车|拒载|绕路|不打表'),
  leaf('transport.transit.ride-hailing', '交通出行›公共交通›网约车', cityDept('transport'), ['market-regulation'], 'general', '网约车|滴滴|平台抽成|顺风车'),
  // 交通出行 › 交通秩序
  leaf('transport.order.congestion', '交通出行›交通秩序›交通拥堵', cityDept('traffic-police'), ['transport'], 'general', '堵车|拥堵|早晚高峰|交通疏导'),
  leaf('transport.order.violations', '交通出行›交通秩序›交通违法', districtDept('traffic-police'), [], 'general', '闯红灯|逆行|飙车|改装车'),
  leaf('transport.order.heavy-truck', '交通出行›交通秩序›大货车通行', cityDept('traffic-police'), ['transport'], 'general', '大货车|渣土车超速|限行|货车扰民'),
  leaf('transport.order.licence', '交通出行›交通秩序›驾驶证车辆登记', cityDept('traffic-police'), [], 'general', '驾驶证|车辆年检|车牌|机动车登记'),
  // 生态环境 › 噪声
  leaf('ecology.noise.living', '生态环境›噪声›社会生活噪声', street, [], 'general', '噪音|扰民|广场舞|邻居吵闹'),
  leaf('ecology.noise.commercial', '生态环境›噪声›商业经营噪声', districtDept('urban-enforcement'), [], 'general', '商铺噪音|音响|喇叭叫卖|酒吧噪音'),
  leaf('ecology.noise.industrial', '生态环境›噪声›工业噪声', districtDept('ecology'), [], 'general', '工厂噪音|机器轰鸣|厂区噪声'),
  leaf('ecology.noise.equipment', '生态环境›噪声›设备噪声', street, [], 'general', '空调外机|水泵|风机|变压器噪音'),
  leaf('ecology.noise.traffic', '生态环境›噪声›交通噪声', districtDept('transport'), ['ecology'], 'complex', '交通噪音|隔音屏|高架|铁路噪音'),
  // 生态环境 › 大气
  leaf('ecology.air.cooking-fume', '生态环境›大气›餐饮油烟', districtDept('urban-enforcement'), [], 'general', '油烟|餐馆油烟|排烟|饭店味道'),
  leaf('ecology.air.industrial', '生态环境›大气›工业废气', districtDept('ecology'), [], 'general', '废气|异味|化工味|排放'),
  leaf('ecology.air.burning', '生态环境›大气›露天焚烧', street, ['urban-enforcement'], 'general', '焚烧|烧垃圾|烧秸秆|烧树叶'),
  leaf('ecology.air.odour', '生态环境›大气›垃圾站异味', districtDept('city-management'), [], 'general', '垃圾站臭|转运站|恶臭|臭味'),
  // 生态环境 › 水与土壤
  leaf('ecology.water.river', '生态环境›水与土壤›河道污染', districtDept('water-affairs'), ['ecology'], 'general', '河道|河水发臭|水面垃圾|黑臭水体'),
  leaf('ecology.water.discharge', '生态环境›水与土壤›企业排污', districtDept('ecology'), ['water-affairs'], 'general', '排污|偷排|污水直排|排污口'),
  leaf('ecology.water.solid-waste', '生态环境›水与土壤›固废倾倒', districtDept('ecology'), ['urban-enforcement'], 'general', '倾倒|建筑垃圾|危废|偷倒'),
  leaf('ecology.water.radiation', '生态环境›水与土壤›电磁辐射', cityDept('ecology'), ['communications'], 'general', '辐射|基站|信号塔|电磁'),
  // 市场监管 › 食品药品
  leaf('market.food.expired', '市场监管›食品药品›过期变质食品', districtDept('market-regulation'), [], 'general', '过期|变质|发霉|保质期'),
  leaf('market.food.restaurant', '市场监管›食品药品›餐饮卫生', districtDept('market-regulation'), [], 'general', '餐馆|后厨|卫生差|吃出异物'),
  leaf('market.food.poisoning', '市场监管›食品药品›食物中毒', districtDept('market-regulation'), ['health'], 'urgent', '食物中毒|吃坏肚子|集体呕吐|腹泻'),
  leaf('market.food.takeout', '市场监管›食品药品›网络订餐', districtDept('market-regulation'), [], 'general', '外卖|美团|饿了么|幽灵厨房'),
  leaf('market.food.drug', '市场监管›食品药品›药品质量', districtDept('market-regulation'), ['health'], 'general', '药品|假药|药店|处方药'),
  leaf('market.food.cosmetics', '市场监管›食品药品›化妆品医疗器械', districtDept('market-regulation'), [], 'general', '化妆品|医疗器械|美容|三无产品'),
  // 市场监管 › 价格与消费
  leaf('market.consumer.price-fraud', '市场监管›价格与消费›价格欺诈', districtDept('market-regulation'), [], 'general', '价格欺诈|宰客|虚假打折|先涨后降'),
  leaf('market.consumer.price-tag', '市场监管›价格与消费›明码标价', districtDept('market-regulation'), [], 'general', '明码标价|不标价|价签|乱收费'),
  leaf('market.consumer.prepaid-card', '市场监管›价格与消费›预付卡退费', districtDept('market-regulation'), ['commerce'], 'complex', '预付卡|办卡|跑路|退卡|充值卡'),
  leaf('market.consumer.product-quality', '市场监管›价格与消费›商品质量', districtDept('market-regulation'), [], 'general', '质量问题|假冒伪劣|退换货|三包'),
  leaf('market.consumer.online-shopping', '市场监管›价格与消费›网购纠纷', cityDept('market-regulation'), [], 'general', '网购|电商|直播带货|七天无理由'),
  leaf('market.consumer.ad', '市场监管›价格与消费›虚假广告', districtDept('market-regulation'), [], 'general', '虚假广告|夸大宣传|骚扰短信|保健品'),
  leaf('market.consumer.express', '市场监管›价格与消费›快递服务', cityDept('postal'), [], 'general', '快递|丢件|快递柜|派送'),
  // 市场监管 › 市场主体
  leaf('market.entity.licence', '市场监管›市场主体›营业执照', districtDept('market-regulation'), [], 'general', '营业执照|工商注册|注销|个体户'),
  leaf('market.entity.unlicensed', '市场监管›市场主体›无证无照经营', street, ['market-regulation'], 'general', '无证经营|黑作坊|无照|地下作坊'),
  leaf('market.entity.special-equipment', '市场监管›市场主体›特种设备', districtDept('market-regulation'), [], 'urgent', '锅炉|压力容器|游乐设施|起重机'),
  // 劳动社保 › 劳动关系
  leaf('labour.relations.wage-arrears', '劳动社保›劳动关系›劳动欠薪', districtDept('human-resources'), [], 'general', '欠薪|拖欠工资|不发工资|讨薪'),
  leaf('labour.relations.migrant-wages', '劳动社保›劳动关系›农民工欠薪', districtDept('human-resources'), ['housing'], 'urgent', '农民工|工地欠薪|包工头|工程款'),
  leaf('labour.relations.contract', '劳动社保›劳动关系›劳动合同', districtDept('human-resources'), [], 'general', '劳动合同|辞退|经济补偿|试用期'),
  leaf('labour.relations.overtime', '劳动社保›劳动关系›加班与休假', districtDept('human-resources'), [], 'general', '加班费|年假|996|休息日'),
  // 劳动社保 › 社会保险
  leaf('labour.insurance.contribution', '劳动社保›社会保险›社保缴纳', districtDept('human-resources'), ['tax'], 'general', '社保|五险|断缴|补缴'),
  leaf('labour.insurance.pension', '劳动社保›社会保险›养老金', cityDept('human-resources'), [], 'general', '养老金|退休金|退休手续|养老保险'),
  leaf('labour.insurance.unemployment', '劳动社保›社会保险›失业保险', districtDept('human-resources'), [], 'general', '失业金|失业登记|失业保险'),
  leaf('labour.insurance.injury', '劳动社保›社会保险›工伤认定', districtDept('human-resources'), [], 'complex', '工伤|工伤认定|伤残鉴定'),
  leaf('labour.insurance.medical', '劳动社保›社会保险›医保报销', cityDept('medical-insurance'), [], 'general', '医保|报销|医保卡|异地就医'),
  // 劳动社保 › 就业人才
  leaf('labour.employment.training', '劳动社保›就业人才›职业技能培训', districtDept('human-resources'), [], 'general', '技能培训|职业培训|补贴培训|证书'),
  leaf('labour.employment.jobs', '劳动社保›就业人才›就业服务', districtDept('human-resources'), [], 'general', '找工作|招聘|就业|灵活就业'),
  leaf('labour.employment.talent', '劳动社保›就业人才›人才引进', cityDept('human-resources'), ['public-security'], 'complex', '人才引进|积分落户|工作居住证|留学生'),
  // 教育 › 入学
  leaf('education.enrolment.compulsory', '教育›入学›义务教育入学', districtDept('education'), [], 'general', '入学|小升初|学区|幼升小'),
  leaf('education.enrolment.kindergarten', '教育›入学›入园', districtDept('education'), [], 'general', '幼儿园|入园难|普惠园|托育'),
  leaf('education.enrolment.non-local', '教育›入学›非京籍入学', districtDept('education'), [], 'complex', '非京籍|五证|借读|随迁子女'),
  leaf('education.enrolment.exam', '教育›入学›招生考试', cityDept('education'), [], 'general', '中考|高考|招生|录取'),
  // 教育 › 学校管理
  leaf('education.school.fees', '教育›学校管理›学校乱收费', districtDept('education'), ['market-regulation'], 'general', '乱收费|校服费|资料费|补课费'),
  leaf('education.school.safety', '教育›学校管理›校园安全', districtDept('education'), ['public-security'], 'urgent', '校园安全|霸凌|欺凌|校园周边'),
  leaf('education.school.burden', '教育›学校管理›课业负担', districtDept('education'), [], 'general', '作业多|减负|双减|放学时间'),
  leaf('education.school.canteen', '教育›学校管理›学校食堂', districtDept('education'), ['market-regulation'], 'general', '学校食堂|营养餐|学生餐|配餐'),
  // 教育 › 校外培训
  leaf('education.tutoring.illegal', '教育›校外培训›违规培训', districtDept('education'), ['urban-enforcement'], 'general', '违规培训|学科类培训|隐形变异|一对一'),
  leaf('education.tutoring.refund', '教育›校外培训›培训退费', districtDept('education'), ['market-regulation'], 'complex', '培训退费|机构跑路|课时费|退课'),
  // 医疗卫生 › 医疗服务
  leaf('health.medical.attitude', '医疗卫生›医疗服务›医院服务态度', districtDept('health'), [], 'general', '医院|服务态度|医生态度|护士'),
  leaf('health.medical.appointment', '医疗卫生›医疗服务›挂号就诊', cityDept('health'), [], 'general', '挂号|号贩子|预约挂号|就诊难'),
  leaf('health.medical.dispute', '医疗卫生›医疗服务›医疗纠纷', districtDept('health'), [], 'complex', '医疗纠纷|医疗事故|误诊|手术'),
  leaf('health.medical.unlicensed', '医疗卫生›医疗服务›非法行医', districtDept('health'), ['market-regulation'], 'general', '无证行医|黑诊所|非法行医|医美'),
  leaf('health.medical.charges', '医疗卫生›医疗服务›医疗收费', districtDept('health'), ['medical-insurance'], 'general', '医疗收费|检查费|过度医疗|药费'),
  // 医疗卫生 › 公共卫生
  leaf('health.public.vaccine', '医疗卫生›公共卫生›疫苗接种', districtDept('health'), [], 'general', '疫苗|接种|打疫苗|预防针'),
  leaf('health.public.vaccine-supply', '医疗卫生›公共卫生›疫苗供应', cityDept('health'), [], 'general', 'HPV|疫苗缺货|九价|狂犬疫苗'),
  leaf('health.public.infectious', '医疗卫生›公共卫生›传染病防控', districtDept('health'), [], 'urgent', '传染病|发热|疫情|流感'),
  leaf('health.public.vectors', '医疗卫生›公共卫生›病媒生物', street, ['health'], 'general', '老鼠|蟑螂|蚊虫|灭鼠'),
  leaf('health.public.smoking', '医疗卫生›公共卫生›控烟', districtDept('health'), [], 'general', '吸烟|控烟|室内抽烟|电子烟'),
  leaf('health.public.family-planning', '医疗卫生›公共卫生›生育登记', districtDept('health'), ['civil-affairs'], 'general', '生育登记|出生证明|母婴|育儿补贴'),
  // 民政社会 › 养老服务
  leaf('civil.elderly.station', '民政社会›养老服务›养老驿站', street, ['civil-affairs'], 'general', '养老驿站|助餐|老年餐桌|上门服务'),
  leaf('civil.elderly.institution', '民政社会›养老服务›养老机构', districtDept('civil-affairs'), [], 'general', '养老院|敬老院|养老机构|护理院'),
  leaf('civil.elderly.allowance', '民政社会›养老服务›高龄津贴', street, ['civil-affairs'], 'general', '高龄津贴|养老助残卡|老年卡|补贴'),
  leaf('civil.elderly.fraud', '民政社会›养老服务›养老诈骗', districtDept('public-security'), ['market-regulation'], 'complex', '养老诈骗|保健品骗局|以房养老|养老项目'),
  // 民政社会 › 社会救助
  leaf('civil.assistance.subsistence', '民政社会›社会救助›低保', street, ['civil-affairs'], 'general', '低保|最低生活保障|低收入|低保申请'),
  leaf('civil.assistance.temporary', '民政社会›社会救助›临时救助', street, ['civil-affairs'], 'urgent', '临时救助|生活困难|急难|求助'),
  leaf('civil.assistance.homeless', '民政社会›社会救助›流浪乞讨', districtDept('civil-affairs'), ['public-security'], 'urgent', '流浪|乞讨|露宿|救助站'),
  leaf('civil.assistance.disability', '民政社会›社会救助›残疾人服务', street, ['civil-affairs'], 'general', '残疾人|残疾证|两项补贴|无障碍'),
  // 民政社会 › 社会事务
  leaf('civil.affairs.marriage', '民政社会›社会事务›婚姻登记', districtDept('civil-affairs'), [], 'general', '结婚登记|离婚|婚姻登记|领证'),
  leaf('civil.affairs.funeral', '民政社会›社会事务›殡葬服务', districtDept('civil-affairs'), [], 'general', '殡葬|墓地|骨灰|丧葬费'),
  leaf('civil.affairs.veterans', '民政社会›社会事务›退役军人', districtDept('veterans'), [], 'general', '退役军人|优抚|复员|军人安置'),
  leaf('civil.affairs.social-org', '民政社会›社会事务›社会组织', cityDept('civil-affairs'), [], 'general', '社会组织|社团|基金会|民办非企业'),
  // 公安户政 › 户籍证件
  leaf('police.household.transfer', '公安户政›户籍证件›户口迁移', districtDept('public-security'), [], 'general', '户口|落户|迁户口|户籍'),
  leaf('police.household.id-card', '公安户政›户籍证件›身份证办理', districtDept('public-security'), [], 'general', '身份证|补办身份证|换证|临时身份证'),
  leaf('police.household.residence-permit', '公安户政›户籍证件›居住证', districtDept('public-security'), [], 'general', '居住证|居住登记|暂住证'),
  leaf('police.household.exit-entry', '公安户政›户籍证件›出入境证件', cityDept('public-security'), [], 'general', '护照|港澳通行证|签注|出入境'),
  // 公安户政 › 消防安全
  leaf('police.fire.passage', '公安户政›消防安全›消防通道堵塞', street, ['fire-rescue'], 'general', '消防通道|生命通道|堵塞|杂物'),
  leaf('police.fire.hazard', '公安户政›消防安全›消防隐患', districtDept('fire-rescue'), [], 'urgent', '消防隐患|灭火器|消防栓|三合一'),
  leaf('police.fire.ebike', '公安户政›消防安全›电动车进楼', street, ['fire-rescue'], 'general', '电动车进楼|电梯电动车|电瓶车|入户充电'),
  // 文旅体育 › 旅游
  leaf('culture.tourism.scenic', '文旅体育›旅游›景区管理', districtDept('culture-tourism'), [], 'general', '景区|门票|预约|游客'),
  leaf('culture.tourism.agency', '文旅体育›旅游›旅行社', cityDept('culture-tourism'), ['market-regulation'], 'general', '旅行社|导游|强制购物|一日游'),
  leaf('culture.tourism.hotel', '文旅体育›旅游›住宿服务', districtDept('culture-tourism'), [], 'general', '酒店|民宿|宾馆|住宿'),
  // 文旅体育 › 文化体育
  leaf('culture.leisure.market', '文旅体育›文化体育›文化娱乐场所', districtDept('culture-tourism'), [], 'general', 'KTV|网吧|剧本杀|演出'),
  leaf('culture.leisure.library', '文旅体育›文化体育›公共文化设施', districtDept('culture-tourism'), [], 'general', '图书馆|博物馆|文化馆|美术馆'),
  leaf('culture.leisure.sports-venue', '文旅体育›文化体育›体育场馆', districtDept('sports'), [], 'general', '体育场馆|游泳馆|健身房|球场'),
  leaf('culture.leisure.heritage', '文旅体育›文化体育›文物保护', cityDept('culture-tourism'), ['planning'], 'complex', '文物|四合院|胡同|保护建筑'),
  // 规划国土 › 规划管理
  leaf('planning.plan.consultation', '规划国土›规划管理›规划咨询', cityDept('planning'), [], 'general', '规划|控规|规划公示|用地性质'),
  leaf('planning.plan.facilities', '规划国土›规划管理›配套设施建设', district, ['planning', 'housing'], 'complex', '配套|学校配套|菜市场|配套不全'),
  leaf('planning.plan.daylight', '规划国土›规划管理›采光遮挡', districtDept('planning'), [], 'complex', '采光|日照|遮挡|楼间距'),
  // 规划国土 › 自然资源
  leaf('planning.land.farmland', '规划国土›自然资源›违法占地', districtDept('planning'), ['agriculture'], 'complex', '占用耕地|违法占地|非农化|大棚房'),
  leaf('planning.land.homestead', '规划国土›自然资源›宅基地', street, ['agriculture'], 'complex', '宅基地|翻建|农村建房|宅基地纠纷'),
  leaf('planning.land.geo-hazard', '规划国土›自然资源›地质灾害', districtDept('planning'), ['emergency-management'], 'urgent', '滑坡|泥石流|地面沉降|塌方'),
  // 农业农村 › 农村管理
  leaf('rural.affairs.subsidy', '农业农村›农村管理›农业补贴', districtDept('agriculture'), [], 'general', '种粮补贴|农机补贴|惠农|农业补贴'),
  leaf('rural.affairs.collective', '农业农村›农村管理›村务公开', street, ['agriculture'], 'complex', '村务|村委会|集体经济|分红'),
  leaf('rural.affairs.animals', '农业农村›农村管理›动物防疫', districtDept('agriculture'), [], 'general', '动物防疫|禽流感|病死畜禽|养殖'),
  leaf('rural.affairs.dogs', '农业农村›农村管理›犬只管理', districtDept('public-security'), ['agriculture'], 'general', '养狗|狗咬人|犬证|流浪狗'),
  // 社区治理
  leaf('community.governance.neighbour', '社区治理›邻里纠纷', street, [], 'general', '邻里纠纷|邻居|矛盾|调解'),
  leaf('community.governance.staff', '社区治理›社区工作', street, [], 'general', '社区|居委会|社区工作人员|开证明'),
  leaf('community.governance.pets', '社区治理›不文明养宠', street, [], 'general', '遛狗不拴绳|狗屎|狗叫|养宠'),
  leaf('community.governance.telecom', '社区治理›通信网络', cityDept('communications'), [], 'general', '信号差|宽带|运营商|光纤入户'),
  leaf('community.governance.other', '社区治理›其他诉求', district, [], 'general', '其他|综合|不知道找谁|多部门'),
  // 企业服务
  leaf('business.service.tax', '企业服务›税费服务', cityDept('tax'), [], 'general', '发票|纳税|退税|个税'),
  leaf('business.service.environment', '企业服务›营商环境', district, ['commerce'], 'complex', '营商环境|企业诉求|审批慢|政策兑现'),
  leaf('business.service.commerce', '企业服务›商业网点', districtDept('commerce'), [], 'general', '菜市场|便民店|早餐|商业网点'),
  leaf('business.service.safety-production', '企业服务›安全生产', districtDept('emergency-management'), [], 'urgent', '安全生产|危化品|违规储存|有限空间'),
];

export const CATALOGUE_2026_1: Catalogue = {
  version: '2026.1',
  publishedAt: '2026-01-01T00:00:00+08:00',
  items,
};
