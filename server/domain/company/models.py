"""Company-wide rules an administrator tunes: cadences, class thresholds, VIP rule, time zone.

One row (id 1). The defaults are the numbers of docs/domain.md; they live in the database, not
in code, so a company can change them without a release and every server process behind a
load balancer reads the same values.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from server.domain.shared.money import DEFAULT_LARGEST_MINOR
from server.domain.shared.timefields import UtcDatetimeField

SETTINGS_ID = 1


class CompanySettings(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    # Follow-up cadence per grade, in days (seed 002: daily, weekly, 15 days, monthly, yearly).
    cadence_a_days = fields.IntField(default=1)
    cadence_b_days = fields.IntField(default=7)
    cadence_c_days = fields.IntField(default=15)
    cadence_d_days = fields.IntField(default=30)
    cadence_e_days = fields.IntField(default=365)
    # ABC classes: A up to this share of cumulative sales, B up to the next, C the rest.
    abc_a_percent = fields.IntField(default=70)
    abc_b_percent = fields.IntField(default=95)
    abc_period_months = fields.IntField(default=12)
    # VIP rule (seed 002), in minor units: one order of 10,000.00 or 20,000.00 in a month.
    vip_single_order_minor = fields.BigIntField(default=1_000_000)
    vip_monthly_minor = fields.BigIntField(default=2_000_000)
    # Class-based service (seed 001): months between leadership visits (class A), visits
    # (class B) and inquiry letters (class B).
    leadership_visit_months = fields.IntField(default=6)
    class_b_visit_months = fields.IntField(default=12)
    inquiry_letter_months = fields.IntField(default=6)
    # "Today" for queues and due dates is the company's calendar day, not the server's.
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    # The working weekdays, ISO numbers (Monday 1 … Sunday 7): time limits count them.
    working_weekdays = fields.CharField(max_length=7, default="12345")
    # Complaints (seed 001 §10.2: handle promptly): each step's time limit in working days,
    # and the days after implementation when the owner's follow-up call is due.
    complaint_validate_days = fields.IntField(default=1)
    complaint_assign_days = fields.IntField(default=1)
    complaint_analyse_days = fields.IntField(default=3)
    complaint_propose_days = fields.IntField(default=2)
    complaint_approve_days = fields.IntField(default=1)
    complaint_implement_days = fields.IntField(default=5)
    complaint_evaluate_days = fields.IntField(default=5)
    complaint_followup_days = fields.IntField(default=3)
    # The one currency every amount is kept in (ISO 4217, two decimal places). It can only
    # change while no order, receivable or payment is recorded.
    currency = fields.CharField(max_length=3, default="CNY")
    # The largest single amount accepted anywhere (a payment, a debt, a price), in minor
    # units: 1,000,000,000.00 unless the company says otherwise. A mistyped amount (twelve
    # digits for nine) is refused instead of recorded.
    largest_amount_minor = fields.BigIntField(default=DEFAULT_LARGEST_MINOR)
    # Receivables (docs/domain.md §6): the days of credit when a customer's archive names none;
    # whether recording an order records what the customer owes for it; how many days
    # before a due date the owner's payment reminder falls due.
    default_payment_days = fields.IntField(default=30)
    receivables_from_orders = fields.BooleanField(default=True)
    payment_reminder_days = fields.IntField(default=3)
    # Aging buckets' upper edges in days overdue (1–30, 31–60, 61–90, 91–180, over 180).
    aging_edges = fields.CharField(max_length=60, default="30,60,90,180")
    updated_at = UtcDatetimeField(auto_now=True)

    class Meta:
        table = "company_settings"
