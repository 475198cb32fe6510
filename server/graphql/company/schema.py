"""The company settings: readable by every user, changed by administrators."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from server.domain.company import models
from server.domain.company.services import aging_edges, update_settings
from server.domain.receivables import ledgers
from server.graphql.input_values import input_values
from server.graphql.money import Money, money
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.rules import company_rules

d = strawberry.field


@strawberry.type(
    description="Company-wide rules: follow-up cadence per grade, ABC thresholds, the VIP "
    "rule, class-based service intervals, the company's time zone and working week, and "
    "the complaint steps' time limits."
)
class CompanySettings:
    version: int = d(description="Changes on every update; send it back with your change.")
    cadence_a_days: int = d(description="Days between follow-ups of a grade A customer (1).")
    cadence_b_days: int = d(description="Days between follow-ups of a grade B customer (7).")
    cadence_c_days: int = d(description="Days between follow-ups of a grade C customer (15).")
    cadence_d_days: int = d(description="Days between follow-ups of a grade D customer (30).")
    cadence_e_days: int = d(description="Days between follow-ups of a grade E customer (365).")
    abc_a_percent: int = d(description="Class A: up to this share of cumulative sales (70).")
    abc_b_percent: int = d(description="Class B: up to this share of cumulative sales (95).")
    abc_period_months: int = d(description="Months of sales the classes look at (12).")
    vip_single_order: Money = d(description="One order of at least this makes a VIP (10,000).")
    vip_monthly: Money = d(
        description="Orders of at least this in one calendar month make a VIP (20,000)."
    )
    leadership_visit_months: int = d(description="Months between leadership visits, class A (6).")
    class_b_visit_months: int = d(description="Months between visits, class B (12).")
    inquiry_letter_months: int = d(description="Months between inquiry letters, class B (6).")
    timezone: str = d(description="IANA time zone that decides the company's 'today'.")
    working_weekdays: list[int] = d(
        description="The working weekdays, 1 (Monday) to 7 (Sunday): time limits count them "
        "([1, 2, 3, 4, 5])."
    )
    complaint_validate_days: int = d(description="Working days to judge a complaint (1).")
    complaint_assign_days: int = d(description="Working days to assign a complaint (1).")
    complaint_analyse_days: int = d(description="Working days to find the cause (3).")
    complaint_propose_days: int = d(description="Working days to propose a remedy (2).")
    complaint_approve_days: int = d(description="Working days to approve a remedy (1).")
    complaint_implement_days: int = d(description="Working days to carry a remedy out (5).")
    complaint_evaluate_days: int = d(description="Working days to evaluate and close (5).")
    complaint_followup_days: int = d(
        description="Days after implementation the call after closing is due (3)."
    )
    currency: str = d(
        description="ISO 4217 code every amount is kept in (CNY). It can only change while "
        "no order, receivable or payment is recorded."
    )
    default_payment_days: int = d(
        description="Days of credit for a customer whose archive names none (30)."
    )
    receivables_from_orders: bool = d(
        description="Recording or importing an order records what the customer owes for it, "
        "due by the customer's payment terms (true)."
    )
    payment_reminder_days: int = d(
        description="Days before a due date the owner's payment reminder falls due (3)."
    )
    aging_edges: list[int] = d(
        description="The aging buckets' upper edges in days overdue ([30, 60, 90, 180]: "
        "1–30, 31–60, 61–90, 91–180, over 180)."
    )
    largest_amount: Money = d(
        description="The largest single amount accepted (a payment, a debt, a price, a "
        "limit): larger ones are refused as mistyped (1,000,000,000.00)."
    )
    updated_at: datetime = d(description="When the settings last changed.")

    @classmethod
    def from_model(cls, m: models.CompanySettings, currency: str) -> CompanySettings:
        return cls(
            version=m.version,
            cadence_a_days=m.cadence_a_days,
            cadence_b_days=m.cadence_b_days,
            cadence_c_days=m.cadence_c_days,
            cadence_d_days=m.cadence_d_days,
            cadence_e_days=m.cadence_e_days,
            abc_a_percent=m.abc_a_percent,
            abc_b_percent=m.abc_b_percent,
            abc_period_months=m.abc_period_months,
            vip_single_order=money(m.vip_single_order_minor, currency),
            vip_monthly=money(m.vip_monthly_minor, currency),
            leadership_visit_months=m.leadership_visit_months,
            class_b_visit_months=m.class_b_visit_months,
            inquiry_letter_months=m.inquiry_letter_months,
            timezone=m.timezone,
            working_weekdays=[int(c) for c in m.working_weekdays],
            complaint_validate_days=m.complaint_validate_days,
            complaint_assign_days=m.complaint_assign_days,
            complaint_analyse_days=m.complaint_analyse_days,
            complaint_propose_days=m.complaint_propose_days,
            complaint_approve_days=m.complaint_approve_days,
            complaint_implement_days=m.complaint_implement_days,
            complaint_evaluate_days=m.complaint_evaluate_days,
            complaint_followup_days=m.complaint_followup_days,
            currency=m.currency,
            default_payment_days=m.default_payment_days,
            receivables_from_orders=m.receivables_from_orders,
            payment_reminder_days=m.payment_reminder_days,
            aging_edges=aging_edges(m),
            largest_amount=money(m.largest_amount_minor, currency),
            updated_at=m.updated_at,
        )


@strawberry.input(description="Changes to the company settings; omitted fields stay.")
class CompanySettingsUpdateInput:
    version: int | None = d(default=None, description="The version you read.")
    cadence_a_days: int | None = d(default=None, description="1–3660 days.")
    cadence_b_days: int | None = d(default=None, description="1–3660 days.")
    cadence_c_days: int | None = d(default=None, description="1–3660 days.")
    cadence_d_days: int | None = d(default=None, description="1–3660 days.")
    cadence_e_days: int | None = d(default=None, description="1–3660 days.")
    abc_a_percent: int | None = d(default=None, description="1–99, below the B threshold.")
    abc_b_percent: int | None = d(default=None, description="2–100, above the A threshold.")
    abc_period_months: int | None = d(default=None, description="1–120 months.")
    vip_single_order: Decimal | None = d(default=None, description="Decimal string > 0.")
    vip_monthly: Decimal | None = d(default=None, description="Decimal string > 0.")
    leadership_visit_months: int | None = d(default=None, description="1–60 months.")
    class_b_visit_months: int | None = d(default=None, description="1–60 months.")
    inquiry_letter_months: int | None = d(default=None, description="1–60 months.")
    timezone: str | None = d(default=None, description="IANA name, e.g. Asia/Shanghai.")
    working_weekdays: list[int] | None = d(
        default=None, description="Weekday numbers 1 (Monday) to 7 (Sunday), at least one."
    )
    complaint_validate_days: int | None = d(default=None, description="1–60 working days.")
    complaint_assign_days: int | None = d(default=None, description="1–60 working days.")
    complaint_analyse_days: int | None = d(default=None, description="1–60 working days.")
    complaint_propose_days: int | None = d(default=None, description="1–60 working days.")
    complaint_approve_days: int | None = d(default=None, description="1–60 working days.")
    complaint_implement_days: int | None = d(default=None, description="1–60 working days.")
    complaint_evaluate_days: int | None = d(default=None, description="1–60 working days.")
    complaint_followup_days: int | None = d(default=None, description="0–60 days.")
    currency: str | None = d(
        default=None,
        description="ISO 4217 code with two decimal places; refused once amounts are recorded.",
    )
    default_payment_days: int | None = d(default=None, description="0–365 days.")
    receivables_from_orders: bool | None = d(default=None, description="On or off.")
    payment_reminder_days: int | None = d(default=None, description="0–60 days.")
    aging_edges: list[int] | None = d(
        default=None, description="Two to eight rising day counts, each 1–3660."
    )
    largest_amount: Decimal | None = d(
        default=None, description="Decimal string > 0, at most 9,999,999,999,999.99."
    )


@strawberry.type(description="Result of companySettingsUpdate.")
class CompanySettingsUpdatePayload(Payload):
    settings: CompanySettings | None = d(default=None, description="The settings after the change.")


@strawberry.type
class CompanyQuery:
    @strawberry.field(description="The company-wide rules the server applies.")
    async def company_settings(self, info: Info) -> CompanySettings:
        return CompanySettings.from_model(await company_rules(info), info.context.currency)


@strawberry.type
class CompanyMutation:
    @strawberry.mutation(description="Change the company rules (administrators only).")
    async def company_settings_update(
        self,
        info: Info,
        input: MutationInput[CompanySettingsUpdateInput],
    ) -> CompanySettingsUpdatePayload:
        return await mutate(
            CompanySettingsUpdatePayload,
            lambda: update_settings(
                info.context.viewer,
                input.version,
                input_values(input, skip=("version",)),
                money_recorded=ledgers.money_recorded,
            ),
            # In the currency just set, if it changed.
            lambda m: CompanySettingsUpdatePayload(
                settings=CompanySettings.from_model(m, m.currency)
            ),
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = CompanyQuery
MUTATION = CompanyMutation
