function (newDoc, oldDoc, userCtx, secObj) {
  /* The grid database's write rules, run by the grid centre's CouchDB for
   * every write, replicated ones included (the design document
   * _design/gridpatrol). Plain ES5: CouchDB's and PouchDB's JavaScript.
   *
   * - Only someone logged in writes; admins provision and repair.
   * - The grid is the database's: `centre setup` writes its code into these
   *   rules for each database. Every document is of that grid (its "grid",
   *   or a grid document's "code"), whatever it says of itself.
   * - Every document's id starts with its type, and for the grid's own
   *   things (buildings, households, lanes, components, routes) with the
   *   grid's code: "building:610103003003-01". A grid is "grid:<code>".
   * - What a document names is of the grid and of the right kind, by its
   *   id: a building, a household, a route of this grid, the incident an
   *   event's own id names. (These rules see one document at a time; the
   *   phones check that the named documents exist when they read them.)
   * - Sizes: a body of at most 64 KB, 1 MB for documents with shapes or
   *   tracks; at most 32 attachments of at most 8 MB each (a photo the app
   *   keeps is 0.1–1 MB). The phones hold the same limits. A photo's
   *   thumbnail travels inside its entry of "photos", as "thumbnail_data"
   *   (base64, at most 128 KB): it counts as an attachment, not in the
   *   body's size, and is no part of what a step's id is the hash of.
   * - Every write is scoped to the grid's roles: grid:<code>:worker,
   *   grid:<code>:leader, or centre.
   * - Grid, policy, directory, building, lane and component documents: the
   *   centre. A grid has one directory, "directory:<code>".
   *   Routes: the centre and leaders. Households: the centre, leaders and
   *   workers edit them (the worker on the doorstep keeps them right);
   *   only the centre and leaders delete one (a household that moved away).
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
  var GRID = '@GRID_CODE@';
  var roles = userCtx.roles || [];
  var name = userCtx.name;
  var doc = newDoc._deleted ? oldDoc : newDoc;
  var type, centre, leader, worker, own, body, size, limit, attachments, count, key, parts, i, points;
  var entry, copy, member, inline = 0;

  function has (role) {
    return roles.indexOf (role) !== -1;
  }
  /* Said in English and in Chinese: the phones show it as it comes. */
  function refuse (reason, chinese) {
    throw ({ forbidden: reason + ' ' + chinese });
  }
  function starts (text, prefix) {
    return typeof text === 'string' && text.indexOf (prefix) === 0 && text.length > prefix.length;
  }
  /* A member naming a document of the grid, when it is there at all. */
  function names_own (member, kind) {
    var value = doc[member];

    if (value === undefined || value === null)
      return;
    if (!starts (value, kind + ':' + GRID + '-'))
      refuse ('"' + member + '" must name a ' + kind + ' of grid ' + GRID + ', not ' + value + '.',
              '“' + member + '”必须是网格 ' + GRID + ' 的' + (names[kind] || kind) + '，不能是 ' + value + '。');
  }
  /* @text as UTF-8, one character a byte. */
  function utf8 (text) {
    return unescape (encodeURIComponent (text));
  }
  /* The size in bytes as UTF-8, as the phones count it. */
  function bytes (text) {
    return utf8 (text).length;
  }
  function is_array (value) {
    return Object.prototype.toString.call (value) === '[object Array]';
  }
  /* JSON with members sorted and no space: what a step's id is the hash of,
   * written the same way by the phones. */
  function canonical (value) {
    var keys = [], out = [], key, j;

    if (value === null || typeof value !== 'object')
      return JSON.stringify (value);
    if (is_array (value)) {
      for (j = 0; j < value.length; j++)
        out.push (canonical (value[j]));
      return '[' + out.join (',') + ']';
    }
    for (key in value)
      if (Object.prototype.hasOwnProperty.call (value, key))
        keys.push (key);
    keys.sort ();
    for (j = 0; j < keys.length; j++)
      out.push (JSON.stringify (keys[j]) + ':' + canonical (value[keys[j]]));
    return '{' + out.join (',') + '}';
  }
  function rotr (x, n) {
    return (x >>> n) | (x << (32 - n));
  }
  /* SHA-256 (FIPS 180-4) of a string of bytes, in hex. */
  function sha256 (data) {
    var k = [
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var n = data.length, total = (Math.floor ((n + 8) / 64) + 1) * 16, words = [], w = [], hex = '';
    var a, b, c, d, e, f, g, hh, t1, t2, s0, s1, j, r;

    for (j = 0; j < total; j++)
      words[j] = 0;
    for (j = 0; j < n; j++)
      words[j >> 2] |= data.charCodeAt (j) << (24 - (j % 4) * 8);
    words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    words[total - 2] = Math.floor (n / 0x20000000);
    words[total - 1] = (n * 8) | 0;
    for (j = 0; j < total; j += 16) {
      for (r = 0; r < 64; r++) {
        if (r < 16) {
          w[r] = words[j + r];
        } else {
          s0 = rotr (w[r - 15], 7) ^ rotr (w[r - 15], 18) ^ (w[r - 15] >>> 3);
          s1 = rotr (w[r - 2], 17) ^ rotr (w[r - 2], 19) ^ (w[r - 2] >>> 10);
          w[r] = (w[r - 16] + s0 + w[r - 7] + s1) | 0;
        }
      }
      a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
      for (r = 0; r < 64; r++) {
        s1 = rotr (e, 6) ^ rotr (e, 11) ^ rotr (e, 25);
        t1 = (hh + s1 + ((e & f) ^ (~e & g)) + k[r] + w[r]) | 0;
        s0 = rotr (a, 2) ^ rotr (a, 13) ^ rotr (a, 22);
        t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
    }
    for (j = 0; j < 8; j++)
      hex += ('0000000' + (h[j] >>> 0).toString (16)).slice (-8);
    return hex;
  }
  var names = { grid: '网格', policy: '分级标准', directory: '派单通讯录', building: '楼栋', household: '住户', lane: '巷道',
                component: '部件', route: '巡查路线', patrol: '巡查记录', visit: '走访记录', incident: '事件',
                event: '办理步骤', worker: '网格员', leader: '网格长', centre: '网格中心' };
  var own_types = { building: true, household: true, lane: true, component: true, route: true };
  var shapes = { grid: true, policy: true, building: true, lane: true, component: true, route: true, patrol: true };

  if (has ('_admin'))
    return;
  if (!name)
    throw ({ unauthorized: 'Log in to write to this grid. 请登录后再写入本网格。' });
  if (newDoc._id.indexOf ('_design/') === 0)
    refuse ('Only an administrator changes the rules.', '只有管理员可以修改规则。');
  if (!doc)
    refuse ('There is nothing to delete.', '没有可删除的内容。');

  type = doc.type;
  if (typeof type !== 'string' || !names[type] || type === 'worker' || type === 'leader' || type === 'centre')
    refuse ('A grid database holds no ' + type + ' documents.', '网格数据库中没有这类数据（' + type + '）。');

  /* The id: the type's, and the grid's for the grid's own things. */
  own = own_types[type] === true;
  if (type === 'grid' || type === 'directory' ? newDoc._id !== type + ':' + GRID
                      : !starts (newDoc._id, type + ':' + (own ? GRID + '-' : '')))
    refuse ('The id ' + newDoc._id + ' does not fit a document of type ' + type + ' in grid ' + GRID + '.',
            '编号 ' + newDoc._id + ' 不是网格 ' + GRID + ' 的' + names[type] + '编号。');

  /* The grid: this database's. */
  if (type === 'grid' ? doc.code !== GRID : type !== 'policy' && doc.grid !== GRID)
    refuse ('This database is grid ' + GRID + '\'s; the document says grid ' + (doc.grid || doc.code) + '.',
            '本数据库属于网格 ' + GRID + '；该数据却属于网格 ' + (doc.grid || doc.code) + '。');
  if (oldDoc && !newDoc._deleted && oldDoc.type !== newDoc.type)
    refuse ('A document cannot change its type.', '数据不能改变类型。');

  centre = has ('centre');
  leader = has ('grid:' + GRID + ':leader');
  worker = has ('grid:' + GRID + ':worker');
  if (!centre && !leader && !worker)
    refuse ('You have no role in grid ' + GRID + '.', '您在网格 ' + GRID + ' 中没有角色。');

  /* Sizes. */
  if (!newDoc._deleted) {
    body = {};
    for (key in newDoc)
      if (key.charAt (0) !== '_')
        body[key] = newDoc[key];
    /* The body without the thumbnails inside it. */
    if (is_array (body.photos)) {
      points = [];
      for (i = 0; i < body.photos.length; i++) {
        entry = body.photos[i];
        if (entry !== null && typeof entry === 'object' && entry.thumbnail_data !== undefined) {
          if (typeof entry.thumbnail_data !== 'string' || entry.thumbnail_data.length > 128 * 1024 ||
              !/^[A-Za-z0-9+\/]*={0,2}$/.test (entry.thumbnail_data) || entry.thumbnail_data.length % 4 !== 0)
            refuse ('A thumbnail must be base64 of at most 128 KB.', '缩略图必须是不超过 128 KB 的 base64 文本。');
          inline++;
          copy = {};
          for (member in entry)
            if (member !== 'thumbnail_data')
              copy[member] = entry[member];
          entry = copy;
        }
        points.push (entry);
      }
      body.photos = points;
    }
    size = bytes (JSON.stringify (body));
    limit = shapes[type] ? 1024 * 1024 : 64 * 1024;
    if (size > limit)
      refuse ('The document is ' + Math.ceil (size / 1024) + ' KB; one of type ' + type + ' may be at most ' + limit / 1024 + ' KB.',
              '该数据有 ' + Math.ceil (size / 1024) + ' KB；' + names[type] + '最多 ' + limit / 1024 + ' KB。');
    attachments = newDoc._attachments || {};
    count = inline;
    for (key in attachments) {
      count++;
      size = typeof attachments[key].length === 'number' ? attachments[key].length
           : typeof attachments[key].data === 'string' ? Math.floor (attachments[key].data.length * 3 / 4) : 0;
      if (size > 8 * 1024 * 1024)
        refuse ('The attachment ' + key + ' is larger than 8 MB.', '附件 ' + key + ' 超过 8 MB。');
    }
    if (count > 32)
      refuse ('A document may have at most 32 attachments.', '一条数据最多可有 32 个附件。');
  }

  /* What it names. */
  names_own ('building', 'building');
  names_own ('household', 'household');
  if (type === 'patrol')
    names_own ('route', 'route');
  if (type === 'grid' && doc.policy !== undefined && doc.policy !== null && !starts (doc.policy, 'policy:'))
    refuse ('"policy" must name a grading scheme.', '“policy”必须是分级标准。');
  if (type === 'route' && is_array (doc.checkpoints)) {
    points = doc.checkpoints;
    for (i = 0; i < points.length; i++)
      if (points[i] && points[i].building !== undefined && points[i].building !== null &&
          !starts (points[i].building, 'building:' + GRID + '-'))
        refuse ('A checkpoint must name a building of grid ' + GRID + '.', '巡查点必须是网格 ' + GRID + ' 的楼栋。');
  }
  if (type === 'event') {
    parts = newDoc._id.split (':');
    if (parts.length !== 3 || doc.incident !== 'incident:' + parts[1])
      refuse ('A step belongs to the incident its id names, not ' + doc.incident + '.',
              '办理步骤只能属于其编号所指的事件，不能属于 ' + doc.incident + '。');
    /* A step with its place in the case ("seq") is named by the hash of its
     * content, so no other content can ever take its id — not even as a
     * sibling branch of another history, which these rules would see
     * without the step it contradicts. Steps from before "seq" keep the
     * random ids they had. */
    if (!newDoc._deleted && doc.seq !== undefined) {
      if (typeof doc.seq !== 'number' || doc.seq < 1 || doc.seq % 1 !== 0)
        refuse ('"seq" must be a whole number from 1.', '“seq”必须是从 1 起的整数。');
      if (parts[2] !== sha256 (utf8 (canonical (body))).substring (0, 32))
        refuse ('The step\'s id does not match its content: it was changed after it was taken.',
                '办理步骤的编号与内容不符：记录后被改动过。');
    } else if (!newDoc._deleted &&
               !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test (parts[2])) {
      refuse ('A step must say its place in the case ("seq").', '办理步骤必须注明其在案件中的次序（seq）。');
    }
    /* Its photos are the ones its content names. */
    points = is_array (doc.photos) ? doc.photos : [];
    attachments = newDoc._attachments || {};
    for (i = 0; i < points.length; i++)
      if (points[i] && typeof points[i].digest === 'string' && attachments[points[i].name] &&
          typeof attachments[points[i].name].digest === 'string' &&
          attachments[points[i].name].digest !== points[i].digest)
        refuse ('The photo ' + points[i].name + ' is not the one the step names.',
                '照片 ' + points[i].name + ' 不是该办理步骤所记录的照片。');
  }

  switch (type) {
  case 'grid':
  case 'policy':
  case 'directory':
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
    if (newDoc._deleted && !centre && !leader)
      refuse ('Only grid leaders and the grid centre remove a household.', '只有网格长和网格中心可以删除住户。');
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
      refuse ('You are not a ' + doc.role + ' of grid ' + GRID + '.',
              '您不是网格 ' + GRID + ' 的' + (names[doc.role] || doc.role) + '。');
    if (['register', 'void', 'dispatch', 'suspend', 'resume', 'escalate', 'transfer', 'verify', 'callback',
         'close', 'reopen'].indexOf (doc.action) !== -1 && doc.role !== 'leader' && doc.role !== 'centre')
      refuse ('Only grid leaders and the grid centre ' + doc.action + ' a case.', '只有网格长和网格中心可以执行这一步（' + doc.action + '）。');
    return;
  }
}
