// Where a body's forum lives: its own tables beside the meetings' (the embedded SQLite file by default,
// PostgreSQL in production: src/forum/postgres-store.ts). Every write is one transaction that also
// records the signer's nonce, so a signed action replayed is refused and changes nothing. The rules of
// who may do what are src/forum/forum.ts; a store only keeps what they allowed.
import Database from 'better-sqlite3';
import { fts5Match } from './query.js';
import type { AttachmentInfo, ModerationAction, ModerationEntry, Placement, Post } from './types.js';

export interface Nonce { body: string; signer: string; nonce: string }
export interface StoredAttachment { name: string; type: string; data: Buffer }
export interface Moderation { body: string; post: string; author: string; action: ModerationAction; by: string; reason: string; time: string; hidden: boolean }
export interface SearchHit { post: string; score: number }

/** A write the store's constraints refused: the nonce was used before, or the endorsement is (not) there. */
export class ForumConflict extends Error {
  override name = 'ForumConflict';
  constructor(readonly code: 'replayed' | 'duplicate' | 'not-endorsed' | 'appealed', message: string) { super(message); }
}

export interface ForumStore {
  addPost(post: Post, attachments: StoredAttachment[], nonce: Nonce): Promise<void>;
  /** Adds (on) or removes an endorsement; when the count reaches `threshold` the proposal is marked
   *  qualified at `time`, once. Returns the endorsers and the qualification time. */
  endorse(proposal: string, member: string, on: boolean, threshold: number, time: string, nonce: Nonce): Promise<{ endorsements: string[]; qualified: string | null }>;
  /** Appends to the moderation log and sets the post's visibility; a second appeal of a post is refused. */
  moderate(m: Moderation, nonce: Nonce): Promise<void>;
  setAddress(member: string, email: string, nonce: Nonce): Promise<void>;
  post(id: string): Promise<Post | null>;
  /** All posts of a body, oldest first, hidden ones included (the routes withhold their text). */
  posts(body: string, since?: string): Promise<Post[]>;
  attachment(post: string, index: number): Promise<StoredAttachment | null>;
  proposal(id: string): Promise<{ endorsements: string[]; qualified: string | null; placement: Placement | null }>;
  setPlacement(proposal: string, placement: Placement): Promise<void>;
  moderationLog(body: string): Promise<ModerationEntry[]>;
  /** Visible posts of the body holding every word, best first. */
  search(body: string, words: string[], limit: number): Promise<SearchHit[]>;
  addresses(body: string): Promise<{ member: string; email: string; last: string | null }[]>;
  setDigestMark(body: string, member: string, time: string): Promise<void>;
  close(): Promise<void>;
}

export const FORUM_SCHEMA_COMMON = `
CREATE TABLE IF NOT EXISTS forum_posts (
  id TEXT PRIMARY KEY, body TEXT NOT NULL, proposal TEXT NOT NULL, parent TEXT, author TEXT NOT NULL,
  title TEXT, text TEXT NOT NULL, created TEXT NOT NULL, hidden INTEGER NOT NULL DEFAULT 0, attachments TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS forum_posts_body ON forum_posts (body, created);
CREATE TABLE IF NOT EXISTS forum_attachments (post TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, data BYTES NOT NULL, PRIMARY KEY (post, idx));
CREATE TABLE IF NOT EXISTS forum_endorsements (proposal TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (proposal, member));
CREATE TABLE IF NOT EXISTS forum_proposals (id TEXT PRIMARY KEY, qualified TEXT, placement TEXT);
CREATE TABLE IF NOT EXISTS forum_nonces (body TEXT NOT NULL, signer TEXT NOT NULL, nonce TEXT NOT NULL, PRIMARY KEY (body, signer, nonce));
CREATE TABLE IF NOT EXISTS forum_addresses (body TEXT NOT NULL, member TEXT NOT NULL, email TEXT NOT NULL, last TEXT, PRIMARY KEY (body, member));
`;

const SQLITE_SCHEMA = FORUM_SCHEMA_COMMON.replace('BYTES', 'BLOB') + `
CREATE TABLE IF NOT EXISTS forum_moderation (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, post TEXT NOT NULL, author TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, time TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS forum_one_appeal ON forum_moderation (post) WHERE action = 'appealed';
CREATE VIRTUAL TABLE IF NOT EXISTS forum_fts USING fts5 (title, text, post UNINDEXED, tokenize = 'unicode61 remove_diacritics 0');
`;

interface PostRow { id: string; body: string; proposal: string; parent: string | null; author: string; title: string | null; text: string; created: string; hidden: number; attachments: string }
export const postOf = (r: PostRow): Post => ({ ...r, hidden: Number(r.hidden) === 1, attachments: JSON.parse(r.attachments) as AttachmentInfo[] });
export const infoOf = (a: StoredAttachment[]): AttachmentInfo[] => a.map((x, index) => ({ index, name: x.name, type: x.type, size: x.data.length }));

