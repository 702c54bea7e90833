"""The plan for sharding by community (neighbors/sharding.py) and the check every request runs under."""
import sqlalchemy as sa

from neighbors.cli import sharding_plan
from neighbors.extensions import db
from neighbors.sharding import REFERENCE_TABLES, plan
from tests.sharding import ShardingCheck


def test_every_table_is_distributed_by_community_or_a_reference_table(app):
    result = plan(db.metadata)
    assert sorted(result.distributed + result.reference) == sorted(t.name for t in db.metadata.sorted_tables)
    assert {"kitchen_orders", "mutualaid_transactions", "alleys_findings", "visits_households"} <= set(result.distributed)
    assert set(REFERENCE_TABLES) | {"districts", "communities"} <= set(result.reference)


def test_reference_tables_point_only_at_reference_tables(app):
    """Citus refuses a foreign key from a reference table to a distributed one."""
    result = plan(db.metadata)
    for name in result.reference:
        for key in db.metadata.tables[name].foreign_key_constraints:
            assert key.referred_table.name in result.reference, (name, key.referred_table.name)


def test_the_plan_names_every_key_that_must_carry_the_community(app):
    result = plan(db.metadata)
    assert "kitchen_orders: (id) becomes (community_id, id)" in result.primary_keys
    assert ("kitchen_orders (meal_id) -> kitchen_meals: (community_id, meal_id) -> kitchen_meals (community_id, id)"
            in result.foreign_keys)
    assert any(line.startswith("mutualaid_transactions: unique (submission_key)") for line in result.unique_constraints)
    assert [line.split(":")[0] for line in result.not_null] == ["audit_entries"]
    statements = result.statements()
    assert len(statements) == len(result.distributed) + len(result.reference)
    assert "SELECT create_reference_table('users');" in statements


def test_the_command_prints_the_plan(app):
    output = app.test_cli_runner().invoke(sharding_plan).output
    assert "-- Reference tables" in output and "create_distributed_table('kitchen_orders', 'community_id'" in output


def test_the_check_knows_a_statement_that_fixes_its_community_from_one_that_asks_every_shard(app):
    check = ShardingCheck.for_metadata(db.metadata, db.Model.registry)
    fixed = ("SELECT kitchen_orders.id FROM kitchen_orders JOIN kitchen_meals AS m ON m.id = kitchen_orders.meal_id "
             "AND m.community_id = kitchen_orders.community_id WHERE kitchen_orders.community_id = ?")
    assert check.unfixed_tables(fixed) == []
    assert check.unfixed_tables("SELECT kitchen_meals.id FROM kitchen_meals WHERE kitchen_meals.served_on = ?") == [
        "kitchen_meals"]
    # a kitchen's meals loaded along the relationship: excepted (BY_KEY), the composite key will carry the community
    assert check.unfixed_tables("SELECT kitchen_meals.id FROM kitchen_meals WHERE kitchen_meals.kitchen_id = ?") == []
    joined_without = ("SELECT kitchen_orders.id FROM kitchen_orders JOIN kitchen_meals ON kitchen_meals.id = "
                      "kitchen_orders.meal_id WHERE kitchen_orders.community_id = ?")
    assert check.unfixed_tables(joined_without) == ["kitchen_meals"]
    assert check.unfixed_tables("INSERT INTO kitchen_meals (community_id, kitchen_id) VALUES (?, ?)") == []
    assert check.unfixed_tables("SELECT users.id FROM users WHERE users.phone = ?") == []  # a reference table
    assert check.unfixed_tables("UPDATE kitchen_orders SET status=? WHERE kitchen_orders.id = ?") == []  # excepted


def test_a_request_that_asks_every_shard_fails_its_test(app, web):
    def unfixed_query():
        db.session.execute(sa.text("SELECT kitchen_meals.id FROM kitchen_meals WHERE kitchen_meals.kitchen_id = 1"))
        return "ok"

    app.view_functions["main.healthz"], original = unfixed_query, app.view_functions["main.healthz"]
    try:
        try:
            web.get("/healthz")
        except AssertionError as refused:
            assert "kitchen_meals" in str(refused) and "GET /healthz" in str(refused)
        else:
            raise AssertionError("the request's statement was let through")
    finally:
        app.view_functions["main.healthz"] = original
