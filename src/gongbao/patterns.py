"""Every regular expression gongbao uses, in one place.

Each pattern is named, commented and shows an example of what it matches. Patterns are written against
*repaired* text (see :mod:`gongbao.text.repair`) unless the comment says "raw".
"""

from __future__ import annotations

import re

# --- character classes -------------------------------------------------------------------------------

CJK = r"\u3400-\u9fff\uf900-\ufaff"
#: Chinese numerals, including the 〇/零 used in dates and 两 used in durations ("两年").
CN_DIGITS = "〇零一二三四五六七八九十百千两"
#: Sentence-final punctuation: a line ending in one of these ends a paragraph.
TERMINAL_PUNCT = "。！？；：!?;:…"
#: Punctuation that cannot end a paragraph: a line ending with one continues on the next.
OPEN_PUNCT = "，、（(《〈“‘〔[【—-"

# --- 文号 (document numbers) ---------------------------------------------------------------------------

#: Opening / closing year brackets seen in the wild: 〔2023〕 [2023] （2023） (2023) 【2023】 ［2023］.
YEAR_OPEN = "〔[（(【［"
YEAR_CLOSE = "〕]）)】］"

#: A 文号 anywhere in a line: 机关代字 + 〔年份〕 + 序号 + 号.  "平政办发〔2023〕39号", "晋政发 [2022] 22 号",
#: "长土防办（2020）3号".  The prefix is 1–12 CJK characters (optionally with a letter, "晋市农发").
DOC_NO = re.compile(
    rf"(?P<prefix>[{CJK}A-Za-z]{{1,12}}?)\s*[{re.escape(YEAR_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*"
    rf"[{re.escape(YEAR_CLOSE)}]\s*第?\s*(?P<serial>\d{{1,5}})\s*号"
)
#: A line that is nothing but a 文号, maybe in brackets or with its 签发人: "平政发〔2023〕58 号",
#: "（平政办发〔2023〕39号）", "晋政发〔2022〕22号　　签发人：张三".
DOC_NO_LINE = re.compile(
    rf"^\s*[（(]?\s*{DOC_NO.pattern}\s*[）)]?\s*(?:签\s*发\s*人\s*[:：]\s*[{CJK}]{{2,4}}(?:[\s、，,]+[{CJK}]{{2,4}})*)?\s*$"
)
#: 文号 written without brackets, e.g. typed in a search box: "平政办发 2023 39号".
DOC_NO_LOOSE = re.compile(
    rf"^\s*(?P<prefix>[{CJK}]{{1,12}}?)\s*(?P<year>(?:19|20)\d\d)\s*年?\s*(?P<serial>\d{{1,5}})\s*号?\s*$"
)
#: An order number with no year: "国务院令第394号", "山西省人民政府令第256号", "建设部令第3号".
ORDER_NO = re.compile(rf"(?P<prefix>[{CJK}]{{1,12}}?令)\s*第\s*(?P<serial>\d{{1,5}})\s*号")
#: Characters never found in a 机关代字 but often just before one: "根据运政办发〔…〕", "见平办函〔…〕".
NOT_IN_PREFIX = "的见据照按和及与即为是在将对由向经了件号等或并"
#: A technical standard: "GB 31221—2014", "GB/T 9704-2012", "DB14/726-2019", "HJ633-2012", "WS/T793-2022".
STANDARD = re.compile(
    r"(?<![A-Za-z])(?P<code>(?:GB|DB|HJ|JGJ|CJJ|SL|DL|NY|LY|QX|AQ|WS|JT|CJ|GA|MZ|YY|TB|JJG|GBZ)(?:\s*/\s*[TZ])?)"
    r"\s*/?\s*(?P<num>\d{1,5}(?:[./]\d{1,5})*)\s*[—–\-－]\s*(?P<year>(?:19|20)\d\d)(?!\d)"
)

# --- dates -------------------------------------------------------------------------------------------

#: The text of a date in Arabic digits, without groups: "2023年10月12日", "2023 年 10 月 12 日".
DATE_TEXT = r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
#: The text of a date in Chinese numerals, without groups: "二〇二三年十月十二日".
DATE_CN_TEXT = rf"[〇零一二三四五六七八九]{{4}}\s*年\s*[{CN_DIGITS}]{{1,3}}\s*月\s*[{CN_DIGITS}]{{1,3}}\s*日"
#: A date with its parts: "2023年10月12日" → y=2023 m=10 d=12.
DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
#: A Chinese-numeral date with its parts: "二〇二三年十月十二日".
DATE_CN = re.compile(
    rf"(?P<y>[〇零一二三四五六七八九]{{4}})\s*年\s*(?P<m>[{CN_DIGITS}]{{1,3}})\s*月\s*(?P<d>[{CN_DIGITS}]{{1,3}})\s*日"
)
#: A line that is only a date (the 成文日期 under a signature): "2023年2月7日".
DATE_LINE = re.compile(rf"^\s*(?:{DATE_TEXT}|{DATE_CN_TEXT})\s*$")
#: A stated period of force: "2023年10月1日至2024年5月31日".
DATE_RANGE = re.compile(rf"(?P<start>{DATE_TEXT})\s*(?:至|到|—|－|-|~|～)\s*(?P<end>{DATE_TEXT})")
#: A publication date in a masthead: "出版日期：2023年12月30日", "2022 年 9 月 29 日出版".
PUBLISHED = re.compile(rf"出版日期[:：]?\s*(?P<date>{DATE_TEXT})|(?P<date2>{DATE_TEXT})\s*出版")

