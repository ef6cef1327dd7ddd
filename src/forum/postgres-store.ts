// A body's forum in PostgreSQL: the same tables as src/forum/store.ts, full-text search by a stored
// tsvector (the 'simple' configuration: no stemming, no stop words, as FTS5's unicode61) under a GIN
// index, the title weighted A and the text B. Each write is one transaction with the signer's nonce.
import pg from 'pg';
import { openPostgresPool } from '../board/postgres-pool.js';
import { FORUM_SCHEMA_COMMON, ForumConflict, infoOf, postOf, type ForumStore, type Moderation, type Nonce, type SearchHit, type StoredAttachment } from './store.js';
import type { ModerationEntry, Placement, Post } from './types.js';

const LOCK_CLASS = 0x666f7275; // "foru"
const UNIQUE_VIOLATION = '23505';

const SCHEMA = FORUM_SCHEMA_COMMON.replace('BYTES', 'BYTEA') + `
CREATE TABLE IF NOT EXISTS forum_moderation (seq BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, post TEXT NOT NULL, author TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, time TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS forum_one_appeal ON forum_moderation (post) WHERE action = 'appealed';
ALTER TABLE forum_posts ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS
  (setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', text), 'B')) STORED;
CREATE INDEX IF NOT EXISTS forum_posts_tsv ON forum_posts USING GIN (tsv);
`;

const POST_COLUMNS = 'id, body, proposal, parent, author, title, text, created, hidden, attachments';

