import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { HttpSmsSender, LogSmsSender, SmsUnavailableError } from './sms.sender';

describe('LogSmsSender', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes the message to the log with the phone masked', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await new LogSmsSender().send({ phone: '13800138000', text: '验证码为 042917' });
    expect(log).toHaveBeenCalledWith('SMS to 138****8000 (SMS_SENDER=log, not sent): 验证码为 042917');
  });
});

describe('HttpSmsSender', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => answer(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts {phone, message} as JSON with the bearer token', async () => {
    const seen: { auth?: string; type?: string; body?: unknown } = {};
    answer = (req, res, body) => {
      seen.auth = req.headers.authorization;
      seen.type = req.headers['content-type'];
      seen.body = JSON.parse(body);
      res.writeHead(202).end('{"id":"m-1"}');
    };
    const sut = new HttpSmsSender({ url, token: 'gateway-token', timeoutMs: 2000 });
    await sut.send({ phone: '13800138000', text: 'hello' });
    expect(seen).toEqual({
      auth: 'Bearer gateway-token',
      type: 'application/json',
      body: { phone: '13800138000', message: 'hello' },
    });
  });

  it('fails with AUTH.SMS_UNAVAILABLE (503) when the gateway answers an error', async () => {
    answer = (_req, res) => res.writeHead(500).end('down');
    const sut = new HttpSmsSender({ url, timeoutMs: 2000 });
    const error = await sut.send({ phone: '13800138000', text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsUnavailableError);
    expect(error).toMatchObject({ code: 'AUTH.SMS_UNAVAILABLE', status: 503 });
  });

  it('fails when the gateway does not answer within the timeout', async () => {
    answer = () => undefined; // never answers
    const sut = new HttpSmsSender({ url, timeoutMs: 100 });
    await expect(sut.send({ phone: '13800138000', text: 'x' })).rejects.toBeInstanceOf(SmsUnavailableError);
  });
});
