import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { BaseConfig } from '../config/config';
import { AppError, ForbiddenError } from '../errors/app.error';
import { PERMISSIONS, PLATFORM_CONFIG } from '../platform.tokens';
import { JwksKeys } from './jwks';
import { AuthError, jwtHeader, type Principal, verifyJwt } from './jwt';
import { bindPermissions, controllerRoutes, type Permission, type PermissionMap } from './permissions';

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The verified caller of an HTTP route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new AuthError('AUTH.MISSING_TOKEN', 'A bearer token is required.');
  return request.principal;
});

/** The verified caller, if the route required a token (public routes have none). */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as AuthenticatedRequest).principal;
}

/**
 * Global guard of HTTP routes, driven by the service's permission map (one rule per route, see
 * permissions.ts): at boot it binds every controller route to its rule and stops the service if a
 * route has none; per request, a public route passes, any other needs a valid bearer token whose
 * role the rule lists. Event handlers (Kafka) are not HTTP and pass.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnModuleInit {
  private readonly jwks: JwksKeys | undefined;
  private rules = new Map<(...args: never[]) => unknown, { key: string; permission: Permission }>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
    @Inject(PERMISSIONS) private readonly permissions: PermissionMap,
  ) {
    this.jwks = config.AUTH_JWKS_URL ? new JwksKeys({ url: config.AUTH_JWKS_URL }) : undefined;
  }

  onModuleInit(): void {
    const routes = this.discovery
      .getControllers()
      .flatMap((wrapper) =>
        typeof wrapper.metatype === 'function'
          ? controllerRoutes(wrapper.metatype as abstract new (...args: never[]) => unknown)
          : [],
      );
    this.rules = bindPermissions(routes, this.permissions);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.rules.get(context.getHandler() as (...args: never[]) => unknown);
    if (rule === undefined) {
      // Cannot happen after a successful boot; refuse rather than serve an unruled route.
      throw new AppError('AUTH.NO_RULE', 'This route has no permission rule.', {
        status: 500,
        title: 'Internal Server Error',
      });
    }
    if ('public' in rule.permission) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!rule.permission.roles.includes(principal.role)) {
      throw new ForbiddenError('AUTH.ROLE_NOT_ALLOWED', `The role ${principal.role} may not do this.`);
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new AuthError('AUTH.MISSING_TOKEN', 'A bearer token is required.');
    const token = match[1];
    const jwks = this.jwks;
    const { alg, kid } = jwtHeader(token);
    if (jwks && alg === 'RS256' && kid !== undefined) await jwks.ensure(kid);
    return verifyJwt(token, {
      secret: this.config.AUTH_JWT_SECRET,
      issuer: this.config.AUTH_JWT_ISSUER,
      clockSkewSeconds: this.config.AUTH_CLOCK_SKEW_SECONDS,
      ...(jwks ? { rsaKey: (id: string) => jwks.key(id) } : {}),
    });
  }
}
