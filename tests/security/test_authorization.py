"""Who may open or use each route: one table, every route of the app, every role.

A route the table does not name fails `test_every_route_has_an_entry`, so a new route
cannot ship without someone deciding who may use it. For each role the matrix opens every
route (for routes about a record: one of this community and one of the other) and checks
the outcome; a refused POST must change nothing in the database, and no page may show a
person's phone, flat or notifications to someone who has no business seeing them.

How to add a module route:
1. a line in MATRIX below, with the outcome for each role;
2. if its rule has an id (`/kitchen/meals/<int:meal_id>`), a `Call` in CALLS saying how
   to fill it from a record (builders live in `tests/security/records.py`), and for a POST
   the form data a permitted user would send.
"""
from __future__ import annotations

import itertools
import uuid
import re
from datetime import timedelta
from io import BytesIO
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from neighbors.extensions import db
from neighbors.models import Role
from neighbors.passwords import hash_password
from tests.factories import PASSWORD
from tests.security.conftest import ROLES, World, changes, fingerprint, sign_in
from tests.security.records import _skill_id, jpeg_bytes

# Outcomes:  200 the page · 303 done (sent on, not to the login page) · login sent to log in
#            403 refused · 404 looks like nothing is there · 422/409 refused by a rule
# "x/y" in a cell: x for a record of this community, y for a record of the other community.
# Columns: carer = a resident who cares for an elder; volunteer+ = a verified volunteer;
# staff-other = staff of the other community; street = street staff (街道) of this community's street (the other
# community is of another street); everyone else belongs to this community.
MATRIX = """
route                             visitor resident carer volunteer volunteer+ kitchen patroller officer staff staff-other street admin
GET  /                            200     200      200   200       200        200     200       200     200   200         200      200
GET  /healthz                     200     200      200   200       200        200     200       200     200   200         200      200
GET  /static/<path:filename>      200     200      200   200       200        200     200       200     200   200         200      200
GET  /lang/<code>                 303     303      303   303       303        303     303       303     303   303         303      303
POST /elder-mode                  303     303      303   303       303        303     303       303     303   303         303      303
GET  /account                     login   200      200   200       200        200     200       200     200   200         200      200
GET  /notifications               login   200      200   200       200        200     200       200     200   200         200      200
GET  /notifications/bell          login   200      200   200       200        200     200       200     200   200         200      200
POST /notifications/read          login   303      303   303       303        303     303       303     303   303         303      303
GET  /auth/login                  200     200      200   200       200        200     200       200     200   200         200      200
POST /auth/login                  303     303      303   303       303        303     303       303     303   303         303      303
GET  /auth/register               200     200      200   200       200        200     200       200     200   200         200      200
POST /auth/register               303     303      303   303       303        303     303       303     303   303         303      303
GET  /auth/password               login   200      200   200       200        200     200       200     200   200         200      200
POST /auth/password               login   303      303   303       303        303     303       303     303   303         303      303
POST /auth/logout                 303     303      303   303       303        303     303       303     303   303         303      303
GET  /auth/second-factor          login   login    login login     login      login   login     login   login login       login    login
POST /auth/second-factor          login   login    login login     login      login   login     login   login login       login    login
GET  /auth/second-factor/enrol    login   login    login login     login      login   login     login   login login       login    login
POST /auth/second-factor/enrol    login   login    login login     login      login   login     login   login login       login    login
POST /auth/second-factor/recovery-codes login 403  403   403       403        403     403       403     403   403         403      403
GET  /kitchen/                                            login   200      200      200      200      200      200      200      200      200      200      200
GET  /kitchen/meals/<int:meal_id>                         login   200/404  200/404  200/404  200/404  200/404  200/404  200/404  200/404  404/200  200/404  200
POST /kitchen/meals/<int:meal_id>/order                   login   303/404  303/404  303/404  303/404  303/404  303/404  303/404  303/404  404/303  303/404  303/403
GET  /kitchen/orders/                                     login   200      200      200      200      200      200      200      200      200      200      200
GET  /kitchen/orders/<int:order_id>                       login   404      200/404  404      404      200/404  404      404      200/404  404/200  404      200
GET  /kitchen/orders/<int:order_id>/status                login   404      200/404  404      404      200/404  404      404      200/404  404/200  404      200
POST /kitchen/orders/<int:order_id>/cancel                login   404      303/404  404      404      303/404  404      404      303/404  404/303  404      303
POST /kitchen/orders/<int:order_id>/again                 login   404      303/404  404      404      403/404  404      404      303/404  404/303  404      303
POST /kitchen/orders/<int:order_id>/feedback              login   404      303/404  404      404      403/404  404      404      303/404  404/303  404      303
GET  /kitchen/kitchens/<int:kitchen_id>                   login   200/404  200/404  200/404  200/404  200/404  200/404  200/404  200/404  404/200  200/404  200
POST /kitchen/feedback/<int:feedback_id>/hide             login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /kitchen/feedback/<int:feedback_id>/acknowledge      login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /kitchen/standing/                                   login   200      200      200      200      200      200      200      200      200      200      200
POST /kitchen/standing/                                   login   303      303      303      303      303      303      303      303      303      303      303
POST /kitchen/standing/<int:standing_id>/pause            login   404      303/404  404      404      404      404      404      303/404  404/303  404      303
POST /kitchen/standing/<int:standing_id>/end              login   404      303/404  404      404      404      404      404      303/404  404/303  404      303
GET  /kitchen/profile/                                    login   303      303      303      303      303      303      303      303      303      303      303
GET  /kitchen/profile/<int:user_id>                       login   404      200/404  404      404      404      404      404      200/404  404/200  404      200
POST /kitchen/profile/<int:user_id>                       login   404      303/404  404      404      404      404      404      303/404  404/303  404      303
POST /kitchen/profile/<int:user_id>/status                login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /kitchen/manage/                                     login   403      403      403      403      200      403      403      200      200      403      200
GET  /kitchen/manage/meals/new                            login   403      403      403      403      200      403      403      200      200      403      200
POST /kitchen/manage/meals/new                            login   403      403      403      403      303      403      403      303      303      403      303
GET  /kitchen/manage/meals/<int:meal_id>                  login   403      403      403      403      200/404  403      403      200/404  404/200  403      200
GET  /kitchen/manage/meals/<int:meal_id>/counts           login   403      403      403      403      200/404  403      403      200/404  404/200  403      200
GET  /kitchen/manage/meals/<int:meal_id>/sheet            login   403      403      403      403      200/404  403      403      200/404  404/200  403      200
POST /kitchen/manage/meals/<int:meal_id>/capacity         login   403      403      403      403      303/404  403      403      303/404  404/303  403      303
POST /kitchen/manage/meals/<int:meal_id>/close            login   403      403      403      403      303/404  403      403      303/404  404/303  403      303
POST /kitchen/manage/meals/<int:meal_id>/cancel           login   403      403      403      403      303/404  403      403      303/404  404/303  403      303
POST /kitchen/manage/orders/<int:order_id>/status         login   403      403      403      403      303/404  403      403      303/404  404/303  403      303
GET  /kitchen/manage/kitchens/new                         login   403      403      403      403      403      403      403      200      200      403      200
POST /kitchen/manage/kitchens/new                         login   403      403      403      403      403      403      403      303      303      403      303
GET  /kitchen/manage/kitchens/<int:kitchen_id>            login   403      403      403      403      403      403      403      200/404  404/200  403      200
POST /kitchen/manage/kitchens/<int:kitchen_id>            login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /kitchen/manage/kitchens/<int:kitchen_id>/suspend    login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /kitchen/manage/kitchens/<int:kitchen_id>/resume     login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /kitchen/manage/kitchens/<int:kitchen_id>/copy-last-week login 403     403      403      403      303/404  403      403      303/404  404/303  403      303
GET  /kitchen/manage/orders                               login   403      403      403      403      403      403      403      200      200      403      200
GET  /kitchen/manage/settlement                           login   403      403      403      403      200      403      403      200      200      403      200
GET  /kitchen/manage/settlement.csv                       login   403      403      403      403      200      403      403      200      200      403      200
GET  /kitchen/manage/settlement.xlsx                       login   403      403      403      403      200      403      403      200      200      403      200
GET  /kitchen/manage/settings                             login   403      403      403      403      403      403      403      200      200      403      200
POST /kitchen/manage/settings                             login   403      403      403      403      403      403      403      303      303      403      303
POST /kitchen/manage/settings/tiers                       login   403      403      403      403      403      403      403      303      303      403      303
POST /kitchen/manage/settings/tiers/<int:tier_id>/delete  login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /kitchen/manage/welfare/                             login   403      403      403      403      403      403      403      200      200      403      200
GET  /kitchen/manage/welfare/<int:check_id>               login   404      200/404  404      404      200/404  404      404      200/404  404/200  404      200
POST /kitchen/manage/welfare/<int:check_id>/safe          login   404      303/404  404      404      303/404  404      404      303/404  404/303  404      303
GET  /aid/                                                login   200      200      200      200      200      200      200      200      200      200      200
GET  /aid/credits                                         login   200      200      200      200      200      200      200      200      200      200      200
POST /aid/credits/gift                                    login   303      303      303      303      303      303      303      303      303      303      303
GET  /aid/offers                                          login   303      303      303      303      303      303      303      303      303      303      303
GET  /aid/offers/new                                      login   200      200      200      200      200      200      200      200      200      200      200
POST /aid/offers/new                                      login   403      403      403      303      403      403      403      403      403      403      403
POST /aid/offers/<int:offer_id>/close                     login   403/404  403/404  403/404  303/404  403/404  403/404  403/404  403/404  404/403  403/404  403
GET  /aid/requests/new                                    login   200      200      200      200      200      200      200      200      200      200      200
POST /aid/requests/new                                    login   303      303      303      303      303      303      303      303      303      303      303
GET  /aid/requests/<int:request_id>                       login   200/404  404      200/404  200/404  404      404      404      200/404  404/200  404      200
GET  /aid/requests/<int:request_id>/photo                 login   200/404  404      200/404  200/404  404      404      404      200/404  404/200  404      200
GET  /aid/requests/<int:request_id>/edit                  login   200/404  404      403/404  403/404  404      404      404      200/404  404/200  404      200
POST /aid/requests/<int:request_id>/edit                  login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/accept                login   403      403      403/404  303/404  403      403      403      403/404  404/403  403      403
POST /aid/requests/<int:request_id>/decline               login   403/404  404      403/404  303/404  404      404      404      403/404  404/403  404      403
POST /aid/requests/<int:request_id>/decline-invitation    login   403/404  404      403/404  303/404  404      404      404      403/404  404/403  404      403
POST /aid/requests/<int:request_id>/no-show               login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/done                  login   403/404  404      403/404  303/404  404      404      404      403/404  404/403  404      403
POST /aid/requests/<int:request_id>/confirm               login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/dispute               login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/resolve               login   403/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/cancel                login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/invite                login   303/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
POST /aid/requests/<int:request_id>/hide                  login   403/404  404      403/404  403/404  404      404      404      303/404  404/303  404      303
GET  /aid/volunteer                                       login   200      200      200      200      200      200      200      200      200      200      200
POST /aid/volunteer                                       login   303      303      303      303      303      303      303      303      303      303      303
GET  /aid/volunteers/<int:user_id>                        login   200/404  200/404  200/404  200/404  200/404  200/404  200/404  200/404  404/200  200/404  200
GET  /aid/manage                                          login   403      403      403      403      403      403      403      200      200      403      200
GET  /aid/manage/volunteers                               login   403      403      403      403      403      403      403      200      200      403      200
GET  /aid/manage/ledger                                   login   403      403      403      403      403      403      403      200      200      403      200
GET  /aid/manage/settings                                 login   403      403      403      403      403      403      403      200      200      403      200
POST /aid/manage/settings                                 login   403      403      403      403      403      403      403      303      303      403      303
POST /aid/manage/skills                                   login   403      403      403      403      403      403      403      303      303      403      303
POST /aid/manage/grant                                    login   403      403      403      403      403      403      403      303      303      403      303
POST /aid/manage/offers/<int:offer_id>/hide               login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /aid/manage/skills/<int:skill_id>/retire             login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /aid/manage/transactions/<int:transaction_id>/correct login  403      403      403      403      403      403      403      303/404  404/303  403      303
POST /aid/manage/volunteers/<int:user_id>/verify          login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /alleys/                                             login   200      200      200      200      200      200      200      200      200      200      200
GET  /alleys/<int:alley_id>                               login   200/404  200/404  200/404  200/404  200/404  200/404  200/404  200/404  404/200  200/404  200
GET  /alleys/<int:alley_id>/rules/new                     login   403/404  403/404  403/404  403/404  403/404  200/404  403/404  200/404  404/200  403/404  200
POST /alleys/<int:alley_id>/rules/new                     login   403/404  403/404  403/404  403/404  403/404  303/404  403/404  303/404  404/303  403/404  303
GET  /alleys/<int:alley_id>/rules/<int:rule_id>           login   403/404  403/404  403/404  403/404  403/404  200/404  403/404  200/404  404/200  403/404  200
POST /alleys/<int:alley_id>/rules/<int:rule_id>           login   403/404  403/404  403/404  403/404  403/404  303/404  403/404  303/404  404/303  403/404  303
GET  /alleys/branches/<int:branch_id>/members            login   403/404  403/404  403/404  403/404  403/404  200/404  403/404  200/404  404/200  403/404  200
POST /alleys/branches/<int:branch_id>/members            login   403/404  403/404  403/404  403/404  403/404  303/404  403/404  303/404  404/303  403/404  303
GET  /alleys/<int:alley_id>/segments                    login   403      403      403      403      403      403      403      200/404  404/200  403      200
POST /alleys/<int:alley_id>/segments                    login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /alleys/segments/<int:segment_id>/owner            login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /alleys/calendar/<token>.ics                         200     200      200      200      200      200      200      200      200      200      200      200
GET  /alleys/coverage                                     login   403      403      200      200      403      200      200      200      200      403      200
GET  /alleys/me                                           login   200      200      200      200      200      200      200      200      200      200      200
POST /alleys/me/calendar/reset                            login   303      303      303      303      303      303      303      303      303      303      303
GET  /alleys/shifts                                       login   200      200      200      200      200      200      200      200      200      200      200
GET  /alleys/shifts/<int:shift_id>/assign                 login   403/404  403/404  403/404  403/404  403/404  200/404  403/404  200/404  404/200  403/404  200
POST /alleys/shifts/<int:shift_id>/assign                 login   403/404  403/404  403/404  403/404  403/404  303/404  403/404  303/404  404/303  403/404  303
POST /alleys/shifts/<int:shift_id>/signup                 login   403/404  403/404  303/404  303/404  403/404  303/404  303/404  403/404  404/403  403/404  403
POST /alleys/shifts/<int:shift_id>/withdraw               login   409/404  409/404  409/404  409/404  409/404  303/404  409/404  409/404  404/409  409/404  409
POST /alleys/shifts/<int:shift_id>/release                login   409/404  409/404  409/404  409/404  409/404  303/404  409/404  409/404  404/409  409/404  409
POST /alleys/shifts/<int:shift_id>/take-back              login   409/404  409/404  409/404  409/404  409/404  303/404  409/404  409/404  404/409  409/404  409
POST /alleys/shifts/<int:shift_id>/checkin                login   409/404  409/404  409/404  409/404  409/404  303/404  409/404  409/404  404/409  409/404  409
POST /alleys/shifts/<int:shift_id>/checkout               login   409/404  409/404  409/404  409/404  409/404  303/404  409/404  409/404  404/409  409/404  409
GET  /alleys/findings                                     login   200      200      200      200      200      200      200      200      200      200      200
GET  /alleys/findings/new                                 login   200      200      200      200      200      200      200      200      200      200      200
POST /alleys/findings/new                                 login   303      303      303      303      303      303      303      303      303      303      303
GET  /alleys/findings/similar                             login   200      200      200      200      200      200      200      200      200      200      200
GET  /alleys/findings/<int:finding_id>                    login   200/404  403/404  200/404  200/404  403/404  200/404  200/404  200/404  404/200  403/404  200
GET  /alleys/findings/<int:finding_id>/photos/<int:photo_id> login 200/404  403/404  200/404  200/404  403/404  200/404  200/404  200/404  404/200  403/404  200
POST /alleys/findings/<int:finding_id>/accept             login   403/404  403/404  403/404  403/404  403/404  403/404  303/404  403/404  404/403  403/404  403
POST /alleys/findings/<int:finding_id>/resolve            login   403/404  403/404  403/404  403/404  403/404  403/404  303/404  403/404  404/403  403/404  403
POST /alleys/findings/<int:finding_id>/send-back          login   403/404  403/404  403/404  403/404  403/404  403/404  303/404  403/404  404/403  403/404  403
POST /alleys/findings/<int:finding_id>/dispatch           login   403/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
POST /alleys/findings/<int:finding_id>/verify             login   303/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
POST /alleys/findings/<int:finding_id>/reopen             login   303/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
POST /alleys/findings/<int:finding_id>/close              login   303/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
POST /alleys/findings/<int:finding_id>/add                login   303/404  403/404  303/404  303/404  403/404  303/404  303/404  303/404  404/303  403/404  303
GET  /alleys/stats                                        login   403      403      200      200      403      200      200      200      200      403      200
GET  /alleys/stats.csv                                    login   403      403      200      200      403      200      200      200      200      403      200
GET  /alleys/stats.xlsx                                    login   403      403      200      200      403      200      200      200      200      403      200
GET  /alleys/manage                                       login   403      403      403      403      403      403      403      200      200      403      200
GET  /alleys/manage/alleys/new                            login   403      403      403      403      403      403      403      200      200      403      200
POST /alleys/manage/alleys/new                            login   403      403      403      403      403      403      403      303      303      403      303
GET  /alleys/manage/alleys/<int:alley_id>                 login   403      403      403      403      403      403      403      200/404  404/200  403      200
POST /alleys/manage/alleys/<int:alley_id>                 login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /alleys/manage/branches/new                          login   403      403      403      403      403      403      403      200      200      403      200
POST /alleys/manage/branches/new                          login   403      403      403      403      403      403      403      303      303      403      303
GET  /alleys/manage/branches/<int:branch_id>              login   403      403      403      403      403      403      403      200/404  404/200  403      200
POST /alleys/manage/branches/<int:branch_id>              login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /alleys/manage/branches/<int:branch_id>/members      login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /alleys/manage/members/<int:member_id>/remove        login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /alleys/manage/settings                              login   403      403      403      403      403      403      403      200      200      403      200
POST /alleys/manage/settings                              login   403      403      403      403      403      403      403      303      303      403      303
GET  /alleys/manage/holidays                              login   403      403      403      403      403      403      403      200      200      403      200
POST /alleys/manage/holidays                              login   403      403      403      403      403      403      403      303      303      403      303
POST /alleys/manage/holidays/<int:holiday_id>/remove      login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /staff/                                              login   403      403      403      403      403      403      403      200      200      403      200
GET  /staff/count                                         login   403      403      403      403      403      403      403      200      200      403      200
GET  /staff/people                                        login   403      403      403      403      403      403      403      200      200      403      200
GET  /staff/people/new                                    login   403      403      403      403      403      403      403      200      200      403      200
POST /staff/people/new                                    login   403      403      403      403      403      403      403      303      303      403      303
GET  /staff/people/<int:user_id>                          login   403      403      403      403      403      403      403      200/404  404/200  403      200
GET  /staff/people/<int:user_id>/edit                     login   403      403      403      403      403      403      403      200/404  404/200  403      200
POST /staff/people/<int:user_id>/edit                     login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/roles                    login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/roles/<role>/revoke      login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/volunteer/<any(verify,unverify):change> login 403 403 403 403 403  403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/carers                   login   403      403      403      403      403      403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/carers/<int:link_id>/unlink login 403     403      403      403      403      403      403      303/404  404/303  403      303
POST /staff/people/<int:user_id>/password-reset         login   403      403      403      403      403      403      403      200/404  404/200  403      200
GET  /staff/audit                                         login   403      403      403      403      403      403      403      200      200      403      200
GET  /staff/reports/monthly                               login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/reports/annual/<any(work,burden):which>      login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/settings                                      login   403      403      403      403      403      403      403      200      200      403      200
GET  /staff/district                                      login   403      403      403      403      403      403      403      403      403      403      200
GET  /appeals/                                             login   403      403      403      403      403      403      403      200      200      403      200
GET  /appeals/new                                          login   200/404  404      404      404      404      404      404      404      404      404      404
POST /appeals/new                                          login   303/404  404      404      404      404      404      404      404      404      404      404
POST /appeals/<int:appeal_id>/decide                       login   403      403      403      403      403      403      403      303/404  404/303  403      303
GET  /privacy/<int:user_id>                                login   404      200/404  404      404      404      404      404      200/404  404/200  404      200
GET  /privacy/<int:user_id>/download                       login   404      200/404  404      404      404      404      404      200/404  404/200  404      200
GET  /privacy/<int:user_id>/erase                          login   404      404      403/404  404      404      404      404      200/404  404/200  404      200
POST /privacy/<int:user_id>/erase                          login   404      404      403/404  404      404      404      404      303/404  404/303  404      303
GET  /visits/                                              login   403      403      403      403      403      403      403      200      200      403      200
GET  /visits/households                                    login   403      403      403      403      403      403      403      200      200      403      200
GET  /visits/households.xlsx                               login   403      403      403      403      403      403      403      200      200      403      200
GET  /visits/households/<int:household_id>                 login   403/404  403/404  403/404  403/404  403/404  403/404  403/404  200/404  404/200  403/404  200
POST /visits/households/<int:household_id>/tags            login   403/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
POST /visits/households/<int:household_id>/visits          login   403/404  403/404  403/404  403/404  403/404  403/404  403/404  303/404  404/303  403/404  303
GET  /visits/visits/<int:visit_id>/photo                   login   404      404      404      404      404      404      404      200/404  404/200  404      200
POST /visits/visits/<int:visit_id>/attended                login   404      404      404      404      404      404      404      303/404  404/303  404      303
GET  /visits/grids                                         login   403      403      403      403      403      403      403      200      200      403      200
POST /visits/grids                                         login   403      403      403      403      403      403      403      303      303      403      303
POST /visits/grids/<int:grid_id>/workers                   login   403      403      403      403      403      403      403      303/404  404/303  403      303/404
POST /visits/grids/<int:grid_id>/workers/<int:user_id>/remove login 403     403      403      403      403      403      403      303/404  404/303  403      303/404
GET  /visits/settings                                      login   403      403      403      403      403      403      403      200      200      403      200
POST /visits/settings                                      login   403      403      403      403      403      403      403      303      303      403      303
GET  /visits/import                                        login   403      403      403      403      403      403      403      200      200      403      200
POST /visits/import                                        login   403      403      403      403      403      403      403      200      200      403      200
POST /visits/import/confirm                                login   403      403      403      403      403      403      403      303      303      403      303
GET  /visits/import/template.xlsx                          login   403      403      403      403      403      403      403      200      200      403      200
GET  /visits/coverage                                      login   403      403      403      403      403      403      403      200      200      403      200
GET  /visits/coverage.<any(xlsx,csv):kind>                login   403      403      403      403      403      403      403      200      200      403      200
GET  /open311/keys                                         login   403      403      403      403      403      403      403      200      200      403      200
POST /open311/keys                                         login   403      403      403      403      403      403      403      200      200      403      200
POST /open311/keys/<int:key_id>/revoke                     login   403      403      403      403      403      403      403      303/404  404/303  403      303/404
POST /open311/settings                                     login   403      403      403      403      403      403      403      303      303      403      303
GET  /open311/webhooks                                     login   403      403      403      403      403      403      403      200      200      403      200
POST /open311/webhooks                                     login   403      403      403      403      403      403      403      200      200      403      200
POST /open311/webhooks/<int:webhook_id>/enabled            login   403      403      403      403      403      403      403      303/404  404/303  403      303/404
POST /open311/webhooks/<int:webhook_id>/delete             login   403      403      403      403      403      403      403      303/404  404/303  403      303/404
GET  /open311/v2/discovery.json                            200     200      200      200      200      200      200      200      200      200      200      200
GET  /open311/v2/openapi.json                              200     200      200      200      200      200      200      200      200      200      200      200
GET  /open311/v2/services.json                             200     200      200      200      200      200      200      200      200      200      200      200
GET  /open311/v2/requests.json                             403     403      403      403      403      403      403      403      403      403      403      403
POST /open311/v2/requests.json                             403     403      403      403      403      403      403      403      403      403      403      403
GET  /open311/v2/requests/<int:case_id>.json               403     403      403      403      403      403      403      403      403      403      403      403
GET  /open311/v2/discovery.xml                            200     200      200      200      200      200      200      200      200      200      200      200
GET  /open311/v2/services.xml                             200     200      200      200      200      200      200      200      200      200      200      200
GET  /open311/v2/requests.xml                             403     403      403      403      403      403      403      403      403      403      403      403
POST /open311/v2/requests.xml                             403     403      403      403      403      403      403      403      403      403      403      403
GET  /open311/v2/requests/<int:case_id>.xml               403     403      403      403      403      403      403      403      403      403      403      403
GET  /staff/registers/                                    login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/registers/new                                 login   403      403      403      403      403      403      403      200      200      403      403
POST /staff/registers/new                                 login   403      403      403      403      403      403      403      303      303      403      403
GET  /staff/registers/<int:entry_id>                      login   403      403      403      403      403      403      403      200/404  404/200  200/404  200
POST /staff/registers/<int:entry_id>/correct              login   403      403      403      403      403      403      403      303/404  404/303  403/404  403
POST /staff/registers/<int:entry_id>/refuse               login   403      403      403      403      403      403      403      403/404  404/403  303/404  303
GET  /staff/registers/statistics                          login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/registers/bulletin                            login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/registers/street                              login   403      403      403      403      403      403      403      403      403      200      200
GET  /staff/assessment/                                   login   403      403      403      403      403      403      403      200      200      200      200
GET  /staff/assessment/communities/<int:community_id>     login   403      403      403      403      403      403      403      404      404      404      200
GET  /staff/assessment/indicators                         login   403      403      403      403      403      403      403      403      403      403      200
POST /staff/assessment/indicators                         login   403      403      403      403      403      403      403      403      403      403      303
POST /staff/assessment/<int:year>/publish                 login   403      403      403      403      403      403      403      403      403      403      303
"""

