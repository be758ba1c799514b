import { REQUEST_TYPES } from '@jsjb/contracts';
import type { ApiExample } from '@jsjb/platform';

/**
 * OpenAPI documentation of the Open311 routes: the POST form's fields and examples in the words
 * residents use. The response documents are specified (and tested) by open311.schemas.ts.
 */

/** The POST requests form (application/x-www-form-urlencoded), as an OpenAPI 3.0 schema. */
export const CREATE_REQUEST_FORM_SCHEMA = {
  type: 'object',
  required: ['api_key', 'service_code', 'description'],
  properties: {
    api_key: { type: 'string', description: '接入系统的 api_key（向 12345 热线申请）' },
    jurisdiction_id: { type: 'string', description: '管辖区标识；配置了 OPEN311_JURISDICTION_ID 时必须一致' },
    service_code: { type: 'string', description: '派单目录事项编码，见 GET services' },
    lat: { type: 'number', description: 'WGS-84 纬度（与 long 一起提供）' },
    long: { type: 'number', description: 'WGS-84 经度（与 lat 一起提供）' },
    address_string: { type: 'string', maxLength: 500, description: '地址描述' },
    address_id: { type: 'string', description: '区划编码（区、街道、社区或网格）' },
    description: { type: 'string', maxLength: 4000, description: '诉求内容（本系统必填）' },
    first_name: { type: 'string', maxLength: 50, description: '名' },
    last_name: { type: 'string', maxLength: 50, description: '姓' },
    phone: { type: 'string', description: '联系电话（手机或固话）' },
    email: { type: 'string', description: '电子邮箱（不保存）' },
    device_id: { type: 'string', description: '设备标识（不保存）' },
    account_id: { type: 'string', description: '接入系统的用户标识，原样返回' },
    media_url: { type: 'string', format: 'uri', description: '图片地址（http 或 https）' },
    'attribute[request_type]': {
      type: 'string',
      enum: [...REQUEST_TYPES],
      description: '诉求类型；不填时按内容判断',
    },
    'attribute[confidential]': { type: 'string', enum: ['no', 'yes'], description: '是否保密处理' },
  },
};

export const CREATE_REQUEST_EXAMPLES: Record<string, ApiExample> = {
  manhole: {
    summary: '求助：小区门口井盖丢失（坐标）',
    value: {
      api_key: 'jsjb-open311-development-key',
      service_code: 'city.facility.manhole',
      lat: 39.9717,
      long: 116.4035,
      address_string: '朝阳区安贞西里三区北门',
      description: '小区门口井盖丢失，晚上很危险，请尽快处理。',
      last_name: '王',
      first_name: '小明',
      phone: '13812345678',
      'attribute[request_type]': 'help',
    },
  },
  confidential: {
    summary: '举报：按区划编码定位，保密处理',
    value: {
      api_key: 'jsjb-open311-development-key',
      service_code: 'urban.construction.night-work',
      address_id: '110105001001',
      description: '工地每天夜里十一点以后还在施工，噪音很大。',
      'attribute[request_type]': 'report',
      'attribute[confidential]': 'yes',
    },
  },
};

export const CREATED_EXAMPLE = [
  {
    service_request_id: '20261121000123',
    service_notice:
      '已受理，工单编号 20261121000123，将在2 小时内答复。紧急情况请拨打 110、119、120 或 122。',
    account_id: null,
  },
];

export const REQUESTS_EXAMPLE = [
  {
    service_request_id: '20261121000123',
    status: 'open',
    status_notes: '已派至安贞街道办事处',
    service_name: '井盖缺失',
    service_code: 'city.facility.manhole',
    description: '小区门口井盖丢失，晚上很危险，请尽快处理。',
    agency_responsible: '安贞街道办事处',
    requested_datetime: '2026-11-21T09:30:00+08:00',
    updated_datetime: '2026-11-21T09:42:10+08:00',
    expected_datetime: '2026-11-21T11:42:10+08:00',
    address: '朝阳区安贞西里三区北门',
    address_id: null,
    zipcode: null,
    lat: 39.9717,
    long: 116.4035,
    media_url: null,
  },
];

export const ERRORS_EXAMPLE = [
  { code: 400, description: 'A location is required: lat and long, address_string or address_id' },
];

export const ERRORS_XML_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<errors>
  <error>
    <code>403</code>
    <description>api_key is not valid</description>
  </error>
</errors>
`;
