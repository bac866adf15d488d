-- gongbao SQLite schema (see docs/schema.md). Usable with plain sqlite3 and datasette.
-- Line numbers are 1-based and refer to sources.raw_text.

-- One ingested file, verbatim. Re-ingesting the same bytes (same sha256) changes nothing.
CREATE TABLE IF NOT EXISTS sources (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,          -- as given on the command line
    sha256      TEXT NOT NULL UNIQUE,   -- of the raw bytes
    encoding    TEXT NOT NULL,
    size        INTEGER NOT NULL,       -- bytes
    raw_text    TEXT NOT NULL,          -- decoded (txt) or extracted (pdf, ofd, html) text, unmodified
    ingested_at TEXT NOT NULL,          -- ISO timestamp (UTC)
    format      TEXT NOT NULL DEFAULT 'txt',  -- txt | pdf | ofd | html (from the content)
    page_starts TEXT,                   -- JSON [line where page 1 starts, page 2 …] (pdf, ofd)
    meta        TEXT                    -- JSON: page metadata, URL, PDF info, extraction warnings
);

-- A gazette issue (公报), when the file has a masthead or running headers.
CREATE TABLE IF NOT EXISTS gazettes (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    name            TEXT,               -- 平顺县人民政府公报
    county          TEXT,               -- 平顺县
    year            INTEGER,
    issue           INTEGER,            -- 第4期
    total_issue     INTEGER,            -- 总第N期
    published       TEXT,               -- ISO date
    sponsor         TEXT,               -- 主办单位
    editorial_board TEXT,               -- JSON [{role, names, line}]
    line_start      INTEGER,
    line_end        INTEGER
);

