"""Archive file names as the handbooks spell them: 项目名称-文档类型-YYYYMMDD.ext."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.export.strings import ARCHIVE, record_name

# Not allowed in file names on Windows, macOS or Linux (and path separators anywhere).
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_OWNER = 80  # characters of the project or chat name kept: names stay well under 255 bytes
EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "md": "md"}


def safe(text: str) -> str:
    """`text` usable as part of a file name: unsafe characters become "_", no leading dots."""
    text = unicodedata.normalize("NFC", text)
    text = UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" ._")
    return text[:MAX_OWNER].rstrip(" .") or "genjin"


def file_name(owner: str, doc_type: str, day: date, ext: str) -> str:
    return f"{safe(owner)}-{safe(doc_type)}-{day:%Y%m%d}.{ext}"


def archive_name(owner: str, *, lang: str, day: date, fmt: str) -> str:
    """The one workbook or Markdown file holding every record type."""
    return file_name(owner, ARCHIVE[1] if lang == "en" else ARCHIVE[0], day, EXTENSIONS[fmt])


def record_file_name(owner: str, record: str, *, lang: str, day: date) -> str:
    """One record type's CSV file."""
    return file_name(owner, record_name(lang, record), day, "csv")
