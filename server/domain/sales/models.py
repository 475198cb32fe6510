"""Sales orders and the customer classes computed from them (docs/domain.md §4)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.customers.models import AbcClass, Customer
from server.domain.shared.timefields import UtcDatetimeField


class SalesOrder(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="sales_orders", on_delete=fields.RESTRICT
    )
    ordered_on = fields.DateField()
    # The order's number in the system it came from (an ERP); unique, so a re-sent order
    # or a re-imported file is recognised and recorded once.
    external_ref = fields.CharField(max_length=100, null=True, unique=True)
    total_minor = fields.BigIntField()
    note = fields.CharField(max_length=500, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="created_sales_orders", null=True, on_delete=fields.RESTRICT
    )
    created_at = UtcDatetimeField(auto_now_add=True)

    customer_id: int
    created_by_id: int | None

    class Meta:
        table = "sales_order"
        indexes = (("customer_id", "ordered_on"), ("ordered_on", "customer_id", "total_minor"))


class SalesOrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[SalesOrder] = fields.ForeignKeyField(
        "crm.SalesOrder", related_name="lines", on_delete=fields.CASCADE
    )
    line_no = fields.IntField()
    product = fields.CharField(max_length=200)
    quantity = fields.IntField()
    unit_price_minor = fields.BigIntField()
    amount_minor = fields.BigIntField()

    order_id: int

    class Meta:
        table = "sales_order_line"
        unique_together = (("order_id", "line_no"),)


class AbcRun(Model):
    """One computation of the classes: its period and thresholds, kept with the ranking."""

    id = fields.IntField(primary_key=True)
    period_start = fields.DateField()
    period_end = fields.DateField()
    a_percent = fields.IntField()
    b_percent = fields.IntField()
    total_minor = fields.BigIntField()
    ranked_customers = fields.IntField()
    computed_at = UtcDatetimeField(auto_now_add=True)
    computed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="abc_runs", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "abc_run"


class AbcRanking(Model):
    """The Pareto list of the latest run: customers by sales, with cumulative sums."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="abc_rankings", on_delete=fields.CASCADE
    )
    rank = fields.IntField(unique=True)
    sales_minor = fields.BigIntField()
    cumulative_minor = fields.BigIntField()
    abc_class = fields.CharEnumField(AbcClass, max_length=1)

    customer_id: int

    class Meta:
        table = "abc_ranking"
