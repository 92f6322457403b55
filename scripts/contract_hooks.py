"""schemathesis hooks for scripts/contract.

Half of the bodies generated for `POST /api/v1/submissions` are replaced by a valid
anonymous complaint with a fresh id and receipt secret, so that the stateful phase gets
receipts and follows the document's links (status, identity, reply, the staff read and
step); the other half stay as generated, to attack validation. Likewise half of the
forms posted to Open311's `requests.json` carry the API key the script issued, so that
they reach the complaint form's rules instead of stopping at the key.
"""

import datetime
import json
import os
import secrets
import urllib.request
import uuid
import zlib

import schemathesis

BASE = os.environ["ADAL_CONTRACT_URL"]
OPEN311_KEY = os.environ.get("ADAL_CONTRACT_OPEN311_KEY", "")


def _current_complaint_version():
    with urllib.request.urlopen(BASE + "/api/v1/forms") as answer:
        forms = json.load(answer)["forms"]
    return max(form["version"] for form in forms if form["id"] == "complaint")


COMPLAINT_VERSION = _current_complaint_version()


def _valid_complaint():
    occurred = datetime.date.today() - datetime.timedelta(days=3)
    return {
        "id": str(uuid.uuid4()),
        "form": {"id": "complaint", "version": COMPLAINT_VERSION},
        "answers": {
            "district": "URA",
            "category": "school",
            "institution": "School No. 12",
            "description": "Parents were asked for 5000 tenge for new curtains.",
            "occurred_on": occurred.isoformat(),
            "anonymous": True,
        },
        "receipt_secret": secrets.token_urlsafe(32),
    }


def _one_half(body):
    """Which half a body is in, decided by the body itself, so a replayed case is the same."""
    return zlib.crc32(json.dumps(body, sort_keys=True, default=str).encode()) % 2 == 0


@schemathesis.hook
def map_body(ctx, body):
    operation = ctx.operation
    if operation is None or operation.method.upper() != "POST" or not isinstance(body, dict):
        return body
    if operation.path == "/api/v1/submissions" and _one_half(body):
        return _valid_complaint()
    if operation.path == "/open311/v2/requests.json" and OPEN311_KEY and _one_half(body):
        return {**body, "api_key": OPEN311_KEY}
    return body
