"""Every page blueprint, in one place: route modules import their blueprint from here,
so no module has to import another's routes to register them."""
from flask import Blueprint

pages = Blueprint("web", __name__)
phone_app = Blueprint("phone_app", __name__, url_prefix="/app")
review = Blueprint("review", __name__, url_prefix="/review")
admin = Blueprint("admin", __name__, url_prefix="/admin")
board = Blueprint("board", __name__, url_prefix="/board")

ALL = (pages, phone_app, review, admin, board)
