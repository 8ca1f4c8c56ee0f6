"""A message's files on Feishu: uploaded (im/v1/files, im/v1/images), then posted as file or image
messages right after the text, in the same thread when the text was a reply.

Idempotency: each file message carries a uuid derived from the outbox key and the file's name,
as the text does, so a retry after a partial success (text posted, a file not yet) is dropped by
Feishu for what already went, within its one-hour window; an upload repeated on a retry only
leaves an unused key behind. A failure while the files go up is raised as `FilesPending` (never
RetryLater / PermanentFailure, which would tell delivery that nothing was posted). A file Feishu
refuses for good (too large, an empty file, no permission) becomes a line in the chat saying so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import PurePath

from adapters.feishu.api import FeishuApi, FeishuError
from bot.events import Attachment, OutgoingMessage
from bot.ports import PermanentFailure

log = logging.getLogger(__name__)
FILES, IMAGES = "/open-apis/im/v1/files", "/open-apis/im/v1/images"
# Feishu's file types (im/v1/files): anything else goes as "stream".
FILE_TYPES = {".xls": "xls", ".xlsx": "xls", ".csv": "stream", ".pdf": "pdf", ".doc": "doc", ".docx": "doc",
              ".ppt": "ppt", ".pptx": "ppt", ".mp4": "mp4", ".opus": "opus"}
NOT_ATTACHED = {"zh": "📎 文件「{name}」无法发送到飞书（{why}），请联系管理员。",
                "en": "📎 The file {name} could not be sent on Feishu ({why}); tell your admin."}
# Upload refusals no retry changes (im/v1/files, im/v1/images): a bad or empty file, one too large.
FILE_REFUSALS = frozenset({234001, 234006, 234010, 234011})
Post = Callable[[dict], str]  # a message body (msg_type, content, uuid) -> its message_id


class FilesPending(RuntimeError):
    """The text is posted, some of its files are not yet: retried with backoff (maybe_sent)."""


def file_type(name: str) -> str:
    return FILE_TYPES.get(PurePath(name).suffix.lower(), "stream")


def upload(api: FeishuApi, attachment: Attachment) -> tuple[str, dict]:
    """Upload one file: the message type and content that show it in a chat."""
    data = attachment.data or b""
    if attachment.kind == "image":
        answer = api.call("POST", IMAGES, data={"image_type": "message"},
                          files={"image": (attachment.name, data)})
        return "image", {"image_key": (answer.get("data") or {})["image_key"]}
    answer = api.call("POST", FILES, data={"file_type": file_type(attachment.name), "file_name": attachment.name},
                      files={"file": (attachment.name, data)})
    return "file", {"file_key": (answer.get("data") or {})["file_key"]}


def share_files(api: FeishuApi, msg: OutgoingMessage, *, post: Post, uuid_for: Callable[[str], str],
                lang: str) -> None:
    """Upload each of `msg`'s files and post it (`post` sends where the text went)."""
    for attachment in msg.attachments:
        try:
            try:
                msg_type, content = upload(api, attachment)
                post({"msg_type": msg_type, "content": json.dumps(content),
                      "uuid": uuid_for(f"{msg.key}#file:{attachment.name}")})
            except (PermanentFailure, FeishuError) as refused:
                if isinstance(refused, FeishuError) and refused.code not in FILE_REFUSALS:
                    raise
                log.warning("feishu refused the file %s of %s: %s", attachment.name, msg.key, refused)
                text = NOT_ATTACHED.get(lang, NOT_ATTACHED["zh"]).format(name=attachment.name, why=refused)
                post({"msg_type": "text", "content": json.dumps({"text": text}, ensure_ascii=False),
                      "uuid": uuid_for(f"{msg.key}#nofile:{attachment.name}")})
        except Exception as err:
            raise FilesPending(f"{msg.key}: posted, its file {attachment.name} not yet: {err}"[:500]) from err
