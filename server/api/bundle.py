"""POST /sync/bundle: a phone's exported zip, the same results as a push."""
import tempfile

from flask import current_app, request
from flask_smorest import Blueprint

from ..auth import PHONE_SYNC, authenticate, extend_device_token, roles_required
from ..phones.bundles import import_bundle, save_upload
from ..errors import Problem

blp = Blueprint("api_bundle", __name__, description="Bundles (sync without a network)")


@blp.route("/sync/bundle", methods=["POST"])
@roles_required(*PHONE_SYNC)
@blp.response(200)
def upload_bundle():
    request.max_content_length = current_app.config["MAX_BUNDLE_BYTES"]
    upload = request.files.get("bundle")
    if upload is None:
        raise Problem("invalid_value", field="bundle", message="missing")
    with tempfile.TemporaryDirectory() as workdir:
        result = import_bundle(save_upload(upload, workdir), caller=authenticate())
    extend_device_token()
    return result