FOUNDATION_BLUEPRINTS = {"main", "auth", "privacy", None}  # None: the app's own `static` route
_new_phones = itertools.count(1)


@dataclass(frozen=True)
class Call:
    """How to use a route: the URL (from a record for routes with an id), the form a
    permitted user would post, what to undo afterwards, and whose private data the page
    may show beyond the default (`wider={"kitchen": "community"}`)."""

    path: str | Callable[[World, str], str] | None = None
    data: Callable[[World, str, Any], dict] | None = None
    undo: Callable[[World, Any], None] | None = None
    wider: dict[str, str] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()  # forms with a prefix carry their token as `<prefix>-csrf_token`


def _unpublish(year: int) -> None:
    """Take a published year back, so the next call publishes it again (no route does: a test's undo)."""
    from neighbors.assessment.models import Publication, Result

    db.session.execute(sa.delete(Result).where(Result.year == year))
    db.session.execute(sa.delete(Publication).where(Publication.year == year))


def _login_data(world: World, _where: str, actor) -> dict:
    person = actor or world.user("resident", "other")
    return {"phone": person.phone, "password": PASSWORD}


def _register_data(world: World, _where: str, _actor) -> dict:
    return {"phone": f"1350{next(_new_phones):07d}", "name": "新邻居", "password": "a-new-neighbour-2024",
            "community": str(world.community("here").id)}


