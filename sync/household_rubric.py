"""The default household rubric (domain.md, "Households, points and stars"): what village
cadres check at every household. It ships with the product as the first rubric version
whose subject is `household`, numbered after the versions that exist when it is installed
(migration 0013; server.admin.rubrics.install_household_rubric), so it has no number
here. Treat it as read-only: admins change it by copying it into a draft."""
from .rubric import EACH, ONCE, VETO, _criterion, _item
from .states import HOUSEHOLD_SUBJECT


DEFAULT_HOUSEHOLD_RUBRIC = {
    "subject": HOUSEHOLD_SUBJECT,
    "criteria": [
        _criterion("yard", 25, "院落整洁", "Tidy yard", [
            _item("yard_clutter", 2, EACH, "杂物乱堆乱放", "Clutter piled up"),
            _item("livestock_loose", 3, EACH, "畜禽散养、粪便未清",
                  "Livestock roaming, droppings not cleared"),
            _item("yard_dirty", 5, ONCE, "院坝脏乱、有积水", "Yard dirty or waterlogged"),
        ]),
        _criterion("rooms", 15, "居室整洁", "Tidy rooms", [
            _item("rooms_dirty", 5, ONCE, "室内脏乱、物品摆放无序",
                  "Rooms dirty and untidy"),
            _item("bedding", 3, ONCE, "床铺被褥不整洁", "Beds and bedding untidy"),
            _item("walls", 2, EACH, "墙面门窗积灰破损",
                  "Walls, doors or windows dusty or damaged"),
        ]),
        _criterion("kitchen", 15, "厨房卫生", "Clean kitchen", [
            _item("stove_dirty", 5, ONCE, "灶台油污、餐具未洗",
                  "Greasy stove, dishes unwashed"),
            _item("food_uncovered", 3, ONCE, "食物未遮盖、生熟不分",
                  "Food uncovered, raw and cooked not kept apart"),
            _item("kitchen_waste", 2, EACH, "厨余垃圾未入桶", "Kitchen waste not in a bin"),
        ]),
        _criterion("toilet", 20, "厕所卫生", "Clean toilet", [
            _item("toilet_dirty", 5, ONCE, "便器脏、有异味", "Toilet dirty or smelly"),
            _item("no_flush", 5, ONCE, "无冲水或粪污外溢", "No flushing, or sewage overflowing"),
            _item("not_converted", 10, ONCE, "未完成卫生厕所改造",
                  "Not converted to a sanitary toilet"),
        ]),
        _criterion("frontage", 15, "门前三包", "Frontage duties", [
            _item("front_litter", 2, EACH, "门前垃圾未清扫", "Litter in front not swept"),
            _item("front_stacking", 3, EACH, "门前乱堆柴草建材",
                  "Firewood or materials stacked in front"),
            _item("unsorted", 3, ONCE, "垃圾未分类投放", "Waste not sorted"),
        ]),
        _criterion("conduct", 10, "文明家风", "Civil conduct", [
            _item("burning", 0, VETO, "焚烧垃圾或秸秆", "Burning waste or straw"),
            _item("illegal_building", 0, VETO, "乱搭乱建", "Illegal building"),
            _item("no_cleanup", 5, ONCE, "不参加村组集体清扫",
                  "Not joining the group's clean-ups"),
        ]),
    ],
}
