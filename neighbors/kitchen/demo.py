"""Demo data: 镇海邻里厨房 with a week of Xiamen home cooking, orders, a standing order and some history."""
from datetime import timedelta

import sqlalchemy as sa

from .. import demo
from ..clock import local_today
from ..extensions import db
from ..models import Building, User
from . import services
from .models import (
    DeliveryArea, Feedback, Kitchen, KitchenOperator, Meal, MealOrder, OrderEvent, OrderStatus, StandingOrder,
)

LUNCHES = [
    ("卤肉", "清炒地瓜叶", "紫菜蛋花汤"),
    ("海蛎煎", "炒包菜", "花生汤"),
    ("姜母鸭", "空心菜", "冬瓜排骨汤"),
    ("荔枝肉", "清炒丝瓜", "海带豆腐汤"),
    ("沙茶焖鸭块", "蒜蓉芥蓝", "萝卜排骨汤"),
    ("红烧带鱼", "蒜蓉油麦菜", "番茄蛋汤"),
    ("五香卷", "炒高丽菜", "鱼丸汤"),
]
DINNERS = [
    ("清蒸小黄鱼", "炒豆芽", "紫菜汤"),
    ("土豆焖鸡", "炒苋菜", "丝瓜蛋汤"),
    ("肉末蒸蛋", "清炒菠菜", "冬瓜虾皮汤"),
]
COMMENTS = [(5, "卤肉很软，老人家爱吃。"), (4, "味道好，就是有点咸。"), (5, "送得很准时，谢谢阿水。"), (3, "")]


def _kitchen(community_id: int, name: str, **fields) -> tuple[Kitchen, bool]:
    kitchen = db.session.scalar(sa.select(Kitchen).where(Kitchen.community_id == community_id, Kitchen.name == name))
    if kitchen is not None:
        return kitchen, False
    kitchen = Kitchen(community_id=community_id, name=name, **fields)
    db.session.add(kitchen)
    db.session.flush()
    return kitchen, True


def _publish_week(kitchen: Kitchen, publisher: User, ctx: demo.DemoContext, capacity: int) -> None:
    today = local_today(ctx.now)
    for offset in range(7):
        day = today + timedelta(days=offset)
        wanted = [("lunch", LUNCHES[day.toordinal() % len(LUNCHES)])]
        if day.weekday() in (0, 2, 4):
            wanted.append(("dinner", DINNERS[day.toordinal() % len(DINNERS)]))
        for slot, (meat, vegetable, soup) in wanted:
            exists = db.session.scalar(sa.select(Meal.id).where(Meal.kitchen_id == kitchen.id, Meal.served_on == day,
                                                                Meal.slot == slot))
            if exists or services.default_deadline(day, slot) <= ctx.now:
                continue
            services.publish_meal(publisher, kitchen.id, day, slot, meat, vegetable, soup, capacity, ctx.now)


def _history(kitchen: Kitchen, people: list[User], operator: User, ctx: demo.DemoContext) -> None:
    """Last week's meals, served and paid, so the settlement and ratings have something to show."""
    today = local_today(ctx.now)
    for offset in range(7, 0, -1):
        day = today - timedelta(days=offset)
        meat, vegetable, soup = LUNCHES[day.toordinal() % len(LUNCHES)]
        meal = Meal(community_id=kitchen.community_id, kitchen_id=kitchen.id, served_on=day, slot="lunch", meat=meat,
                    vegetable=vegetable, soup=soup, capacity=40, sold=0, price_fen=1200,
                    order_deadline=services.default_deadline(day, "lunch"), published_by_id=operator.id,
                    created_at=ctx.now - timedelta(days=offset + 2))
        db.session.add(meal)
        db.session.flush()
        for index, person in enumerate(people[(offset % 3):(offset % 3) + 6]):
            subsidy, rule = services.subsidy_for(person, day, 1200, False)
            way = "delivery" if index % 2 == 0 else "pickup"
            status = OrderStatus.DELIVERED if way == "delivery" else (
                OrderStatus.NO_SHOW if index == 5 else OrderStatus.PICKED_UP)
            order = MealOrder(community_id=kitchen.community_id, meal_id=meal.id, kitchen_id=kitchen.id,
                              served_on=day, resident_id=person.id, placed_by_id=person.id, quantity=1,
                              fulfilment=way, address=person.address if way == "delivery" else "",
                              note="少盐" if index == 0 else "", status=status, price_fen=1200,
                              subsidy_fen=subsidy, due_fen=1200 - subsidy, subsidy_rule=rule,
                              payment_method=None if status == OrderStatus.NO_SHOW else ("cash", "wechat")[index % 2],
                              paid_at=None if status == OrderStatus.NO_SHOW else ctx.now - timedelta(days=offset),
                              submission_key=f"demo-{meal.id}-{person.id}",
                              created_at=ctx.now - timedelta(days=offset + 1))
            meal.sold += 1
            db.session.add(order)
            db.session.flush()
            db.session.add(OrderEvent(community_id=kitchen.community_id, order_id=order.id, to_status=status,
                                      actor_id=operator.id, at=ctx.now - timedelta(days=offset)))
            if status != OrderStatus.NO_SHOW and index < len(COMMENTS) and offset % 2:
                rating, comment = COMMENTS[index]
                db.session.add(Feedback(community_id=kitchen.community_id, kitchen_id=kitchen.id, order_id=order.id,
                                        resident_id=person.id, rating=rating, comment=comment,
                                        created_at=ctx.now - timedelta(days=offset)))
    db.session.commit()


