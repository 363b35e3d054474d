#!/usr/bin/env python3
"""Generate a synthetic wxpress site for benchmarks.

    python3 benches/gen_site.py N OUTDIR [--seed S] [--warnings K [--fixed]] [--force]

Writes into OUTDIR:
  config.toml                       three columns (tech, career, life), theme "default"
  templates/partials/header-tech.html   the tech column's header (as in the example site)
  content/<column>/post-XXXXX.md    N posts, TOML front matter, ~2,000 characters each
  static/covers/<column>.png        shared 2.35:1 covers (real PNG files)
  static/img-K.png                  a few body images, referenced as /static/img-K.png

The posts are built from a vocabulary of varied Chinese sentences, so every post
is different, and written to pass wxpress's default editorial checks (title width
<= 14, summary <= 80 characters, spacing between CJK and Latin, full-width
punctuation, no absolute or induced-sharing words). Each post has h2/h3 headings,
a three-level nested list, an ordered list, one fenced code block (the language
rotates), one table, external links, an mp.weixin.qq.com link, bold and italic
text (including CJK emphasis edge cases) and one local image.

`--warnings K` adds a paragraph of K writing slips to every post, each one
`punctuation` warning (a half-width comma between Chinese clauses); with
`--fixed` the same sentences are written correctly. The two sites time a build
that finds many warnings against one that finds none, on the same text.

Output is deterministic for a given N and seed. Standard library only. The site
uses wxpress's built-in default theme; it needs no themes/ folder.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import struct
import sys
import zlib

COLUMNS = [
    ("tech", "技术笔记"),
    ("career", "职场成长"),
    ("life", "生活方式"),
]

TOPICS = {
    "tech": ["缓存", "日志", "单元测试", "接口设计", "数据库索引", "错误处理", "配置管理",
             "持续集成", "代码评审", "性能分析", "依赖升级", "命令行工具", "异步任务",
             "监控告警", "发布流程"],
    "career": ["周报", "复盘", "会议", "沟通", "时间管理", "目标拆解", "向上汇报",
               "跨部门协作", "面试", "带新人", "职业规划", "远程办公", "述职", "反馈",
               "学习计划"],
    "life": ["手冲咖啡", "城市漫步", "早起", "阅读", "收纳", "跑步", "做饭", "旅行",
             "摄影", "养花", "露营", "骑行", "喝茶", "记账", "睡眠"],
}

AUTHORS = ["林舟", "许言", "苏禾", "周野", "陈悦", "李想"]

# Title patterns; {t} is the topic (at most 5 characters), {n} a small number.
# Every pattern stays within a display width of 14 for every topic.
TITLES = [
    "{t}的几个细节", "重新认识{t}", "{t}入门笔记", "关于{t}的思考", "{t}踩坑记录",
    "我的{t}清单", "{t}实践小结", "{t}的 {n} 个要点", "{t}：从零开始", "{t}这一年",
    "{t}里的小习惯", "写给新手的{t}",
]

SUMMARIES = [
    "这篇文章围绕{t}展开，整理了 {n} 条在实践中反复验证过的做法，以及几个容易被忽略的细节。",
    "{t}看似简单，真正做好却需要耐心。记录我这段时间的尝试、踩过的坑和仍在坚持的习惯。",
    "从准备、执行到复盘，用一张表格和一份清单，把{t}拆成可以照着做的几个步骤。",
    "关于{t}，网上的说法很多。这里只写我亲自试过、确实有效的方法，供你参考。",
]

# Generic sentences: they fit every column. {t} topic, {n} number, {b} book.
SENTENCES = [
    "很多人第一次接触{t}时，都会觉得它比想象中复杂。",
    "其实{t}并没有那么神秘，关键在于找到适合自己的节奏。",
    "我在这件事上走过不少弯路，下面这些经验都是在反复试错中积累下来的。",
    "刚开始的时候，我把注意力都放在细枝末节上，反而忽略了整体的方向。",
    "后来我意识到，与其追求一步到位，不如先把基础打牢。",
    "在{t}这件事上，记录比记忆可靠得多。",
    "每次遇到问题，我都会先写下当时的情况，再去寻找原因。",
    "这样积累一段时间之后，很多看似偶然的问题，其实都有规律可循。",
    "有一位前辈说过，真正的进步来自持续的小改进，而不是偶尔的大动作。",
    "这句话我一开始并不理解，直到自己坚持了几个月才有所体会。",
    "关于{t}，网上的说法很多，彼此之间还经常矛盾。",
    "我的建议是先选一种做法坚持下去，等有了自己的判断，再去比较其他方案。",
    "工具只是辅助，真正决定效果的，是使用工具的人有没有想清楚目标。",
    "如果目标本身是模糊的，再好的方法也很难发挥作用。",
    "把大问题拆成小问题，是我在{t}上学到的重要一课。",
    "每个小问题都有明确的完成标准，做起来就不容易拖延。",
    "当然，拆分也要适度，拆得太碎，反而会增加协调的成本。",
    "这里有一个容易被忽略的细节：开始之前，先确认自己到底要解决什么问题。",
    "很多时候，我们以为自己在解决问题，其实只是在处理症状。",
    "换一个角度看，{t}也是一种与自己对话的方式。",
    "它逼着你停下来，认真想一想哪些事情真正重要。",
    "我身边有不少朋友在这方面做得比我好，他们的共同点是耐心。",
    "耐心不是被动地等待，而是在没有即时反馈的时候，依然按计划行动。",
    "刚开始的几周，效果通常不明显。",
    "但只要方向是对的，时间会给出答案。",
    "回头翻看半年前的笔记，我能清楚地看到自己的变化。",
    "这种变化很难在某一天察觉，却会在某个时刻突然显现出来。",
    "有人问我，{t}有没有捷径可走。",
    "我的回答是，捷径通常藏在基本功里。",
    "那些看起来轻松的人，背后都花了大量时间练习。",
    "另外，环境的影响也不可小看。",
    "和一群志同道合的人一起做事，比一个人苦撑要容易坚持。",
    "所以，如果身边有合适的伙伴，不妨邀请他们一起参与。",
    "这里想提醒一句：不要因为一次失败就否定整个方法。",
    "失败本身也是信息，它告诉你哪里还需要调整。",
    "每一次调整，都让下一次的尝试更有把握。",
    "说到底，{t}没有标准答案，适合自己的就是好方法。",
    "在实际操作中，我会给自己留出一些余量，以应对计划之外的变化。",
    "计划写得再细，也总会遇到意外，余量就是为意外准备的缓冲。",
    "与其在开始前追求周全，不如边做边修正。",
    "复盘的时候，我习惯问自己三个问题：哪些做对了，哪些可以改进，下次要试什么。",
    "这三个问题看似简单，却能帮我把零散的经验变成可以复用的方法。",
    "时间久了，这些方法会逐渐沉淀成自己的习惯。",
    "习惯一旦养成，很多事情就不再需要意志力去推动。",
    "我也曾怀疑过这样做是否值得，毕竟投入的时间不少。",
    "但当我把前后的状态放在一起比较，答案就很清楚了。",
    "不同阶段关心的重点不一样，没有必要一开始就照顾到所有方面。",
    "先解决眼前的主要矛盾，其他问题可以留到后面再处理。",
    "有时候，停下来休息一下，反而能让思路更清晰。",
    "疲惫的时候硬撑，做出来的东西质量通常不高。",
    "我给自己定了一个小目标：每周抽出 {n} 个小时，专门留给{t}。",
    "坚持了 {n} 周之后，变化开始显现出来。",
    "这份清单前后改了 {n} 次，每一次都是因为实际情况和预想不同。",
    "读完**《{b}》**和几篇相关的文章之后，我对{t}有了新的认识。",
    "朋友说的**“慢一点”**后来成了我的座右铭。",
    "**{t}不是一次性的任务**，而是需要持续投入的习惯。",
    "我现在更看重的是*可持续*，而不是短期内的突击。",
    "这里要特别强调一点：**先想清楚，再动手**。",
    "这是*我自己的做法*，未必适合每个人。",
]

COLUMN_SENTENCES = {
    "tech": [
        "在代码层面，我倾向于先写出能工作的版本，再逐步重构。",
        "测试覆盖了关键路径之后，改动代码时心里就有底了。",
        "线上问题的排查，很大程度上依赖于平时留下的日志。",
        "一个清晰的错误信息，能为排查问题节省大量时间。",
        "依赖越多，升级和维护的负担就越重。",
        "自动化脚本写一次，可以在之后的几百次操作中节省时间。",
        "在团队里推广新工具之前，我会先在自己的项目里试用一段时间。",
        "文档和代码放在同一个仓库里，更新时就不容易遗漏。",
        "性能优化之前先测量，凭直觉优化的结果通常适得其反。",
        "接口一旦公开，修改的成本就会成倍增加。",
        "用 Git 管理配置文件之后，每一次改动都有据可查。",
        "把构建步骤写进 CI 脚本，新同事第一次提交代码也不会手忙脚乱。",
    ],
    "career": [
        "在工作中，清楚地表达比埋头苦干更容易被看见。",
        "每次会议结束前，我都会确认结论、负责人和截止时间。",
        "向上汇报时，先说结论，再讲过程，然后提出需要的支持。",
        "跨部门合作的难点，通常不在技术，而在于对目标的理解不一致。",
        "给别人反馈的时候，对事不对人，具体比笼统更有帮助。",
        "带新人时，我会先让他们完成一个小而完整的任务。",
        "职业发展不是一条直线，偶尔的停顿和转向都很正常。",
        "学会拒绝不重要的请求，才能把精力留给重要的事情。",
        "把经验写成文档，是帮助团队，也是帮助自己。",
        "一份好的复盘，重点是找到可以改进的流程，而不是追究个人责任。",
        "每个季度和上级做一次 1 对 1 沟通，能及早发现双方期望上的偏差。",
        "OKR 写得再漂亮，没有每周的跟进也只是一张表格。",
    ],
    "life": [
        "周末的早晨，我喜欢给自己留一段不看手机的时间。",
        "生活里的小仪式，能让平淡的日子多一点期待。",
        "出门之前看一眼天气，能避免很多不必要的麻烦。",
        "家里的东西少一些，打扫起来就轻松很多。",
        "季节变化的时候，我会顺便整理一遍衣柜和书架。",
        "和朋友一起做饭，比在外面吃饭更能聊得尽兴。",
        "旅行中印象深刻的，通常不是景点，而是路上遇到的人。",
        "睡前半小时放下手机，入睡会容易不少。",
        "记录每天的开销，坚持一个月就能看清钱花在了哪里。",
        "在阳台种几盆花草，每天浇水的时候心情都会变好。",
        "我用一个 A5 大小的本子记录生活里的小事，已经写满了三本。",
        "每天步行 6 千步左右，身体的状态明显比以前轻松。",
    ],
}

BOOKS = ["人月神话", "刻意练习", "原子习惯", "深度工作", "金字塔原理", "番茄工作法图解"]

HEADINGS = [
    "为什么要重视{t}", "我踩过的几个坑", "一个可行的流程", "工具与方法", "需要避开的误区",
    "坚持下来的关键", "从小处开始", "一些具体的做法", "回头看这段经历", "和别人交流之后",
]

SUBHEADINGS = ["准备阶段", "执行阶段", "复盘阶段", "常见问题", "几点补充"]

LIST_TOP = ["开始之前", "进行之中", "结束之后"]
LIST_MID = ["明确目标和完成标准", "列出需要的资源", "预估所需的时间", "按优先级排序",
            "记录遇到的问题", "定期检查进度", "整理经验和教训", "更新清单和模板",
            "和相关的人同步结果"]
LIST_LOW = ["写在随手可见的地方", "每周回顾一次", "控制在三条以内", "用具体的数字描述",
            "留出一些余量", "遇到变化及时调整"]
STEPS = ["写下这次要解决的问题", "挑出其中一件先做", "做完立刻记录结果",
         "隔一周回头检查效果", "把有效的做法写进清单"]

TABLE_ROWS = [
    ("准备", "明确范围", "列出清单", "半天", "越早越省事"),
    ("试行", "验证想法", "小范围尝试", "一周", "记录每次的结果"),
    ("推广", "形成习惯", "固定时间执行", "一个月", "允许偶尔中断"),
    ("复盘", "总结经验", "对照目标检查", "一小时", "结论要写下来"),
    ("调整", "修正偏差", "只改一个变量", "两周", "对比前后差异"),
]

LINKS = [
    ("Rust 官网", "https://www.rust-lang.org"),
    ("Python 文档", "https://docs.python.org/3/"),
    ("MDN 文档", "https://developer.mozilla.org/zh-CN/"),
    ("Bash 手册", "https://www.gnu.org/software/bash/manual/"),
    ("TOML 规范", "https://toml.io/cn/"),
    ("CommonMark 规范", "https://spec.commonmark.org/"),
    ("Git 文档", "https://git-scm.com/doc"),
]

CODE = [
    ("rust", """fn main() {{
    let items = vec![{n}, 3, 7];
    for (i, item) in items.iter().enumerate() {{
        if *item > 3 {{
            println!("item {{}} = {{}}", i, item);
        }}
    }}
}}"""),
    ("python", """def summarize(records, limit={n}):
    counts = {{}}
    for record in records:
        key = record.get("tag", "other")
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:limit]"""),
    ("bash", """#!/usr/bin/env bash
