"""Root fields of the customer area: the customer list, one customer, and their mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.customers import contacts as contact_services
from server.domain.customers import services
from server.domain.customers.models import Customer as DomainCustomer
from server.domain.customers.models import Grade as DomainGrade
from server.domain.customers.models import Stage as DomainStage
from server.domain.customers.search import CustomerFilter as DomainFilter
from server.domain.customers.search import CustomerSort, search_customers
from server.domain.shared.errors import DomainError
from server.domain.transfers import services as transfers
from server.graphql.connections import After, Before, Connection, First, Last, connection, page_args
from server.graphql.customers.enums import SortDirection
from server.graphql.customers.inputs import (
    ContactCreateInput,
    ContactDeleteInput,
    ContactUpdateInput,
    CustomerArchiveInput,
    CustomerCreateInput,
    CustomerFilter,
    CustomerOrder,
    CustomerTransferAllInput,
    CustomerTransferInput,
    CustomerUpdateInput,
)
from server.graphql.customers.projection import customer_columns
from server.graphql.customers.types import Contact, Customer, prefetch
from server.graphql.errors import argument_error
from server.graphql.ids import decode_id
from server.graphql.input_values import input_values
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.selection import nodes_selection, selected_names

# Every column of the customer table, for a selection the projection does not know.
_ALL_COLUMNS = tuple(DomainCustomer._meta.fields_db_projection)


def _domain_filter(flt: CustomerFilter | None) -> DomainFilter:
    if flt is None:
        return DomainFilter()
    return DomainFilter(
        search=flt.search,
        owner_ids=[decode_id(g, "User", "ownerIds") for g in flt.owner_ids or []],
        stages=[DomainStage(str(s.value)) for s in flt.stages or []],
        grades=[DomainGrade(str(g.value)) for g in flt.grades or []],
        regions=flt.regions or [],
        tags=flt.tags or [],
        is_key_account=flt.is_key_account,
        archived=flt.archived,
    )


def customer_of(info: Info, m: DomainCustomer) -> Customer:
    """The GraphQL customer for a model a mutation returned, in the company's currency."""
    return Customer.from_model(m, info.context.currency)


