"""One exception type per failure a user can meet.

Every message is bilingual (Chinese first) and says what to do. The CLI maps them to exit codes:
0 ok, 1 input error, 2 usage error.
"""

from __future__ import annotations


class GongbaoError(Exception):
    """Base class: an error the user can act on."""

    exit_code = 1

    def __init__(self, message: str, source: str | None = None):
        self.source = source
        super().__init__(message)

    def __str__(self) -> str:  # "file.txt: 文件为空 (file is empty)"
        msg = super().__str__()
        return f"{self.source}: {msg}" if self.source else msg


class InputError(GongbaoError):
    """The input cannot be used (empty, binary, undecodable, not a gazette)."""


class EmptyInputError(InputError):
    def __init__(self, source: str | None = None):
        super().__init__("文件为空，没有可解析的文本 (input is empty)", source)


class BinaryInputError(InputError):
    def __init__(self, source: str | None = None, detail: str = ""):
        super().__init__(
            "这是二进制文件，不是文本；请先把 PDF/OFD 转成文本 (binary input, not text"
            + (f": {detail}" if detail else "")
            + ")",
            source,
        )


class EncodingError(InputError):
    def __init__(self, source: str | None = None):
        super().__init__(
            "无法识别文本编码；请另存为 UTF-8 或 GB18030 (cannot detect the text encoding)", source
        )


class NotAGazetteError(InputError):
    def __init__(self, source: str | None = None, detail: str = ""):
        super().__init__(
            "未找到公文：文本中没有中文公文的标题、文号或正文 (no government document found"
            + (f": {detail}" if detail else "")
            + ")",
            source,
        )


class UsageError(GongbaoError):
    exit_code = 2