def _restore_password(_world: World, actor) -> None:
    if actor is not None:
        actor.password_hash = hash_password(PASSWORD)  # as before the change, without ending their session


CALLS: dict[str, Call] = {
    "GET /static/<path:filename>": Call(path="/static/css/app.css"),
    "GET /lang/<code>": Call(path="/lang/en?next=/account"),
    "POST /elder-mode": Call(data=lambda world, where, actor: {"on": "1", "next": "/"}),
    "POST /auth/login": Call(data=_login_data),
    "POST /auth/register": Call(data=_register_data),
    # without a password just accepted in this browser, both steps send one to log in (tests/auth/test_second_factor.py)
    "POST /auth/second-factor": Call(data=lambda world, where, actor: {"code": "123456"}),
    "POST /auth/second-factor/enrol": Call(data=lambda world, where, actor: {"code": "123456"}),
    "POST /auth/password": Call(data=lambda world, where, actor: {"current_password": PASSWORD,
                                                                   "new_password": "changed-pass-2025"},
                                undo=_restore_password),
}


def _personal_data_path(suffix: str = ""):
    """The elder's information: she, her carer (daughter) and staff may read it (issue 19 item 8)."""
    return lambda world, where: f"/privacy/{world.user('elder', where).id}{suffix}"


CALLS.update({
    "GET /privacy/<int:user_id>": Call(path=_personal_data_path()),
    "GET /privacy/<int:user_id>/download": Call(path=_personal_data_path("/download?format=xlsx")),
    # erasing a person staff manage, not a column's person (the table's last lines: nothing reads them after)
    "GET /privacy/<int:user_id>/erase": Call(path=lambda world, where: f"/privacy/{world.record('person', where).id}/erase"),
    "POST /privacy/<int:user_id>/erase": Call(
        path=lambda world, where: f"/privacy/{world.record('person', where).id}/erase",
        data=lambda world, where, actor: {"confirm": "y"}),
})


