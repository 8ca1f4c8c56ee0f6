"""A message's files on Slack: uploaded (files upload v2) into the thread of the message they go with.

The text is posted first, as any message; then its files, in its thread (a reply's files join
the reply's thread). Idempotency: chat.postMessage is found again by its metadata tag when an
earlier try may have landed (sender.py), and files by name among the thread's replies posted
since the message, so a retry after a partial success posts neither twice. A failure while the
files go up is raised as `FilesPending`, never as RetryLater or PermanentFailure: delivery then
keeps `maybe_sent` set, and the retry looks for the text instead of posting it again. A file that
Slack refuses for good (no files:write scope, too large) is replaced by a line in the thread
saying so, and the message counts as delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.events import Attachment, OutgoingMessage
from bot.ports import PermanentFailure

log = logging.getLogger(__name__)
FILE_REFUSALS = frozenset({"file_too_large", "invalid_file_type", "file_uploads_disabled",
                           "file_uploads_except_images_disabled", "invalid_arguments"})
NOT_ATTACHED = {"zh": "📎 文件「{name}」无法上传到 Slack（{why}），请联系管理员。",
                "en": "📎 The file {name} could not be uploaded to Slack ({why}); tell your admin."}


class FilesPending(RuntimeError):
    """The message is posted, some of its files are not yet: retried with backoff (maybe_sent)."""


def _shared_names(client: WebClient, channel: str, thread: str, since: str) -> set[str]:
    """Names of files already in the thread, posted at or after the message (`since`); none when
    the thread cannot be read for good (then uploading again beats never sending them)."""
    from adapters.slack.sender import classify  # (sender.py imports this module)

    try:
        page = client.conversations_replies(channel=channel, ts=thread, oldest=since, inclusive=True, limit=200)
    except SlackApiError as err:
        if not isinstance(classify(err), PermanentFailure):
            raise
        log.warning("cannot read thread %s of %s to look for files already shared; uploading", thread, channel)
        return set()
    return {f.get("name") or f.get("title") for m in page.get("messages") or () if float(m.get("ts", 0)) >= float(since)
            for f in m.get("files") or ()}


def share_files(client: WebClient, msg: OutgoingMessage, *, channel: str, thread: str, since: str,
                maybe_sent: bool, lang: str, pace: Callable[[str], None]) -> None:
    """Upload `msg`'s files into `thread` of `channel` (those not there yet when `maybe_sent`)."""
    pending: list[Attachment] = list(msg.attachments)
    if not pending:
        return
    try:
        if maybe_sent:
            shared = _shared_names(client, channel, thread, since)
            pending = [a for a in pending if a.name not in shared]
        for attachment in pending:  # one at a time: a refusal of one file does not hold back the rest
            pace(channel)
            try:
                client.files_upload_v2(content=attachment.data or b"", filename=attachment.name,
                                       title=attachment.name, channel=channel, thread_ts=thread)
            except SlackApiError as err:
                from adapters.slack.sender import classify  # (sender.py imports this module)

                code = err.response.get("error", "") if isinstance(err.response.data, dict) else ""
                if not (isinstance(classify(err), PermanentFailure) or code in FILE_REFUSALS):
                    raise
                log.warning("slack refused the file %s of %s: %s", attachment.name, msg.key, code)
                pace(channel)
                client.chat_postMessage(channel=channel, thread_ts=thread, text=NOT_ATTACHED.get(
                    lang, NOT_ATTACHED["en"]).format(name=attachment.name, why=code))
    except (SlackApiError, SlackRequestError, OSError) as err:
        raise FilesPending(f"{msg.key}: posted, its files not yet: {err}"[:500]) from err
