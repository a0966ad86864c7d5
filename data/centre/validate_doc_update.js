function (newDoc, oldDoc, userCtx, secObj) {
  /* The grid database's write rules, run by the grid centre's CouchDB for
   * every write, replicated ones included (the design document
   * _design/gridpatrol). Plain ES5: CouchDB's and PouchDB's JavaScript.
   *
   * - Only someone logged in writes; admins provision and repair.
   * - Every write is scoped to the grid's roles: grid:<code>:worker,
   *   grid:<code>:leader, or centre.
   * - Grid, policy, building, lane and component documents: the centre.
   *   Routes: the centre and leaders. Households: the centre, leaders, workers.
   * - Authors are who they say they are: an incident's reporter, a patrol's
   *   or visit's worker, an event's actor is the user writing it, and the
   *   role an event claims is one the user has.
   * - Events are append-only; the steps that decide a case (register, void,
   *   dispatch, suspend, resume, escalate, transfer, verify, callback, close
   *   out, reopen) are the leaders' and the centre's.
   *
   * SPDX-License-Identifier: GPL-3.0-or-later
   */
  /* Stored as the design document's text and read as one expression
   * ("return " + text): nothing may come before "function". */
  var roles = userCtx.roles || [];
  var name = userCtx.name;
  var doc = newDoc._deleted ? oldDoc : newDoc;
  var type, grid, centre, leader, worker;

  function has (role) {
    return roles.indexOf (role) !== -1;
  }
  function refuse (reason) {
    throw ({ forbidden: reason });
  }

  if (has ('_admin'))
    return;
  if (!name)
    throw ({ unauthorized: 'Log in to write to this grid.' });
  if (newDoc._id.indexOf ('_design/') === 0)
    refuse ('Only an administrator changes the rules.');
  if (!doc)
    refuse ('There is nothing to delete.');

  type = doc.type;
  grid = doc.grid || doc.code;
  centre = has ('centre');
  leader = grid ? has ('grid:' + grid + ':leader') : false;
  worker = grid ? has ('grid:' + grid + ':worker') : false;

  if (!centre && !leader && !worker)
    refuse ('You have no role in grid ' + grid + '.');
  if (oldDoc && !newDoc._deleted && (oldDoc.grid || oldDoc.code) !== (newDoc.grid || newDoc.code))
    refuse ('A document cannot move to another grid.');
  if (oldDoc && !newDoc._deleted && oldDoc.type !== newDoc.type)
    refuse ('A document cannot change its type.');

  switch (type) {
  case 'grid':
  case 'policy':
  case 'building':
  case 'lane':
  case 'component':
    if (!centre)
      refuse ('Only the grid centre changes the ' + type + ' documents.');
    return;

  case 'route':
    if (!centre && !leader)
      refuse ('Only the grid centre and grid leaders change patrol routes.');
    return;

  case 'household':
    return;

  case 'patrol':
  case 'visit':
    if (!centre && doc.worker !== name)
      refuse ('A ' + type + ' is recorded by the worker who made it, not by ' + name + '.');
    if (!centre && oldDoc && oldDoc.worker !== name)
      refuse ('Only ' + oldDoc.worker + ' changes this ' + type + '.');
    return;

  case 'incident':
    if (!centre && doc.reporter !== name)
      refuse ('An incident is reported under the reporter\'s own name, not ' + doc.reporter + '.');
    if (!centre && oldDoc && oldDoc.reporter !== name)
      refuse ('Only ' + oldDoc.reporter + ' changes this report; steps go in events.');
    if (newDoc._deleted && !centre)
      refuse ('Reports are voided with a step, not deleted.');
    return;

  case 'event':
    if (oldDoc)
      refuse ('Workflow steps are never changed once written.');
    if (doc.actor !== name)
      refuse ('A step is taken under the actor\'s own name, not ' + doc.actor + '.');
    if (doc.role === 'centre' ? !centre : doc.role === 'leader' ? !leader && !centre : !worker && !leader && !centre)
      refuse ('You are not a ' + doc.role + ' of grid ' + grid + '.');
    if (['register', 'void', 'dispatch', 'suspend', 'resume', 'escalate', 'transfer', 'verify', 'callback',
         'close', 'reopen'].indexOf (doc.action) !== -1 && doc.role !== 'leader' && doc.role !== 'centre')
      refuse ('Only grid leaders and the grid centre ' + doc.action + ' a case.');
    return;

  default:
    refuse ('A grid database holds no ' + type + ' documents.');
  }
}
