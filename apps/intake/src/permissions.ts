import { definePermissions } from '@jsjb/platform';

/**
 * Who may call each intake route: the only place intake's access rules are declared. A route
 * without a rule stops the service at boot. Scoping within a role (a resident's own tickets,
 * masking of callers) is applied by the routes themselves.
 */
export const INTAKE_PERMISSIONS = definePermissions({
  // 受理 and triage at the 12345 center.
  'POST /tickets': { roles: ['operator'] },
  'GET /tickets': { roles: ['operator', 'dispatcher', 'manager', 'admin'] },
  'GET /tickets/:id': { roles: ['operator', 'dispatcher', 'manager', 'admin', 'callback_agent'] },
  'POST /tickets/:id/triage': { roles: ['operator'] },
  // 联系诉求人: the lead unit's staff, for their own ticket, unless it is confidential (logged).
  'GET /tickets/:id/contact': { roles: ['unit_staff'] },
  'POST /classify': { roles: ['operator', 'dispatcher'] },
  // Duplicates (并单) and abuse review.
  'GET /duplicate-suggestions': { roles: ['operator', 'dispatcher'] },
  'POST /duplicate-suggestions/:id/merge': { roles: ['operator', 'dispatcher'] },
  'POST /duplicate-suggestions/:id/dismiss': { roles: ['operator', 'dispatcher'] },
  'GET /caller-flags': { roles: ['operator', 'manager', 'admin'] },
  'GET /caller-flags/:id': { roles: ['operator', 'manager', 'admin'] },
  'POST /caller-flags/:id/clear': { roles: ['operator', 'manager', 'admin'] },
  'POST /caller-flags/:id/confirm': { roles: ['operator', 'manager', 'admin'] },
  'GET /reference/status': { roles: ['operator', 'admin'] },
  // The append-only log of unmasked reads of personal data.
  'GET /personal-data-access': { roles: ['admin'] },
  // Residents log in with a one-time SMS code, then see their own tickets only (the token's subject).
  'POST /auth/resident/code': {
    public: 'a resident asks for a login code (rate-limited per phone and address)',
  },
  'POST /auth/resident/token': {
    public: 'a resident trades the code for a token (rate-limited, 5 tries a code)',
  },
  'POST /resident/tickets': { roles: ['resident'] },
  'GET /resident/tickets': { roles: ['resident'] },
  'GET /resident/tickets/:id': { roles: ['resident'] },
  // Open311 GeoReport v2: reads are open by the spec; POST requests checks the client's api_key.
  'GET /open311/v2/discovery.:format': { public: 'Open311 discovery is open by the spec' },
  'GET /open311/v2/services.:format': { public: 'Open311 service list is open by the spec' },
  'GET /open311/v2/services/:file': { public: 'Open311 service definitions are open by the spec' },
  'POST /open311/v2/requests.:format': { public: 'Open311 clients authenticate with their api_key' },
  'GET /open311/v2/requests.:format': {
    public: 'Open311 request status is open by the spec (no personal data)',
  },
  'GET /open311/v2/requests/:file': {
    public: 'Open311 request status is open by the spec (no personal data)',
  },
  'GET /open311/v2/tokens/:file': { public: 'Open311 token lookup is open by the spec' },
});
