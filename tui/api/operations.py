"""Every GraphQL operation the client sends. They live here, in one place, so a test can
validate each against schema.graphql: a renamed server field fails that test, not a user."""

from __future__ import annotations

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token expiresAt
    user { id username displayName role }
    userErrors { field code message }
  }
}"""

LOGOUT = """
mutation Logout { logout { revoked userErrors { field code message } } }"""

VIEWER = """
query Viewer { viewer { id username displayName role } }"""

COMPANY_SETTINGS = """
query CompanySettings {
  companySettings { cadenceADays cadenceBDays cadenceCDays cadenceDDays cadenceEDays timezone }
}"""

_QUEUE_ROW = """
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id version dueOn kind purpose preparationNotes origin
    expectedOrder { products quantity amount { amount currency } }
    customer {
      id name grade abcClass isVip isKeyAccount region cadenceDays
      lastContact { at kind summary }
      decisionMaker { name title phone }
      strongestAlly { name title phone }
    }
  }
"""

QUEUE = (
    """
query Queue($userId: ID, $day: Date, $filter: FollowUpQueueFilter, $first: Int) {
  followUpQueue(userId: $userId, day: $day, filter: $filter) {
    day
    user { id username displayName }
    neglectedCount
    overdue(first: $first) {"""
    + _QUEUE_ROW
    + """}
    dueToday(first: $first) {"""
    + _QUEUE_ROW
    + """}
    upcoming(first: $first) {"""
    + _QUEUE_ROW
    + """}
  }
}"""
)

TEAM = """
query Team($day: Date) {
  followUpTeam(day: $day) {
    user { id username displayName role }
    overdueCount dueTodayCount outOfCadenceCount
  }
}"""

CUSTOMER_CONTACTS = """
query CustomerContacts($id: ID!) {
  customer(id: $id) {
    id name grade cadenceDays viewerCanEdit
    contacts { id name title phone isDecisionMaker allyStrength attitude influence }
    contactPlan { frequencyDays }
  }
}"""

INTERACTION_LOG = """
mutation InteractionLog($input: InteractionLogInput!) {
  interactionLog(input: $input) {
    replayed
    interaction { id kind occurredAt }
    nextFollowUp { id dueOn kind }
    userErrors { field code message }
  }
}"""

FOLLOW_UP_RESCHEDULE = """
mutation FollowUpReschedule($input: FollowUpRescheduleInput!) {
  followUpReschedule(input: $input) {
    followUp { id version dueOn rescheduleCount }
    userErrors { field code message }
  }
}"""

FOLLOW_UP_SKIP = """
mutation FollowUpSkip($input: FollowUpSkipInput!) {
  followUpSkip(input: $input) {
    followUp { id status }
    nextFollowUp { id dueOn }
    userErrors { field code message }
  }
}"""

CUSTOMERS = """
query Customers($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name grade abcClass isVip isKeyAccount region stage
      owner { displayName username }
      lastContact { at summary }
    }
  }
}"""

_TIMELINE_PAGE = """
fragment TimelinePage on InteractionConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id kind occurredAt summary outcome needs problems satisfaction gradeBefore gradeAfter
    author { displayName }
    contactsPresent { name }
  }
}"""

CUSTOMER = (
    """
query Customer($id: ID!) {
  customer(id: $id) {
    id version name viewerCanEdit isArchived
    address phone email legalRepresentative organizationForm industry region route
    relationshipSince assets { amount currency }
    serviceArea salesCapacity developmentPotential businessPhilosophy scale
    distinctiveFeatures factory equipment output qualityRequirements productStructure
    ourSharePercent
    registeredCapital { amount currency } yearsInBusiness creditLimit { amount currency }
    billingDay paymentTerms code
    currentSalesActivity openProblems sourceChannel referredBy
    stage grade isKeyAccount abcClass isVip vipReason vipSince cadenceDays
    owner { displayName username }
    tags
    lastContact { at kind summary }
    contacts {
      id version name title role phone email isDecisionMaker influence attitude allyStrength
      isAlly hobbies personality
    }
    contactPlan {
      version focus frequencyDays preferredTime
      expectedOrder { products quantity amount { amount currency } }
    }
    followUps(status: [OPEN]) { id version dueOn kind purpose origin assignee { displayName } }
    interactions(first: 30) { ...TimelinePage }
    salesOrders(first: 20) {
      totalCount
      nodes { id orderedOn externalRef total { amount currency } }
    }
  }
}"""
    + _TIMELINE_PAGE
)

TIMELINE = (
    """
query Timeline($id: ID!, $after: String) {
  customer(id: $id) { id interactions(first: 30, after: $after) { ...TimelinePage } }
}"""
    + _TIMELINE_PAGE
)

CUSTOMER_CREATE = """
mutation CustomerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id name }
    userErrors { field code message }
  }
}"""

CUSTOMER_UPDATE = """
mutation CustomerUpdate($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id version }
    userErrors { field code message }
  }
}"""

CONTACT_CREATE = """
mutation ContactCreate($input: ContactCreateInput!) {
  contactCreate(input: $input) {
    contact { id }
    userErrors { field code message }
  }
}"""

CONTACT_UPDATE = """
mutation ContactUpdate($input: ContactUpdateInput!) {
  contactUpdate(input: $input) {
    contact { id version }
    userErrors { field code message }
  }
}"""

CONTACT_DELETE = """
mutation ContactDelete($input: ContactDeleteInput!) {
  contactDelete(input: $input) {
    deletedContactId
    userErrors { field code message }
  }
}"""

CONTACT_PLAN_SET = """
mutation ContactPlanSet($input: ContactPlanSetInput!) {
  contactPlanSet(input: $input) {
    contactPlan { version }
    userErrors { field code message }
  }
}"""

CUSTOMER_TRANSFER = """
mutation CustomerTransfer($input: CustomerTransferInput!) {
  customerTransfer(input: $input) {
    customer { id owner { username } }
    userErrors { field code message }
  }
}"""

USERS = """
query Users($search: String) {
  users(search: $search, first: 20) { nodes { id username displayName role } }
}"""

CUSTOMER_ARCHIVE = """
mutation CustomerArchive($input: CustomerArchiveInput!) {
  customerArchive(input: $input) {
    customer { id isArchived }
    userErrors { field code message }
  }
}"""

VISIT_PLAN = """
query VisitPlan($region: String!, $day: Date) {
  visitPlan(region: $region, day: $day) {
    day region method totalKm
    stops {
      position distanceKm
      customer { id name address route phone }
      followUps { id kind purpose dueOn }
    }
  }
}"""

ACCESS_REQUESTS = """
query AccessRequests($status: AccessRequestStatus) {
  accessRequests(status: $status, first: 100) {
    nodes {
      id customerDescription reason status decisionNote createdAt decidedAt
      requester { id displayName username }
      decidedBy { displayName }
      grantedCustomer { id name }
      accessExpiresAt
    }
  }
}"""

ACCESS_REQUEST_CREATE = """
mutation AccessRequestCreate($input: AccessRequestCreateInput!) {
  accessRequestCreate(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

ACCESS_REQUEST_GRANT = """
mutation AccessRequestGrant($input: AccessRequestGrantInput!) {
  accessRequestGrant(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

ACCESS_REQUEST_REFUSE = """
mutation AccessRequestRefuse($input: AccessRequestRefuseInput!) {
  accessRequestRefuse(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

ALL = {
    name: value
    for name, value in globals().items()
    if name.isupper() and not name.startswith("_") and isinstance(value, str)
}