# --- module routes -------------------------------------------------------------------------

def _home(world: World, actor) -> str:
    """The community a person belongs to ("here" for a visitor)."""
    return "other" if actor is not None and actor.community_id == world.community("other").id else "here"


def _leave_branches(world: World, role: str) -> None:
    """Undo a branch membership the secretary's route made, so the staff route can add the same person."""
    from neighbors.alleys.models import BranchMember

    people = [world.user(role, where).id for where in ("here", "other")]
    for member in db.session.scalars(sa.select(BranchMember).where(BranchMember.user_id.in_(people))):
        db.session.delete(member)


def _at(template: str, kind: str, **more: Callable[[World, str], Any]):
    """A path from a record: `_at("/kitchen/meals/{id}", "meal")`; extra placeholders from callables."""
    def path(world: World, where: str) -> str:
        record = world.record(kind, where)
        return template.format(id=record.id, **{name: get(world, where) for name, get in more.items()})
    return path


def _with(path: str, *kinds: str):
    """A fixed path that needs records to exist first, in both communities."""
    def build(world: World, _where: str) -> str:
        for kind in kinds:
            world.record(kind, "here")
            world.record(kind, "other")
        return path
    return build


def _photo(name: str = "photo.jpg"):
    return (BytesIO(jpeg_bytes()), name, "image/jpeg")


def _day(days: int) -> str:
    from neighbors.clock import local_today
    return (local_today() + timedelta(days=days)).isoformat()


_n = itertools.count(1)


def _original_roles(world: World, actor) -> None:
    """Take back roles a request gave the actor (a volunteer profile makes one a volunteer), so the
    rest of the table sees the column's person as they were."""
    from tests.security.conftest import ROLE_GRANTS
    if actor is None:
        return
    column = next(role for (role, _where), person in world.people.items() if person.id == actor.id)
    keep = {"resident", *ROLE_GRANTS[column]}
    for grant in list(actor.role_grants):
        if grant.role not in keep:
            actor.role_grants.remove(grant)
            db.session.delete(grant)


def _kitchen_form(world, where, actor):
    return {"name": f"新厨房{next(_n)}", "address": "镇海路50号", "opening_hours": "11:00-13:00", "delivers": "y",
            "buildings": str(world.user("resident", where).building_id)}


def _help_form(world, where, actor):
    home = _home(world, actor)
    for_user = world.user("resident", where) if actor is None or actor.has_role(Role.STAFF, Role.ADMIN) or \
        actor.id == world.user("resident", where).id else actor
    return {"skill": str(_skill_id(world, where if for_user.id != getattr(actor, "id", None) else home)),
            "title": "灯不亮了", "description": "客厅的灯", "address": "镇海路12号", "when": "asap",
            "for_user": str(for_user.id)}


def _new_help_form(world, _where, actor):
    home = _home(world, actor)
    return {"skill": str(_skill_id(world, home)), "title": "帮忙换灯泡", "description": "客厅的灯",
            "address": "镇海路12号", "when": "asap", "for_user": str(actor.id) if actor else ""}


_ORDER_WIDER = {"kitchen": "community"}  # the operator delivers: names, flats and phones of the kitchen's people

