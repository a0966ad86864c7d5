/* pouchdb-interop.js — PouchDB, in Node, as an independent replicator
 * against the grid centre's database, for test-interop.
 *
 *   node pouchdb-interop.js read URL EXPECTED.json
 *     replicates URL into a fresh in-memory PouchDB with PouchDB's own
 *     replicator and checks each expected document: the winning revision,
 *     its history, and each attachment's digest and bytes (md5). Prints
 *     "ok N" or the first difference, and fails.
 *
 *   node pouchdb-interop.js bench URL COPY-URL
 *     times PouchDB's own replicator as the reference for bench-sync: URL
 *     into memory, then memory out to COPY-URL; prints JSON.
 *
 *   node pouchdb-interop.js write URL BASE-HOUSEHOLD-ID
 *     replicates URL in, then writes with PouchDB: a new incident with a
 *     photo attachment, and an edit of the household; replicates them out
 *     with PouchDB's replicator and prints what it wrote as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-replication'));

function digestOf(buffer) {
  return 'md5-' + crypto.createHash('md5').update(buffer).digest('base64');
}

async function read(url, expectedPath) {
  const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
  const local = new PouchDB('interop-read-' + Date.now(), { adapter: 'memory' });
  await local.replicate.from(new PouchDB(url));
  let checked = 0;
  for (const want of expected) {
    const doc = await local.get(want.id, { revs: true, attachments: true, binary: true });
    if (doc._rev !== want.rev)
      throw new Error(want.id + ': PouchDB has ' + doc._rev + ' as the winner, the app pushed ' + want.rev);
    const history = doc._revisions.ids.map((h, i) => (doc._revisions.start - i) + '-' + h);
    if (JSON.stringify(history) !== JSON.stringify(want.history))
      throw new Error(want.id + ': history ' + JSON.stringify(history) + ' is not ' + JSON.stringify(want.history));
    for (const name of Object.keys(want.attachments || {})) {
      const att = doc._attachments && doc._attachments[name];
      if (!att)
        throw new Error(want.id + ': attachment ' + name + ' is missing');
      if (att.digest !== want.attachments[name] || digestOf(att.data) !== want.attachments[name])
        throw new Error(want.id + ': attachment ' + name + ' has digest ' + att.digest + ', bytes ' + digestOf(att.data));
    }
    checked++;
  }
  console.log('ok ' + checked);
}

async function write(url, householdId) {
  const remote = new PouchDB(url);
  const local = new PouchDB('interop-write-' + Date.now(), { adapter: 'memory' });
  await local.replicate.from(remote);

  /* A real JPEG would do as well: the test checks bytes, not pixels. */
  const photo = crypto.randomBytes(48 * 1024);
  const incident = {
    _id: 'incident:pouchdb-' + crypto.randomBytes(8).toString('hex'),
    type: 'incident',
    grid: '610103003003',
    source: 'patrol',
    category: '06010',
    reporter: 'pouch',
    reported_at: '2026-11-30T09:00:00+08:00',
    description: 'written by PouchDB',
    _attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: photo } },
  };
  const put = await local.put(incident);
  const household = await local.get(householdId);
  household.note = 'edited by PouchDB';
  const edited = await local.put(household);
  await local.replicate.to(remote);
  console.log(JSON.stringify({
    incident: { id: put.id, rev: put.rev, digest: digestOf(photo), length: photo.length },
    household: { id: edited.id, rev: edited.rev },
  }));
}

async function bench(url, copyUrl) {
  const local = new PouchDB('interop-bench-' + Date.now(), { adapter: 'memory' });
  let start = Date.now();
  const pulled = await local.replicate.from(new PouchDB(url), { batch_size: 100 });
  const pullMs = Date.now() - start;
  start = Date.now();
  const pushed = await local.replicate.to(new PouchDB(copyUrl), { batch_size: 100 });
  const pushMs = Date.now() - start;
  console.log(JSON.stringify({ pull_ms: pullMs, pulled: pulled.docs_written, push_ms: pushMs, pushed: pushed.docs_written }));
}

const [command, url, arg] = process.argv.slice(2);
(command === 'read' ? read(url, arg) : command === 'bench' ? bench(url, arg) : write(url, arg)).catch((error) => {
  console.error(error.message || String(error));
  process.exit(1);
});
