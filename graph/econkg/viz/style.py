"""Constants, styles and words of the drawing: how each group looks and what the page says
in English and Chinese. Every other module of the drawing reads these."""

from __future__ import annotations

LARGE = 1500  # more nodes than this: aggregate commodities, lay out in Python, physics off
MAX_TIP_FACTS = 500  # facts carried per node or edge (the hover tooltip shows the first 10,
# a click opens a panel with all of them)
MAX_PATHS = 200  # routes drawn by --between

# Classes are placed in groups by `econkg.readmodel` (from the ontology's class hierarchy);
# each group has a look here.
# group: (colour, vis shape, size, English, Chinese) — in legend order.
GROUP_STYLES: dict[str, tuple[str, str, int, str, str]] = {
    "country": ("#1f4e9c", "dot", 26, "country", "国家"),
    "bloc": ("#3d5f9e", "dot", 22, "bloc or grouping", "国家集团"),
    "region": ("#5b8fd6", "dot", 18, "region", "区域"),
    "province": ("#6f9fe0", "dot", 16, "province", "省份"),
    "city": ("#9cc3ee", "dot", 13, "city or county", "城市或县"),
    "port": ("#0f9fb0", "square", 13, "port or crossing", "口岸"),
    "zone": ("#57b9c4", "square", 12, "zone or park", "园区"),
    "river": ("#4aa3df", "triangleDown", 13, "river", "河流"),
    "corridor": ("#f28e2b", "triangle", 15, "corridor or route", "通道或线路"),
    "commodity": ("#3a9d4a", "diamond", 11, "commodity", "商品"),
    "agreement": ("#d63a3a", "star", 16, "agreement, sanction or policy", "协定、制裁或政策"),
    "organisation": ("#8a5cc2", "hexagon", 13, "organisation", "组织机构"),
    "person": ("#e377c2", "dot", 11, "person", "人物"),
    "platform": ("#8c5a3c", "square", 12, "platform", "平台"),
    "event": ("#c9a400", "star", 13, "event", "事件"),
    "other": ("#8c8c8c", "dot", 10, "other", "其他"),
}

# Label sizes that keep countries and regions legible in views of more than 100 nodes.
# Groups the overview hides until asked for (a tick in the legend, or a double click).
DETAIL_GROUPS = ("commodity", "agreement", "organisation", "person", "platform", "event",
                 "other")
OVERVIEW_MIN = 60  # whole-graph views with more nodes than this open as the overview

MIN_FONT = {"country": 32, "bloc": 24, "region": 20, "province": 20}
# In the overview every place and route gets a label that reads at the default zoom of a
# 1400×900 window (the page then hides those that would overlap a more important one).
OVERVIEW_FONT = {"country": 40, "bloc": 32, "region": 28, "province": 30, "city": 28,
                 "port": 30, "zone": 27, "river": 27, "corridor": 28}
# Which label gives way when two overlap: earlier groups win.
LABEL_PRIORITY = ("country", "bloc", "province", "port", "corridor", "city", "region", "zone",
                  "river", "commodity", "agreement", "organisation", "event", "platform",
                  "person", "other")

# Relations the drawing makes that read the same both ways; the ontology's own symmetric
# properties (owl:SymmetricProperty: tradesWith, adjoins…) join them in `Model.symmetric`.
DRAWN_SYMMETRIC = {"figures"}

# Relations the drawing derives (not ekg: properties of two entities).
DERIVED_RELATIONS = {
    "via": ("via", "经由"),
    "broader": ("broader concept", "上位概念"),
    "figures": ("reported figures", "统计数据"),
}

