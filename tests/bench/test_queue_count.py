"""The staff menu's count (one aggregate per module) agrees with the work queue it stands for, on bench data."""
import pytest

from neighbors import bench_data
from neighbors.alleys import services as alleys
from neighbors.clock import utcnow
from neighbors.extensions import db
from neighbors.kitchen import services as kitchen
from neighbors.mutualaid import services as mutualaid
from neighbors.staff import services as staff


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_count_is_the_length_of_the_queue(bench_site, rows):
    bench_site.build(rows)
    community_id = bench_data.targets()["community_id"]
    now = utcnow()
    for module in (kitchen, mutualaid, alleys):
        with bench_site.app.test_request_context():  # an item's link is built into its URL as a page would
            listed = {(item.kind, item.url) for item in module.staff_queue(community_id, now)}
        assert module.staff_queue_count(community_id, now) == len(listed), module.__name__
    work = staff.work_queue(community_id, now)
    assert not work.unavailable
    assert staff.work_queue_count(community_id, now) == len(work.items)
    db.session.commit()  # end the read transaction before the next build empties the tables
    assert len(work.items) > 0, "the bench data leaves something waiting"
