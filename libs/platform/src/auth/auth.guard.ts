import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { BaseConfig } from '../config/config';
import { ForbiddenError } from '../errors/app.error';
import { PLATFORM_CONFIG } from '../platform.tokens';
import { JwksKeys } from './jwks';
import { AuthError, jwtHeader, type Principal, type Role, verifyJwt } from './jwt';

const PUBLIC_KEY = 'jsjb:auth:public';
const ROLES_KEY = 'jsjb:auth:roles';

/** The route needs no token (probes, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route (admin always may). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The verified caller of an HTTP route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new AuthError('AUTH.MISSING_TOKEN', 'A bearer token is required.');
  return request.principal;
});

/**
 * Global guard of HTTP routes: a valid bearer token is required unless the route is @Public(), and
 * its role must be among the route's @Roles(). Event handlers (Kafka) are not HTTP and pass.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly jwks: JwksKeys | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {
    this.jwks = config.AUTH_JWKS_URL ? new JwksKeys({ url: config.AUTH_JWKS_URL }) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new AuthError('AUTH.MISSING_TOKEN', 'A bearer token is required.');
    const token = match[1];
    const jwks = this.jwks;
    const { alg, kid } = jwtHeader(token);
    if (jwks && alg === 'RS256' && kid !== undefined) await jwks.ensure(kid);
    const principal = verifyJwt(token, {
      secret: this.config.AUTH_JWT_SECRET,
      issuer: this.config.AUTH_JWT_ISSUER,
      ...(jwks ? { rsaKey: (id: string) => jwks.key(id) } : {}),
    });
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new ForbiddenError('AUTH.ROLE_NOT_ALLOWED', `The role ${principal.role} may not do this.`);
    }
    request.principal = principal;
    return true;
  }
}