CALLS.update({
    # kitchen
    "GET /kitchen/meals/<int:meal_id>": Call(path=_at("/kitchen/meals/{id}", "meal")),
    "POST /kitchen/meals/<int:meal_id>/order": Call(
        path=_at("/kitchen/meals/{id}/order", "meal"),
        data=lambda world, where, actor: {"quantity": "1", "fulfilment": "dine_in", "address": "", "note": "少盐",
                                          "for_user": str(actor.id) if actor else ""}),
    "GET /kitchen/orders/<int:order_id>": Call(path=_at("/kitchen/orders/{id}", "order"), wider=_ORDER_WIDER),
    "GET /kitchen/orders/<int:order_id>/status": Call(path=_at("/kitchen/orders/{id}/status", "order"),
                                                      wider=_ORDER_WIDER),
    "POST /kitchen/orders/<int:order_id>/cancel": Call(path=_at("/kitchen/orders/{id}/cancel", "order_cancel")),
    "POST /kitchen/orders/<int:order_id>/again": Call(
        path=_at("/kitchen/orders/{id}/again", "order"),
        data=lambda world, where, actor: {"meal_id": str(world.record("meal2", where).id)}),
    "POST /kitchen/orders/<int:order_id>/feedback": Call(
        path=_at("/kitchen/orders/{id}/feedback", "order_delivered"),
        data=lambda world, where, actor: {"rating": "4", "comment": "很软烂，好吃"}),
    "GET /kitchen/kitchens/<int:kitchen_id>": Call(path=_at("/kitchen/kitchens/{id}", "kitchen")),
    "POST /kitchen/feedback/<int:feedback_id>/hide": Call(path=_at("/kitchen/feedback/{id}/hide", "feedback"),
                                                          data=lambda world, where, actor: {"reason": "有人名"}),
    "POST /kitchen/feedback/<int:feedback_id>/acknowledge": Call(
        path=_at("/kitchen/feedback/{id}/acknowledge", "feedback")),
    "POST /kitchen/standing/": Call(
        path=_with("/kitchen/standing/", "kitchen"),
        data=lambda world, where, actor: {
            "for_user": str(actor.id) if actor else "", "kitchen_id": str(world.record("kitchen", _home(world, actor)).id),
            "weekdays": ["0", "2", "4"], "slot": "lunch", "fulfilment": "dine_in", "quantity": "1", "address": "",
            "note": ""}),
    "POST /kitchen/standing/<int:standing_id>/pause": Call(
        path=_at("/kitchen/standing/{id}/pause", "standing"),
        data=lambda world, where, actor: {"from_day": _day(3), "to_day": _day(6)}),
    "POST /kitchen/standing/<int:standing_id>/end": Call(path=_at("/kitchen/standing/{id}/end", "standing")),
    "GET /kitchen/profile/<int:user_id>": Call(path=lambda world, where: f"/kitchen/profile/{world.user('elder', where).id}"),
    "POST /kitchen/profile/<int:user_id>": Call(
        path=lambda world, where: f"/kitchen/profile/{world.user('elder', where).id}",
        data=lambda world, where, actor: {"dietary_needs": "少盐，软烂", "emergency_name": "王美玲",
                                          "emergency_phone": "13900001111"}),
    "POST /kitchen/profile/<int:user_id>/status": Call(
        path=lambda world, where: f"/kitchen/profile/{world.user('elder', where).id}/status",
        data=lambda world, where, actor: {"welfare_status": "dibao"}),
    "GET /kitchen/manage/": Call(path=_with("/kitchen/manage/", "meal")),
    "GET /kitchen/manage/meals/new": Call(path=_with("/kitchen/manage/meals/new", "kitchen")),
    "POST /kitchen/manage/meals/new": Call(
        path=_with("/kitchen/manage/meals/new", "kitchen"),
        data=lambda world, where, actor: {
            "kitchen_id": str(world.record("kitchen", _home(world, actor)).id), "served_on": _day(4), "slot": "lunch",
            "meat": "红烧肉", "vegetable": "炒青菜", "soup": "冬瓜汤", "capacity": "25"}),
    "GET /kitchen/manage/meals/<int:meal_id>": Call(path=_at("/kitchen/manage/meals/{id}", "meal"),
                                                    wider=_ORDER_WIDER),
    "GET /kitchen/manage/meals/<int:meal_id>/counts": Call(path=_at("/kitchen/manage/meals/{id}/counts", "meal")),
    "GET /kitchen/manage/meals/<int:meal_id>/sheet": Call(path=_at("/kitchen/manage/meals/{id}/sheet", "meal"),
                                                          wider=_ORDER_WIDER),
    "POST /kitchen/manage/meals/<int:meal_id>/capacity": Call(
        path=_at("/kitchen/manage/meals/{id}/capacity", "meal"), data=lambda world, where, actor: {"capacity": "40"}),
    "POST /kitchen/manage/meals/<int:meal_id>/close": Call(path=_at("/kitchen/manage/meals/{id}/close", "meal_close")),
    "POST /kitchen/manage/meals/<int:meal_id>/cancel": Call(
        path=_at("/kitchen/manage/meals/{id}/cancel", "meal_cancel"),
        data=lambda world, where, actor: {"reason": "停水"}),
    "POST /kitchen/manage/orders/<int:order_id>/status": Call(
        path=_at("/kitchen/manage/orders/{id}/status", "order_advance"),
        data=lambda world, where, actor: {"to_status": "cooking", "payment_method": "cash"}),
    "POST /kitchen/manage/kitchens/new": Call(data=lambda world, where, actor: _kitchen_form(world, _home(world, actor), actor)),
    "GET /kitchen/manage/kitchens/<int:kitchen_id>": Call(path=_at("/kitchen/manage/kitchens/{id}", "kitchen")),
    "POST /kitchen/manage/kitchens/<int:kitchen_id>": Call(
        path=_at("/kitchen/manage/kitchens/{id}", "kitchen"),
        data=lambda world, where, actor: {
            **_kitchen_form(world, where, actor), "name": f"邻里厨房{where}",
            "operators": str(world.user("kitchen", where).id)}),
    "POST /kitchen/manage/kitchens/<int:kitchen_id>/suspend": Call(
        path=_at("/kitchen/manage/kitchens/{id}/suspend", "spare_kitchen"),
        data=lambda world, where, actor: {"reason": "装修"}),
    "POST /kitchen/manage/kitchens/<int:kitchen_id>/resume": Call(
        path=_at("/kitchen/manage/kitchens/{id}/resume", "spare_kitchen")),
    "POST /kitchen/manage/kitchens/<int:kitchen_id>/copy-last-week": Call(
        path=_at("/kitchen/manage/kitchens/{id}/copy-last-week", "kitchen")),
    "GET /kitchen/manage/orders": Call(path=_with("/kitchen/manage/orders", "order")),
    "GET /kitchen/manage/settlement": Call(path=_with("/kitchen/manage/settlement", "order_delivered")),
    "GET /kitchen/manage/settlement.csv": Call(path=_with("/kitchen/manage/settlement.csv", "order_delivered")),
    "GET /kitchen/manage/settlement.xlsx": Call(path=_with("/kitchen/manage/settlement.xlsx", "order_delivered")),
    "POST /kitchen/manage/settings": Call(
        data=lambda world, where, actor: {"standard_price": "12.00", "policy": "xiamen", "min_meal": "10.00",
                                          "once_a_day": "y"}),
    "POST /kitchen/manage/settings/tiers": Call(
        data=lambda world, where, actor: {"label": "低保", "status": "dibao", "min_age": "", "max_age": "",
                                          "subsidy": "11.00"}),
    "POST /kitchen/manage/settings/tiers/<int:tier_id>/delete": Call(
        path=_at("/kitchen/manage/settings/tiers/{id}/delete", "tier")),
    "GET /kitchen/manage/welfare/": Call(path=_with("/kitchen/manage/welfare/", "welfare")),
    "GET /kitchen/manage/welfare/<int:check_id>": Call(path=_at("/kitchen/manage/welfare/{id}", "welfare"),
                                                       wider=_ORDER_WIDER),
    "POST /kitchen/manage/welfare/<int:check_id>/safe": Call(
        path=_at("/kitchen/manage/welfare/{id}/safe", "welfare"),
        data=lambda world, where, actor: {"how": "phoned", "note": "在女儿家"}),
    # mutual aid
    "POST /aid/credits/gift": Call(data=lambda world, where, actor: {
        "for_user": str(actor.id) if actor else "", "to": "pool", "minutes": "30", "note": "谢谢大家"}),
    "POST /aid/offers/new": Call(
        path=_with("/aid/offers/new", "volunteer_profile"),
        data=lambda world, where, actor: {"skill": str(_skill_id(
            world, _home(world, actor))), "title": "周日下午修电器", "description": ""}),
    "POST /aid/offers/<int:offer_id>/close": Call(path=_at("/aid/offers/{id}/close", "offer")),
    "POST /aid/requests/new": Call(data=_new_help_form),
    "GET /aid/requests/<int:request_id>": Call(path=_at("/aid/requests/{id}", "help")),
    "GET /aid/requests/<int:request_id>/photo": Call(path=_at("/aid/requests/{id}/photo", "help")),
    "GET /aid/requests/<int:request_id>/edit": Call(path=_at("/aid/requests/{id}/edit", "help")),
    "POST /aid/requests/<int:request_id>/edit": Call(path=_at("/aid/requests/{id}/edit", "help"), data=_help_form),
    "POST /aid/requests/<int:request_id>/accept": Call(path=_at("/aid/requests/{id}/accept", "help_accept")),
    "POST /aid/requests/<int:request_id>/decline": Call(path=_at("/aid/requests/{id}/decline", "help_decline"),
                                                        data=lambda world, where, actor: {"reason": "临时有事"}),
    "POST /aid/requests/<int:request_id>/decline-invitation": Call(
        path=_at("/aid/requests/{id}/decline-invitation", "help_invited")),
    "POST /aid/requests/<int:request_id>/no-show": Call(path=_at("/aid/requests/{id}/no-show", "help_no_show")),
    "POST /aid/requests/<int:request_id>/done": Call(path=_at("/aid/requests/{id}/done", "help_accepted"),
                                                     data=lambda world, where, actor: {"minutes": "90"}),
    "POST /aid/requests/<int:request_id>/confirm": Call(path=_at("/aid/requests/{id}/confirm", "help_done"),
                                                        data=lambda world, where, actor: {"rating": "5", "comment": "谢谢"}),
    "POST /aid/requests/<int:request_id>/dispute": Call(path=_at("/aid/requests/{id}/dispute", "help_dispute"),
                                                        data=lambda world, where, actor: {"reason": "没修好"}),
    "POST /aid/requests/<int:request_id>/resolve": Call(
        path=_at("/aid/requests/{id}/resolve", "help_disputed"),
        data=lambda world, where, actor: {"outcome": "confirm", "minutes": "", "note": "问过双方"}),
    "POST /aid/requests/<int:request_id>/cancel": Call(path=_at("/aid/requests/{id}/cancel", "help_cancel"),
                                                       data=lambda world, where, actor: {"reason": "自己修好了"}),
    "POST /aid/requests/<int:request_id>/invite": Call(
        path=_at("/aid/requests/{id}/invite", "help_invite"),
        data=lambda world, where, actor: {"volunteer": str(world.record("volunteer_profile", where).id)}),
    "POST /aid/requests/<int:request_id>/hide": Call(path=_at("/aid/requests/{id}/hide", "help_hide"),
                                                     data=lambda world, where, actor: {"reason": "广告"}),
    "POST /aid/volunteer": Call(data=lambda world, where, actor: {
        "skills": [str(_skill_id(world, _home(world, actor), "理发"))],
        "availability": ["5-morning"], "intro": "会理发"}, undo=lambda world, actor: _original_roles(world, actor)),
    "GET /aid/volunteers/<int:user_id>": Call(path=_at("/aid/volunteers/{id}", "volunteer_profile")),
    "GET /aid/manage": Call(path=_with("/aid/manage", "help", "offer")),
    "POST /aid/manage/settings": Call(data=lambda world, where, actor: {
        "starting_grant_hours": "5", "floor_hours": "-10", "ceiling_hours": "1500", "pool_paid_age": "70"}),
    "POST /aid/manage/skills": Call(data=lambda world, where, actor: {"name": f"助浴{next(_n)}"}),
    "POST /aid/manage/grant": Call(data=lambda world, where, actor: {
        "phone": world.user("resident", _home(world, actor)).phone, "minutes": "60", "reason": "照顾孤寡老人"}),
    "POST /aid/manage/offers/<int:offer_id>/hide": Call(path=_at("/aid/manage/offers/{id}/hide", "offer"),
                                                        data=lambda world, where, actor: {"reason": "收费了"}),
    "POST /aid/manage/skills/<int:skill_id>/retire": Call(path=_at("/aid/manage/skills/{id}/retire", "skill")),
    "POST /aid/manage/transactions/<int:transaction_id>/correct": Call(
        path=_at("/aid/manage/transactions/{id}/correct", "transaction"),
        data=lambda world, where, actor: {"reason": "给错人了"}),
    "POST /aid/manage/volunteers/<int:user_id>/verify": Call(
        path=lambda world, where: f"/aid/manage/volunteers/{world.user('volunteer', where).id}/verify",
        data=lambda world, where, actor: {"verified": "1"}),
    # alleys
    "GET /alleys/": Call(path=_with("/alleys/", "alley")),
    "GET /alleys/<int:alley_id>": Call(path=_at("/alleys/{id}", "alley")),
    "GET /alleys/<int:alley_id>/rules/new": Call(path=_at("/alleys/{id}/rules/new", "alley")),
    "POST /alleys/<int:alley_id>/rules/new": Call(
        path=_at("/alleys/{id}/rules/new", "alley"),
        data=lambda world, where, actor: {"weekdays": ["6"], "starts": "09:00", "ends": "10:30", "volunteers": "2",
                                          "need_city": "1", "need_market": "0", "need_sanitation": "0",
                                          "skip_holidays": "y", "active": "y"}),
    "GET /alleys/<int:alley_id>/rules/<int:rule_id>": Call(
        path=lambda world, where: "/alleys/{a}/rules/{r}".format(a=world.record("rule", where).alley_id,
                                                                 r=world.record("rule", where).id)),
    "POST /alleys/<int:alley_id>/rules/<int:rule_id>": Call(
        path=lambda world, where: "/alleys/{a}/rules/{r}".format(a=world.record("rule", where).alley_id,
                                                                 r=world.record("rule", where).id),
        data=lambda world, where, actor: {"weekdays": ["5"], "starts": "09:00", "ends": "11:00", "volunteers": "3",
                                          "need_city": "1", "need_market": "0", "need_sanitation": "0",
                                          "skip_holidays": "y", "active": "y"}),
    "GET /alleys/<int:alley_id>/segments": Call(path=_at("/alleys/{id}/segments", "alley")),
    "POST /alleys/<int:alley_id>/segments": Call(
        path=_at("/alleys/{id}/segments", "alley"),
        data=lambda world, where, actor: {"name": f"南段{uuid.uuid4().hex[:6]}", "landmarks": "打铁巷12号"}),
    "POST /alleys/segments/<int:segment_id>/owner": Call(
        path=_at("/alleys/segments/{id}/owner", "segment"),
        data=lambda world, where, actor: {
            f"segment{world.record('segment', where).id}-department": "城管",
            f"segment{world.record('segment', where).id}-officer": str(world.user("officer", where).id),
            f"segment{world.record('segment', where).id}-deputy": "0"}),
    "GET /alleys/branches/<int:branch_id>/members": Call(path=_at("/alleys/branches/{id}/members", "branch")),
    "POST /alleys/branches/<int:branch_id>/members": Call(
        path=_at("/alleys/branches/{id}/members", "branch"),
        data=lambda world, where, actor: {"user": str(world.user("volunteer+", where).id), "kind": "patroller",
                                          "department": ""},
        undo=lambda world, actor: _leave_branches(world, "volunteer+")),
    "GET /alleys/calendar/<token>.ics": Call(path=lambda world, where: f"/alleys/calendar/{world.record('calendar', where).token}.ics"),
    "GET /alleys/coverage": Call(path=_with("/alleys/coverage", "shift_withdraw")),
    "GET /alleys/shifts": Call(path=_with("/alleys/shifts", "shift_withdraw")),
    "GET /alleys/me": Call(path=_with("/alleys/me", "shift_withdraw")),
    "GET /alleys/shifts/<int:shift_id>/assign": Call(path=_at("/alleys/shifts/{id}/assign", "shift")),
    "POST /alleys/shifts/<int:shift_id>/assign": Call(
        path=_at("/alleys/shifts/{id}/assign", "shift"),
        data=lambda world, where, actor: {"user": str(world.user("officer", where).id)}),
    "POST /alleys/shifts/<int:shift_id>/signup": Call(path=_at("/alleys/shifts/{id}/signup", "shift")),
    "POST /alleys/shifts/<int:shift_id>/withdraw": Call(path=_at("/alleys/shifts/{id}/withdraw", "shift_withdraw")),
    "POST /alleys/shifts/<int:shift_id>/release": Call(path=_at("/alleys/shifts/{id}/release", "shift_release")),
    "POST /alleys/shifts/<int:shift_id>/take-back": Call(path=_at("/alleys/shifts/{id}/take-back", "shift_released")),
    "POST /alleys/shifts/<int:shift_id>/checkin": Call(path=_at("/alleys/shifts/{id}/checkin", "shift_now")),
    "POST /alleys/shifts/<int:shift_id>/checkout": Call(path=_at("/alleys/shifts/{id}/checkout", "shift_checked_in")),
    "GET /alleys/findings": Call(path=_with("/alleys/findings?show=all", "finding")),
    "POST /alleys/findings/new": Call(
        path=_with("/alleys/findings/new", "alley"),
        data=lambda world, where, actor: {
            "alley": str(world.record("alley", _home(world, actor)).id), "category": "sanitation",
            "description": "垃圾没人收", "place": "打铁巷口", "new_anyway": "y", "photos": [_photo()]}),
    "GET /alleys/findings/similar": Call(
        path=lambda world, where: f"/alleys/findings/similar?alley={world.record('finding', where).alley_id}"
                                  "&category=obstruction"),
    "GET /alleys/findings/<int:finding_id>": Call(path=_at("/alleys/findings/{id}", "finding")),
    "GET /alleys/findings/<int:finding_id>/photos/<int:photo_id>": Call(
        path=lambda world, where: "/alleys/findings/{f}/photos/{p}".format(
            f=world.record("finding", where).id, p=world.record("finding", where).photos[0].id)),
    "POST /alleys/findings/<int:finding_id>/accept": Call(path=_at("/alleys/findings/{id}/accept", "finding_accept")),
    "POST /alleys/findings/<int:finding_id>/resolve": Call(
        path=_at("/alleys/findings/{id}/resolve", "finding_resolve"),
        data=lambda world, where, actor: {"note": "已清理干净", "photo": _photo("after.jpg")}),
    "POST /alleys/findings/<int:finding_id>/send-back": Call(
        path=_at("/alleys/findings/{id}/send-back", "finding_send_back"),
        data=lambda world, where, actor: {"back-note": "这归环卫管"}, prefixes=("back",)),
    "POST /alleys/findings/<int:finding_id>/dispatch": Call(
        path=_at("/alleys/findings/{id}/dispatch", "finding_reported"),
        data=lambda world, where, actor: {"department": "城管", "note": ""}),
    "POST /alleys/findings/<int:finding_id>/verify": Call(path=_at("/alleys/findings/{id}/verify", "finding_verify")),
    "POST /alleys/findings/<int:finding_id>/reopen": Call(
        path=_at("/alleys/findings/{id}/reopen", "finding_reopen"),
        data=lambda world, where, actor: {"reopen-note": "还是堵着"}, prefixes=("reopen",)),
    "POST /alleys/findings/<int:finding_id>/close": Call(path=_at("/alleys/findings/{id}/close", "finding_close")),
    "POST /alleys/findings/<int:finding_id>/add": Call(path=_at("/alleys/findings/{id}/add", "finding"),
                                                       data=lambda world, where, actor: {"note": "今天又堵了"}),
    "GET /alleys/stats": Call(path=_with("/alleys/stats", "finding")),
    "GET /alleys/stats.csv": Call(path=_with("/alleys/stats.csv", "finding")),
    "GET /alleys/stats.xlsx": Call(path=_with("/alleys/stats.xlsx", "finding")),
    "GET /alleys/manage": Call(path=_with("/alleys/manage", "alley")),
    "POST /alleys/manage/alleys/new": Call(
        path=_with("/alleys/manage/alleys/new", "branch"),
        data=lambda world, where, actor: {"name": f"新巷{next(_n)}", "description": "", "landmarks": "", "branch": "0"}),
    "GET /alleys/manage/alleys/<int:alley_id>": Call(path=_at("/alleys/manage/alleys/{id}", "alley")),
    "POST /alleys/manage/alleys/<int:alley_id>": Call(
        path=_at("/alleys/manage/alleys/{id}", "alley"),
        data=lambda world, where, actor: {"name": f"打铁巷{where}", "description": "百年小巷，青石板路",
                                          "landmarks": "打铁巷口", "branch": str(world.record("branch", where).id)}),
    "GET /alleys/manage/branches/new": Call(path=_with("/alleys/manage/branches/new", "branch")),
    "POST /alleys/manage/branches/new": Call(
        data=lambda world, where, actor: {"name": f"新支部{next(_n)}", "secretary": "0"}),
    "GET /alleys/manage/branches/<int:branch_id>": Call(path=_at("/alleys/manage/branches/{id}", "branch")),
    "POST /alleys/manage/branches/<int:branch_id>": Call(
        path=_at("/alleys/manage/branches/{id}", "branch"),
        data=lambda world, where, actor: {"name": f"打铁巷党支部{where}",
                                          "secretary": str(world.user("patroller", where).id)}),
    "POST /alleys/manage/branches/<int:branch_id>/members": Call(
        path=_at("/alleys/manage/branches/{id}/members", "branch"),
        data=lambda world, where, actor: {"user": str(world.user("volunteer+", where).id), "kind": "patroller",
                                          "department": ""}),
    "POST /alleys/manage/members/<int:member_id>/remove": Call(path=_at("/alleys/manage/members/{id}/remove", "member")),
    "GET /alleys/manage/settings": Call(path=_with("/alleys/manage/settings", "alley")),
    "POST /alleys/manage/settings": Call(
        path=_with("/alleys/manage/settings", "alley"),
        data=lambda world, where, actor: {"row": "hazard", "hazard-category": "hazard", "hazard-department": "城管",
                                          "hazard-accept_minutes": "20", "hazard-resolve_minutes": "90"},
        prefixes=("hazard",)),
    "POST /alleys/manage/holidays": Call(data=lambda world, where, actor: {"day": _day(60), "name": "中秋节"}),
    "POST /alleys/manage/holidays/<int:holiday_id>/remove": Call(
        path=_at("/alleys/manage/holidays/{id}/remove", "holiday")),
    # staff
    "GET /staff/": Call(path=_with("/staff/", "help_disputed", "finding_reported")),
    "GET /staff/people": Call(path="/staff/people?q=%E9%95%87"),
    "POST /staff/people/new": Call(data=lambda world, where, actor: {
        "name": "郑阿婆", "birth_date": "1938-05-01", "building": str(world.user("resident", _home(world, actor)).building_id),
        "unit": "3单元102室", "needs_care": "y"}),
    "GET /staff/people/<int:user_id>": Call(path=_at("/staff/people/{id}", "person")),
    "GET /staff/people/<int:user_id>/edit": Call(path=_at("/staff/people/{id}/edit", "person")),
    "POST /staff/people/<int:user_id>/edit": Call(
        path=_at("/staff/people/{id}/edit", "person"),
        data=lambda world, where, actor: {"name": f"新邻居{where}", "birth_date": "1950-02-03",
                                          "building": str(world.user("resident", where).building_id),
                                          "unit": "9单元909室", "needs_care": ""}),
    "POST /staff/people/<int:user_id>/roles": Call(path=_at("/staff/people/{id}/roles", "person"),
                                                   data=lambda world, where, actor: {"role": "patroller", "department": ""}),
    "POST /staff/people/<int:user_id>/roles/<role>/revoke": Call(
        path=_at("/staff/people/{id}/roles/volunteer/revoke", "person_revoke")),
    "POST /staff/people/<int:user_id>/volunteer/<any(verify,unverify):change>": Call(
        path=_at("/staff/people/{id}/volunteer/verify", "person")),
    "POST /staff/people/<int:user_id>/carers": Call(
        path=_at("/staff/people/{id}/carers", "person"),
        data=lambda world, where, actor: {"carer": world.user("carer", where).phone, "relation": "邻居"}),
    "POST /staff/people/<int:user_id>/carers/<int:link_id>/unlink": Call(
        path=lambda world, where: "/staff/people/{p}/carers/{l}/unlink".format(
            p=world.record("carer_link", where).resident_id, l=world.record("carer_link", where).id)),
    "POST /staff/people/<int:user_id>/password-reset": Call(  # the confirmed step: the one-time password page
        path=_at("/staff/people/{id}/password-reset", "person"), data=lambda world, where, actor: {"confirm": "yes"}),
    "GET /staff/audit": Call(path=_with("/staff/audit", "transaction")),
    "GET /staff/reports/monthly": Call(path=_with("/staff/reports/monthly", "order_delivered", "help_done", "finding")),
    "GET /staff/reports/annual/<any(work,burden):which>": Call(
        path=_with("/staff/reports/annual/work", "order_delivered", "help_done", "finding")),
    "GET /appeals/": Call(path=_with("/appeals/", "appeal")),
    "GET /appeals/new": Call(path=lambda world, where: "/appeals/new?kind=mutualaid.request&record={id}".format(
        id=world.record("help_hidden", where).id)),
    "POST /appeals/new": Call(path=lambda world, where: "/appeals/new?kind=mutualaid.request&record={id}".format(
        id=world.record("help_hidden", where).id), data=lambda world, where, actor: {"text": "那是我家的电话"}),
    "POST /appeals/<int:appeal_id>/decide": Call(path=_at("/appeals/{id}/decide", "appeal"),
                                                 data=lambda world, where, actor: {"decision": "uphold",
                                                                                   "reason": "广告不能发"}),
    # visits (千户访)
    "GET /visits/households/<int:household_id>": Call(path=_at("/visits/households/{id}", "household")),
    "POST /visits/households/<int:household_id>/tags": Call(
        path=_at("/visits/households/{id}/tags", "household"),
        data=lambda world, where, actor: {"tags": ["alone", "low_income"]}),
    "POST /visits/households/<int:household_id>/visits": Call(
        path=_at("/visits/households/{id}/visits", "household"),
        data=lambda world, where, actor: {"outcome": "nobody_home", "submission_key": uuid.uuid4().hex}),
    "GET /visits/visits/<int:visit_id>/photo": Call(path=_at("/visits/visits/{id}/photo", "visit")),
    "GET /visits/coverage.<any(xlsx,csv):kind>": Call(path="/visits/coverage.csv"),
    "POST /visits/visits/<int:visit_id>/attended": Call(path=_at("/visits/visits/{id}/attended", "visit")),
    "POST /visits/grids": Call(data=lambda world, where, actor: {"name": f"新网格{next(_n)}"}),
    "POST /visits/grids/<int:grid_id>/workers": Call(
        path=_at("/visits/grids/{id}/workers", "grid"),
        data=lambda world, where, actor: {"phone": world.user("volunteer", where).phone}),
    "POST /visits/grids/<int:grid_id>/workers/<int:user_id>/remove": Call(
        path=lambda world, where: "/visits/grids/{g}/workers/{u}/remove".format(
            g=world.record("grid_worker", where).grid_id, u=world.record("grid_worker", where).user_id)),
    "POST /visits/settings": Call(data=lambda world, where, actor: {"alone": "1", "low_income": "6"}),
    "POST /visits/import": Call(data=lambda world, where, actor: {"roster": _roster(world, actor)}),
    "POST /visits/import/confirm": Call(data=lambda world, where, actor: {"token": _kept_roster(world, actor)}),
    # assessment by type of community (考核): nothing is published in this world, so staff find no result (404)
    "GET /staff/assessment/communities/<int:community_id>": Call(
        path=lambda world, where: f"/staff/assessment/communities/{world.community(where).id}"),
    "POST /staff/assessment/indicators": Call(data=lambda world, where, actor: {"measure": "registers.meetings",
                                                                               "old_town": "10"}),
    "POST /staff/assessment/<int:year>/publish": Call(path="/staff/assessment/2025/publish",
                                                      undo=lambda world, actor: _unpublish(2025)),
    # registers (日登记)
    "POST /staff/registers/new": Call(data=lambda world, where, actor: _register_form()),
    "GET /staff/registers/<int:entry_id>": Call(path=_at("/staff/registers/{id}", "register_entry")),
    "POST /staff/registers/<int:entry_id>/correct": Call(path=_at("/staff/registers/{id}/correct", "register_entry"),
                                                         data=lambda world, where, actor: _register_form()),
    "POST /staff/registers/<int:entry_id>/refuse": Call(path=_at("/staff/registers/{id}/refuse", "register_entry")),
})


