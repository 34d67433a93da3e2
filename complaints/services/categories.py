"""A site's category tree: the default one every site starts with, kept in admin after."""

from __future__ import annotations

from django.db import transaction

from complaints.deadlines import DEFAULT_ALLOWANCES
from complaints.models import Category, CategoryDeadline, Urgency
from frontdesk.models import Department, Site

Kind = Department.Kind

# (top-level category, the department kind it goes to, its sub-categories)
DEFAULT_TREE: list[tuple[str, str, list[str]]] = [
    ("环境卫生", Kind.ENVIRONMENT, ["垃圾清运", "绿化养护"]),
    ("工程维修", Kind.ENGINEERING, ["漏水", "电梯故障", "水电维修"]),
    ("秩序安全", Kind.SECURITY, ["噪音", "停车"]),
    ("收费争议", Kind.FINANCE, []),
    ("服务态度", Kind.CUSTOMER_SERVICE, []),
    ("其他", Kind.CUSTOMER_SERVICE, []),
]
# Where a sub-category is chased harder than its parent: (respond, resolve) per urgency.
TIGHTER = {
    # A stuck lift strands people: an engineer within half an hour, working in a day.
    "电梯故障": {Urgency.NORMAL: (30, 450), Urgency.URGENT: (15, 240)},
}


@transaction.atomic
def categories_create_defaults(*, site: Site) -> list[Category]:
    """Give the site the default tree, routed to its departments by kind (工程维修 to its
    engineering department …), with deadlines per urgency on each top-level category.

    Adds only what is missing (by name), so it can run again after a supervisor has
    edited the tree; it changes nothing that exists. Returns the categories it created.
    """
    departments: dict[str, Department] = {}
    for department in Department.objects.for_site(site).filter(is_active=True):
        departments.setdefault(department.kind, department)
    existing = {(c.parent_id, c.name): c for c in Category.objects.for_site(site)}
    created: list[Category] = []
    for order, (name, kind, children) in enumerate(DEFAULT_TREE):
        parent = existing.get((None, name))
        if parent is None:
            parent = Category.objects.create(
                site=site, name=name, sort_order=order, department=departments.get(kind)
            )
            created.append(parent)
            CategoryDeadline.objects.bulk_create(
                CategoryDeadline(
                    category=parent, urgency=urgency, respond_minutes=r, resolve_minutes=s
                )
                for urgency, (r, s) in DEFAULT_ALLOWANCES.items()
            )
        for child_order, child in enumerate(children):
            if (parent.pk, child) in existing:
                continue
            category = Category.objects.create(
                site=site, parent=parent, name=child, sort_order=child_order
            )
            created.append(category)
            CategoryDeadline.objects.bulk_create(
                CategoryDeadline(
                    category=category, urgency=urgency, respond_minutes=r, resolve_minutes=s
                )
                for urgency, (r, s) in TIGHTER.get(child, {}).items()
            )
    return created