export class SqliteForumStore implements ForumStore {
  private db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SQLITE_SCHEMA);
  }

  private tx<T>(nonce: Nonce, f: () => T): T {
    const run = this.db.transaction(() => {
      const r = this.db.prepare('INSERT INTO forum_nonces (body, signer, nonce) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(nonce.body, nonce.signer, nonce.nonce);
      if (r.changes === 0) throw new ForumConflict('replayed', `${nonce.signer} has signed with this nonce before: a replayed action is refused`);
      return f();
    });
    return run.immediate();
  }

  async addPost(p: Post, attachments: StoredAttachment[], nonce: Nonce): Promise<void> {
    this.tx(nonce, () => {
      this.db.prepare('INSERT INTO forum_posts (id, body, proposal, parent, author, title, text, created, hidden, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)')
        .run(p.id, p.body, p.proposal, p.parent, p.author, p.title, p.text, p.created, JSON.stringify(infoOf(attachments)));
      attachments.forEach((a, i) => this.db.prepare('INSERT INTO forum_attachments (post, idx, name, type, data) VALUES (?, ?, ?, ?, ?)').run(p.id, i, a.name, a.type, a.data));
      if (p.parent === null) this.db.prepare('INSERT INTO forum_proposals (id) VALUES (?)').run(p.id);
      this.db.prepare('INSERT INTO forum_fts (title, text, post) VALUES (?, ?, ?)').run(p.title ?? '', p.text, p.id);
    });
  }

  async endorse(proposal: string, member: string, on: boolean, threshold: number, time: string, nonce: Nonce) {
    return this.tx(nonce, () => {
      if (on) {
        const r = this.db.prepare('INSERT INTO forum_endorsements (proposal, member) VALUES (?, ?) ON CONFLICT DO NOTHING').run(proposal, member);
        if (r.changes === 0) throw new ForumConflict('duplicate', `${member} already endorses ${proposal}`);
      } else {
        const r = this.db.prepare('DELETE FROM forum_endorsements WHERE proposal = ? AND member = ?').run(proposal, member);
        if (r.changes === 0) throw new ForumConflict('not-endorsed', `${member} does not endorse ${proposal}`);
      }
      const endorsements = (this.db.prepare('SELECT member FROM forum_endorsements WHERE proposal = ? ORDER BY member').all(proposal) as { member: string }[]).map((x) => x.member);
      if (endorsements.length >= threshold) this.db.prepare('UPDATE forum_proposals SET qualified = ? WHERE id = ? AND qualified IS NULL').run(time, proposal);
      const { qualified } = this.db.prepare('SELECT qualified FROM forum_proposals WHERE id = ?').get(proposal) as { qualified: string | null };
      return { endorsements, qualified };
    });
  }

  async moderate(m: Moderation, nonce: Nonce): Promise<void> {
    try {
      this.tx(nonce, () => {
        this.db.prepare('INSERT INTO forum_moderation (body, post, author, action, actor, reason, time) VALUES (?, ?, ?, ?, ?, ?, ?)').run(m.body, m.post, m.author, m.action, m.by, m.reason, m.time);
        this.db.prepare('UPDATE forum_posts SET hidden = ? WHERE id = ?').run(m.hidden ? 1 : 0, m.post);
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ForumConflict('appealed', `post ${m.post} was appealed before: one appeal per post`);
      throw e;
    }
  }

  async setAddress(member: string, email: string, nonce: Nonce): Promise<void> {
    this.tx(nonce, () => { this.db.prepare('INSERT INTO forum_addresses (body, member, email) VALUES (?, ?, ?) ON CONFLICT (body, member) DO UPDATE SET email = excluded.email').run(nonce.body, member, email); });
  }

  async post(id: string): Promise<Post | null> {
    const r = this.db.prepare('SELECT * FROM forum_posts WHERE id = ?').get(id) as PostRow | undefined;
    return r ? postOf(r) : null;
  }

  async posts(body: string, since = ''): Promise<Post[]> {
    return (this.db.prepare('SELECT * FROM forum_posts WHERE body = ? AND created > ? ORDER BY created, id').all(body, since) as PostRow[]).map(postOf);
  }

  async attachment(post: string, index: number): Promise<StoredAttachment | null> {
    return (this.db.prepare('SELECT name, type, data FROM forum_attachments WHERE post = ? AND idx = ?').get(post, index) as StoredAttachment | undefined) ?? null;
  }

  async proposal(id: string) {
    const row = this.db.prepare('SELECT qualified, placement FROM forum_proposals WHERE id = ?').get(id) as { qualified: string | null; placement: string | null } | undefined;
    const endorsements = (this.db.prepare('SELECT member FROM forum_endorsements WHERE proposal = ? ORDER BY member').all(id) as { member: string }[]).map((x) => x.member);
    return { endorsements, qualified: row?.qualified ?? null, placement: row?.placement ? (JSON.parse(row.placement) as Placement) : null };
  }

  async setPlacement(proposal: string, placement: Placement): Promise<void> {
    this.db.prepare('UPDATE forum_proposals SET placement = ? WHERE id = ? AND placement IS NULL').run(JSON.stringify(placement), proposal);
  }

  async moderationLog(body: string): Promise<ModerationEntry[]> {
    return this.db.prepare('SELECT seq, post, author, action, actor AS "by", reason, time FROM forum_moderation WHERE body = ? ORDER BY seq').all(body) as ModerationEntry[];
  }

  async search(body: string, words: string[], limit: number): Promise<SearchHit[]> {
    if (words.length === 0) return [];
    // bm25: lower is better; the title weighs twice the text.
    return (this.db.prepare(`SELECT p.id AS post, -bm25(forum_fts, 2.0, 1.0) AS score FROM forum_fts JOIN forum_posts p ON p.id = forum_fts.post
      WHERE forum_fts MATCH ? AND p.body = ? AND p.hidden = 0 ORDER BY score DESC, p.created LIMIT ?`).all(fts5Match(words), body, limit) as SearchHit[]);
  }

  async addresses(body: string) {
    return this.db.prepare('SELECT member, email, last FROM forum_addresses WHERE body = ? ORDER BY member').all(body) as { member: string; email: string; last: string | null }[];
  }

  async setDigestMark(body: string, member: string, time: string): Promise<void> {
    this.db.prepare('UPDATE forum_addresses SET last = ? WHERE body = ? AND member = ?').run(time, body, member);
  }

  async close(): Promise<void> { this.db.close(); }
}