def _register_form() -> dict:
    """A meeting as the registers' form sends it."""
    from neighbors.clock import local_today

    return {"kind": "meeting", "day": local_today().isoformat(), "body": "区民政局", "minutes": "45",
            "staff_count": "2", "submission_key": uuid.uuid4().hex}


def _jurisdiction(world: World, where: str) -> str:
    return world.record("open311_jurisdiction", where).code


CALLS.update({
    # open311: staff's keys page, and the API (key auth only: a logged-in session reaches no case)
    "POST /open311/keys": Call(data=lambda world, where, actor: {"name": "12345热线"}),
    "POST /open311/keys/<int:key_id>/revoke": Call(path=lambda world, where: f"/open311/keys/{world.record('open311_key', where).id}/revoke"),
    "POST /open311/webhooks": Call(data=lambda world, where, actor: {
        "url": "https://hotline.example/neighbors", "events": ["finding.resolved"]}),
    "POST /open311/webhooks/<int:webhook_id>/enabled": Call(
        path=lambda world, where: f"/open311/webhooks/{world.record('open311_webhook', where).id}/enabled"),
    "POST /open311/webhooks/<int:webhook_id>/delete": Call(
        path=lambda world, where: f"/open311/webhooks/{world.record('open311_webhook', where).id}/delete"),
    "POST /open311/settings": Call(data=lambda world, where, actor: {
        "code": f"community-{actor.community_id if actor else 0}", "publishes": ""}),
    "GET /open311/v2/services.json": Call(
        path=lambda world, where: f"/open311/v2/services.json?jurisdiction_id={_jurisdiction(world, where)}"),
    "GET /open311/v2/requests.json": Call(
        path=lambda world, where: f"/open311/v2/requests.json?jurisdiction_id={_jurisdiction(world, where)}"),
    "POST /open311/v2/requests.json": Call(data=lambda world, where, actor: {
        "jurisdiction_id": _jurisdiction(world, where), "service_code": "hazard", "description": "电线垂落",
        "address_string": "打铁巷口"}),
    "GET /open311/v2/requests/<int:case_id>.json": Call(path=lambda world, where: "/open311/v2/requests/{c}.json?"
                                                         "jurisdiction_id={j}".format(c=world.record("finding", where).id,
                                                                                      j=_jurisdiction(world, where))),
})