WORDS = {
    "en": {"via": "via", "commodity": "commodity", "period": "period", "settled": "settled in",
           "avoids": "avoids", "exchange": "in exchange for", "note": "note",
           "uncited": "no citation: entity description", "more": "… and {n} more",
           "id": "id", "aliases": "also called", "iso": "ISO code", "hs": "HS code",
           "coords": "coordinates", "broader": "within", "located": "located in",
           "widest": "trade value (USD) that sets the line width", "flow": "flow",
           "nodes": "nodes", "edges": "edges", "whole": "the whole graph",
           "focus": "within {d} step(s) of {x}", "between": "routes between {a} and {b}",
           "countries": "touching {x}", "in_period": "in {x}", "relations": "relations: {x}",
           "sources": "cited in {x}", "aggregated": "commodities merged into their HS chapter",
           "static": "layout precomputed, physics off", "find": "Find",
           "choose": "— choose an entity —", "legend": "Legend", "close": "Close",
           "click": "… and {n} more: click to see all",
           "width": "line width: trade value in USD (log scale)",
           "hover": "hover a node or line for its facts and citations; click for all",
           "arrows": "arrow: direction of the relation", "title": "econkg network",
           "members": "merged: {x}", "route": "route", "modality": "kind of claim",
           "tab_network": "Network", "tab_map": "Map", "period_ctl": "Period",
           "all_periods": "all periods", "unplaced": "Not on the map",
           "no_coords": "no coordinates", "no_ends": "fewer than two ends with coordinates",
           "flow_dir": "trade in one direction", "flow_both": "two-way trade",
           "map_width": "arc width: the largest trade value in USD for that direction in the "
                        "period shown (other currencies are listed, never drawn)",
           "map_hover": "hover a place, route or arc for its facts and citations; click for "
                        "all and for charts; wheel to zoom, drag to move",
           "dashed": "dashed: a plan, proposal, projection or lack, not a fact",
           "expand": "commodities, agreements, organisations and events: tick to show, or "
                     "double-click a node to open its neighbours",
           "overview": "overview: places and routes"},
    "zh": {"via": "经由", "commodity": "商品", "period": "时期", "settled": "结算方式",
           "avoids": "绕开", "exchange": "交换", "note": "说明",
           "uncited": "无引证：实体描述", "more": "……另有 {n} 条",
           "id": "标识", "aliases": "又称", "iso": "ISO代码", "hs": "HS编码",
           "coords": "坐标", "broader": "属于", "located": "位于",
           "widest": "决定线宽的贸易额（美元）", "flow": "贸易流",
           "nodes": "节点", "edges": "连线", "whole": "全图",
           "focus": "{x} 周围 {d} 步以内", "between": "{a} 与 {b} 之间的路径",
           "countries": "涉及 {x}", "in_period": "时期 {x}", "relations": "关系：{x}",
           "sources": "引自 {x}", "aggregated": "商品合并至HS章",
           "static": "预先布局，物理模拟关闭", "find": "查找",
           "choose": "— 选择实体 —", "legend": "图例", "close": "关闭",
           "click": "……另有 {n} 条：点击查看全部",
           "width": "线宽：贸易额（美元，对数刻度）",
           "hover": "将鼠标移到节点或连线上查看事实与引证，点击查看全部",
           "arrows": "箭头：关系方向", "title": "econkg 关系网络",
           "members": "合并：{x}", "route": "路径", "modality": "陈述性质",
           "tab_network": "关系网络", "tab_map": "地图", "period_ctl": "时期",
           "all_periods": "全部时期", "unplaced": "未在地图上",
           "no_coords": "无坐标", "no_ends": "有坐标的端点少于两个",
           "flow_dir": "单向贸易", "flow_both": "双向贸易",
           "map_width": "弧线宽度：所示时期内该方向最大的美元贸易额（其他货币只列出，不绘制）",
           "map_hover": "将鼠标移到地点、线路或弧线上查看事实与引证；点击查看全部及图表；"
                        "滚轮缩放，拖动平移",
           "dashed": "虚线：计划、建议、预测或缺失，而非事实",
           "expand": "商品、协定、组织与事件：勾选显示，或双击节点展开其相邻节点",
           "overview": "概览：地点与线路"},
}


class VizError(ValueError):
    """A view that cannot be drawn: an unknown entity, relation or source, or no route."""



def _lang(lang: str) -> str:
    if lang not in WORDS:
        raise VizError(f"unknown language {lang!r}; use en or zh")
    return lang
