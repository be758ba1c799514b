import { type ArgumentsHost, Logger } from '@nestjs/common';
import { AppError, NotFoundError, UnprocessableError, ValidationError } from '@jsjb/platform';
import { Open311Exception } from './open311.errors';
import { Open311ExceptionFilter } from './open311.filter';
import { createOpen311Validator } from './open311.validator';
import { parseOpen311Xml } from './open311.xml';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Runs the filter on `exception` for a request to `url` and returns what it sent. */
function answer(exception: unknown, url = '/open311/v2/requests.json'): Sent {
  const sent: Sent = { status: 0, headers: {}, body: '' };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ url, id: 'req-1' }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new Open311ExceptionFilter().catch(exception, host);
  return sent;
}

const validator = createOpen311Validator();

function errorsOf(sent: Sent): unknown {
  const document: unknown =
    sent.headers['content-type'] === 'text/xml; charset=utf-8'
      ? parseOpen311Xml('errors', sent.body)
      : JSON.parse(sent.body);
  expect(validator.check('errors', document)).toEqual([]);
  return document;
}

describe('Open311ExceptionFilter', () => {
  it('writes an Open311 failure as it is, in the format of the URL’s extension', () => {
    const sut = answer(Open311Exception.of(403, 'api_key is not valid'), '/open311/v2/requests.xml');
    expect(sut.status).toBe(403);
    expect(sut.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(errorsOf(sut)).toEqual([{ code: 403, description: 'api_key is not valid' }]);
    const byId = answer(
      Open311Exception.of(404, 'x'),
      '/open311/v2/requests/20260101000001.XML?jurisdiction_id=a',
    );
    expect(byId.headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('answers JSON when the URL names no format it serves', () => {
    const sut = answer(Open311Exception.of(404, 'services.html was not found'), '/open311/v2/services.html');
    expect(sut.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(errorsOf(sut)).toEqual([{ code: 404, description: 'services.html was not found' }]);
  });

  it('maps an unknown location to 400 and an unknown category to the specification’s 404', () => {
    const location = new UnprocessableError('TICKET.UNKNOWN_LOCATION', 'unknown', [
      { field: 'location.streetCode', code: 'unknown_area', message: '110105999 is not a street' },
      { field: 'location.communityCode', code: 'unknown_area', message: '110105999001 is not a community' },
    ]);
    const sut = answer(location);
    expect(sut.status).toBe(400);
    expect(errorsOf(sut)).toEqual([
      { code: 400, description: '110105999 is not a street' },
      { code: 400, description: '110105999001 is not a community' },
    ]);
    const category = new UnprocessableError('TICKET.UNKNOWN_CATEGORY', 'x', [
      { field: 'categoryCode', code: 'unknown_category', message: 'a.b is not in the dispatch catalogue' },
    ]);
    expect(answer(category).status).toBe(404);
  });

  it('keeps 400 and 404 with their messages, and a 429 with Retry-After', () => {
    expect(errorsOf(answer(new ValidationError([], 'The request is invalid.')))).toEqual([
      { code: 400, description: 'The request is invalid.' },
    ]);
    expect(answer(new NotFoundError('TICKET.NOT_FOUND', 'No ticket.')).status).toBe(404);
    const limited = new AppError('INTAKE.RATE_LIMITED', 'Too many requests', {
      status: 429,
      errors: [{ field: 'caller.phone', code: 'rate_limited', message: 'retry after 1800 s' }],
      retryAfterSeconds: 1800,
    });
    const sut = answer(limited);
    expect(sut.status).toBe(429);
    expect(sut.headers['retry-after']).toBe('1800');
    expect(errorsOf(sut)).toEqual([{ code: 429, description: 'retry after 1800 s' }]);
  });

  it('hides a server error behind an errorId, and logs it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sut = answer(new Error('connection refused to 10.0.0.7'));
    expect(sut.status).toBe(500);
    const [error] = errorsOf(sut) as { description: string }[];
    expect(error?.description).toMatch(/^An unexpected error occurred; quote errorId [0-9a-f-]{36}$/);
    expect(sut.body).not.toContain('10.0.0.7');
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});