def _as_xml(call: Call) -> Call:
    """The XML answers are the JSON routes' own views (neighbors/open311/api.py): the same call at `.xml`."""
    return Call(path=call.path and (lambda world, where: call.path(world, where).replace(".json", ".xml")),
                data=call.data)


CALLS.update({key.replace(".json", ".xml"): _as_xml(call) for key, call in list(CALLS.items())
              if " /open311/v2/" in key and key.endswith(".json") and "openapi" not in key})


def _roster_bytes(world: World, actor) -> bytes:
    grid = world.record("grid", _home(world, actor))
    return f"网格,楼栋,单元,房号,姓名\n{grid.name},图强路9号,1梯,{next(_n)},新住户\n".encode()


def _roster(world: World, actor):
    return (BytesIO(_roster_bytes(world, actor)), "花名册.csv", "text/csv")


def _kept_roster(world: World, actor) -> str:
    """A roster the actor checked a moment ago (only staff may; anyone else posts a made-up token)."""
    from neighbors.clock import utcnow
    from neighbors.visits import services

    if actor is None or not actor.has_role(Role.STAFF, Role.ADMIN):
        return "0" * 32
    data = _roster_bytes(world, actor)
    return services.preview_roster(actor, "花名册.csv", data, utcnow())[0]


@dataclass(frozen=True)
class Entry:
    key: str  # "METHOD rule"
    here: dict[str, str]
    other: dict[str, str] | None  # None when the route is about no record