@strawberry.type
class CustomersQuery:
    @strawberry.field(
        description="Customers visible to you, filtered and sorted, one page at a time. "
        "Archived customers are left out unless `filter.archived` is true."
    )
    async def customers(
        self,
        info: Info,
        filter: Annotated[
            CustomerFilter | None,
            strawberry.argument(description="Conditions the customers must meet."),
        ] = None,
        order_by: Annotated[
            CustomerOrder | None,
            strawberry.argument(description="Sort order; by name ascending when omitted."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer]:
        viewer = info.context.viewer
        sort = CustomerSort(str(order_by.field.value)) if order_by else CustomerSort.NAME
        descending = bool(order_by and order_by.direction == SortDirection.DESC)
        selection = nodes_selection(info)
        try:
            page = await search_customers(
                viewer,
                _domain_filter(filter),
                sort,
                descending,
                page_args(first, after, last, before),
                columns=customer_columns(selection.names) or list(_ALL_COLUMNS),
                count="totalCount" in selected_names(info),
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        currency = info.context.currency
        result = connection(page, lambda row: Customer.from_row(row, currency))
        await prefetch(info, result.nodes, selection)
        return result

    @strawberry.field(
        description="One customer by ID; null when it does not exist or is not visible to you."
    )
    async def customer(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="Customer ID.")],
    ) -> Customer | None:
        if id.type_name != "Customer":
            return None
        [found] = await Customer.resolve_nodes(info=info, node_ids=[id.node_id])
        return found


@strawberry.type(description="Result of customerCreate.")
class CustomerCreatePayload(Payload):
    customer: Customer | None = strawberry.field(default=None, description="The new customer.")


@strawberry.type(description="Result of customerUpdate.")
class CustomerUpdatePayload(Payload):
    customer: Customer | None = strawberry.field(
        default=None, description="The customer after the change."
    )


@strawberry.type(description="Result of customerArchive and customerRestore.")
class CustomerArchivePayload(Payload):
    customer: Customer | None = strawberry.field(
        default=None, description="The customer after the change."
    )


@strawberry.type(description="Result of customerTransfer.")
class CustomerTransferPayload(Payload):
    customer: Customer | None = strawberry.field(
        default=None, description="The customer with its new owner."
    )


@strawberry.type(description="Result of customerTransferAll.")
class CustomerTransferAllPayload(Payload):
    transferred_count: int = strawberry.field(
        default=0, description="How many customers changed owner."
    )


@strawberry.type(description="Result of contactCreate.")
class ContactCreatePayload(Payload):
    contact: Contact | None = strawberry.field(default=None, description="The new contact.")


@strawberry.type(description="Result of contactUpdate.")
class ContactUpdatePayload(Payload):
    contact: Contact | None = strawberry.field(
        default=None, description="The contact after the change."
    )


@strawberry.type(description="Result of contactDelete.")
class ContactDeletePayload(Payload):
    deleted_contact_id: relay.GlobalID | None = strawberry.field(
        default=None, description="ID of the removed contact."
    )


@strawberry.type
class CustomersMutation:
    @strawberry.mutation(description="Create a customer, owned by you unless you pick an owner.")
    async def customer_create(
        self,
        info: Info,
        input: MutationInput[CustomerCreateInput],
    ) -> CustomerCreatePayload:
        return await mutate(
            CustomerCreatePayload,
            lambda: services.create_customer(
                info.context.viewer,
                input_values(input, skip=("owner_id",)),
                owner_id=decode_id(input.owner_id, "User", "owner_id") if input.owner_id else None,
            ),
            lambda m: CustomerCreatePayload(customer=customer_of(info, m)),
        )

    @strawberry.mutation(
        description="Change a customer's facts. Only the owner and their managers may; "
        "a stale `version` changes nothing and returns STALE_VERSION."
    )
    async def customer_update(
        self,
        info: Info,
        input: MutationInput[CustomerUpdateInput],
    ) -> CustomerUpdatePayload:
        return await mutate(
            CustomerUpdatePayload,
            lambda: services.update_customer(
                info.context.viewer,
                decode_id(input.id, "Customer", "id"),
                input.version,
                input_values(input, skip=("id", "version")),
            ),
            lambda m: CustomerUpdatePayload(customer=customer_of(info, m)),
        )

    @strawberry.mutation(description="Archive a customer: kept, but out of everyday lists.")
    async def customer_archive(
        self,
        info: Info,
        input: MutationInput[CustomerArchiveInput],
    ) -> CustomerArchivePayload:
        return await _set_archived(info, input, True)

    @strawberry.mutation(description="Bring an archived customer back into everyday lists.")
    async def customer_restore(
        self,
        info: Info,
        input: MutationInput[CustomerArchiveInput],
    ) -> CustomerArchivePayload:
        return await _set_archived(info, input, False)

    @strawberry.mutation(
        description="Hand a customer to another salesperson in your team (managers and admins)."
    )
    async def customer_transfer(
        self,
        info: Info,
        input: MutationInput[CustomerTransferInput],
    ) -> CustomerTransferPayload:
        return await mutate(
            CustomerTransferPayload,
            lambda: transfers.transfer_customer(
                info.context.viewer,
                decode_id(input.id, "Customer", "id"),
                decode_id(input.new_owner_id, "User", "new_owner_id"),
                input.version,
            ),
            lambda m: CustomerTransferPayload(customer=customer_of(info, m)),
        )

    @strawberry.mutation(
        description="Hand every customer of one team member to another, e.g. when a rep leaves "
        "(managers and admins). The customer base stays with the company."
    )
    async def customer_transfer_all(
        self,
        info: Info,
        input: MutationInput[CustomerTransferAllInput],
    ) -> CustomerTransferAllPayload:
        return await mutate(
            CustomerTransferAllPayload,
            lambda: transfers.transfer_all(
                info.context.viewer,
                decode_id(input.from_user_id, "User", "from_user_id"),
                decode_id(input.to_user_id, "User", "to_user_id"),
            ),
            lambda count: CustomerTransferAllPayload(transferred_count=count),
        )

    @strawberry.mutation(description="Add a person to a customer you may change.")
    async def contact_create(
        self,
        info: Info,
        input: MutationInput[ContactCreateInput],
    ) -> ContactCreatePayload:
        return await mutate(
            ContactCreatePayload,
            lambda: contact_services.create_contact(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input_values(input, skip=("customer_id",)),
            ),
            lambda m: ContactCreatePayload(contact=Contact.from_model(m)),
        )

    @strawberry.mutation(description="Change a contact; a stale `version` changes nothing.")
    async def contact_update(
        self,
        info: Info,
        input: MutationInput[ContactUpdateInput],
    ) -> ContactUpdatePayload:
        return await mutate(
            ContactUpdatePayload,
            lambda: contact_services.update_contact(
                info.context.viewer,
                decode_id(input.id, "Contact", "id"),
                input.version,
                input_values(input, skip=("id", "version")),
            ),
            lambda m: ContactUpdatePayload(contact=Contact.from_model(m)),
        )

    @strawberry.mutation(description="Remove a contact from a customer you may change.")
    async def contact_delete(
        self,
        info: Info,
        input: MutationInput[ContactDeleteInput],
    ) -> ContactDeletePayload:
        return await mutate(
            ContactDeletePayload,
            lambda: contact_services.delete_contact(
                info.context.viewer, decode_id(input.id, "Contact", "id")
            ),
            lambda deleted: ContactDeletePayload(
                deleted_contact_id=relay.GlobalID("Contact", str(deleted))
            ),
        )


async def _set_archived(
    info: Info, input: CustomerArchiveInput, archived: bool
) -> CustomerArchivePayload:
    return await mutate(
        CustomerArchivePayload,
        lambda: services.set_archived(
            info.context.viewer, decode_id(input.id, "Customer", "id"), input.version, archived
        ),
        lambda m: CustomerArchivePayload(customer=customer_of(info, m)),
    )


__all__ = ["CustomersMutation", "CustomersQuery"]


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = CustomersQuery
MUTATION = CustomersMutation