# --- page furniture (raw lines) ----------------------------------------------------------------------

#: A page-number footer: "—— 21", "- 21 -", "— 3 —", "·12·", "第 5 页", "3/12".
PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-·•]{1,2}\s*\d{1,4}\s*[—–\-·•]{0,2}|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
#: A separator printed between documents or under a 版头: "★", "———————", "* * *".
SEPARATOR = re.compile(r"^[\s★☆●○◆◇■□▲△※*—–\-_=~·•]+$")
#: A running header naming the gazette: "1 / 2023 平顺县人民政府公报县政府文件",
#: "3 / 2023 平顺县人民政府公报 县政府办公室文件".
RUNNING_HEADER = re.compile(
    rf"^\s*(?P<issue>\d{{1,2}})\s*/\s*(?P<year>(?:19|20)\d\d)\s*(?P<name>[{CJK}]{{2,20}}公报)\s*(?P<section>[{CJK}]{{0,12}})\s*$"
)

#: A running header with the issue instead: "平顺县人民政府公报 2023年第4期", "2023年第4期 平顺县人民政府公报 县政府文件".
RUNNING_HEADER_ISSUE = re.compile(
    rf"^\s*(?:(?P<year>(?:19|20)\d\d)\s*年?\s*第\s*(?P<issue>\d{{1,2}})\s*期\s*)?(?P<name>[{CJK}]{{2,20}}公报)"
    rf"\s*(?:(?P<year2>(?:19|20)\d\d)\s*年?\s*第\s*(?P<issue2>\d{{1,2}})\s*期)?\s*(?P<section>[{CJK}]{{0,12}})\s*$"
)

# --- 政府信息公开 metadata copied from a web page ------------------------------------------------------

#: The labels of a 政府信息公开 metadata table.
WEB_META_LABELS = "索引号|信息索引号|发文机关|发布机构|发文单位|发文字号|文号|成文日期|发文日期|发布日期|公开日期|标题|名称|文件名称|主题分类|有效性|公开方式|公开范围|生效日期|废止日期|时效性"
#: One "label：value" field of such a table: "发文字号：平政办发〔2023〕39号". A line may hold several.
WEB_META_FIELD = re.compile(
    rf"(?:^|(?<=\s))(?P<label>{WEB_META_LABELS})\s*[:：]\s*(?P<value>.*?)\s*(?=(?<=\s)(?:{WEB_META_LABELS})\s*[:：]|\t|$)"
)

# --- leaked markup (raw lines) -----------------------------------------------------------------------

#: Inline LaTeX: "$\geq 95\%$".
LATEX_INLINE = re.compile(r"\$([^$\n]{1,80})\$")
#: Markdown bold/italics: "**重点**", "__重点__".
MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
#: HTML tags: "<p>", "</span>", "<br/>".
HTML_TAG = re.compile(r"</?(?:p|br|span|div|b|i|strong|em|u|sup|sub|font|td|tr|table|li|ul|ol)\b[^>]*>", re.I)
#: An autolink: "<http://www.yczf.gov.cn/>".
AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
#: A list bullet added by the extractor: "- 1.《…》", " - 3、…".
LIST_BULLET = re.compile(r"^\s*[-*•·]\s+(?=\S)")
#: A table rule line: "--\t----", "|---|---|".
TABLE_RULE = re.compile(r"^[\s|:+\-–—=_\t]*$")

# --- structure markers (repaired lines) --------------------------------------------------------------

#: 第一章 / 第二节 / 第十三条 / 第一编 — regulation-style outline.  "第一章 总则", "第三条 县财政局…".
ARTICLE_MARK = re.compile(rf"^第(?P<num>[{CN_DIGITS}\d]{{1,6}})(?P<kind>编|章|节|条)(?:\s*|(?=[{CJK}]))")
#: 一、 — first-level plan item.  "一、指导思想".
CN_ITEM = re.compile(rf"^(?P<num>[{CN_DIGITS}]{{1,4}})\s*[、.．](?!\d)")
#: （一） — second-level item, full- or half-width brackets.  "（一）源头整合", "(三)统筹协调".
CN_PAREN = re.compile(rf"^[（(]\s*(?P<num>[{CN_DIGITS}]{{1,4}})\s*[）)]\s*[、.．]?")
#: 1. / 1、 / 1． — third-level item, not a decimal number ("1.5倍" is not a marker).
AR_ITEM = re.compile(r"^(?P<num>\d{1,3})\s*(?:[、．]|\.(?!\d))")
#: （1） / (1) — fourth-level item.
AR_PAREN = re.compile(r"^[（(]\s*(?P<num>\d{1,3})\s*[）)]")
#: ① … ⑳ — fifth-level item.
CIRCLED = re.compile(r"^(?P<num>[①-⑳])")
#: 1.1 / 1.1.1 — decimal outline used by emergency plans: "1.1 编制目的", "3.2.1预警分级".
DECIMAL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})(?![\d%％])\.?\s*(?=[^\d\s.])")
#: "1 总则", "9附件" — first level of a decimal outline (only when short and unpunctuated).
DECIMAL_TOP = re.compile(rf"^(?P<num>\d{{1,2}})\s*[、.]?\s*(?=[{CJK}])")
#: 附件 announcements and headings: "附件：…", "附件:1.…", "附件 3", "附件2".
ATTACHMENT_MARK = re.compile(r"^\s*附\s*件\s*(?P<num>\d{1,2})?\s*[:：]?")

