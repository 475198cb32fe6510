"""The customer archive's fields in the four groups of the texts (基础资料, 特征资料,
信用状况, 交易现状): what the customer screen shows and the edit dialog asks, in order.
Each field is its name in the API and its label."""

from __future__ import annotations

from tui.i18n import N_

ARCHIVE_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        N_("Basic facts (基础资料)"),
        [
            (N_("Customer code"), "code"),
            (N_("Address"), "address"),
            (N_("Phone"), "phone"),
            (N_("Email"), "email"),
            (N_("Legal rep."), "legalRepresentative"),
            (N_("Organisation"), "organizationForm"),
            (N_("Industry"), "industry"),
            (N_("Region / route"), "region+route"),
            (N_("Customer since"), "relationshipSince"),
            (N_("Assets"), "assets"),
        ],
    ),
    (
        N_("Characteristics (特征)"),
        [
            (N_("Service area"), "serviceArea"),
            (N_("Sales capacity"), "salesCapacity"),
            (N_("Potential"), "developmentPotential"),
            (N_("Philosophy"), "businessPhilosophy"),
            (N_("Scale"), "scale"),
            (N_("Features"), "distinctiveFeatures"),
            (N_("Our share %"), "ourSharePercent"),
        ],
    ),
    (
        N_("Credit (信用状况)"),
        [
            (N_("Registered cap."), "registeredCapital"),
            (N_("Years in bus."), "yearsInBusiness"),
            (N_("Credit limit"), "creditLimit"),
            (N_("Billing day"), "billingDay"),
            (N_("Payment days"), "paymentDays"),
        ],
    ),
    (
        N_("Transactions (交易现状)"),
        [
            (N_("Sales activity"), "currentSalesActivity"),
            (N_("Open problems"), "openProblems"),
            (N_("Source"), "sourceChannel"),
            (N_("Referred by"), "referredBy"),
            (N_("Stage"), "stage"),
        ],
    ),
]