export class PostgresForumStore implements ForumStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string, poolSize = 5): Promise<PostgresForumStore> {
    return new PostgresForumStore(await openPostgresPool(url, poolSize, [LOCK_CLASS, 0], SCHEMA));
  }

  private async tx<T>(nonce: Nonce, f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await c.query('INSERT INTO forum_nonces (body, signer, nonce) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [nonce.body, nonce.signer, nonce.nonce]);
      if (r.rowCount === 0) throw new ForumConflict('replayed', `${nonce.signer} has signed with this nonce before: a replayed action is refused`);
      const out = await f(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  async addPost(p: Post, attachments: StoredAttachment[], nonce: Nonce): Promise<void> {
    await this.tx(nonce, async (c) => {
      await c.query(`INSERT INTO forum_posts (${POST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)`, [p.id, p.body, p.proposal, p.parent, p.author, p.title, p.text, p.created, JSON.stringify(infoOf(attachments))]);
      for (const [i, a] of attachments.entries()) await c.query('INSERT INTO forum_attachments (post, idx, name, type, data) VALUES ($1, $2, $3, $4, $5)', [p.id, i, a.name, a.type, a.data]);
      if (p.parent === null) await c.query('INSERT INTO forum_proposals (id) VALUES ($1)', [p.id]);
    });
  }

  async endorse(proposal: string, member: string, on: boolean, threshold: number, time: string, nonce: Nonce) {
    return this.tx(nonce, async (c) => {
      // The proposal's row, locked: concurrent endorsements of one proposal count one after another.
      await c.query('SELECT id FROM forum_proposals WHERE id = $1 FOR UPDATE', [proposal]);
      if (on) {
        const r = await c.query('INSERT INTO forum_endorsements (proposal, member) VALUES ($1, $2) ON CONFLICT DO NOTHING', [proposal, member]);
        if (r.rowCount === 0) throw new ForumConflict('duplicate', `${member} already endorses ${proposal}`);
      } else {
        const r = await c.query('DELETE FROM forum_endorsements WHERE proposal = $1 AND member = $2', [proposal, member]);
        if (r.rowCount === 0) throw new ForumConflict('not-endorsed', `${member} does not endorse ${proposal}`);
      }
      const endorsements = (await c.query<{ member: string }>('SELECT member FROM forum_endorsements WHERE proposal = $1 ORDER BY member COLLATE "C"', [proposal])).rows.map((x) => x.member);
      if (endorsements.length >= threshold) await c.query('UPDATE forum_proposals SET qualified = $1 WHERE id = $2 AND qualified IS NULL', [time, proposal]);
      const { qualified } = (await c.query<{ qualified: string | null }>('SELECT qualified FROM forum_proposals WHERE id = $1', [proposal])).rows[0]!;
      return { endorsements, qualified };
    });
  }

  async moderate(m: Moderation, nonce: Nonce): Promise<void> {
    try {
      await this.tx(nonce, async (c) => {
        await c.query('INSERT INTO forum_moderation (body, post, author, action, actor, reason, time) VALUES ($1, $2, $3, $4, $5, $6, $7)', [m.body, m.post, m.author, m.action, m.by, m.reason, m.time]);
        await c.query('UPDATE forum_posts SET hidden = $1 WHERE id = $2', [m.hidden ? 1 : 0, m.post]);
      });
    } catch (e) {
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new ForumConflict('appealed', `post ${m.post} was appealed before: one appeal per post`);
      throw e;
    }
  }

  async setAddress(member: string, email: string, nonce: Nonce): Promise<void> {
    await this.tx(nonce, (c) => c.query('INSERT INTO forum_addresses (body, member, email) VALUES ($1, $2, $3) ON CONFLICT (body, member) DO UPDATE SET email = excluded.email', [nonce.body, member, email]));
  }

  async post(id: string): Promise<Post | null> {
    const r = await this.pool.query(`SELECT ${POST_COLUMNS} FROM forum_posts WHERE id = $1`, [id]);
    return r.rows[0] ? postOf(r.rows[0]) : null;
  }

  async posts(body: string, since = ''): Promise<Post[]> {
    const r = await this.pool.query(`SELECT ${POST_COLUMNS} FROM forum_posts WHERE body = $1 AND created > $2 ORDER BY created COLLATE "C", id COLLATE "C"`, [body, since]);
    return r.rows.map(postOf);
  }

  async attachment(post: string, index: number): Promise<StoredAttachment | null> {
    const r = await this.pool.query<StoredAttachment>('SELECT name, type, data FROM forum_attachments WHERE post = $1 AND idx = $2', [post, index]);
    return r.rows[0] ?? null;
  }

  async proposal(id: string) {
    const row = (await this.pool.query<{ qualified: string | null; placement: string | null }>('SELECT qualified, placement FROM forum_proposals WHERE id = $1', [id])).rows[0];
    const endorsements = (await this.pool.query<{ member: string }>('SELECT member FROM forum_endorsements WHERE proposal = $1 ORDER BY member COLLATE "C"', [id])).rows.map((x) => x.member);
    return { endorsements, qualified: row?.qualified ?? null, placement: row?.placement ? (JSON.parse(row.placement) as Placement) : null };
  }

  async setPlacement(proposal: string, placement: Placement): Promise<void> {
    await this.pool.query('UPDATE forum_proposals SET placement = $1 WHERE id = $2 AND placement IS NULL', [JSON.stringify(placement), proposal]);
  }

  async moderationLog(body: string): Promise<ModerationEntry[]> {
    const r = await this.pool.query('SELECT seq, post, author, action, actor AS "by", reason, time FROM forum_moderation WHERE body = $1 ORDER BY seq', [body]);
    return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }));
  }

  async search(body: string, words: string[], limit: number): Promise<SearchHit[]> {
    if (words.length === 0) return [];
    // plainto_tsquery reads its text as words joined by AND: no operator in it is ever syntax.
    const r = await this.pool.query<{ post: string; score: number }>(`SELECT id AS post, ts_rank(tsv, q) AS score FROM forum_posts, plainto_tsquery('simple', $1) q
      WHERE tsv @@ q AND body = $2 AND hidden = 0 ORDER BY score DESC, created COLLATE "C" LIMIT $3`, [words.join(' '), body, limit]);
    return r.rows.map((x) => ({ post: x.post, score: Number(x.score) }));
  }

  async addresses(body: string) {
    return (await this.pool.query<{ member: string; email: string; last: string | null }>('SELECT member, email, last FROM forum_addresses WHERE body = $1 ORDER BY member COLLATE "C"', [body])).rows;
  }

  async setDigestMark(body: string, member: string, time: string): Promise<void> {
    await this.pool.query('UPDATE forum_addresses SET last = $1 WHERE body = $2 AND member = $3', [time, body, member]);
  }

  async close(): Promise<void> { await this.pool.end(); }
}
