"""Roles are Django groups; this module names them once for code and migrations.

The group names are what supervisors see in admin, hence Chinese. Code refers to roles
only through these constants and through permissions, never through literal names.
"""

CLERK = "前台客服"
SUPERVISOR = "客服主管"
DEPARTMENT_STAFF = "部门员工"

ALL_ROLES = (CLERK, SUPERVISOR, DEPARTMENT_STAFF)

# The permission that opens the desk's own areas (records, reception, notices, admin
# tasks). Department staff work only with what the desk routes to them.
USE_DESK = "frontdesk.use_desk"