-- 目录 entries of a gazette, linked to the document they announce when it was found.
CREATE TABLE IF NOT EXISTS toc_entries (
    id          INTEGER PRIMARY KEY,
    gazette_id  INTEGER NOT NULL REFERENCES gazettes(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    section     TEXT,                   -- 县政府文件
    title       TEXT NOT NULL,
    doc_no      TEXT,
    page        INTEGER,
    line        INTEGER,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL
);

CREATE INDEX IF NOT EXISTS toc_gazette ON toc_entries(gazette_id);
CREATE INDEX IF NOT EXISTS toc_document ON toc_entries(document_id);
CREATE INDEX IF NOT EXISTS gazettes_source ON gazettes(source_id);
CREATE INDEX IF NOT EXISTS gazettes_issue ON gazettes(name, year, issue);
CREATE INDEX IF NOT EXISTS sources_path ON sources(path);

-- A document (公文): a cover notice together with the texts it issues.
CREATE TABLE IF NOT EXISTS documents (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    gazette_id       INTEGER REFERENCES gazettes(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,  -- order in the source
    doc_no           TEXT,              -- 文号, normalised: 平政办发〔2023〕39号
    doc_no_prefix    TEXT,              -- 机关代字: 平政办发
    doc_no_year      INTEGER,
    doc_no_serial    INTEGER,
    issuer           TEXT,              -- 发文机关
    county           TEXT,              -- 平顺县
    title            TEXT NOT NULL,
    doc_type         TEXT,              -- 文种: 通知 意见 批复 令 …
    signed_date      TEXT,              -- 成文日期 (ISO)
    publicity        TEXT,              -- 主动公开 / 依申请公开 / 不予公开 / NULL
    recipients       TEXT,              -- JSON list of 主送机关
    main_title       TEXT,              -- title of the first issued main text
    main_kind        TEXT,              -- 办法 实施方案 应急预案 …
    main_line_start  INTEGER,
    effective        TEXT,              -- ISO date or rule text
    effective_date   TEXT,
    validity_period  TEXT,
    expires          TEXT,
    interpreter      TEXT,
    line_start       INTEGER NOT NULL,
    line_end         INTEGER NOT NULL,
    field_sources    TEXT,              -- JSON {field: [line_start, line_end]}
    extra            TEXT,              -- JSON: explainer, signatories, toc entry, web metadata …
    title_key        TEXT,              -- title reduced for matching citations by title
    core_key         TEXT               -- the same for the issued text ("关于印发《X》的通知" → X)
);
CREATE INDEX IF NOT EXISTS documents_doc_no ON documents(doc_no);
CREATE INDEX IF NOT EXISTS documents_signed ON documents(signed_date);
CREATE INDEX IF NOT EXISTS documents_gazette ON documents(gazette_id);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_id);
CREATE INDEX IF NOT EXISTS documents_title_key ON documents(title_key);
CREATE INDEX IF NOT EXISTS documents_core_key ON documents(core_key);

-- The repaired text of a whole document (kept apart so that documents stays small and fast to scan).
CREATE TABLE IF NOT EXISTS document_texts (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text        TEXT NOT NULL
);

-- Parts of a document: the cover notice, each issued main text, printed attachments.
CREATE TABLE IF NOT EXISTS parts (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    role        TEXT NOT NULL,          -- notice | main_text | attachment
    title       TEXT,
    kind        TEXT,
    line_start  INTEGER NOT NULL,
    line_end    INTEGER NOT NULL,
    text        TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS parts_document ON parts(document_id);

-- The article tree: chapters, articles, numbered items.
CREATE TABLE IF NOT EXISTS nodes (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    part_id     INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,       -- document order
    depth       INTEGER NOT NULL,
    node_key    TEXT NOT NULL,          -- stable id within the part: ch2/art5, p3/pp2/n1
    kind        TEXT NOT NULL,          -- 章 条 一、 （一） 1. （1） ① 1.1 preamble
    marker      TEXT,
    number      INTEGER,
    heading     TEXT,
    text        TEXT NOT NULL,
    line_start  INTEGER NOT NULL,
    line_end    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_document ON nodes(document_id);
CREATE INDEX IF NOT EXISTS nodes_part ON nodes(part_id);
CREATE INDEX IF NOT EXISTS nodes_parent ON nodes(parent_id);

CREATE TABLE IF NOT EXISTS attachments (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    title       TEXT NOT NULL,
    only_online INTEGER NOT NULL,       -- 1: 仅网络版 (not printed in the gazette)
    printed     INTEGER NOT NULL,
    line        INTEGER
);

CREATE INDEX IF NOT EXISTS attachments_document ON attachments(document_id);

-- Parser warnings (document_id NULL: about the gazette as a whole).
CREATE TABLE IF NOT EXISTS warnings (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    line        INTEGER
);

CREATE INDEX IF NOT EXISTS warnings_source ON warnings(source_id);
CREATE INDEX IF NOT EXISTS warnings_document ON warnings(document_id);

-- Repaired logical lines with their raw line range (the repair stage's output).
CREATE TABLE IF NOT EXISTS repaired_lines (
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    raw_start   INTEGER NOT NULL,
    raw_end     INTEGER NOT NULL,
    PRIMARY KEY (source_id, seq)
) WITHOUT ROWID;

-- Full-text index: word-segmented (rjieba, search mode) title, issuer/文号 and body; rowid = documents.id.
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    title, meta, body,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Citations: every reference a document makes (see gongbao.link.citations), resolved to a document of
-- the corpus when one matches (target_id), else identified by target_key (its 文号, or "title:" + title).
CREATE TABLE IF NOT EXISTS citations (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,          -- doc_no | title | order | standard
    text        TEXT NOT NULL,          -- as printed
    doc_no      TEXT,                   -- normalised 文号 / order number / standard id
    title       TEXT,
    title_key   TEXT,
    core_key    TEXT,
    relation    TEXT NOT NULL,          -- 依据 废止 部分废止 修订/替代 贯彻落实 参照 其他
    replaces    INTEGER NOT NULL,       -- 1: the citing document is a revised edition of the cited one
    within_seq  INTEGER,                -- seq of the citation this one is part of ("《X》中《A》…废止")
    part_seq    INTEGER NOT NULL,
    start       INTEGER NOT NULL,       -- offsets in parts.text
    "end"       INTEGER NOT NULL,
    line_start  INTEGER NOT NULL,       -- raw lines
    line_end    INTEGER NOT NULL,
    sentence    TEXT NOT NULL,
    issuer      TEXT,                   -- inferred from the 机关代字 (data/issuer_prefixes.json)
    level       TEXT,                   -- national | province | city | county
    target_id   INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    target_key  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS citations_document ON citations(document_id);
CREATE INDEX IF NOT EXISTS citations_target ON citations(target_id);
CREATE INDEX IF NOT EXISTS citations_key ON citations(target_key);
CREATE INDEX IF NOT EXISTS citations_doc_no ON citations(doc_no);

-- Documents cited but not in the corpus, one row per 文号 (or title).
CREATE VIEW IF NOT EXISTS external_documents AS
    SELECT target_key AS key, max(doc_no) AS doc_no, max(title) AS title, max(issuer) AS issuer, max(level) AS level,
           count(*) AS citations
    FROM citations WHERE target_id IS NULL AND kind != 'standard' GROUP BY target_key;


-- Agencies (机关、单位) named in documents, canonical per county (data/agencies.json), with the names seen.
CREATE TABLE IF NOT EXISTS agencies (
    id      INTEGER PRIMARY KEY,
    county  TEXT,
    name    TEXT NOT NULL,              -- canonical name: 县发展改革和科学技术局
    known   INTEGER NOT NULL,           -- 1: from the data file; 0: seen in a document only
    UNIQUE (county, name)
);
CREATE TABLE IF NOT EXISTS agency_aliases (
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,            -- 县发改局, 县发科局 …
    UNIQUE (agency_id, alias)
);
CREATE TABLE IF NOT EXISTS document_agencies (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,          -- as printed
    role        TEXT,                   -- 牵头单位 责任单位 配合单位 成员单位 … or NULL (just named)
    part_seq    INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    line        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS document_agencies_document ON document_agencies(document_id);
CREATE INDEX IF NOT EXISTS document_agencies_agency ON document_agencies(agency_id);

-- The task ledger (督办台账): work assigned by the documents (see gongbao.tasks.extract).
CREATE TABLE IF NOT EXISTS tasks (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL,      -- task | duty | target
    clause          TEXT NOT NULL,      -- 三、 （一） 4.
    node_key        TEXT NOT NULL,      -- outline id: p3/pp1/n4
    part_seq        INTEGER NOT NULL,
    text            TEXT NOT NULL,
    lead_units      TEXT NOT NULL,      -- JSON list (canonical names where known)
    support_units   TEXT NOT NULL,      -- JSON list
    units_printed   TEXT NOT NULL,      -- JSON list, as in the text
    inherited_units INTEGER NOT NULL,   -- 1: units taken from the heading above
    deadline        TEXT,               -- ISO date
    deadline_text   TEXT,
    deadline_kind   TEXT,               -- absolute | relative | event | phase | horizon
    deadline_note   TEXT,
    schedule        TEXT,               -- JSON {text, rrule, description}
    target          TEXT,               -- JSON {text, year, value, unit}
    line_start      INTEGER NOT NULL,
    line_end        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_document ON tasks(document_id);
CREATE INDEX IF NOT EXISTS tasks_deadline ON tasks(deadline);
CREATE TABLE IF NOT EXISTS task_units (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit    TEXT NOT NULL,
    role    TEXT NOT NULL                -- lead | support
);
CREATE INDEX IF NOT EXISTS task_units_unit ON task_units(unit);
CREATE INDEX IF NOT EXISTS task_units_task ON task_units(task_id);