set -euo pipefail
for file in notes/*.md; do
    if grep -q "TODO" "$file"; then
        echo "pending: $file"
    fi
done | head -n {n}"""),
    ("json", """{{
  "name": "weekly-plan",
  "limit": {n},
  "items": [
    {{ "title": "review", "done": true }},
    {{ "title": "write", "done": false }}
  ]
}}"""),
    ("toml", """[plan]
name = "weekly-plan"
limit = {n}

[plan.reminder]
weekday = "friday"
time = "18:00\""""),
    ("yaml", """plan:
  name: weekly-plan
  limit: {n}
  steps:
    - review
    - write"""),
]

MP_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

N_IMAGES = 6


# ---------------------------------------------------------------- PNG writer

def png_bytes(width, height, rows):
    """Encode RGB rows (each `width * 3` bytes) as a PNG file."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def picture(width, height, top, bottom, accent, seed):
    """A vertical gradient with a soft circle and a bar: simple, intentional."""
    rng = random.Random(seed)
    cx = rng.randint(width // 4, width * 3 // 4)
    cy = rng.randint(height // 3, height * 2 // 3)
    radius = min(width, height) // rng.randint(4, 6)
    bar_top, bar_bottom = height * 4 // 5, height * 4 // 5 + max(4, height // 30)
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        color = bytes(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3))
        row = bytearray(color * width)
        dy = y - cy
        if abs(dy) < radius:
            half = int((radius * radius - dy * dy) ** 0.5)
            x0, x1 = max(0, cx - half), min(width, cx + half)
            row[x0 * 3:x1 * 3] = bytes(accent) * (x1 - x0)
        if bar_top <= y < bar_bottom:
            x0, x1 = width // 10, width * 9 // 10
            row[x0 * 3:x1 * 3] = b"\xff\xff\xff" * (x1 - x0)
        rows.append(row)
    return png_bytes(width, height, rows)


PALETTES = [
    ((24, 62, 120), (30, 150, 170), (240, 200, 80)),
    ((120, 50, 30), (225, 140, 60), (255, 235, 200)),
    ((40, 110, 70), (150, 200, 120), (250, 245, 220)),
    ((60, 35, 25), (180, 130, 90), (240, 220, 190)),
    ((40, 40, 90), (120, 90, 190), (230, 225, 255)),
    ((30, 60, 110), (240, 200, 70), (255, 255, 255)),
]


# ---------------------------------------------------------------- text

def number(rng):
    return rng.randint(2, 9)


def fill(template, topic, rng):
    return template.format(t=topic, n=number(rng), b=rng.choice(BOOKS))


def paragraph(pool, topic, rng, count):
    return "".join(fill(pool.pop(), topic, rng) for _ in range(min(count, len(pool))))


# Slips real writers make, one `punctuation` warning each: a half-width comma
# between two Chinese clauses.
SLIPS = [
    "第{k}处改完了,接下来看测试。",
    "这一版先上线,问题留到下周。",
    "数据已经备份好了,可以放心操作。",
    "会议记录整理完毕,请大家查收。",
]


def post(index, column, rng, start, warnings=0, fixed=False):
    topic = rng.choice(TOPICS[column])
    title = fill(rng.choice(TITLES), topic, rng)
    summary = fill(rng.choice(SUMMARIES), topic, rng)
    day, position = divmod(index, len(COLUMNS))
    when = start + dt.timedelta(days=day)
    author = rng.choice(AUTHORS)

    pool = SENTENCES + COLUMN_SENTENCES[column]
    pool = pool[:]
    rng.shuffle(pool)
    headings = rng.sample(HEADINGS, 3)
    sub = rng.sample(SUBHEADINGS, 2)
    lang, code = CODE[index % len(CODE)]
    link_a, link_b = rng.sample(LINKS, 2)
    mp_id = "".join(rng.choice(MP_CHARS) for _ in range(22))
    image = index % N_IMAGES
    rows = rng.sample(TABLE_ROWS, 4)

    out = []
    w = out.append
    w("+++\n")
    w(f'title = "{title}"\n')
    w(f'summary = "{summary}"\n')
    w(f'cover = "/static/covers/{column}.png"\n')
    w(f'column = "{column}"\n')
    w(f'schedule = "{when.isoformat()}"\n')
    w(f"position = {position + 1}\n")
    w(f'author = "{author}"\n')
    w("+++\n\n")

    w(paragraph(pool, topic, rng, 5) + "\n\n")
    w(paragraph(pool, topic, rng, 4) + "\n\n")

    w(f"## {fill(headings[0], topic, rng)}\n\n")
    w(paragraph(pool, topic, rng, 5) + "\n\n")
    for top in LIST_TOP:
        w(f"- {top}\n")
        lows = rng.sample(LIST_LOW, 2)
        for mid, low in zip(rng.sample(LIST_MID, 2), lows):
            w(f"  - {mid}\n")
            w(f"    - {low}\n")
    w("\n")
    w(paragraph(pool, topic, rng, 4) + "\n\n")

    w(f"## {fill(headings[1], topic, rng)}\n\n")
    w(f"### {sub[0]}\n\n")
    w(paragraph(pool, topic, rng, 4))
    w(f"更多背景可以参考 [{link_a[0]}]({link_a[1]}) 和 [{link_b[0]}]({link_b[1]}) 的说明。\n\n")
    w(f"```{lang}\n{code.format(n=number(rng))}\n```\n\n")
    w(f"### {sub[1]}\n\n")
    w(paragraph(pool, topic, rng, 4) + "\n\n")
    skip = rng.randrange(len(STEPS))
    for i, step in enumerate((s for k, s in enumerate(STEPS) if k != skip), 1):
        w(f"{i}. {step}\n")
    w("\n")

    w(f"## {fill(headings[2], topic, rng)}\n\n")
    w(paragraph(pool, topic, rng, 3) + "\n\n")
    w("| 阶段 | 目标 | 做法 | 时间 | 备注 |\n| --- | --- | --- | --- | --- |\n")
    for r in rows:
        w("| " + " | ".join(r) + " |\n")
    w("\n")
    w(paragraph(pool, topic, rng, 4) + "\n\n")
    w(f"![{topic}示意图](/static/img-{image}.png)\n\n")
    w(paragraph(pool, topic, rng, 4) + "\n\n")

    if warnings:
        slips = "".join(SLIPS[k % len(SLIPS)].format(k=k + 1) for k in range(warnings))
        w((slips.replace(",", "，") if fixed else slips) + "\n\n")

    w("## 写在最后\n\n")
    w(paragraph(pool, topic, rng, 4))
    w(f"之前那篇 [{topic}的入门笔记](https://mp.weixin.qq.com/s/{mp_id}) 也可以搭配着看。\n")
    return "".join(out)


CONFIG = """# Synthetic wxpress site generated by benches/gen_site.py ({n} posts, seed {seed}).

[site]
name = "基准测试站点"
timezone = "Asia/Shanghai"
theme = "default"
author = "基准测试"

[[columns]]
name = "技术笔记"
slug = "tech"
header = "header-tech.html"
footer = "footer.html"
cover = "/static/covers/tech.png"

[[columns]]
name = "职场成长"
slug = "career"
footer = "footer.html"
cover = "/static/covers/career.png"

[[columns]]
name = "生活方式"
slug = "life"
footer = "footer.html"
cover = "/static/covers/life.png"

# Reserved.
[check]

# Reserved.
[wechat]
appid = "wx0000000000000000"
mode = "draft"
"""

# The tech column's header partial, the same as the example site's.
HEADER_TECH = """<section class="column-header">
<p class="column-header-text">技术笔记 · 每周一篇，把复杂的事讲清楚</p>
</section>
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic wxpress site.")
    ap.add_argument("n", type=int, help="number of posts")
    ap.add_argument("outdir", help="directory to write the site into")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--warnings", type=int, default=0,
                    help="add this many `punctuation` warnings to every post (default 0)")
    ap.add_argument("--fixed", action="store_true",
                    help="with --warnings: the same sentences written correctly (no warnings)")
    ap.add_argument("--force", action="store_true",
                    help="replace OUTDIR/content and OUTDIR/static if they exist")
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("N must be >= 0")

    out = args.outdir
    for sub in ("content", "static"):
        path = os.path.join(out, sub)
        if os.path.exists(path):
            if not args.force:
                ap.error(f"{path} already exists; pass --force to replace it")
            shutil.rmtree(path)
    os.makedirs(out, exist_ok=True)

    with open(os.path.join(out, "config.toml"), "w", encoding="utf-8") as f:
        f.write(CONFIG.format(n=args.n, seed=args.seed))
    partials = os.path.join(out, "templates", "partials")
    os.makedirs(partials, exist_ok=True)
    with open(os.path.join(partials, "header-tech.html"), "w", encoding="utf-8") as f:
        f.write(HEADER_TECH)

    static = os.path.join(out, "static")
    os.makedirs(os.path.join(static, "covers"))
    for i, (slug, _) in enumerate(COLUMNS):
        top, bottom, accent = PALETTES[i]
        with open(os.path.join(static, "covers", f"{slug}.png"), "wb") as f:
            f.write(picture(470, 200, top, bottom, accent, args.seed * 100 + i))
    for k in range(N_IMAGES):
        top, bottom, accent = PALETTES[k % len(PALETTES)]
        with open(os.path.join(static, f"img-{k}.png"), "wb") as f:
            f.write(picture(480, 270, top, bottom, accent, args.seed * 1000 + k))

    for slug, _ in COLUMNS:
        os.makedirs(os.path.join(out, "content", slug))
    rng = random.Random(args.seed)
    tz = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(2027, 1, 1, 20, 0, 0, tzinfo=tz)
    width = max(5, len(str(args.n)))
    for i in range(args.n):
        column = COLUMNS[i % len(COLUMNS)][0]
        text = post(i, column, rng, start, args.warnings, args.fixed)
        name = f"post-{i:0{width}d}.md"
        with open(os.path.join(out, "content", column, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"wrote {args.n} posts to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
