import { definePermissions } from '@jsjb/platform';

/**
 * Who may call each routing route: the only place routing's access rules are declared. A route
 * without a rule stops the service at boot. Within a role the routes scope further: unit staff see
 * and act on their own unit's assignments and the summons addressed to it; managers their area.
 */
export const ROUTING_PERMISSIONS = definePermissions({
  // Manual dispatch and corrections at the center.
  'GET /dispatch/manual': { roles: ['dispatcher', 'admin'] },
  'POST /dispatch/manual/:ticketId/dispatch': { roles: ['dispatcher'] },
  'POST /dispatch/manual/:ticketId/correct': { roles: ['dispatcher'] },
  'POST /tickets/:ticketId/redispatch': { roles: ['dispatcher'] },
  // A unit's own organisation (its unit only; admins for any).
  'PUT /units/:unitId/staff/:staffId': { roles: ['unit_staff', 'admin'] },
  'GET /units/:unitId/staff': { roles: ['unit_staff', 'admin'] },
  'PUT /units/:unitId/teams': { roles: ['unit_staff', 'admin'] },
  'GET /units/:unitId/teams': { roles: ['unit_staff', 'admin'] },
  'POST /units/:unitId/duty-shifts': { roles: ['unit_staff', 'admin'] },
  'GET /units/:unitId/duty-shifts': { roles: ['unit_staff', 'admin'] },
  'GET /units/:unitId/on-duty': { roles: ['unit_staff', 'admin'] },
  // Reference data: territory, units, catalogue.
  'GET /reference/versions': { roles: ['dispatcher', 'manager', 'admin'] },
  'GET /reference/catalogue/tree': { roles: ['dispatcher', 'operator', 'manager', 'admin'] },
  'GET /reference/units': { roles: ['dispatcher', 'manager', 'admin'] },
  'POST /reference/catalogue': { roles: ['admin'] },
  'POST /reference/territory': { roles: ['admin'] },
  'POST /reference/units': { roles: ['admin'] },
  'POST /reference/:kind/snapshot': { roles: ['admin'] },
  // 街道吹哨·部门报到: a street blows, summoned units check in.
  'POST /whistles': { roles: ['unit_staff'] },
  'GET /whistles/assessment': { roles: ['manager', 'dispatcher', 'admin'] },
  'GET /whistles': { roles: ['unit_staff', 'dispatcher', 'manager', 'admin'] },
  'GET /whistles/:id': { roles: ['unit_staff', 'dispatcher', 'manager', 'admin'] },
  'POST /whistles/:id/check-in': { roles: ['unit_staff'] },
  'POST /whistles/:id/close': { roles: ['unit_staff'] },
  // The unit workflow: 签收/退单, contact, progress, 延期, 办结, 下派.
  'GET /assignments': { roles: ['unit_staff', 'dispatcher', 'manager', 'admin'] },
  'GET /assignments/:id': { roles: ['unit_staff', 'dispatcher', 'manager', 'admin'] },
  'POST /assignments/:id/sign': { roles: ['unit_staff'] },
  'POST /assignments/:id/return': { roles: ['unit_staff'] },
  'POST /assignments/:id/contacts': { roles: ['unit_staff'] },
  'POST /assignments/:id/progress': { roles: ['unit_staff'] },
  'POST /assignments/:id/extension-requests': { roles: ['unit_staff'] },
  'POST /assignments/:id/report': { roles: ['unit_staff'] },
  'POST /assignments/:id/reply': { roles: ['unit_staff'] },
  'POST /assignments/:id/sub-assignments': { roles: ['unit_staff'] },
  'GET /sub-assignments': { roles: ['unit_staff'] },
  'POST /sub-assignments/:id/result': { roles: ['unit_staff'] },
  'POST /sub-assignments/:id/withdraw': { roles: ['unit_staff'] },
  // The center's decisions on disputes (退单争议) and extensions.
  'GET /disputes': { roles: ['dispatcher', 'manager', 'admin'] },
  'POST /disputes/:id/decision': { roles: ['dispatcher'] },
  'GET /extensions': { roles: ['dispatcher', 'manager', 'admin'] },
  'POST /extensions/:id/decision': { roles: ['dispatcher', 'manager'] },
});
