"""How much bench data, the logins it makes, and the words it draws names, menus and findings from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

BENCH_PASSWORD = "bench-pass-2024"
BENCH_PHONES = {  # logins in the first community, used by bench/ and tests/bench/
    "staff": "13800000001",
    "resident": "13800000002",
    "volunteer": "13800000003",
    "patroller": "13800000004",
    "officer": "13800000005",
    "operator": "13800000006",
    "orderer": "13800000007",  # places orders in the throughput run (under 65: no subsidy limit)
    "admin": "13800000009",
}


@dataclass(frozen=True)
class Scale:
    communities: int
    residents: int  # in all communities together
    orders: int
    requests: int
    shifts: int
    findings: int
    history_days: int = 365

    def per_community(self, total: int) -> int:
        return max(1, round(total / self.communities))


SCALES = {
    # one community as dense as an average community of the district
    "small": Scale(communities=1, residents=3_060, orders=10_200, requests=1_020, shifts=2_040, findings=510),
    "district": Scale(communities=98, residents=300_000, orders=1_000_000, requests=100_000, shifts=200_000,
                      findings=50_000),
}

STREETS = ["中华街道", "鹭江街道", "厦港街道", "滨海街道", "梧村街道", "开元街道", "筼筜街道", "嘉莲街道",
           "莲前街道", "鼓浪屿街道"]
PLACE_NAMES = ["镇海", "中华", "鹭江道", "大同", "深田", "东港", "槟榔", "大元", "养真宫", "升平", "水仙", "开元",
               "横竹", "文园", "公园南", "湖滨北", "莲岳", "厦港", "沙坡尾", "演武", "曾厝垵", "黄厝", "前埔",
               "莲前", "瑞景", "嘉莲", "莲花", "梧村", "金榜", "筼筜", "松柏", "江头", "滨海", "龙头", "内厝澳",
               "泉州路", "福州路", "中山", "思明南", "思明北", "民族路", "鸿山", "鹭潮", "巡司顶", "营平", "局口",
               "定安", "海后", "溪岸", "石泉", "镇邦", "仁安", "碧山", "蓼花", "公园东", "新华", "百家村", "育秀",
               "东坪山", "洪文", "何厝", "岭兜", "西林", "观音山", "南华", "厦禾", "凤凰山", "湖明"]
ROADS = ["镇海路", "打铁巷", "大元路", "养真宫巷", "中山路", "大同路", "思明南路", "升平路", "水仙路", "开元路"]
ALLEY_NAMES = ["打铁巷", "养真宫巷", "磁街", "局口街", "桂花巷", "港仔口巷", "寮仔后", "小走马路", "霞溪仔", "竹仔巷"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["秀英", "桂英", "建国", "国华", "丽华", "志强", "美玲", "海燕", "文彬", "淑芬", "金水", "阿水", "宝珠",
         "明辉", "雅婷", "春生", "玉兰", "清泉", "火旺", "素梅", "振华", "慧敏", "家豪", "月娥", "阿娇", "乌番"]
MEATS = ["红烧肉", "姜母鸭", "土笋冻", "卤肉", "清蒸鱼", "炸五香", "沙茶焖鸭", "香菇鸡", "海蛎煎", "糖醋排骨"]
VEGETABLES = ["清炒地瓜叶", "蒜蓉空心菜", "炒包菜", "番茄炒蛋", "芹菜豆干", "清炒芥蓝", "炒豆芽", "冬瓜"]
SOUPS = ["紫菜蛋花汤", "冬瓜排骨汤", "花生汤", "海带汤", "萝卜汤", "鱼丸汤", "莲子汤"]
NOTES = ["", "", "", "", "少盐", "软烂", "不要辣", "少油", "米饭多一点"]
SKILLS = ["水电维修", "家电维修", "理发", "陪诊", "代购", "手机电脑", "陪伴聊天", "搬运重物"]
REQUEST_TITLES = {"水电维修": "水龙头漏水", "家电维修": "电饭煲坏了", "理发": "想理个头发", "陪诊": "陪我去第一医院复诊",
                  "代购": "帮忙买药", "手机电脑": "教我用微信视频", "陪伴聊天": "想找人说说话", "搬运重物": "搬一袋米上楼"}
CATEGORIES = ["obstruction", "sanitation", "street_vending", "hazard", "facility", "other"]
CATEGORY_WEIGHTS = [30, 30, 15, 10, 10, 5]
CATEGORY_DEPARTMENT = {"obstruction": "城管", "sanitation": "环卫", "street_vending": "市场监管", "hazard": "城管",
                       "facility": "城管", "other": "城管"}
DEPARTMENTS = ("城管", "市场监管", "环卫")
FINDING_TEXTS = {"obstruction": "电动车堵住巷口", "sanitation": "路面油腻，有垃圾", "street_vending": "巷内流动摊贩",
                 "hazard": "电线垂落", "facility": "路灯不亮", "other": "井盖松动有响声"}
# (weekdays, starts, ends, needs) for each alley
PATROL_RULES = [("01234", time(7, 0), time(8, 0), {"volunteer": 2, "城管": 1}),
                ("0123456", time(19, 0), time(20, 0), {"volunteer": 2}),
                ("5", time(9, 0), time(10, 30), {"volunteer": 3, "环卫": 1})]


class BenchDataRefused(RuntimeError):
    pass
