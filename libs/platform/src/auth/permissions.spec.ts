import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { postgresUrl, redisUrl, testPrismaService } from '../../test/support';
import { baseConfigSchema, loadConfig } from '../config/config';
import { DatabaseModule } from '../database/prisma';
import { RedisModule } from '../redis/redis';
import { PlatformModule } from '../platform.module';
import { bindPermissions, controllerRoutes, definePermissions, type PermissionMap } from './permissions';

@Controller('things')
class ThingController {
  @Get()
  list(): string[] {
    return [];
  }

  @Get(':id')
  one(): string {
    return 'one';
  }

  @Post(':id/archive')
  archive(): string {
    return 'archived';
  }
}

@Controller()
class RootController {
  @Get('about')
  about(): string {
    return 'about';
  }
}

describe('permission map', () => {
  it('names each controller route METHOD /path', () => {
    expect(controllerRoutes(ThingController).map((r) => r.key)).toEqual([
      'GET /things',
      'GET /things/:id',
      'POST /things/:id/archive',
    ]);
    expect(controllerRoutes(RootController).map((r) => r.key)).toEqual(['GET /about']);
  });

  it('binds every route to its rule, and refuses a route without one or a rule without a route', () => {
    const routes = controllerRoutes(ThingController);
    const full = definePermissions({
      'GET /things': { roles: ['manager'] },
      'GET /things/:id': { roles: ['manager', 'admin'] },
      'POST /things/:id/archive': { roles: ['admin'] },
    });
    expect(bindPermissions(routes, full).size).toBe(3);

    const { ['POST /things/:id/archive']: _archive, ...withoutArchive } = full;
    expect(() => bindPermissions(routes, withoutArchive)).toThrow(
      /POST \/things\/:id\/archive \(ThingController\) has no rule in the permission map/,
    );
    expect(() => bindPermissions(routes, { ...full, 'DELETE /things/:id': { roles: ['admin'] } })).toThrow(
      /DELETE \/things\/:id is in the permission map but no route declares it/,
    );
  });

  it('refuses malformed rules when the map is defined', () => {
    expect(() => definePermissions({ 'GET /x': { roles: [] } })).toThrow(/lists no role/);
    expect(() => definePermissions({ 'GET /x': { public: ' ' } })).toThrow(/public without a reason/);
    expect(() => definePermissions({ '/x': { public: 'probe' } })).toThrow(/is not "METHOD \/path"/);
  });

  describe('at boot', () => {
    const config = loadConfig(baseConfigSchema, {
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: postgresUrl,
      REDIS_URL: redisUrl,
    });

    async function boot(permissions: PermissionMap): Promise<void> {
      @Module({
        imports: [
          PlatformModule.forRoot({ service: 'test', config, permissions }),
          DatabaseModule.forRoot(testPrismaService(postgresUrl)),
          RedisModule.forRoot(),
        ],
        controllers: [ThingController],
      })
      class TestModule {}
      const app = await NestFactory.create(TestModule, new FastifyAdapter(), {
        logger: false,
        abortOnError: false,
      });
      try {
        await app.init();
      } finally {
        await app.close();
      }
    }

    it('fails when a route has no rule', async () => {
      await expect(boot({ 'GET /things': { roles: ['manager'] } })).rejects.toThrow(
        /GET \/things\/:id \(ThingController\) has no rule/,
      );
    });

    it('starts when every route has one', async () => {
      await expect(
        boot({
          'GET /things': { roles: ['manager'] },
          'GET /things/:id': { roles: ['manager'] },
          'POST /things/:id/archive': { public: 'test' },
        }),
      ).resolves.toBeUndefined();
    });
  });
});
