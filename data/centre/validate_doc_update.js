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
  /* Said in English and in Chinese: the phones show it as it comes. */
  function refuse (reason, chinese) {
    throw ({ forbidden: reason + ' ' + chinese });
  }
  var names = { grid: '网格', policy: '分级标准', building: '楼栋', lane: '巷道', component: '部件',
                patrol: '巡查记录', visit: '走访记录', worker: '网格员', leader: '网格长', centre: '网格中心' };

  if (has ('_admin'))
    return;
  if (!name)
    throw ({ unauthorized: 'Log in to write to this grid. 请登录后再写入本网格。' });
  if (newDoc._id.indexOf ('_design/') === 0)
    refuse ('Only an administrator changes the rules.', '只有管理员可以修改规则。');
  if (!doc)
    refuse ('There is nothing to delete.', '没有可删除的内容。');

  type = doc.type;
  grid = doc.grid || doc.code;
  centre = has ('centre');
  leader = grid ? has ('grid:' + grid + ':leader') : false;
  worker = grid ? has ('grid:' + grid + ':worker') : false;

  if (!centre && !leader && !worker)
    refuse ('You have no role in grid ' + grid + '.', '您在网格 ' + grid + ' 中没有角色。');
  if (oldDoc && !newDoc._deleted && (oldDoc.grid || oldDoc.code) !== (newDoc.grid || newDoc.code))
    refuse ('A document cannot move to another grid.', '数据不能移到其他网格。');
  if (oldDoc && !newDoc._deleted && oldDoc.type !== newDoc.type)
    refuse ('A document cannot change its type.', '数据不能改变类型。');

  switch (type) {
  case 'grid':
  case 'policy':
  case 'building':
  case 'lane':
  case 'component':
    if (!centre)
      refuse ('Only the grid centre changes the ' + type + ' documents.', '只有网格中心可以修改' + names[type] + '数据。');
    return;

  case 'route':
    if (!centre && !leader)
      refuse ('Only the grid centre and grid leaders change patrol routes.', '只有网格中心和网格长可以修改巡查路线。');
    return;

  case 'household':
    return;

  case 'patrol':
  case 'visit':
    if (!centre && doc.worker !== name)
      refuse ('A ' + type + ' is recorded by the worker who made it, not by ' + name + '.',
              names[type] + '只能由本人记录，不能由 ' + name + ' 代记。');
    if (!centre && oldDoc && oldDoc.worker !== name)
      refuse ('Only ' + oldDoc.worker + ' changes this ' + type + '.', '只有 ' + oldDoc.worker + ' 可以修改这条' + names[type] + '。');
    return;

  case 'incident':
    if (!centre && doc.reporter !== name)
      refuse ('An incident is reported under the reporter\'s own name, not ' + doc.reporter + '.',
              '事件只能以上报人本人的名义上报，不能用 ' + doc.reporter + ' 的名义。');
    if (!centre && oldDoc && oldDoc.reporter !== name)
      refuse ('Only ' + oldDoc.reporter + ' changes this report; steps go in events.',
              '只有 ' + oldDoc.reporter + ' 可以修改这条上报；办理步骤另行记录。');
    if (newDoc._deleted && !centre)
      refuse ('Reports are voided with a step, not deleted.', '上报只能作废，不能删除。');
    return;

  case 'event':
    if (oldDoc)
      refuse ('Workflow steps are never changed once written.', '办理步骤一经写入，不能修改。');
    if (doc.actor !== name)
      refuse ('A step is taken under the actor\'s own name, not ' + doc.actor + '.',
              '办理步骤只能以本人名义记录，不能用 ' + doc.actor + ' 的名义。');
    if (doc.role === 'centre' ? !centre : doc.role === 'leader' ? !leader && !centre : !worker && !leader && !centre)
      refuse ('You are not a ' + doc.role + ' of grid ' + grid + '.',
              '您不是网格 ' + grid + ' 的' + (names[doc.role] || doc.role) + '。');
    if (['register', 'void', 'dispatch', 'suspend', 'resume', 'escalate', 'transfer', 'verify', 'callback',
         'close', 'reopen'].indexOf (doc.action) !== -1 && doc.role !== 'leader' && doc.role !== 'centre')
      refuse ('Only grid leaders and the grid centre ' + doc.action + ' a case.', '只有网格长和网格中心可以执行这一步（' + doc.action + '）。');
    return;

  default:
    refuse ('A grid database holds no ' + type + ' documents.', '网格数据库中没有这类数据（' + type + '）。');
  }
}
