import { type Kysely, sql } from 'kysely';

// Every registration replica may keep the users behind recently seen API tokens in memory (skipping one query per
// request). Whatever changes what such an entry says — a token revoked, expired early, deleted or moved, a user's
// role, e-mail or name changed, a user deleted — notifies `principal_changes` with the user's id, from the database
// itself, so that no code path (nor an operator's hand-written SQL) can forget to. The notification leaves at commit;
// replicas then drop that user's entries. last_used_at is deliberately not watched: it changes on use.
export async function up(db: Kysely<any>): Promise<void> {
  // One function for both tables: the trigger's argument names the column holding the user's id.
  await sql`
    create function notify_principal_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('principal_changes', to_jsonb(old) ->> tg_argv[0]);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger api_tokens_principal_change
    after update of token_hash, user_id, expires_at, revoked_at or delete on api_tokens
    for each row execute function notify_principal_change('user_id')`.execute(db);
  await sql`
    create trigger users_principal_change
    after update of email, name, role or delete on users
    for each row execute function notify_principal_change('id')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_principal_change on users`.execute(db);
  await sql`drop trigger api_tokens_principal_change on api_tokens`.execute(db);
  await sql`drop function notify_principal_change()`.execute(db);
}
