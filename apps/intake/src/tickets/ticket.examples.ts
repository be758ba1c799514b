import type { ApiExample } from '@jsjb/platform';

/** OpenAPI examples, in the words operators and residents use. */
export const OPERATOR_CREATE_EXAMPLES: Record<string, ApiExample> = {
  complaint: {
    summary: '投诉：夜间施工噪音，记录后转办',
    value: {
      channel: 'hotline',
      requestType: 'complaint',
      content: '市民反映朝阳区安贞街道某工地每天晚上十一点以后还在施工，噪音很大，影响休息，希望尽快处理。',
      caller: { name: '王女士', phone: '13812345678', confidential: false },
      location: {
        address: '安贞西里三区附近工地',
        coordinates: { lng: 116.4035, lat: 39.9717, crs: 'GCJ02' },
      },
      triage: { outcome: 'dispatch' },
    },
  },
  consultation: {
    summary: '咨询：社保卡补办，话务员直接答复（直办）',
    value: {
      requestType: 'consultation',
      content: '请问社保卡丢了去哪里补办，需要带什么材料？',
      caller: { phone: '010-62345678' },
      triage: { outcome: 'direct', reply: '可携带身份证到就近的社保卡服务网点或通过“北京通”APP申请补办。' },
    },
  },
  emergency: {
    summary: '紧急：闻到燃气味，转119并记录（分流）',
    value: {
      content: '家里厨房闻到很重的煤气味，老人在家，很害怕。',
      caller: { phone: '13900001111' },
      triage: {
        outcome: 'divert',
        reason: 'emergency-119',
        note: '已三方转接119，并提示开窗通风、勿开关电器。',
      },
    },
  },
};

export const TRIAGE_EXAMPLES: Record<string, ApiExample> = {
  dispatch: { summary: '转办：按派单目录派单', value: { outcome: 'dispatch' } },
  direct: {
    summary: '直办：当场答复',
    value: { outcome: 'direct', reply: '经查询，该路段停水系管网抢修，预计今晚20点恢复供水。' },
  },
  divert: {
    summary: '分流：已进入诉讼程序的事项，告知其通过法院渠道解决',
    value: {
      outcome: 'divert',
      reason: 'other-legal-channel',
      note: '该纠纷已起诉至法院，已告知诉求人依法通过诉讼渠道处理。',
    },
  },
};

export const RESIDENT_SUBMIT_EXAMPLES: Record<string, ApiExample> = {
  app: {
    summary: '市民通过APP反映：小区门口井盖丢失',
    value: {
      channel: 'app',
      content: '小区东门外人行道上的井盖丢了，晚上很黑，怕有人掉下去。',
      caller: { name: '李先生', phone: '13700002222' },
      location: { address: '和平里七区东门', coordinates: { lng: 116.4172, lat: 39.9576, crs: 'GCJ02' } },
      media: ['https://media.example.gov.cn/uploads/2026/11/21/manhole.jpg'],
    },
  },
};

export const CLASSIFY_EXAMPLES: Record<string, ApiExample> = {
  heating: {
    summary: '暖气不热',
    value: { content: '我家暖气从昨天开始就不热了，屋里才十几度，老人孩子都冻感冒了。' },
  },
};
