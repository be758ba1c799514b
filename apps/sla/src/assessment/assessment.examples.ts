import type { ApiExample } from '@jsjb/platform';

/** OpenAPI examples, in the words managers use. */
export const EXCLUSION_EXAMPLES: Record<string, ApiExample> = {
  malicious: {
    summary: '恶意诉求：同一来电人反复拨打并辱骂承办人员，经核实不计入考核',
    value: {
      ticketId: 'T-20260312-000123',
      reason: 'malicious',
      note: '来电人一个月内就同一事项拨打47次，内容均为辱骂承办人员，经市民服务热线中心核实认定为恶意诉求。',
    },
  },
  unreasonable: {
    summary: '不合理诉求：要求街道为私人车辆提供免费专属车位',
    value: {
      ticketId: 'T-20260318-004567',
      reason: 'unreasonable',
      note: '诉求人要求街道在公共道路上为其私家车划设专用免费车位，无政策依据，已解释说明，认定为不合理诉求。',
    },
  },
};

export const WEIGHT_SET_EXAMPLES: Record<string, ApiExample> = {
  streets: {
    summary: '自2026年7月起，街乡提高响应率权重（20/40/40），基本满意按0.8计',
    value: {
      effectiveFrom: '2026-07',
      weights: { street: { response: 20, resolution: 40, satisfaction: 40 } },
      basicSatisfiedWeight: 0.8,
      note: '市考核办2026年第3号通知：街乡响应率权重调整为20%',
    },
  },
  all: {
    summary: '自2027年1月起，全部单位类别统一调整权重',
    value: {
      effectiveFrom: '2027-01',
      weights: {
        street: { response: 10, resolution: 45, satisfaction: 45 },
        district: { response: 10, resolution: 45, satisfaction: 45 },
        'city-department': { response: 15, resolution: 40, satisfaction: 45 },
        enterprise: { response: 15, resolution: 40, satisfaction: 45 },
      },
      basicSatisfiedWeight: 0.7,
      note: '2027年度考评办法',
    },
  },
};
