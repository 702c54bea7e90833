"""The audit log is append-only, in the ORM and in the database itself, and reads as sentences to staff."""
import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from neighbors import audit
from neighbors.alleys.models import Alley, AlleyBranch
from neighbors.audit import FOUNDATION_ACTIONS, AuditLogIsAppendOnly
from neighbors.registry import installed
from neighbors.extensions import db
from neighbors.models import AuditEntry
from tests.factories import make_community, make_user


def make_entry():
    community = make_community()
    staff = make_user(community, "staff")
    entry = audit.record(staff, "role.granted", staff, community_id=community.id, after={"roles": ["staff"]})
    db.session.commit()
    return entry


def test_an_entry_cannot_be_edited_through_the_orm(app):
    entry = make_entry()
    entry.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action)) == "role.granted"


def test_an_entry_cannot_be_deleted_through_the_orm(app):
    entry = make_entry()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1


# --- the log as people read it (issue 14, item 11) -----------------------------------------------------------

INTERNAL = ("alleys.alley_saved", "kitchen.profile_changed", "dietary_needs", "role.granted", "roles:", "resident →",
            "birth_date", "needs_care", "resident, volunteer")


def a_logged_month(community):
    """Entries as the services write them: roles, a resident's details, dietary needs, an alley."""
    staff = make_user(community, "staff", name="陈丽华")
    resident = make_user(community, name="王美玲")
    branch = AlleyBranch(community_id=community.id, name="镇海第一支部")
    db.session.add(branch)
    db.session.flush()
    alley = Alley(community_id=community.id, name="打铁巷", branch_id=branch.id)
    db.session.add(alley)
    db.session.flush()
    audit.record(staff, "role.granted", staff, community_id=community.id, subject=resident,
                 before={"roles": ["resident"]}, after={"roles": ["resident", "volunteer"], "department": None})
    audit.record(staff, "resident.updated", resident, community_id=community.id, subject=resident,
                 before={"birth_date": None, "needs_care": False}, after={"birth_date": "1941-03-02", "needs_care": True})
    audit.record(staff, "kitchen.profile_changed", resident, community_id=community.id, subject=resident,
                 before={"dietary_needs": "", "emergency_name": "", "emergency_phone": ""},
                 after={"dietary_needs": "少盐", "emergency_name": "", "emergency_phone": ""})
    audit.record(staff, "alleys.alley_saved", alley, community_id=community.id, before=None,
                 after={"name": "打铁巷", "branch": branch.id})
    audit.record(staff, "mutualaid.hours_given", resident, community_id=community.id, subject=resident,
                 after={"minutes": 90, "to": "pool"}, reason="谢谢")
    audit.record(staff, "alleys.member_added", branch, community_id=community.id, subject=resident,
                 after={"branch": branch.name, "kind": "patroller", "department": ""})
    db.session.commit()
    return staff


def test_every_entry_reads_as_a_sentence_in_chinese(client, auth, app):
    community = make_community()
    auth.login(a_logged_month(community))
    page = client.get("/staff/audit").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", page.split('<ol class="cards audit-list">')[1].split("</ol>")[0])
    text = " ".join(text.split())
    assert "陈丽华 给 王美玲 添加了身份。" in text
    assert "身份: 居民 → 居民和志愿者" in text, "roles are named as people say them"
    assert "陈丽华 修改了 王美玲 的信息。 关于 王美玲 出生日期: 1941年3月2日 需要照顾: 否 → 是" in text
    assert "陈丽华 修改了 王美玲 的饮食需求或紧急联系人。 关于 王美玲 饮食要求: 少盐" in text
    assert "陈丽华 保存了小巷 打铁巷。" in text and "镇海第一支部" in text
    assert "陈丽华 把 1:30 的时间币转给了 社区时间池。" in text
    assert "陈丽华 把 王美玲 加入党支部 镇海第一支部。" in text and "巡查志愿者" in text
    for code in INTERNAL:
        assert code not in text, code


