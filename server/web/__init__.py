"""Server-rendered pages: sign-in, supervisor review, admin, public board, the PWA."""
from flask import Flask


def register_web(app: Flask) -> None:
    # Importing the route modules puts their routes on the blueprints.
    from . import (admin, admin_places, admin_rounds, admin_rubrics, admin_teams,  # noqa: F401
                   admin_township, board, health, pages, phone_app, review, review_combined,
                   review_rankings, review_rechecks, review_rectifications)
    from . import review_household_results  # noqa: F401
    from . import admin_households  # noqa: F401
    from . import review_households  # noqa: F401
    from . import review_stars  # noqa: F401
    from . import flashes
    from .blueprints import ALL

    flashes.init_app(app)

    for blueprint in ALL:
        app.register_blueprint(blueprint)
