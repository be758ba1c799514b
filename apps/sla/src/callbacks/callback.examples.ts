import type { ApiExample } from '@jsjb/platform';

/** OpenAPI examples of recording a callback (回访). */
export const ANSWER_EXAMPLES: Record<string, ApiExample> = {
  satisfied: {
    summary: '已联系：已解决，满意',
    value: {
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      comment: '路灯已修好，晚上出行方便了，感谢街道的及时处理。',
    },
  },
  reopen: {
    summary: '已联系：未解决，不满意（按政策重办）',
    value: {
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      comment: '施工噪音仍在夜间持续，承办单位只电话解释，未到现场处理。',
    },
  },
  unreachable: {
    summary: '未联系上（计一次回访尝试）',
    value: { contacted: false, comment: '连续两次拨打无人接听。' },
  },
};

/** OpenAPI examples of a resident's rating through the signed link. */
export const RATING_EXAMPLES: Record<string, ApiExample> = {
  basicallySatisfied: {
    summary: '已解决，基本满意',
    value: { resolved: true, satisfaction: 'basically-satisfied', comment: '问题解决了，但等了比较久。' },
  },
  unsatisfied: {
    summary: '未解决，不满意',
    value: { resolved: false, satisfaction: 'unsatisfied', comment: '小区门口的积水还是没有排走。' },
  },
};