# --- document-level lines ----------------------------------------------------------------------------

#: 附注 on publicity: "（此件公开发布）", "(此件主动公开)", "（依申请公开）", "（此件不予公开）", "（本件公开发布）".
PUBLICITY = re.compile(
    r"^\s*[（(]\s*(?P<mark>(?:此件|本件|本文件)?\s*(?:公开发布|主动公开|依申请公开|不予公开|不公开|免于公开))\s*[）)]\s*$"
)
#: A note that attachments are only on the web: "（附件详见县政府网站）", "(见网络版)", "（详见阳城县人民政府门户网站）".
ONLINE_NOTE = re.compile(
    r"[（(]?\s*(?:附件)?\s*(?:详见|见)\s*(?P<where>[^）)]{0,20}?(?:网络版|网站|网页))\s*[）)]?"
)
#: A section heading in a TOC: "【县政府文件】", "阳城县人民政府办公室文件", "规范性文件".
TOC_SECTION = re.compile(
    rf"^\s*(?:【(?P<bracketed>[^】]{{2,20}})】|(?P<plain>[{CJK}]{{0,16}}(?:文件|规范性文件|命令|公告)))\s*$"
)
#: The end of a TOC entry: "…（平政办发〔2023〕39号）\t…12", "(阳政办发〔2022〕81 号) 83".
TOC_PAGE = re.compile(r"[\s.…·:：]*(?P<page>\d{1,3})\s*$")
#: A TOC heading: "目 录", "目录".
TOC_HEADING = re.compile(r"^\s*目\s*录\s*$")
#: Issue number in a masthead: "2023 第4期", "第3期(总第5期)", "2022年第2期（总第6期）".
ISSUE_NO = re.compile(r"(?:(?P<year>(?:19|20)\d\d)\s*年?\s*)?第\s*(?P<issue>\d{1,3})\s*期")
TOTAL_ISSUE = re.compile(r"总\s*第\s*(?P<total>\d{1,4})\s*期")
#: A bare year line in a masthead: "2022".
YEAR_LINE = re.compile(r"^\s*(?P<year>(?:19|20)\d\d)\s*$")
#: The gazette's name: "平顺县人民政府公报".
GAZETTE_NAME = re.compile(rf"^\s*(?P<name>[{CJK}]{{2,20}}(?:人民政府|政府)公报)\s*$")

# --- validity, interpretation --------------------------------------------------------------------------

#: Entry into force: "自印发之日起施行", "自公布之日起30日后施行", "自2023年2月15日起实施", "自发布之日起执行".
EFFECTIVE = re.compile(
    rf"[自至]\s*(?P<when>{DATE_TEXT}|(?:印发|发布|公布|颁布|下发|批准|签发)(?:之日|期|日)(?:起)?\s*(?:(?P<delay>[\d{CN_DIGITS}]+)\s*日后)?)"
    r"\s*起?\s*(?P<verb>施行|实施|执行|生效)"
)
#: Validity period: "有效期5年", "有效期两年", "有效期为三年", "试行两年", "试行 1年".
VALIDITY = re.compile(
    rf"(?P<what>有效期(?:为|至)?|试行(?:期(?:为)?)?)\s*(?P<n>[\d{CN_DIGITS}]{{1,3}})\s*(?P<unit>年|个月)"
)
#: Explicit end date: "有效期至2025年12月31日".
VALID_UNTIL = re.compile(rf"有效期至\s*(?P<date>{DATE_TEXT})")
#: Interpreter: "本办法由县医保局负责解释", "最终解释权归平顺县民政局和平顺县乡村振兴局所有".
INTERPRETER = re.compile(
    rf"由\s*(?P<who>[{CJK}（）()、和及与]{{2,40}}?)\s*负责解释|解释权归\s*(?P<who2>[{CJK}（）()、和及与]{{2,40}}?)\s*所有"
)
#: Explainer (政策解读): "本文件由县发改局负责解读".
EXPLAINER = re.compile(rf"由\s*(?P<who>[{CJK}（）()、和及与]{{2,40}}?)\s*(?:负责)?解读")
