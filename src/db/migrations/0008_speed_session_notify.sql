-- Servers keep signed-in sessions, and a buyer's own status page, in memory. Every commit that can
-- end or alter what a session allows (sign-out, step-up, expiry, roles, status, password, erasure)
-- or what the buyer's page shows (their applications and timelines) announces the user id, in
-- whatever process or statement made it, so that every server drops its copies at once.
CREATE FUNCTION adieu_announce_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_data record;
  owner text;
BEGIN
  IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
  IF TG_TABLE_NAME = 'users' THEN
    owner := row_data.id;
  ELSIF TG_TABLE_NAME = 'application_events' THEN
    SELECT a.user_id INTO owner FROM applications a WHERE a.id = row_data.application_id;
  ELSE
    owner := row_data.user_id;
  END IF;
  IF owner IS NOT NULL THEN
    PERFORM pg_notify('adieu_user_changed', owner);
  END IF;
  -- A row moved from one user to another: the first one's copies go too. (Nested: PL/pgSQL
  -- reads every field an expression names, so OLD.user_id only where OLD has one.)
  IF TG_OP = 'UPDATE' THEN
    IF TG_TABLE_NAME IN ('sessions', 'applications') THEN
      IF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
        PERFORM pg_notify('adieu_user_changed', OLD.user_id);
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_announce_change AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION adieu_announce_user_change();
--> statement-breakpoint
-- last_seen_at alone moves once a minute per session and changes nothing a cached copy decides.
CREATE TRIGGER sessions_announce_update AFTER UPDATE ON sessions FOR EACH ROW
  WHEN ((OLD.token_hash, OLD.user_id, OLD.expires_at, OLD.reauthenticated_until, OLD.created_at)
    IS DISTINCT FROM (NEW.token_hash, NEW.user_id, NEW.expires_at, NEW.reauthenticated_until, NEW.created_at))
  EXECUTE FUNCTION adieu_announce_user_change();
--> statement-breakpoint
CREATE TRIGGER users_announce_change AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION adieu_announce_user_change();
--> statement-breakpoint
CREATE TRIGGER applications_announce_change AFTER INSERT OR UPDATE OR DELETE ON applications FOR EACH ROW EXECUTE FUNCTION adieu_announce_user_change();
--> statement-breakpoint
CREATE TRIGGER application_events_announce_change AFTER INSERT OR UPDATE OR DELETE ON application_events FOR EACH ROW EXECUTE FUNCTION adieu_announce_user_change();