def kitchen_demo(ctx: demo.DemoContext) -> None:
    zhenhai = ctx.communities["镇海社区"]
    staff, operator = ctx.users["13900000001"], ctx.users["13900000002"]
    mother, daughter = ctx.users["13900000004"], ctx.users["13900000011"]
    buildings = list(db.session.scalars(sa.select(Building).where(Building.community_id == zhenhai.id)
                                        .order_by(Building.id)))
    served = [b for b in buildings if b.name.startswith(("镇海路", "打铁巷"))]
    kitchen, created = _kitchen(zhenhai.id, "镇海邻里厨房", address="镇海路36号（近镇海巷口）",
                                opening_hours="每天 10:30–13:00，16:30–18:30", delivers=True, created_at=ctx.now)
    if created:
        kitchen.operators = [KitchenOperator(community_id=zhenhai.id, user_id=operator.id)]
        kitchen.delivery_areas = [DeliveryArea(community_id=zhenhai.id, building_id=b.id) for b in served]
        if mother.building_id not in {b.id for b in served}:
            kitchen.delivery_areas.append(DeliveryArea(community_id=zhenhai.id, building_id=mother.building_id))
        db.session.commit()
        services.update_profile(daughter, mother, "少盐，软烂，不吃辣", "王美玲（女儿）", "13900000011", ctx.now)
        neighbours = [p for p in ctx.residents["镇海社区"] if p.building_id in kitchen.building_ids][:8]
        _history(kitchen, [mother, *neighbours], operator, ctx)

    if not db.session.scalar(sa.select(StandingOrder.id).where(StandingOrder.resident_id == mother.id)):
        services.create_standing_order(daughter, mother, kitchen.id, [0, 1, 2, 3, 4], "lunch", "delivery", 1, "",
                                       "少盐，软烂", ctx.now)
    _publish_week(kitchen, operator, ctx, capacity=40)

    upcoming = services.upcoming_meals(zhenhai.id, ctx.now)
    open_meals = [m for m in upcoming if m.kitchen_id == kitchen.id and m.state(ctx.now) == "open"]
    weekend = [m for m in open_meals if m.served_on.weekday() >= 5 or m.slot == "dinner"]
    if weekend:
        _order_once(daughter, weekend[0], mother, 1, "delivery", "软烂一点", ctx)
    if open_meals:
        _order_once(daughter, open_meals[-1], daughter, 2, "pickup", "", ctx)
    for index, person in enumerate([p for p in ctx.residents["镇海社区"] if p.building_id in kitchen.building_ids][:5]):
        if open_meals:
            meal = open_meals[index % len(open_meals)]
            _order_once(staff, meal, person, 1, "delivery" if index % 2 == 0 else "dine_in",
                        ("少盐", "", "不要葱", "", "软烂")[index], ctx)

    luling = ctx.communities["鹭江道社区"]
    second, created = _kitchen(luling.id, "鹭江老厝食堂", address="鹭江道21号", opening_hours="周一至周六 11:00–13:00",
                               delivers=False, created_at=ctx.now)
    if created:
        db.session.commit()
    _publish_week(second, ctx.users["13900000008"], ctx, capacity=25)
    db.session.commit()


def _order_once(actor: User, meal: Meal, resident: User, quantity: int, way: str, note: str,
                ctx: demo.DemoContext) -> None:
    if db.session.scalar(sa.select(MealOrder.id).where(MealOrder.meal_id == meal.id,
                                                       MealOrder.resident_id == resident.id)):
        return
    if way == "delivery" and not meal.kitchen.delivers_to(resident.building_id):
        way = "pickup"
    services.place_order(actor, meal.id, resident, quantity, way, "", note, f"demo-{meal.id}-{resident.id}", ctx.now)