def test_every_entry_reads_as_a_sentence_in_english(client, auth, app):
    community = make_community()
    auth.login(a_logged_month(community))
    client.get("/lang/en")
    page = client.get("/staff/audit").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split('<ol class="cards audit-list">')[1].split("</ol>")[0]).split())
    assert "陈丽华 gave 王美玲 a role." in text
    assert "Roles: Resident → Resident and Volunteer" in text
    assert "陈丽华 saved the alley 打铁巷." in text and "Party branch: 镇海第一支部" in text
    assert "Dietary needs: 少盐" in text
    assert "Birth date: 2 Mar 1941 Needs care: no → yes" in text
    for code in INTERNAL:
        assert code not in text, code


def test_the_csv_says_the_act_and_keeps_the_code_and_is_formula_safe(client, auth, app):
    community = make_community()
    staff = a_logged_month(community)
    audit.record(staff, "kitchen.comment_hidden", staff, community_id=community.id,
                 before={"comment": "=HYPERLINK(\"http://x\")", "rating": 1}, after={"hidden": True}, reason="=1+1")
    db.session.commit()
    auth.login(staff)
    rows = list(csv.reader(io.StringIO(client.get("/staff/audit?format=csv").get_data().decode("utf-8-sig"))))
    acts = {row[4]: row[3] for row in rows[1:]}
    assert acts["alleys.alley_saved"] == "陈丽华 保存了小巷 打铁巷。"
    assert acts["role.granted"] == "陈丽华 给 王美玲 添加了身份。"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


SOURCES = Path(__file__).resolve().parent.parent / "neighbors"
DESCRIBED_PARTS = ["accounts.py", "appeals", "two_factor.py", "privacy", "open311", "kitchen", "alleys", "mutualaid",
                   "visits", "registers"]


def test_every_act_the_foundation_and_every_module_log_is_described(app):
    """A new audit.record(...) in these parts without its sentence would show its code to staff."""
    found = set()
    for part in DESCRIBED_PARTS:
        for path in ([SOURCES / part] if part.endswith(".py") else (SOURCES / part).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found |= set(re.findall(r'audit\.record\(\s*\w+,\s*"([a-z_]+\.[a-z_]+)"', text))
            found |= {f"mutualaid.dispute_{outcome}" for outcome in ("confirm", "change", "void")
                      if 'f"mutualaid.dispute_{outcome}"' in text}
            found |= {f"appeal.{state}" for state in ("reinstated", "upheld") if 'f"appeal.{step.target}"' in text}
            found |= {verb for verb in ("volunteer.verified", "volunteer.unverified", "privacy.downloaded",
                                        "privacy.viewed") if f'"{verb}"' in text}
    assert len(found) > 40
    with app.app_context():
        missing = sorted(code for code in found if code not in FOUNDATION_ACTIONS and not installed().audit_action(code))
    assert missing == []


def test_a_visit_a_register_entry_and_a_partner_key_read_as_sentences(client, auth, app):
    community = make_community()
    staff = make_user(community, "staff", name="陈丽华")
    audit.record(staff, "visits.visited", staff, community_id=community.id,
                 after={"household": 7, "outcome": "nobody_home", "needs": ["meals", "repair"]})
    audit.record(staff, "registers.recorded", staff, community_id=community.id,
                 after={"kind": "meeting", "day": "2026-11-30", "body": "区民政局", "minutes": 90, "online": True})
    audit.record(staff, "open311.key_issued", staff, community_id=community.id,
                 after={"name": "12345热线", "prefix": "n311_ab"})
    db.session.commit()
    auth.login(staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split('<ol class="cards audit-list">')[1].split("</ol>")[0]).split())
    assert "陈丽华 走访了一户。" in text and "家中无人" in text and "用餐" in text
    assert "陈丽华 登记了一条来自 区民政局 的事项。" in text and "2026年11月30日" in text
    assert "陈丽华 给 12345热线 发放了接口密钥。" in text
    for code in ("visits.visited", "registers.recorded", "open311.key_issued", "nobody_home", "meeting"):
        assert code not in text, code