def parse_matrix(text: str) -> dict[str, Entry]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    header = lines[0].split()[1:]
    assert tuple(header) == ROLES, f"matrix columns {header} are not {ROLES}"
    entries: dict[str, Entry] = {}
    for line in lines[1:]:
        method, rule, *cells = line.split()
        assert len(cells) == len(ROLES), f"{method} {rule}: {len(cells)} outcomes for {len(ROLES)} roles"
        key = f"{method} {rule}"
        assert key not in entries, f"{key} is in the matrix twice"
        split = [cell.split("/") for cell in cells]
        has_record = "<" in rule
        entries[key] = Entry(
            key=key,
            here=dict(zip(ROLES, (parts[0] for parts in split), strict=True)),
            other=dict(zip(ROLES, (parts[-1] for parts in split), strict=True)) if has_record else None,
        )
    return entries


ENTRIES = parse_matrix(MATRIX)


def route_keys(app: Flask) -> dict[str, str | None]:
    """Every "METHOD rule" the app answers, with the blueprint it belongs to."""
    keys: dict[str, str | None] = {}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0] or None
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys[f"{method} {rule.rule.replace(' ', '')}"] = blueprint  # one word for the table
    return keys


@pytest.mark.parametrize("scope", [
    "foundation",
    # Fails, naming them, until each module route has its line in MATRIX (issue 9, part two).
    pytest.param("modules", id="module-routes-awaiting-entries"),
])
def test_every_route_has_an_entry(app, scope):
    routes = route_keys(app)
    mine = {key for key, blueprint in routes.items() if (blueprint in FOUNDATION_BLUEPRINTS) == (scope == "foundation")}
    missing = sorted(mine - ENTRIES.keys())
    assert not missing, f"{len(missing)} {scope} route(s) have no line in MATRIX:\n  " + "\n  ".join(missing)
    needs_call = sorted(key for key in mine & ENTRIES.keys() if "<" in key and key not in CALLS)
    assert not needs_call, "routes with an id need a Call saying how to fill it:\n  " + "\n  ".join(needs_call)


def test_matrix_names_only_real_routes(app):
    routes = route_keys(app)
    stale = sorted(key for key in ENTRIES if key not in routes)
    assert not stale, "MATRIX names routes the app does not have:\n  " + "\n  ".join(stale)
    assert not sorted(CALLS.keys() - ENTRIES.keys()), "CALLS for routes that are not in MATRIX"


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if re.match(r"^(https?://[^/]+)?/auth/login", location) else "303"
    return str(response.status_code)


def csrf_token(client) -> str:
    """The token a browser would send, read from a form page (bad tokens: test_csrf_and_methods)."""
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def concrete_path(key: str, world: World, where: str) -> str:
    call = CALLS.get(key, Call())
    if callable(call.path):
        return call.path(world, where)
    return call.path or key.split()[1]


# Cells where the app is known to disagree with the table, each with its reason. A listed cell
# that starts to agree fails the test too, so the list only ever shrinks.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, world, role):
    """Every route in the table, as `role`: the expected outcome, nothing changed by a refusal,
    and no private data of people the role may not see."""
    routes = route_keys(app)
    actor = world.actor(role)
    problems: list[str] = []
    checked = 0
    refusals = {"login", "403", "404", "405", "409", "422"}
    known = None  # the database's fingerprint while nothing has changed it (saves reading it twice per POST)
    for key, entry in ENTRIES.items():
        if key not in routes:
            continue  # reported by test_every_route_has_an_entry
        method = key.split()[0]
        call = CALLS.get(key, Call())
        for where, expected in (("here", entry.here), ("other", entry.other)):
            if expected is None:
                continue
            records_before = len(world._records)
            path = concrete_path(key, world, where)
            client = app.test_client()
            sign_in(client, actor)
            if method == "POST":
                token = csrf_token(client)
                data = {**(call.data(world, where, actor) if call.data else {}), "csrf_token": token,
                        **{f"{prefix}-csrf_token": token for prefix in call.prefixes}}
            if len(world._records) != records_before:
                known = None  # a builder just made records
            before = (known if known is not None else fingerprint()) if method == "POST" else None
            if method == "POST":
                response = client.post(path, data=data)
            else:
                response = client.get(path)
            checked += 1
            got = outcome(response)
            gap = KNOWN_GAPS.get((key, where, role))
            if gap and got == expected[role]:
                problems.append(f"{key} [{where}]: now as expected; remove it from KNOWN_GAPS")
            elif got != expected[role] and not gap:
                problems.append(f"{key} [{where}]: expected {expected[role]}, got {got}")
            if got not in refusals:
                known = None  # done, or a page that may have set something up (an account, a feed)
            elif before is not None:
                known = fingerprint()
                changed = changes(before, known)
                if changed:
                    problems.append(f"{key} [{where}]: refused ({got}) but changed {sorted(changed)}")
            if response.status_code == 200 and response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                allowed = world.visible_to(role, call.wider.get(role))
                for person in world.everyone():
                    if person.id in allowed:
                        continue
                    leaked = [marker for marker in world.private_markers(person) if marker in page]
                    if leaked:
                        problems.append(f"{key} [{where}]: shows {person.name}'s private data {leaked}")
            if call.undo:
                call.undo(world, actor)
                db.session.commit()
                known = None
    assert checked >= len(ENTRIES), "fewer checks than table lines"
    assert not problems, f"{role}: " + "\n".join(problems)
