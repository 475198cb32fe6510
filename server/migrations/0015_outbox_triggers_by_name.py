"""The outbox's triggers by name, from a frozen list (issue 26).

Migration 0013 installed the triggers from the live rule list of the day it ran, named by
each rule's place in that list. Rules were later inserted in the middle without a
migration: a database migrated before then never heard of collection cases, and one that
`seed --bulk` had reinstalled carried two triggers for several changes (every event
written twice). This migration drops every trigger of the outbox, whatever it was called,
and installs the list below, each named by what it is (table, operation, kind).

The statements are text on purpose: a migration must not change with later code. A change
of rule is a new migration carrying its own SQL (server/domain/events/triggers.py prints
it; tests/server/test_outbox_triggers.py holds the newest such migration equal to the
rules).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_OURS = "LIKE 'crm!_event!_%' ESCAPE '!'"

OUTBOX_TRIGGERS = {
    "sqlite": [
    "CREATE TRIGGER crm_event_follow_up_insert_queue AFTER INSERT ON follow_up FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.status); END",
    "CREATE TRIGGER crm_event_follow_up_update_queue AFTER UPDATE ON follow_up FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.status); END",
    "CREATE TRIGGER crm_event_follow_up_update_queue_moved AFTER UPDATE ON follow_up FOR EACH ROW WHEN (OLD.assignee_id IS NOT NEW.assignee_id) BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', OLD.customer_id, (SELECT owner_id FROM customer WHERE id = OLD.customer_id), OLD.assignee_id, OLD.id, OLD.version, 'moved'); END",
    "CREATE TRIGGER crm_event_follow_up_delete_queue AFTER DELETE ON follow_up FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', OLD.customer_id, (SELECT owner_id FROM customer WHERE id = OLD.customer_id), OLD.assignee_id, OLD.id, OLD.version, 'deleted'); END",
    "CREATE TRIGGER crm_event_complaint_insert_complaint AFTER INSERT ON complaint FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('complaint', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.step); END",
    "CREATE TRIGGER crm_event_complaint_update_complaint AFTER UPDATE ON complaint FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('complaint', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.step); END",
    "CREATE TRIGGER crm_event_payment_insert_payment AFTER INSERT ON payment FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('payment', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'recorded'); END",
    "CREATE TRIGGER crm_event_payment_update_payment AFTER UPDATE ON payment FOR EACH ROW WHEN (OLD.reversed_at IS NOT NEW.reversed_at) BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('payment', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'reversed'); END",
    "CREATE TRIGGER crm_event_credit_hold_insert_hold AFTER INSERT ON credit_hold FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('hold', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'placed'); END",
    "CREATE TRIGGER crm_event_credit_hold_update_hold AFTER UPDATE ON credit_hold FOR EACH ROW WHEN (OLD.released_at IS NOT NEW.released_at) BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('hold', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'released'); END",
    "CREATE TRIGGER crm_event_collection_case_insert_collection AFTER INSERT ON collection_case FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('collection', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'case'); END",
    "CREATE TRIGGER crm_event_collection_case_update_collection AFTER UPDATE ON collection_case FOR EACH ROW WHEN (OLD.version IS NOT NEW.version) BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('collection', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'case'); END",
    "CREATE TRIGGER crm_event_customer_update_customer AFTER UPDATE ON customer FOR EACH ROW WHEN (OLD.version IS NOT NEW.version) BEGIN INSERT INTO event (kind, customer_id, owner_id, version, detail) VALUES ('customer', NEW.id, NEW.owner_id, NEW.version, 'changed'); END",
    "CREATE TRIGGER crm_event_api_token_update_session AFTER UPDATE ON api_token FOR EACH ROW WHEN (OLD.revoked_at IS NOT NEW.revoked_at) BEGIN INSERT INTO event (kind, user_id, subject_id, detail) VALUES ('session', NEW.user_id, NEW.id, 'revoked'); END",
    "CREATE TRIGGER crm_event_app_user_update_session AFTER UPDATE ON app_user FOR EACH ROW WHEN (OLD.is_active IS NOT NEW.is_active OR OLD.role IS NOT NEW.role OR OLD.manager_id IS NOT NEW.manager_id) BEGIN INSERT INTO event (kind, user_id, detail) VALUES ('session', NEW.id, 'user'); END",
    "CREATE TRIGGER crm_event_access_grant_insert_access AFTER INSERT ON access_grant FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', NEW.customer_id, NEW.grantee_id, 'granted'); END",
    "CREATE TRIGGER crm_event_access_grant_update_access AFTER UPDATE ON access_grant FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', NEW.customer_id, NEW.grantee_id, 'changed'); END",
    "CREATE TRIGGER crm_event_access_grant_delete_access AFTER DELETE ON access_grant FOR EACH ROW BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', OLD.customer_id, OLD.grantee_id, 'ended'); END",
],
    "postgres": [
    "CREATE OR REPLACE FUNCTION crm_event_follow_up_insert_queue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.status); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_follow_up_insert_queue AFTER INSERT ON follow_up FOR EACH ROW EXECUTE FUNCTION crm_event_follow_up_insert_queue()',
    "CREATE OR REPLACE FUNCTION crm_event_follow_up_update_queue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.status); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_follow_up_update_queue AFTER UPDATE ON follow_up FOR EACH ROW EXECUTE FUNCTION crm_event_follow_up_update_queue()',
    "CREATE OR REPLACE FUNCTION crm_event_follow_up_update_queue_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', OLD.customer_id, (SELECT owner_id FROM customer WHERE id = OLD.customer_id), OLD.assignee_id, OLD.id, OLD.version, 'moved'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_follow_up_update_queue_moved AFTER UPDATE ON follow_up FOR EACH ROW WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id) EXECUTE FUNCTION crm_event_follow_up_update_queue_moved()',
    "CREATE OR REPLACE FUNCTION crm_event_follow_up_delete_queue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('queue', OLD.customer_id, (SELECT owner_id FROM customer WHERE id = OLD.customer_id), OLD.assignee_id, OLD.id, OLD.version, 'deleted'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_follow_up_delete_queue AFTER DELETE ON follow_up FOR EACH ROW EXECUTE FUNCTION crm_event_follow_up_delete_queue()',
    "CREATE OR REPLACE FUNCTION crm_event_complaint_insert_complaint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('complaint', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.step); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_complaint_insert_complaint AFTER INSERT ON complaint FOR EACH ROW EXECUTE FUNCTION crm_event_complaint_insert_complaint()',
    "CREATE OR REPLACE FUNCTION crm_event_complaint_update_complaint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, user_id, subject_id, version, detail) VALUES ('complaint', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.assignee_id, NEW.id, NEW.version, NEW.step); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_complaint_update_complaint AFTER UPDATE ON complaint FOR EACH ROW EXECUTE FUNCTION crm_event_complaint_update_complaint()',
    "CREATE OR REPLACE FUNCTION crm_event_payment_insert_payment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('payment', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'recorded'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_payment_insert_payment AFTER INSERT ON payment FOR EACH ROW EXECUTE FUNCTION crm_event_payment_insert_payment()',
    "CREATE OR REPLACE FUNCTION crm_event_payment_update_payment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('payment', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'reversed'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_payment_update_payment AFTER UPDATE ON payment FOR EACH ROW WHEN (OLD.reversed_at IS DISTINCT FROM NEW.reversed_at) EXECUTE FUNCTION crm_event_payment_update_payment()',
    "CREATE OR REPLACE FUNCTION crm_event_credit_hold_insert_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('hold', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'placed'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_credit_hold_insert_hold AFTER INSERT ON credit_hold FOR EACH ROW EXECUTE FUNCTION crm_event_credit_hold_insert_hold()',
    "CREATE OR REPLACE FUNCTION crm_event_credit_hold_update_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('hold', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'released'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_credit_hold_update_hold AFTER UPDATE ON credit_hold FOR EACH ROW WHEN (OLD.released_at IS DISTINCT FROM NEW.released_at) EXECUTE FUNCTION crm_event_credit_hold_update_hold()',
    "CREATE OR REPLACE FUNCTION crm_event_collection_case_insert_collection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('collection', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'case'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_collection_case_insert_collection AFTER INSERT ON collection_case FOR EACH ROW EXECUTE FUNCTION crm_event_collection_case_insert_collection()',
    "CREATE OR REPLACE FUNCTION crm_event_collection_case_update_collection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, subject_id, detail) VALUES ('collection', NEW.customer_id, (SELECT owner_id FROM customer WHERE id = NEW.customer_id), NEW.id, 'case'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_collection_case_update_collection AFTER UPDATE ON collection_case FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION crm_event_collection_case_update_collection()',
    "CREATE OR REPLACE FUNCTION crm_event_customer_update_customer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, owner_id, version, detail) VALUES ('customer', NEW.id, NEW.owner_id, NEW.version, 'changed'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_customer_update_customer AFTER UPDATE ON customer FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION crm_event_customer_update_customer()',
    "CREATE OR REPLACE FUNCTION crm_event_api_token_update_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, user_id, subject_id, detail) VALUES ('session', NEW.user_id, NEW.id, 'revoked'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_api_token_update_session AFTER UPDATE ON api_token FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at) EXECUTE FUNCTION crm_event_api_token_update_session()',
    "CREATE OR REPLACE FUNCTION crm_event_app_user_update_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, user_id, detail) VALUES ('session', NEW.id, 'user'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_app_user_update_session AFTER UPDATE ON app_user FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active OR OLD.role IS DISTINCT FROM NEW.role OR OLD.manager_id IS DISTINCT FROM NEW.manager_id) EXECUTE FUNCTION crm_event_app_user_update_session()',
    "CREATE OR REPLACE FUNCTION crm_event_access_grant_insert_access() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', NEW.customer_id, NEW.grantee_id, 'granted'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_access_grant_insert_access AFTER INSERT ON access_grant FOR EACH ROW EXECUTE FUNCTION crm_event_access_grant_insert_access()',
    "CREATE OR REPLACE FUNCTION crm_event_access_grant_update_access() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', NEW.customer_id, NEW.grantee_id, 'changed'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_access_grant_update_access AFTER UPDATE ON access_grant FOR EACH ROW EXECUTE FUNCTION crm_event_access_grant_update_access()',
    "CREATE OR REPLACE FUNCTION crm_event_access_grant_delete_access() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO event (kind, customer_id, user_id, detail) VALUES ('access', OLD.customer_id, OLD.grantee_id, 'ended'); PERFORM pg_notify('crm_events', ''); RETURN NULL; END $$",
    'CREATE TRIGGER crm_event_access_grant_delete_access AFTER DELETE ON access_grant FOR EACH ROW EXECUTE FUNCTION crm_event_access_grant_delete_access()',
],
}


async def _drop_every_outbox_trigger(client):
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "DO $$ DECLARE r record; BEGIN"
            " FOR r IN SELECT t.tgname, c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND t.tgname {_OURS}"
            " LOOP EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.relname); END LOOP;"
            " FOR r IN SELECT p.proname FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            f" WHERE n.nspname = current_schema() AND p.proname {_OURS}"
            " LOOP EXECUTE format('DROP FUNCTION %I()', r.proname); END LOOP; END $$"
        )
        return
    _, names = await client.execute_query(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name {_OURS}"
    )
    for row in names:
        await client.execute_script(f'DROP TRIGGER "{row[0]}"')


async def _install(apps, schema_editor):
    client = schema_editor.client
    await _drop_every_outbox_trigger(client)
    for statement in OUTBOX_TRIGGERS[client.capabilities.dialect]:
        await client.execute_script(statement)


async def _remove(apps, schema_editor):
    await _drop_every_outbox_trigger(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("crm", "0014_largest_amount_evidence_names")]

    initial = False

    operations = [ops.RunPython(_install, _remove)]
