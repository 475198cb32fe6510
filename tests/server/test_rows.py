"""GraphQL objects built from rows (`from_row` copies a row's columns onto the object): no
column may share a name with one of the type's resolvers, or the copy would hide it."""

from __future__ import annotations

import pytest

from server.domain.customers import models as customer_models
from server.domain.followups import models as followup_models
from server.graphql.customers.types import Contact, Customer
from server.graphql.followups.types import FollowUp, Interaction
from server.graphql.projection import model_row


@pytest.mark.parametrize(
    ("graphql_type", "model"),
    [
        (Customer, customer_models.Customer),
        (Contact, customer_models.Contact),
        (Interaction, followup_models.Interaction),
        (FollowUp, followup_models.FollowUp),
    ],
)
def test_no_column_hides_a_resolver(graphql_type: type, model: type) -> None:
    definition = graphql_type.__strawberry_definition__  # type: ignore[attr-defined]
    resolvers = {f.python_name for f in definition.fields if f.base_resolver is not None}
    columns = set(model._meta.fields_db_projection)  # type: ignore[attr-defined]
    assert resolvers and columns
    assert not resolvers & columns


def test_a_models_row_leaves_tortoises_own_attributes_out() -> None:
    customer = customer_models.Customer(name="某厂", search_text="某厂", owner_id=1)
    row = model_row(customer)
    assert row["name"] == "某厂" and row["owner_id"] == 1
    assert not [name for name in row if name.startswith("_")]
