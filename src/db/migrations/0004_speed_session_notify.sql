-- Servers keep signed-in sessions in memory; every change that can end or alter what a session
-- allows (sign-out, step-up, expiry, roles, status, password, erasure) is announced on commit,
-- whichever process or statement made it, so that every server drops its copy at once.
CREATE FUNCTION adieu_announce_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('adieu_auth_changed', OLD.id);
  ELSE
    PERFORM pg_notify('adieu_auth_changed', OLD.user_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_announce_change AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION adieu_announce_session_change();
--> statement-breakpoint
-- last_seen_at alone moves once a minute per session and changes nothing a cached copy decides.
CREATE TRIGGER sessions_announce_update AFTER UPDATE ON sessions FOR EACH ROW
  WHEN ((OLD.token_hash, OLD.user_id, OLD.expires_at, OLD.reauthenticated_until, OLD.created_at)
    IS DISTINCT FROM (NEW.token_hash, NEW.user_id, NEW.expires_at, NEW.reauthenticated_until, NEW.created_at))
  EXECUTE FUNCTION adieu_announce_session_change();
--> statement-breakpoint
CREATE TRIGGER users_announce_change AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION adieu_announce_session_change();
