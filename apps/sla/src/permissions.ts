import { definePermissions } from '@jsjb/platform';

/**
 * Who may call each sla route: the only place sla's access rules are declared. A route without a
 * rule stops the service at boot. Managers are further limited to their scope by the routes.
 */
export const SLA_PERMISSIONS = definePermissions({
  // 考评: rates, rankings, trends, hot spots, exclusions, weights.
  'GET /assessment/rates': { roles: ['manager', 'admin'] },
  'GET /assessment/rankings': { roles: ['manager', 'admin'] },
  'GET /assessment/trends': { roles: ['manager', 'admin'] },
  'GET /assessment/hotspots': { roles: ['manager', 'admin'] },
  'GET /assessment/whistles': { roles: ['manager', 'admin'] },
  'POST /assessment/exclusions': { roles: ['manager', 'admin'] },
  'GET /assessment/weight-sets': { roles: ['manager', 'admin'] },
  'POST /assessment/weight-sets': { roles: ['admin'] },
  // Working-day calendars.
  'GET /calendars': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /calendars/:id/coverage': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /calendars/:id/years/:year': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /calendars/:id/changes': { roles: ['manager', 'dispatcher', 'admin'] },
  'PUT /calendars/:id/overrides/:date': { roles: ['admin'] },
  'DELETE /calendars/:id/overrides/:date': { roles: ['admin'] },
  'POST /calendars/:id/years/:year/import': { roles: ['admin'] },
  // 回访: agents claim and answer; residents answer through a signed link.
  'GET /callbacks': { roles: ['callback_agent', 'manager', 'dispatcher', 'admin'] },
  'GET /callbacks/:id': { roles: ['callback_agent', 'manager', 'dispatcher', 'admin'] },
  'POST /callbacks/:id/claim': { roles: ['callback_agent'] },
  'POST /callbacks/:id/answers': { roles: ['callback_agent'] },
  'GET /ratings/:token': { public: 'a resident’s rating link: the signed token is the credential' },
  'POST /ratings/:token': { public: 'a resident’s rating link: the signed token is the credential' },
  // Deadlines.
  'GET /clocks': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /deadlines/overdue': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /deadlines/at-risk': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /tracking': { roles: ['manager', 'dispatcher', 'admin'] },
  'POST /timers/sweep': { roles: ['admin'] },
  // Policies (versioned data).
  'GET /policies': { roles: ['admin', 'manager', 'dispatcher'] },
  'GET /policies/match': { roles: ['admin', 'manager', 'dispatcher'] },
  'GET /policies/:version': { roles: ['admin', 'manager', 'dispatcher'] },
  'POST /policies': { roles: ['admin'] },
});
